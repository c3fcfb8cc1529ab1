// Clock: the vault's only source of the current time.
//
// Domain code asks a Clock, never the system, so that tests can move time with
// FakeClock (token expiry, retention, deadlines).
// Thread-safety: implementations are safe for concurrent use.
#ifndef HOIDLA_VAULT_COMMON_CLOCK_H_
#define HOIDLA_VAULT_COMMON_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace hoidla {

class Clock {
 public:
  virtual ~Clock() = default;
  // Returns microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() const = 0;
  // The process-wide system clock. Never null; never destroyed.
  static Clock* System();
};

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

#endif  // HOIDLA_VAULT_COMMON_CLOCK_H_
