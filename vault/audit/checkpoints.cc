#include "vault/audit/checkpoints.h"

#include <charconv>

#include "absl/strings/escaping.h"
#include "base/coding.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "keys/signed_note.h"

namespace hoidla::audit {
namespace {

using storage::Space;
constexpr std::string_view kLatest = "cp-latest";

std::string CheckpointKey(uint64_t size) {
  std::string k = "cp/";
  PutFixed64BE(&k, size);
  return k;
}

}  // namespace

std::string CheckpointBody(std::string_view origin, const TreeHead& head) {
  return StrCat(origin, "\n", head.size, "\n", absl::Base64Escape(head.root), "\n");
}

absl::StatusOr<TreeHead> ParseCheckpointBody(std::string_view text, std::string_view origin) {
  auto bad = [] { return absl::DataLossError("checkpoint: malformed body"); };
  size_t a = text.find('\n');
  if (a == std::string_view::npos || text.substr(0, a) != origin) return bad();
  size_t b = text.find('\n', a + 1);
  if (b == std::string_view::npos) return bad();
  std::string_view size_text = text.substr(a + 1, b - a - 1);
  TreeHead head;
  auto [p, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), head.size);
  if (ec != std::errc() || p != size_text.data() + size_text.size() || size_text.empty()) {
    return bad();
  }
  size_t c = text.find('\n', b + 1);
  if (c == std::string_view::npos) return bad();
  if (!absl::Base64Unescape(std::string(text.substr(b + 1, c - b - 1)), &head.root) ||
      head.root.size() != kHashSize) {
    return bad();
  }
  return head;
}

absl::StatusOr<std::string> Checkpoints::Sign() {
  std::lock_guard lock(mu_);
  auto [size, root] = log_->head();
  TreeHead head{size, root};
  auto latest = store_->Get(Space::kAudit, kLatest);
  if (latest.ok()) {
    // Unchanged head: the newest checkpoint still says it.
    auto note = store_->Get(Space::kAudit, CheckpointKey(head.size));
    if (note.ok() && *latest == CheckpointKey(head.size)) return *note;
  } else if (latest.status().code() != absl::StatusCode::kNotFound) {
    return latest.status();
  }
  HOIDLA_ASSIGN_OR_RETURN(keys::Keyring::SigningKey key, keyring_->ActiveSigningKey());
  HOIDLA_ASSIGN_OR_RETURN(std::string note,
                          keys::SignNote(CheckpointBody(origin_, head), origin_, key.seed));
  storage::WriteBatch batch;
  batch.Put(Space::kAudit, CheckpointKey(head.size), note);
  batch.Put(Space::kAudit, kLatest, CheckpointKey(head.size));
  HOIDLA_RETURN_IF_ERROR(store_->Write(batch));
  return note;
}

absl::StatusOr<std::string> Checkpoints::Latest() {
  {
    std::lock_guard lock(mu_);
    auto latest = store_->Get(Space::kAudit, kLatest);
    if (latest.ok()) return store_->Get(Space::kAudit, *latest);
    if (latest.status().code() != absl::StatusCode::kNotFound) return latest.status();
  }
  return Sign();
}

}  // namespace hoidla::audit
