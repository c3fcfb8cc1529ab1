// Clock: the vault's only source of the current time.
//
// Domain code asks a Clock, never the system, so that tests can move time with
// FakeClock,
// tests/fakes/fake_clock.h (token expiry, retention, deadlines).
// Thread-safety: implementations are safe for concurrent use.
#ifndef HOIDLA_BASE_CLOCK_H_
#define HOIDLA_BASE_CLOCK_H_

#include <cstdint>

namespace hoidla {

class Clock {
 public:
  virtual ~Clock() = default;
  // Returns microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() const = 0;
  // The process-wide system clock. Never null; never destroyed. Strictly
  // increasing: each call returns a later value than every earlier call,
  // also when the system clock is stepped back by up to 10 s (a larger
  // correction is followed as it is). Within one process only.
  static Clock* System();
};

}  // namespace hoidla

#endif  // HOIDLA_BASE_CLOCK_H_
