// FakeClock: a Clock that only moves when told to, for tests (token
// expiry, retention, deadlines). Never linked into vaultd.
//
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_TESTS_FAKES_FAKE_CLOCK_H_
#define HOIDLA_TESTS_FAKES_FAKE_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "base/clock.h"

namespace hoidla {

// A Clock that only moves when told to. For tests.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_micros) : now_(start_micros) {}
  int64_t NowMicros() const override { return now_.load(); }
  void Set(int64_t micros) { now_.store(micros); }
  void Advance(int64_t micros) { now_.fetch_add(micros); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace hoidla

#endif  // HOIDLA_TESTS_FAKES_FAKE_CLOCK_H_
