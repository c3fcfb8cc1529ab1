#include "base/validation.h"

namespace hoidla::core {
namespace {

// Returns false when `s` is not valid UTF-8 (overlongs and surrogates
// rejected) or holds disallowed control characters.
bool IsCleanUtf8(std::string_view s, bool multiline) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) {
        if (!(multiline && (c == '\n' || c == '\t' || c == '\r'))) return false;
      }
      ++i;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else
      return false;
    if (i + n >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= n; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    if (cp >= 0x80 && cp < 0xa0) return false;  // C1 controls
    i += n + 1;
  }
  return true;
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateText(std::string_view field, std::string_view value, bool required,
                          size_t max_bytes, bool multiline) {
  if (value.empty() || IsBlank(value)) {
    if (required) return FieldError(field, "required");
    if (value.empty()) return absl::OkStatus();
  }
  if (value.size() > max_bytes) {
    return FieldError(field, hoidla::StrCat("longer than ", max_bytes, " bytes"));
  }
  if (!IsCleanUtf8(value, multiline)) {
    return FieldError(field, "not valid UTF-8 text (or holds control characters)");
  }
  return absl::OkStatus();
}

absl::Status ValidateOutputOnlyEmpty(std::string_view field, bool empty) {
  if (!empty) return FieldError(field, "output only; must not be set");
  return absl::OkStatus();
}

absl::Status ValidateSlug(std::string_view field, std::string_view value, size_t max_bytes) {
  if (value.empty()) return FieldError(field, "required");
  if (value.size() > max_bytes)
    return FieldError(field, hoidla::StrCat("longer than ", max_bytes, " bytes"));
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return FieldError(field, "only lowercase letters, digits, '_', '-' and '.'");
  }
  return absl::OkStatus();
}

absl::Status ValidateContentType(std::string_view field, std::string_view value) {
  if (value.empty()) return FieldError(field, "required");
  if (value.size() > 127) return FieldError(field, "longer than 127 bytes");
  size_t slash = value.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == value.size()) {
    return FieldError(field, "must be a MIME type such as application/pdf");
  }
  for (char c : value) {
    if (c <= 0x20 || c >= 0x7f)
      return FieldError(field, "must be a MIME type such as application/pdf");
  }
  return absl::OkStatus();
}

absl::Status NormalizePageSize(std::string_view field, int32_t* page_size) {
  if (*page_size < 0 || *page_size > 1000) return FieldError(field, "must be 0-1000");
  if (*page_size == 0) *page_size = 100;
  return absl::OkStatus();
}

}  // namespace hoidla::core
