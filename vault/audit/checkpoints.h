// Checkpoints: signed statements of the audit log's tree head, in the C2SP
// tlog-checkpoint form (https://c2sp.org/tlog-checkpoint) as signed notes:
//
//   <origin>\n<tree size, decimal>\n<base64 of the 32-byte root>\n
//   \n
//   — <origin> <base64(key id || Ed25519 signature)>\n
//
// Stored in kAudit as "cp/" u64be(size) -> note, the newest under
// "cp-latest". Signing is cheap (~15 us); checkpoints are signed on demand
// and by the server at intervals, never per entry.
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_AUDIT_CHECKPOINTS_H_
#define HOIDLA_VAULT_AUDIT_CHECKPOINTS_H_

#include <cstdint>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "keys/keyring.h"
#include "vault/audit/audit_log.h"
#include "vault/storage/kv_store.h"

namespace hoidla::audit {

struct TreeHead {
  uint64_t size = 0;
  std::string root;  // 32 bytes
};

// The checkpoint body for `head` under `origin`.
std::string CheckpointBody(std::string_view origin, const TreeHead& head);
// Parses a checkpoint body (the text of an opened note). DATA_LOSS when it
// is not a checkpoint of `origin`.
absl::StatusOr<TreeHead> ParseCheckpointBody(std::string_view text, std::string_view origin);

class Checkpoints {
 public:
  // All pointers must outlive this object. `origin` names the log (and its
  // signing key) in notes, e.g. "hoidla.example.org/audit".
  Checkpoints(AuditLog* log, storage::KvStore* store, keys::Keyring* keyring, std::string origin)
      : log_(log), store_(store), keyring_(keyring), origin_(std::move(origin)) {}

  const std::string& origin() const { return origin_; }

  // Signs a checkpoint of the current tree head unless the newest one
  // already covers it; returns the newest note. UNAVAILABLE when it cannot
  // be stored.
  absl::StatusOr<std::string> Sign();
  // The newest signed checkpoint, signing the first one when there is none.
  absl::StatusOr<std::string> Latest();

 private:
  AuditLog* log_;
  storage::KvStore* store_;
  keys::Keyring* keyring_;
  std::string origin_;
  std::mutex mu_;
};

}  // namespace hoidla::audit

#endif  // HOIDLA_VAULT_AUDIT_CHECKPOINTS_H_
