#include "vault/access/paging.h"

#include <array>

#include "base/status_macros.h"
#include "base/strings.h"
#include "keys/crypto.h"

namespace hoidla::core {

absl::StatusOr<std::string> ScanPage(
    storage::KvStore* store, storage::Space space, std::string_view prefix, IdKind kind,
    std::string_view page_token, int32_t page_size,
    const std::function<absl::StatusOr<bool>(std::string_view id)>& visit) {
  std::string start(prefix);
  if (!page_token.empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(page_token, kind, "page_token"));
    start = hoidla::StrCat(prefix, page_token, std::string_view("\0", 1));
  }
  auto snapshot = store->NewSnapshot();
  auto it = store->Scan(space, prefix, start, snapshot.get());
  int32_t taken = 0;
  std::string last;
  for (; it->Valid(); it->Next()) {
    std::string_view id = it->key().substr(prefix.size());
    if (taken == page_size) return last;  // more remain
    HOIDLA_ASSIGN_OR_RETURN(bool accepted, visit(id));
    if (accepted) {
      ++taken;
    }
    last = std::string(id);
  }
  HOIDLA_RETURN_IF_ERROR(it->status());
  return std::string();
}

std::string NewId(IdKind kind, const Clock& clock) {
  std::array<uint8_t, 10> r;
  keys::RandomBytes(r.data(), r.size());
  return MakeId(kind, clock.NowMicros() / 1000, r);
}

}  // namespace hoidla::core
