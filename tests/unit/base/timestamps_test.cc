// base/timestamps.h: the vault's microseconds as Timestamps, UTC days and
// RFC 3339 text.
#include "base/timestamps.h"

#include "gtest/gtest.h"

namespace hoidla {
namespace {

constexpr int64_t kSecond = 1000000;
// 2026-12-04T03:45:29Z
constexpr int64_t kMoment = int64_t{1796355929} * kSecond;

TEST(Timestamps, ATimestampRoundTripsAlsoBefore1970) {
  for (int64_t micros : {kMoment, kMoment + 250000, int64_t{-1}, -kSecond - 1, int64_t{0}}) {
    google::protobuf::Timestamp t = ToTimestamp(micros);
    EXPECT_GE(t.nanos(), 0);
    EXPECT_LT(t.nanos(), 1000000000);
    EXPECT_EQ(Micros(t), micros);
  }
}

TEST(Timestamps, TheUtcDayChangesAtMidnightUtc) {
  EXPECT_EQ(UtcDay(kMoment), absl::CivilDay(2026, 12, 4));
  const int64_t midnight = UtcMidnightMicros(absl::CivilDay(2026, 12, 4));
  EXPECT_EQ(UtcDay(midnight), absl::CivilDay(2026, 12, 4));
  EXPECT_EQ(UtcDay(midnight - 1), absl::CivilDay(2026, 12, 3));
  EXPECT_EQ(midnight, kMoment - (3 * 3600 + 45 * 60 + 29) * kSecond);
}

TEST(Timestamps, Rfc3339IsUtcWithTheFractionOnlyWhenAsked) {
  EXPECT_EQ(Rfc3339Utc(kMoment, false), "2026-12-04T03:45:29Z");
  EXPECT_EQ(Rfc3339Utc(kMoment + 250000, false), "2026-12-04T03:45:29Z");
  EXPECT_EQ(Rfc3339Utc(kMoment + 250000, true), "2026-12-04T03:45:29.25Z");
  EXPECT_EQ(Rfc3339Utc(kMoment, true), "2026-12-04T03:45:29Z");
}

}  // namespace
}  // namespace hoidla
