// String helpers.
//
// Debian 12's Abseil is built with its own absl::string_view (not
// std::string_view), so absl::StrCat does not accept std::string_view. The
// project uses std::string_view throughout and concatenates with StrCat here.
// Thread-safety: pure functions.
#ifndef HOIDLA_BASE_STRINGS_H_
#define HOIDLA_BASE_STRINGS_H_

#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>

namespace hoidla {
namespace strings_internal {

inline void AppendPiece(std::string* out, std::string_view s) { out->append(s); }
inline void AppendPiece(std::string* out, const std::string& s) { out->append(s); }
// A literal or a buffer: up to its first NUL.
template <size_t N>
void AppendPiece(std::string* out, const char (&s)[N]) {
  const char* end = std::char_traits<char>::find(s, N, '\0');
  out->append(s, end != nullptr ? static_cast<size_t>(end - s) : N);
}
inline void AppendPiece(std::string* out, const char* s) { out->append(s); }
inline void AppendPiece(std::string* out, char c) { out->push_back(c); }
template <typename T>
requires(std::integral<T> && !std::same_as<T, char> &&
         !std::same_as<T, bool>) void AppendPiece(std::string* out, T v) {
  out->append(std::to_string(v));
}
// Only a real bool (a pointer must not become "true").
template <typename T>
requires std::same_as<T, bool>
void AppendPiece(std::string* out, T v) { out->append(v ? "true" : "false"); }

}  // namespace strings_internal

// Concatenates strings, string views, characters and integers.
template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (strings_internal::AppendPiece(&out, args), ...);
  return out;
}

}  // namespace hoidla

#endif  // HOIDLA_BASE_STRINGS_H_
