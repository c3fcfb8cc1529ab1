// Conversions between the vault's time (microseconds since the Unix epoch,
// UTC: what a Clock returns and what records store) and
// google.protobuf.Timestamp (what the API carries). Written once here.
//
// Thread-safety: pure functions.
#ifndef HOIDLA_BASE_TIMESTAMPS_H_
#define HOIDLA_BASE_TIMESTAMPS_H_

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>

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

}  // namespace hoidla

#endif  // HOIDLA_BASE_TIMESTAMPS_H_
