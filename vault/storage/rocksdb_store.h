// RocksDbStore: the embedded production KvStore.
//
// One RocksDB database under a directory, one column family per Space. The
// write-ahead log is always on and synced writes are fsynced before Write()
// returns; RocksDB's write group commit lets concurrent synced writers share
// one fsync. Memtables and the block cache are bounded, so server memory does
// not grow with the data.
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_STORAGE_ROCKSDB_STORE_H_
#define HOIDLA_VAULT_STORAGE_ROCKSDB_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "vault/storage/kv_store.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace hoidla::storage {

class RocksDbStore : public KvStore {
 public:
  // Opens (creating when missing) the database under `path`. Returns the
  // store on success; UNAVAILABLE with the engine's reason (no client data is
  // ever in it) when the database cannot be opened, for example because
  // another process holds its lock.
  static absl::StatusOr<std::unique_ptr<RocksDbStore>> Open(const std::string& path);
  ~RocksDbStore() override;

  absl::StatusOr<std::string> Get(Space space, std::string_view key,
                                  const Snapshot* snapshot) override;
  absl::Status Write(const WriteBatch& batch, const WriteOptions& options) override;
  std::shared_ptr<const Snapshot> NewSnapshot() override;
  std::unique_ptr<Iterator> Scan(Space space, std::string_view prefix, std::string_view start,
                                 const Snapshot* snapshot) override;
  // Flushes every column family (so that the write-ahead logs that held
  // the deleted values are obsolete and deleted) and rewrites every table
  // file of `space` into the last level in the calling thread, which drops
  // deleted values and deletes the old files before returning
  // (doc/retention.md, Erasure).
  absl::Status Purge(Space space) override;

 private:
  RocksDbStore() = default;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // index = Space value
  rocksdb::ColumnFamilyHandle* default_handle_ = nullptr;
};

}  // namespace hoidla::storage

#endif  // HOIDLA_VAULT_STORAGE_ROCKSDB_STORE_H_
