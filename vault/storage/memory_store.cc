#include "vault/storage/memory_store.h"

#include <mutex>

namespace hoidla::storage {
namespace {

struct MemorySnapshot : Snapshot {
  std::shared_ptr<const MemoryStore::Tables> tables;
};

class MemoryIterator : public Iterator {
 public:
  MemoryIterator(std::shared_ptr<const MemoryStore::Tables> tables, Space space, std::string prefix,
                 std::string_view start)
      : tables_(std::move(tables)), prefix_(std::move(prefix)) {
    const auto& t = (*tables_)[static_cast<int>(space)];
    std::string_view from = start < std::string_view(prefix_) ? prefix_ : start;
    it_ = t.lower_bound(from);
    end_ = t.end();
  }
  bool Valid() const override {
    return it_ != end_ && std::string_view(it_->first).starts_with(prefix_);
  }
  void Next() override { ++it_; }
  std::string_view key() const override { return it_->first; }
  std::string_view value() const override { return it_->second; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::shared_ptr<const MemoryStore::Tables> tables_;
  std::string prefix_;
  MemoryStore::Table::const_iterator it_, end_;
};

}  // namespace

MemoryStore::MemoryStore() : tables_(std::make_shared<Tables>()) {}

absl::StatusOr<std::string> MemoryStore::Get(Space space, std::string_view key,
                                             const Snapshot* snapshot) {
  std::shared_ptr<const Tables> tables;
  if (snapshot != nullptr) {
    tables = static_cast<const MemorySnapshot*>(snapshot)->tables;
  } else {
    absl::ReaderMutexLock lock(&mu_);
    tables = tables_;
  }
  const auto& t = (*tables)[static_cast<int>(space)];
  auto it = t.find(key);
  if (it == t.end()) return absl::NotFoundError("key not found");
  return it->second;
}

absl::Status MemoryStore::Write(const WriteBatch& batch, const WriteOptions&) {
  absl::MutexLock lock(&mu_);
  // Readers and snapshots hold the old tables; copy before mutating.
  if (tables_.use_count() > 1) tables_ = std::make_shared<Tables>(*tables_);
  for (const auto& op : batch.ops()) {
    auto& t = (*tables_)[static_cast<int>(op.space)];
    if (op.type == WriteBatch::OpType::kPut) {
      t[op.key] = op.value;
    } else {
      t.erase(op.key);
    }
  }
  return absl::OkStatus();
}

std::shared_ptr<const Snapshot> MemoryStore::NewSnapshot() {
  auto snap = std::make_shared<MemorySnapshot>();
  absl::ReaderMutexLock lock(&mu_);
  snap->tables = tables_;
  return snap;
}

std::unique_ptr<Iterator> MemoryStore::Scan(Space space, std::string_view prefix,
                                            std::string_view start, const Snapshot* snapshot) {
  std::shared_ptr<const Tables> tables;
  if (snapshot != nullptr) {
    tables = static_cast<const MemorySnapshot*>(snapshot)->tables;
  } else {
    absl::ReaderMutexLock lock(&mu_);
    tables = tables_;
  }
  return std::make_unique<MemoryIterator>(std::move(tables), space, std::string(prefix), start);
}

bool MemoryStore::Overwrite(Space space, const std::string& key, const std::string& value) {
  absl::MutexLock lock(&mu_);
  if (tables_.use_count() > 1) tables_ = std::make_shared<Tables>(*tables_);
  auto& t = (*tables_)[static_cast<int>(space)];
  auto it = t.find(key);
  if (it == t.end()) return false;
  it->second = value;
  return true;
}

}  // namespace hoidla::storage
