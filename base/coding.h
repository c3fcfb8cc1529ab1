// Fixed-width big-endian integer encoding for on-disk formats
// (doc/format.md). Big-endian so that encoded integers sort as numbers.
// Thread-safety: pure functions.
#ifndef HOIDLA_BASE_CODING_H_
#define HOIDLA_BASE_CODING_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace hoidla {

inline void PutFixed32BE(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}
inline void PutFixed64BE(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}
// Require in.size() >= 4 (resp. 8).
inline uint32_t DecodeFixed32BE(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}
inline uint64_t DecodeFixed64BE(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

}  // namespace hoidla

#endif  // HOIDLA_BASE_CODING_H_
