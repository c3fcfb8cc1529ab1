#include "tests/fakes/fault_injecting_store.h"

namespace hoidla::storage {
namespace {

class FailedIterator : public Iterator {
 public:
  bool Valid() const override { return false; }
  void Next() override {}
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  absl::Status status() const override { return absl::UnavailableError("injected read failure"); }
};

}  // namespace

absl::StatusOr<std::string> FaultInjectingStore::Get(Space space, std::string_view key,
                                                     const Snapshot* snapshot) {
  if (fail_reads_.load()) return absl::UnavailableError("injected read failure");
  return base_->Get(space, key, snapshot);
}

absl::Status FaultInjectingStore::Write(const WriteBatch& batch, const WriteOptions& options) {
  int64_t left = writes_left_.load();
  while (left >= 0) {
    if (left == 0) {
      failed_writes_.fetch_add(1);
      return absl::UnavailableError("injected write failure");
    }
    if (writes_left_.compare_exchange_weak(left, left - 1)) break;
  }
  return base_->Write(batch, options);
}

std::unique_ptr<Iterator> FaultInjectingStore::Scan(Space space, std::string_view prefix,
                                                    std::string_view start,
                                                    const Snapshot* snapshot) {
  if (fail_reads_.load()) return std::make_unique<FailedIterator>();
  return base_->Scan(space, prefix, start, snapshot);
}

}  // namespace hoidla::storage
