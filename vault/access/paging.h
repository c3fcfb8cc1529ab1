// Helpers shared by the core modules: paginated index scans, new ids and
// time conversion.
// Thread-safety: pure functions over thread-safe arguments.
#ifndef HOIDLA_VAULT_ACCESS_PAGING_H_
#define HOIDLA_VAULT_ACCESS_PAGING_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/ids.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

// Walks keys "<prefix><id>" of `space` in order, starting after `page_token`
// (an id of `kind`; INVALID_ARGUMENT "page_token: ..." otherwise), calling
// `visit(id)` until it has accepted `page_size` ids. `visit` returns true
// when it accepted the id (false skips it: the caller may not see it) or an
// error, which stops the walk. Returns the next page token: empty at the end.
absl::StatusOr<std::string> ScanPage(
    storage::KvStore* store, storage::Space space, std::string_view prefix, IdKind kind,
    std::string_view page_token, int32_t page_size,
    const std::function<absl::StatusOr<bool>(std::string_view id)>& visit);

// A new random id of `kind`, ordered by creation time.
std::string NewId(IdKind kind, const Clock& clock);

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_ACCESS_PAGING_H_
