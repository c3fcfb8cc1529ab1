// FaultInjectingStore: wraps a KvStore and makes its operations fail on
// demand, to test that the vault fails closed and never writes partially.
//
// Faults are armed with FailWritesAfter()/FailReads(); failed writes apply
// nothing (the batch is all-or-nothing, as in the contract).
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_TESTS_FAKES_FAULT_INJECTING_STORE_H_
#define HOIDLA_TESTS_FAKES_FAULT_INJECTING_STORE_H_

#include <atomic>
#include <cstdint>

#include "vault/storage/kv_store.h"

namespace hoidla::storage {

class FaultInjectingStore : public KvStore {
 public:
  // `base` must outlive this object.
  explicit FaultInjectingStore(KvStore* base) : base_(base) {}

  // After `n` more successful writes, every write fails with UNAVAILABLE
  // until Heal(). n = 0 fails the very next write.
  void FailWritesAfter(int64_t n) { writes_left_.store(n); }
  // Every read (Get and Scan) fails with UNAVAILABLE until Heal().
  void FailReads(bool on) { fail_reads_.store(on); }
  void Heal() {
    writes_left_.store(-1);
    fail_reads_.store(false);
  }
  int64_t failed_writes() const { return failed_writes_.load(); }

  absl::StatusOr<std::string> Get(Space space, std::string_view key,
                                  const Snapshot* snapshot) override;
  absl::Status Write(const WriteBatch& batch, const WriteOptions& options) override;
  std::shared_ptr<const Snapshot> NewSnapshot() override { return base_->NewSnapshot(); }
  absl::Status Purge(Space space) override { return base_->Purge(space); }
  std::unique_ptr<Iterator> Scan(Space space, std::string_view prefix, std::string_view start,
                                 const Snapshot* snapshot) override;

 private:
  KvStore* base_;
  std::atomic<int64_t> writes_left_{-1};  // -1: never fail
  std::atomic<bool> fail_reads_{false};
  std::atomic<int64_t> failed_writes_{0};
};

}  // namespace hoidla::storage

#endif  // HOIDLA_TESTS_FAKES_FAULT_INJECTING_STORE_H_
