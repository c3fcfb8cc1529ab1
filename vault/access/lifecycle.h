// Lifecycle: the seam through which the rooms that own client data tell
// retention (vault/retention) what happened to an item, so that the
// item's due time for disposal is kept in an index, in the same atomic
// write as the change itself (doc/retention.md, How disposal finds what is
// due).
//
// The rooms below retention (directory, documents, consent, records) may
// not depend on it; they hold a Lifecycle* that retention implements and
// the server sets. A null Lifecycle (a room tested alone) tracks nothing.
//
// Each method adds its writes to `batch` and must not write on its own:
// when the caller's batch fails, nothing of the change or of its
// retention facts is applied. A method that fails leaves `batch` as it
// was; the caller then fails its call with that error (errors of the
// store as they are).
//
// Thread-safety: implementations are safe for concurrent use. A room calls
// them while holding its own write lock for the item, and they never call
// back into the rooms.
#ifndef HOIDLA_VAULT_ACCESS_LIFECYCLE_H_
#define HOIDLA_VAULT_ACCESS_LIFECYCLE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "hoidla/v1/retention.pb.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

// An item retention tracks: a record, a document or a consent, where it is
// held. Ids and kinds only.
struct LifeItem {
  v1::RetentionItemType type = v1::RETENTION_ITEM_TYPE_UNSPECIFIED;
  std::string id;
  std::string organization_id;
  std::string project_id;
  std::string client_id;
  std::string case_id;            // empty: the item belongs to no case
  std::string kind;               // record or document kind; empty for consents
  int64_t created_at_micros = 0;  // when the item was created (0: at the call's time)
};

class Lifecycle {
 public:
  virtual ~Lifecycle() = default;

  // `item` was created (`created`) or changed (a new version, a signature)
  // at `at_micros`. `ended_at_micros` is, for a consent, when it ended or
  // will end (withdrawn, or the authority it was given under runs out; 0:
  // it has no end yet); 0 for other items.
  virtual absl::Status ItemChanged(const LifeItem& item, bool created, int64_t at_micros,
                                   int64_t ended_at_micros, storage::WriteBatch* batch) = 0;

  // Case `case_id` of `client_id` was opened, closed or reopened:
  // `closed_at_micros` is when its retention clock started (0: it is open
  // now). The items of the case, and the client's items without a case,
  // are due again from that.
  virtual absl::Status CaseChanged(const std::string& client_id, const std::string& case_id,
                                   int64_t closed_at_micros, storage::WriteBatch* batch) = 0;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_ACCESS_LIFECYCLE_H_
