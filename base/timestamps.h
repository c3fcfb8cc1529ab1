// Conversions of the vault's time (microseconds since the Unix epoch, UTC:
// what a Clock returns and what records store) to and from
// google.protobuf.Timestamp (what the API carries), calendar days in UTC
// (what forms and deadlines count in) and RFC 3339 text (what receipts
// print). Written once here.
//
// Thread-safety: pure functions.
#ifndef HOIDLA_BASE_TIMESTAMPS_H_
#define HOIDLA_BASE_TIMESTAMPS_H_

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace hoidla {

// `micros` as a Timestamp (nanos always in [0, 1e9), also before 1970).
inline google::protobuf::Timestamp ToTimestamp(int64_t micros) {
  google::protobuf::Timestamp t;
  int64_t secs = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --secs;
  }
  t.set_seconds(secs);
  t.set_nanos(static_cast<int32_t>(rem * 1000));
  return t;
}

// `t` in microseconds; nanoseconds below a microsecond are dropped.
inline int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

// The UTC calendar day `micros` falls on.
inline absl::CivilDay UtcDay(int64_t micros) {
  return absl::ToCivilDay(absl::FromUnixMicros(micros), absl::UTCTimeZone());
}

// The first microsecond (midnight UTC) of `day`.
inline int64_t UtcMidnightMicros(absl::CivilDay day) {
  return absl::ToUnixMicros(absl::FromCivil(day, absl::UTCTimeZone()));
}

// `micros` as RFC 3339 in UTC: "2026-12-04T03:45:29Z", or with
// `fraction` the sub-second digits it has ("2026-12-04T03:45:29.25Z").
inline std::string Rfc3339Utc(int64_t micros, bool fraction) {
  return absl::FormatTime(fraction ? "%Y-%m-%d%ET%H:%M:%E*SZ" : "%Y-%m-%d%ET%H:%M:%SZ",
                          absl::FromUnixMicros(micros), absl::UTCTimeZone());
}

}  // namespace hoidla

#endif  // HOIDLA_BASE_TIMESTAMPS_H_
