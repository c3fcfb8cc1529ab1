// Field validation helpers. Every error is INVALID_ARGUMENT whose message
// starts with the field path and never repeats the value.
// Thread-safety: pure functions.
#ifndef HOIDLA_BASE_VALIDATION_H_
#define HOIDLA_BASE_VALIDATION_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "base/strings.h"

namespace hoidla::core {

inline absl::Status FieldError(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(hoidla::StrCat(field, ": ", what));
}

// Text: valid UTF-8, no control characters except tab/newline (when
// `multiline`), at most `max_bytes`; required means non-empty after trimming.
absl::Status ValidateText(std::string_view field, std::string_view value, bool required,
                          size_t max_bytes, bool multiline = false);

// Turns NOT_FOUND for an object the request refers to into NOT_FOUND naming
// the referring field; other statuses pass through.
inline absl::Status ReferencedField(absl::Status s, std::string_view field) {
  if (s.code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(hoidla::StrCat(field, ": not found"));
  }
  return s;
}

// `value` must be empty (an output-only field set by the caller).
absl::Status ValidateOutputOnlyEmpty(std::string_view field, bool empty);

// A token of [a-z0-9_.-], 1..max_bytes.
absl::Status ValidateSlug(std::string_view field, std::string_view value, size_t max_bytes);

// A MIME type "type/subtype" of printable ASCII without spaces, <= 127 bytes.
absl::Status ValidateContentType(std::string_view field, std::string_view value);

// Page size: 0 means 100; negative or above 1000 is an error.
absl::Status NormalizePageSize(std::string_view field, int32_t* page_size);

}  // namespace hoidla::core

#endif  // HOIDLA_BASE_VALIDATION_H_
