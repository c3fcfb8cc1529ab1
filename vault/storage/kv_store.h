// KvStore: the vault's narrow seam to durable storage.
//
// An ordered key-value store partitioned into a fixed set of spaces (RocksDB
// column families; tables or buckets in other engines). It offers point reads,
// prefix scans in key order, consistent snapshots and atomic write batches.
// Nothing above this interface knows which engine is underneath:
// RocksDbStore serves production, MemoryStore serves tests, and
// FaultInjectingStore wraps either to make writes or reads fail on demand.
// Document content does not live here but in a BlobStore (blob_store.h).
//
// The contract is deliberately small so that a distributed engine can
// implement it: PostgreSQL, one table per space, one batch = one transaction.
//
// Values stored here are already sealed by the layers above (doc/format.md);
// a KvStore never sees plaintext client data.
//
// Thread-safety: every method may be called concurrently from any thread.
#ifndef HOIDLA_VAULT_STORAGE_KV_STORE_H_
#define HOIDLA_VAULT_STORAGE_KV_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hoidla::storage {

// The spaces. Values are stable: they are part of the on-disk layout
// (doc/storage-layout.md).
enum class Space : uint8_t {
  kMeta = 0,   // sealed records: organisations, projects, clients, ...
  kIndex = 1,  // ids-only secondary indexes and blind indexes
  kKeys = 2,   // wrapped keys
  kAudit = 3,  // audit log (reserved)
};
inline constexpr int kSpaceCount = 4;
std::string_view SpaceName(Space space);

// An ordered list of puts and deletes applied all-or-nothing by Write().
class WriteBatch {
 public:
  enum class OpType { kPut, kDelete };
  struct Op {
    OpType type;
    Space space;
    std::string key;
    std::string value;
  };

  // Takes `value` by value: pass std::move() to avoid copying large values.
  void Put(Space space, std::string_view key, std::string value);
  void Delete(Space space, std::string_view key);
  void Append(const WriteBatch& other);
  void Clear();

  const std::vector<Op>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }
  // Sum of key and value sizes.
  size_t ByteSize() const { return bytes_; }

 private:
  std::vector<Op> ops_;
  size_t bytes_ = 0;
};

// A consistent read view. Reads through it see exactly the writes completed
// before it was taken. Released when the last reference goes.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
};

// Walks keys of one space that start with a prefix, in ascending byte order.
// Not thread-safe: one iterator belongs to one thread at a time.
class Iterator {
 public:
  virtual ~Iterator() = default;
  // True while positioned on an entry. False at the end or on error.
  virtual bool Valid() const = 0;
  // Requires Valid(). Moves to the next entry.
  virtual void Next() = 0;
  // Require Valid(). The views stay valid until the next call to Next().
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // OK unless iteration stopped because of an error; check after the loop.
  virtual absl::Status status() const = 0;
};

struct WriteOptions {
  // When true (the default) Write() returns only after the batch, and every
  // write completed before it, is durable on stable storage. Only writes that
  // are not yet acknowledged to anyone (chunks of an upload that is committed
  // later with a synced batch) may pass false.
  bool sync = true;
};

class KvStore {
 public:
  virtual ~KvStore() = default;

  // Reads the value of `key` in `space`, as of `snapshot` when non-null.
  // Returns the value on success, NOT_FOUND when the key is absent, and
  // another error (UNAVAILABLE, DATA_LOSS, ...) when the store failed.
  virtual absl::StatusOr<std::string> Get(Space space, std::string_view key,
                                          const Snapshot* snapshot = nullptr) = 0;

  // Applies `batch` atomically: afterwards either every operation is visible
  // or none is. Returns OK on success; on failure nothing of the batch is
  // applied and the error is UNAVAILABLE (engine I/O failure, disk full) or
  // INTERNAL.
  virtual absl::Status Write(const WriteBatch& batch, const WriteOptions& options = {}) = 0;

  // Returns a snapshot of the current state.
  virtual std::shared_ptr<const Snapshot> NewSnapshot() = 0;

  // Makes what was deleted from `space` physically gone: on return no file
  // of the store holds a deleted value of it (an engine that keeps deleted
  // values in logs and tables until compaction rewrites them now; an
  // in-memory store has nothing to do). Values a snapshot still reads are
  // kept. OK on success; UNAVAILABLE when the engine fails.
  virtual absl::Status Purge(Space space) {
    (void)space;
    return absl::OkStatus();
  }

  // Returns an iterator over the keys of `space` that start with `prefix` and
  // are >= `start` (pass an empty `start` to begin at the prefix), as of
  // `snapshot` when non-null. Never null; errors surface through status().
  virtual std::unique_ptr<Iterator> Scan(Space space, std::string_view prefix,
                                         std::string_view start = {},
                                         const Snapshot* snapshot = nullptr) = 0;
};

// The smallest key greater than every key starting with `prefix`, or "" when
// there is none (prefix of only 0xff bytes).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace hoidla::storage

#endif  // HOIDLA_VAULT_STORAGE_KV_STORE_H_
