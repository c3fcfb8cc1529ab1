// The policy decision point: the one place that decides whether a principal
// may perform an action on a target. Every core operation (reads, writes,
// lists, counts, downloads) calls Decide() before touching data; nothing
// bypasses it. Deny by default: an action no rule grants is denied.
//
// Roles are data: a table maps each role to the actions it grants.
// Thread-safety: immutable after construction; safe for concurrent use.
#ifndef HOIDLA_VAULT_CORE_POLICY_H_
#define HOIDLA_VAULT_CORE_POLICY_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "vault/core/principal.h"

namespace hoidla::core {

enum class Action {
  kReadOrganization,
  kWriteOrganization,
  kListOrganizations,
  kReadProject,
  kWriteProject,
  kListProjects,
  kReadClient,
  kWriteClient,
  kListClients,
  kFindClient,
  kReadCase,
  kWriteCase,
  kListCases,
  kReadDocument,
  kWriteDocument,
  kListDocuments,
  kDownloadDocument,
  kReadKeyStatus,
  kManageKeys,
};
std::string_view ActionName(Action action);

// What an action is about. Empty fields are unknown or not applicable.
struct Target {
  std::string organization_id;
  std::string project_id;
  std::string client_id;
  std::string case_id;
  std::string object_id;
};

struct Decision {
  bool allowed = false;
  // Machine-readable reason, e.g. "role_grants", "no_rule".
  std::string reason;
};

class Policy {
 public:
  // Decides. Never fails; an unknown role grants nothing.
  Decision Decide(const Principal& principal, Action action, const Target& target) const;

  // Decide() as a status: OK when allowed; otherwise `denied_as`. Callers
  // pass NOT_FOUND for objects whose existence the caller may not learn and
  // PERMISSION_DENIED for operations on things the caller already knows.
  absl::Status Check(const Principal& principal, Action action, const Target& target,
                     absl::StatusCode denied_as = absl::StatusCode::kPermissionDenied) const;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_CORE_POLICY_H_
