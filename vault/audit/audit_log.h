// AuditLog: the append-only, tamper-evident record of every RPC outcome.
//
// Each entry is appended in the same atomic, synced write as the effect it
// records (Commit(entry, effect)): either both are durable or neither is.
// Entries are numbered 0, 1, 2, ... without gaps and are the leaves of an
// RFC 6962 Merkle tree whose frontier is stored with every write, so the
// tree head (size, root) is always that of the committed log.
//
// Group commit: concurrent callers are gathered into one write with one
// fsync, in the order they arrived (the leader/follower scheme of LevelDB's
// DBImpl::Write), so audited throughput stays close to the store's own.
//
// Fails closed: when a write fails (disk full, I/O error) every caller in
// that group gets UNAVAILABLE, nothing of theirs is applied, and healthy()
// turns false until a later write succeeds; a listener is told of each
// change (the server flips its gRPC health status).
//
// Layout in storage::Space::kAudit (doc/audit.md):
//   "e/" u64be(seq) -> serialised hoidla.storage.v1.AuditEntry (the leaf)
//   "tree"          -> the Merkle frontier after the last entry
//   "n/" u8(level) u64be(index) -> hash of the perfect subtree of 2^level
//                      leaves starting at leaf index * 2^level (level 0: the
//                      leaf hash), written when the subtree completes
//   "xc/" client_id "/" u64be(~seq) -> ""   entries about a client, and
//   "xa/" actor "/" u64be(~seq) -> ""       entries by an actor, newest
//                      first; written with the entry. Lookup aids only: the
//                      entries themselves are what the tree proves.
//
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_AUDIT_AUDIT_LOG_H_
#define HOIDLA_VAULT_AUDIT_AUDIT_LOG_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "hoidla/storage/v1/records.pb.h"
#include "vault/audit/merkle.h"
#include "vault/storage/kv_store.h"

namespace hoidla::audit {

class AuditLog;
using Entry = ::hoidla::storage::v1::AuditEntry;

// The entry of the call in progress: the service layer starts it (method,
// caller, request id, peer), the policy fills in what was decided about
// which target, and whoever commits it sets `committed` (the core with the
// call's effect, or the service layer for reads and failures).
struct AuditDraft {
  Entry entry;
  bool committed = false;
  AuditLog* log = nullptr;  // where to commit; null: not audited
};

// Records in the call's entry the ids of what the call made (a new client,
// case or document), which the policy's decision on the container did not
// know yet; empty arguments leave their field as it is. No-op for a null
// draft.
void NoteTarget(AuditDraft* draft, std::string_view client_id, std::string_view case_id,
                std::string_view object_id);

// Makes `effect` durable as the effect of the call whose audit draft is
// `draft`: with a log, the draft's entry (status "OK") and the effect in one
// atomic synced write; without one (null draft or log), the effect alone.
// UNAVAILABLE when the write fails; nothing is applied then.
absl::Status CommitEffect(AuditDraft* draft, storage::KvStore* store, storage::WriteBatch effect);

class AuditLog {
 public:
  // Opens the log kept in `store`, which must outlive it. DATA_LOSS when the
  // stored frontier is corrupt.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(storage::KvStore* store, Clock* clock);

  // Appends `entry` (its seq and time are assigned here) and applies
  // `effect` in one atomic synced write. Returns the entry's sequence number.
  // UNAVAILABLE when the write fails: then neither is applied.
  absl::StatusOr<uint64_t> Commit(Entry entry, storage::WriteBatch effect = {});

  // Whether the last write succeeded.
  bool healthy() const;
  // Called with the new state whenever healthy() changes.
  void SetHealthListener(std::function<void(bool)> listener);
  // Tries an empty synced write; on success healthy() becomes true again.
  // For a background probe while the log is unhealthy.
  absl::Status Probe();

  // The committed tree head.
  uint64_t size() const;
  std::string root() const;
  // Size and root of the same moment.
  std::pair<uint64_t, std::string> head() const;

  // Reads committed entry `seq`. NOT_FOUND when seq >= size().
  absl::StatusOr<Entry> Get(uint64_t seq) const;
  // The stored bytes of entry `seq` as they are (for export and proofs).
  // NOT_FOUND when absent.
  absl::StatusOr<std::string> RawEntry(uint64_t seq) const;
  // The leaf hashes of the committed log, read from the store, for proofs.
  const LeafHashSource& leaves() const { return leaves_; }

  // Which index Indexed() reads.
  enum class IndexKind { kClient, kActor };
  // The sequence numbers of committed entries whose client_id (kClient) or
  // actor (kActor) is `id` and that are below `before`, newest first, at
  // most `limit`. An error of the store is returned as it is.
  absl::StatusOr<std::vector<uint64_t>> Indexed(IndexKind kind, std::string_view id,
                                                uint64_t before, size_t limit) const;

  static std::string EntryKey(uint64_t seq);
  static std::string IndexKey(IndexKind kind, std::string_view id, uint64_t seq);
  static std::string NodeKey(uint64_t level, uint64_t index);

 private:
  class StoreLeaves : public LeafHashSource {
   public:
    explicit StoreLeaves(const AuditLog* log) : log_(log) {}
    absl::StatusOr<std::string> LeafHashAt(uint64_t index) const override;
    uint64_t size() const override { return log_->size(); }
    // Reads the perfect-subtree hash stored when the subtree completed:
    // proofs cost O(log n) reads, and a proof never recomputes a node from
    // (possibly altered) entries, so an altered entry fails alone.
    absl::StatusOr<std::string> SubtreeHash(uint64_t level, uint64_t index) const override;

   private:
    const AuditLog* log_;
  };

  struct Writer {
    Entry* entry;
    storage::WriteBatch* effect;
    absl::Status status;
    uint64_t seq = 0;
    bool done = false;
    absl::CondVar cv;
  };

  AuditLog(storage::KvStore* store, Clock* clock, CompactTree tree)
      : store_(store), clock_(clock), tree_(std::move(tree)), leaves_(this) {}
  void SetHealthy(bool healthy);

  storage::KvStore* store_;
  Clock* clock_;

  mutable absl::Mutex mu_;
  std::deque<Writer*> writers_ ABSL_GUARDED_BY(mu_);  // front is the leader
  CompactTree tree_ ABSL_GUARDED_BY(mu_);             // committed frontier
  bool healthy_ ABSL_GUARDED_BY(mu_) = true;
  std::function<void(bool)> listener_ ABSL_GUARDED_BY(mu_);
  StoreLeaves leaves_;
};

}  // namespace hoidla::audit

#endif  // HOIDLA_VAULT_AUDIT_AUDIT_LOG_H_
