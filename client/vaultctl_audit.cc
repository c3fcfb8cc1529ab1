#include "client/vaultctl_audit.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "vault/audit/merkle.h"

namespace hoidla::vaultctl {
namespace {

// A C2SP signature line starts with U+2014 EM DASH and a space.
constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

absl::Status Rewritten(uint64_t new_size, uint64_t old_size) {
  return absl::DataLossError(
      StrCat("log rewritten: checkpoint ", new_size, " is not consistent with trusted ", old_size));
}

}  // namespace

std::string HexString(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

absl::StatusOr<std::vector<keys::NoteVerifier>> ParseVerifierKeys(std::string_view text) {
  std::vector<keys::NoteVerifier> verifiers;
  int number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = Trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    if (line.empty() || line.front() == '#') continue;
    absl::StatusOr<keys::NoteVerifier> verifier = keys::ParseVerifierKey(line);
    if (!verifier.ok()) {
      return absl::InvalidArgumentError(
          StrCat("line ", number, ": ", std::string(verifier.status().message())));
    }
    verifiers.push_back(*std::move(verifier));
  }
  if (verifiers.empty()) return absl::InvalidArgumentError("no verifier key");
  return verifiers;
}

absl::StatusOr<keys::NoteVerifier> VerifierForNote(const std::vector<keys::NoteVerifier>& verifiers,
                                                   std::string_view note) {
  const size_t split = note.rfind("\n\n");
  if (split != std::string_view::npos) {
    std::string_view sigs = note.substr(split + 2);
    while (!sigs.empty()) {
      const size_t end = sigs.find('\n');
      std::string_view line = sigs.substr(0, end);
      sigs.remove_prefix(end == std::string_view::npos ? sigs.size() : end + 1);
      if (!line.starts_with(kSigPrefix)) continue;
      line.remove_prefix(kSigPrefix.size());
      const size_t space = line.find(' ');
      if (space == std::string_view::npos) continue;
      const std::string_view name = line.substr(0, space);
      std::string blob;
      if (!absl::Base64Unescape(std::string(line.substr(space + 1)), &blob) || blob.size() < 4) {
        continue;
      }
      for (const keys::NoteVerifier& v : verifiers) {
        if (v.name == name && v.key_id == blob.substr(0, 4)) return v;
      }
    }
  }
  return absl::DataLossError("note: not signed by any trusted key");
}

absl::StatusOr<audit::TreeHead> OpenCheckpoint(const std::vector<keys::NoteVerifier>& verifiers,
                                               std::string_view note) {
  absl::StatusOr<keys::NoteVerifier> verifier = VerifierForNote(verifiers, note);
  if (!verifier.ok()) {
    return absl::DataLossError(StrCat("checkpoint: ", std::string(verifier.status().message())));
  }
  absl::StatusOr<std::string> text = keys::OpenNote(note, *verifier);
  if (!text.ok()) {
    return absl::DataLossError(StrCat("checkpoint: ", std::string(text.status().message())));
  }
  return audit::ParseCheckpointBody(*text, verifier->name);
}

absl::StatusOr<audit::BundleReport> VerifyBundleBytes(
    const std::string& bytes, const std::vector<keys::NoteVerifier>& verifiers) {
  ::hoidla::v1::AuditBundle bundle;
  if (!bundle.ParseFromString(bytes)) {
    return absl::InvalidArgumentError("bundle: not an audit bundle (cannot parse)");
  }
  if (bundle.format() != audit::kBundleFormat) {
    return absl::InvalidArgumentError(
        StrCat("bundle: not a hoidla audit bundle (format '", bundle.format(), "')"));
  }
  absl::StatusOr<keys::NoteVerifier> verifier = VerifierForNote(verifiers, bundle.checkpoint());
  if (!verifier.ok()) {
    return absl::DataLossError(StrCat("checkpoint: ", std::string(verifier.status().message())));
  }
  return audit::VerifyBundle(bundle, *verifier);
}

absl::StatusOr<WatchResult> WatchRound(const client::VaultClient& vault,
                                       const std::vector<keys::NoteVerifier>& verifiers,
                                       const std::optional<std::string>& trusted_note) {
  std::optional<audit::TreeHead> old_head;
  if (trusted_note.has_value()) {
    absl::StatusOr<audit::TreeHead> head = OpenCheckpoint(verifiers, *trusted_note);
    if (!head.ok()) {
      return absl::FailedPreconditionError(
          StrCat("trusted checkpoint: ", std::string(head.status().message())));
    }
    old_head = *std::move(head);
  }

  HOIDLA_ASSIGN_OR_RETURN(::hoidla::v1::Checkpoint checkpoint, vault.GetCheckpoint());
  HOIDLA_ASSIGN_OR_RETURN(audit::TreeHead new_head, OpenCheckpoint(verifiers, checkpoint.note()));

  WatchResult result;
  result.new_size = new_head.size;
  result.new_root = new_head.root;
  result.note = checkpoint.note();
  if (!old_head.has_value()) {
    result.kind = WatchResult::Kind::kFirst;
    return result;
  }
  result.old_size = old_head->size;
  if (new_head.size < old_head->size) return Rewritten(new_head.size, old_head->size);
  if (new_head.size == old_head->size) {
    if (new_head.root != old_head->root) return Rewritten(new_head.size, old_head->size);
    result.kind = WatchResult::Kind::kUnchanged;
    return result;
  }
  std::vector<std::string> proof;
  if (old_head->size > 0) {
    ::hoidla::v1::GetConsistencyProofRequest request;
    request.set_old_size(old_head->size);
    request.set_new_size(new_head.size);
    HOIDLA_ASSIGN_OR_RETURN(::hoidla::v1::ConsistencyProof response,
                            vault.GetConsistencyProof(request));
    proof.assign(response.hashes().begin(), response.hashes().end());
  }
  if (!audit::VerifyConsistency(old_head->size, new_head.size, old_head->root, new_head.root, proof)
           .ok()) {
    return Rewritten(new_head.size, old_head->size);
  }
  result.kind = WatchResult::Kind::kConsistent;
  return result;
}

}  // namespace hoidla::vaultctl
