// MemoryStore: a KvStore held entirely in memory, for tests.
//
// It implements the full KvStore contract (atomic batches, snapshots, ordered
// scans); nothing survives the object. Snapshots copy the state when taken,
// so it suits test-sized data only.
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_STORAGE_MEMORY_STORE_H_
#define HOIDLA_VAULT_STORAGE_MEMORY_STORE_H_

#include <array>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "vault/storage/kv_store.h"

namespace hoidla::storage {

class MemoryStore : public KvStore {
 public:
  using Table = std::map<std::string, std::string, std::less<>>;
  using Tables = std::array<Table, kSpaceCount>;

  MemoryStore();
  absl::StatusOr<std::string> Get(Space space, std::string_view key,
                                  const Snapshot* snapshot) override;
  absl::Status Write(const WriteBatch& batch, const WriteOptions& options) override;
  std::shared_ptr<const Snapshot> NewSnapshot() override;
  std::unique_ptr<Iterator> Scan(Space space, std::string_view prefix, std::string_view start,
                                 const Snapshot* snapshot) override;

  // Test hook: direct access to the stored bytes (to tamper with them).
  // Returns false when the key is absent.
  bool Overwrite(Space space, const std::string& key, const std::string& value);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<Tables> tables_ ABSL_GUARDED_BY(mu_);  // copy-on-write when snapshots exist
};

}  // namespace hoidla::storage

#endif  // HOIDLA_VAULT_STORAGE_MEMORY_STORE_H_
