#include "vault/audit/bundle.h"

#include "base/status_macros.h"
#include "base/strings.h"
#include "hoidla/storage/v1/records.pb.h"
#include "vault/audit/checkpoints.h"
#include "vault/audit/merkle.h"

namespace hoidla::audit {

absl::StatusOr<BundleReport> VerifyBundle(const ::hoidla::v1::AuditBundle& bundle,
                                          const keys::NoteVerifier& verifier) {
  if (bundle.format() != kBundleFormat) {
    return absl::InvalidArgumentError("bundle: not a hoidla audit bundle");
  }
  auto text = keys::OpenNote(bundle.checkpoint(), verifier);
  if (!text.ok()) {
    return absl::DataLossError(StrCat("checkpoint: ", std::string(text.status().message())));
  }
  HOIDLA_ASSIGN_OR_RETURN(TreeHead head, ParseCheckpointBody(*text, verifier.name));
  if (bundle.tree_size() != head.size) {
    return absl::DataLossError("bundle: tree size differs from its checkpoint's");
  }
  BundleReport report{head.size, bundle.first_seq(), 0, head.root};
  if (!bundle.organization_id().empty()) {
    // An organisation's entries only: each at its own seq, in increasing
    // order, of that organisation. (Whether one was left out cannot be
    // told from the bundle: a full export proves completeness.)
    uint64_t next = bundle.first_seq();
    for (const auto& item : bundle.entries()) {
      ::hoidla::storage::v1::AuditEntry entry;
      if (!entry.ParseFromString(item.entry())) {
        return absl::DataLossError(StrCat("entry after ", next, ": altered or inserted"));
      }
      if (entry.seq() < next) {
        return absl::DataLossError(
            StrCat("entry ", entry.seq(), ": out of order (expected ", next, " or later)"));
      }
      if (entry.seq() >= head.size) {
        return absl::DataLossError(
            StrCat("entry ", entry.seq(), ": beyond the checkpoint (inserted)"));
      }
      if (entry.organization_id() != bundle.organization_id()) {
        return absl::DataLossError(
            StrCat("entry ", entry.seq(), ": of another organisation (inserted)"));
      }
      std::vector<std::string> proof(item.proof().begin(), item.proof().end());
      if (!VerifyInclusion(LeafHash(item.entry()), entry.seq(), head.size, proof, head.root).ok()) {
        return absl::DataLossError(StrCat("entry ", entry.seq(), ": altered or inserted"));
      }
      next = entry.seq() + 1;
      ++report.verified;
    }
    return report;
  }
  // Whether an entry numbered `seq` appears at position `from` or later.
  auto appears_later = [&bundle](int from, uint64_t seq) {
    for (int j = from; j < bundle.entries_size(); ++j) {
      ::hoidla::storage::v1::AuditEntry e;
      if (e.ParseFromString(bundle.entries(j).entry()) && e.seq() == seq) return true;
    }
    return false;
  };
  uint64_t expected = bundle.first_seq();
  for (int position = 0; position < bundle.entries_size(); ++position) {
    const auto& item = bundle.entries(position);
    if (expected >= head.size) {
      return absl::DataLossError(StrCat("entry ", expected, ": beyond the checkpoint (inserted)"));
    }
    ::hoidla::storage::v1::AuditEntry entry;
    const bool parsed = entry.ParseFromString(item.entry());
    if (parsed && entry.seq() > expected) {
      if (appears_later(position + 1, expected)) {
        return absl::DataLossError(
            StrCat("entry ", expected, ": out of order (holds entry ", entry.seq(), ")"));
      }
      return absl::DataLossError(StrCat("entry ", expected, ": missing"));
    }
    if (parsed && entry.seq() < expected) {
      return absl::DataLossError(
          StrCat("entry ", expected, ": out of order (holds entry ", entry.seq(), ")"));
    }
    std::vector<std::string> proof(item.proof().begin(), item.proof().end());
    if (!parsed ||
        !VerifyInclusion(LeafHash(item.entry()), expected, head.size, proof, head.root).ok()) {
      return absl::DataLossError(StrCat("entry ", expected, ": altered or inserted"));
    }
    ++expected;
    ++report.verified;
  }
  if (expected < head.size) {
    return absl::DataLossError(StrCat("entries from ", expected, ": missing (tail cut)"));
  }
  return report;
}

}  // namespace hoidla::audit
