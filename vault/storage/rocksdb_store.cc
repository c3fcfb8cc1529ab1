#include "vault/storage/rocksdb_store.h"

#include <rocksdb/db.h>
#include <rocksdb/metadata.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/options_util.h>
#include <rocksdb/write_batch.h>

#include "base/status_macros.h"
#include "base/strings.h"

namespace hoidla::storage {
namespace {

absl::Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound()) return absl::NotFoundError("key not found");
  if (s.IsCorruption())
    return absl::DataLossError(hoidla::StrCat("storage corruption: ", s.ToString()));
  if (s.IsInvalidArgument()) return absl::InternalError(hoidla::StrCat("storage: ", s.ToString()));
  return absl::UnavailableError(hoidla::StrCat("storage: ", s.ToString()));
}

struct RocksSnapshot : Snapshot {
  rocksdb::DB* db;
  const rocksdb::Snapshot* snap;
  ~RocksSnapshot() override { db->ReleaseSnapshot(snap); }
};

class RocksIterator : public Iterator {
 public:
  RocksIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string_view prefix,
                std::string_view start, const rocksdb::Snapshot* snap)
      : prefix_(prefix), upper_(PrefixSuccessor(prefix)) {
    rocksdb::ReadOptions ro;
    ro.snapshot = snap;
    ro.verify_checksums = true;
    if (!upper_.empty()) {
      upper_slice_ = rocksdb::Slice(upper_);
      ro.iterate_upper_bound = &upper_slice_;
    }
    it_.reset(db->NewIterator(ro, cf));
    std::string_view from = start < std::string_view(prefix_) ? std::string_view(prefix_) : start;
    it_->Seek(rocksdb::Slice(from.data(), from.size()));
  }
  bool Valid() const override {
    return it_->Valid() && it_->key().starts_with(rocksdb::Slice(prefix_));
  }
  void Next() override { it_->Next(); }
  std::string_view key() const override { return it_->key().ToStringView(); }
  std::string_view value() const override { return it_->value().ToStringView(); }
  absl::Status status() const override { return FromRocks(it_->status()); }

 private:
  std::string prefix_;
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbStore>> RocksDbStore::Open(const std::string& path) {
  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.paranoid_checks = true;
  db_opts.max_background_jobs = 2;
  db_opts.bytes_per_sync = 1 << 20;
  db_opts.wal_bytes_per_sync = 1 << 20;
  // Bound total memtable memory across families (server RSS must not grow
  // with document size).
  db_opts.db_write_buffer_size = 64 << 20;

  auto table_cache = rocksdb::NewLRUCache(32 << 20);
  rocksdb::BlockBasedTableOptions table_opts;
  table_opts.block_cache = table_cache;
  table_opts.cache_index_and_filter_blocks = true;

  rocksdb::ColumnFamilyOptions base;
  base.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_opts));
  base.write_buffer_size = 16 << 20;
  base.max_write_buffer_number = 2;
  // Values are sealed (incompressible) and keys are short ids: compression
  // would cost CPU for nothing.
  base.compression = rocksdb::kNoCompression;

  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  cfs.emplace_back(rocksdb::kDefaultColumnFamilyName, base);
  for (int i = 0; i < kSpaceCount; ++i) {
    Space s = static_cast<Space>(i);
    cfs.emplace_back(std::string(SpaceName(s)), base);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_opts, path, cfs, &handles, &db);
  if (!s.ok()) {
    return absl::UnavailableError(hoidla::StrCat("cannot open store: ", s.ToString()));
  }
  std::unique_ptr<RocksDbStore> store(new RocksDbStore());
  store->db_ = db;
  store->default_handle_ = handles[0];
  store->handles_.assign(handles.begin() + 1, handles.end());
  return store;
}

RocksDbStore::~RocksDbStore() {
  if (db_ == nullptr) return;
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->DestroyColumnFamilyHandle(default_handle_);
  db_->Close();
  delete db_;
}

absl::StatusOr<std::string> RocksDbStore::Get(Space space, std::string_view key,
                                              const Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  ro.verify_checksums = true;
  if (snapshot != nullptr) ro.snapshot = static_cast<const RocksSnapshot*>(snapshot)->snap;
  std::string value;
  rocksdb::Status s = db_->Get(ro, handles_[static_cast<int>(space)],
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (!s.ok()) return FromRocks(s);
  return value;
}

absl::Status RocksDbStore::Write(const WriteBatch& batch, const WriteOptions& options) {
  rocksdb::WriteBatch wb;
  for (const auto& op : batch.ops()) {
    auto* cf = handles_[static_cast<int>(op.space)];
    rocksdb::Status s =
        op.type == WriteBatch::OpType::kPut ? wb.Put(cf, op.key, op.value) : wb.Delete(cf, op.key);
    if (!s.ok()) return FromRocks(s);
  }
  rocksdb::WriteOptions wo;
  wo.sync = options.sync;
  wo.disableWAL = false;
  return FromRocks(db_->Write(wo, &wb));
}

std::shared_ptr<const Snapshot> RocksDbStore::NewSnapshot() {
  auto snap = std::make_shared<RocksSnapshot>();
  snap->db = db_;
  snap->snap = db_->GetSnapshot();
  return snap;
}

std::unique_ptr<Iterator> RocksDbStore::Scan(Space space, std::string_view prefix,
                                             std::string_view start, const Snapshot* snapshot) {
  const rocksdb::Snapshot* snap =
      snapshot != nullptr ? static_cast<const RocksSnapshot*>(snapshot)->snap : nullptr;
  return std::make_unique<RocksIterator>(db_, handles_[static_cast<int>(space)], prefix, start,
                                         snap);
}

absl::Status RocksDbStore::Purge(Space space) {
  rocksdb::FlushOptions flush;
  flush.wait = true;
  flush.allow_write_stall = true;
  std::vector<rocksdb::ColumnFamilyHandle*> all = handles_;
  all.push_back(default_handle_);
  HOIDLA_RETURN_IF_ERROR(FromRocks(db_->Flush(flush, all)));
  rocksdb::ColumnFamilyHandle* cf = handles_[static_cast<int>(space)];
  rocksdb::ColumnFamilyMetaData meta;
  db_->GetColumnFamilyMetaData(cf, &meta);
  std::vector<std::string> files;
  for (const auto& level : meta.levels) {
    for (const auto& f : level.files) files.push_back(f.name);
  }
  if (files.empty()) return absl::OkStatus();
  // CompactFiles runs in this thread and deletes the files it made
  // obsolete (and the logs the flush did) before it returns, unlike
  // CompactRange, whose clean-up may still be running in the background.
  rocksdb::CompactionOptions compact;
  compact.compression = rocksdb::kNoCompression;
  return FromRocks(db_->CompactFiles(compact, cf, files, static_cast<int>(meta.levels.size()) - 1));
}

}  // namespace hoidla::storage
