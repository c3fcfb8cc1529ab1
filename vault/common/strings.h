// String helpers.
//
// Debian 12's Abseil is built with its own absl::string_view (not
// std::string_view), so absl::StrCat does not accept std::string_view. The
// project uses std::string_view throughout and concatenates with StrCat here.
// Thread-safety: pure functions.
#ifndef HOIDLA_VAULT_COMMON_STRINGS_H_
#define HOIDLA_VAULT_COMMON_STRINGS_H_

#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>

namespace hoidla {
namespace strings_internal {

inline void AppendPiece(std::string* out, std::string_view s) { out->append(s); }
inline void AppendPiece(std::string* out, const std::string& s) { out->append(s); }
template <size_t N>
void AppendPiece(std::string* out, const char (&s)[N]) {
  out->append(s, N - 1);
}
inline void AppendPiece(std::string* out, char c) { out->push_back(c); }
template <typename T>
  requires(std::integral<T> && !std::same_as<T, char> && !std::same_as<T, bool>)
void AppendPiece(std::string* out, T v) {
  out->append(std::to_string(v));
}
inline void AppendPiece(std::string* out, bool v) { out->append(v ? "true" : "false"); }

}  // namespace strings_internal

// Concatenates strings, string views, characters and integers.
template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (strings_internal::AppendPiece(&out, args), ...);
  return out;
}

}  // namespace hoidla

#endif  // HOIDLA_VAULT_COMMON_STRINGS_H_
