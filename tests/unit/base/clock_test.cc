// Clock::System: strictly increasing, across threads too (base/clock.h).
#include "base/clock.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace hoidla {
namespace {

TEST(SystemClock, EveryCallIsLaterThanTheOneBefore) {
  Clock* clock = Clock::System();
  int64_t last = clock->NowMicros();
  for (int i = 0; i < 200000; ++i) {
    const int64_t now = clock->NowMicros();
    ASSERT_GT(now, last) << "call " << i;
    last = now;
  }
}

TEST(SystemClock, ThreadsNeverSeeTheSameValue) {
  constexpr int kThreads = 4;
  constexpr int kCalls = 50000;
  std::vector<std::vector<int64_t>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) seen[t].push_back(Clock::System()->NowMicros());
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> all;
  for (const auto& v : seen) {
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kCalls));
}

}  // namespace
}  // namespace hoidla
