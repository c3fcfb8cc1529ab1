#include "vault/storage/layout.h"

#include <cstdio>

namespace hoidla::storage::layout {

std::string VersionedId(std::string_view id, uint32_t version) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%010u", version);
  std::string out;
  out.reserve(id.size() + 11);
  out.append(id);
  out.push_back('/');
  out.append(buf);
  return out;
}

std::optional<uint32_t> VersionOf(std::string_view versioned_id, std::string_view id) {
  if (versioned_id.size() != id.size() + 11 || !versioned_id.starts_with(id) ||
      versioned_id[id.size()] != '/') {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : versioned_id.substr(id.size() + 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(v);
}

std::string KindPrefix(std::string_view kind) {
  std::string out(kind);
  out.push_back('/');
  return out;
}

std::string RecordKey(std::string_view kind, std::string_view id) {
  std::string out;
  out.reserve(kind.size() + 1 + id.size());
  out.append(kind);
  out.push_back('/');
  out.append(id);
  return out;
}

}  // namespace hoidla::storage::layout
