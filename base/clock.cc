#include "base/clock.h"

#include <atomic>
#include <chrono>

namespace hoidla {
namespace {

// Strictly increasing: never the same value twice, never earlier than a
// value it returned, even when the system clock is stepped back by up to
// kMaxStepBack (NTP slews and small steps). An event recorded after another
// (a withdrawal after its consent, a call after the withdrawal) is then
// always later than it. A larger correction is taken as it is, so that one
// wrong step forward does not hold the vault's time in the future until a
// restart.
constexpr int64_t kMaxStepBack = 10'000'000;  // 10 s, in microseconds

class SystemClock : public Clock {
 public:
  int64_t NowMicros() const override {
    const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    int64_t last = last_.load(std::memory_order_relaxed);
    int64_t next;
    do {
      next = (now > last || last - now > kMaxStepBack) ? now : last + 1;
    } while (!last_.compare_exchange_weak(last, next, std::memory_order_relaxed));
    return next;
  }

 private:
  mutable std::atomic<int64_t> last_{0};
};

}  // namespace

Clock* Clock::System() {
  static SystemClock* clock = new SystemClock();
  return clock;
}

}  // namespace hoidla
