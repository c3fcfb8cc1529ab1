// Who is calling: principals, their roles and memberships, and the request
// around a call. Plain values; safe to copy between threads.
#ifndef HOIDLA_VAULT_ACCESS_PRINCIPAL_H_
#define HOIDLA_VAULT_ACCESS_PRINCIPAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoidla::audit {
struct AuditDraft;
}  // namespace hoidla::audit

namespace hoidla::core {

// The roles of doc/domain.md §2. What each may do is data: the table in
// policy.cc.
enum class Role {
  kSystemAdministrator,
  kHeadOfOrganization,
  kProjectManager,
  kCaseWorker,
  kServiceProvider,
  kPartnerWorker,
  kAuditor,
  kDataProtectionOfficer,
};

// Where a role applies.
enum class RoleScope {
  kDeployment,    // everywhere (no organisation, no project)
  kOrganization,  // one organisation
  kProject,       // one project of one organisation
};

// Stable names, as stored and shown: "system_administrator", ...
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
RoleScope ScopeOf(Role role);
const std::vector<Role>& AllRoles();

struct Membership {
  Role role;
  std::string organization_id;  // empty for deployment-wide roles
  std::string project_id;       // set for project roles only
  bool operator==(const Membership&) const = default;
};

struct Principal {
  std::string id;            // prn_...
  std::string display_name;  // staff label; not client data
  int kind = 0;              // hoidla.v1.PrincipalKind value
  std::string organization_id;
  std::vector<Membership> memberships;
  bool may_act_for_users = false;
  // Data-subject principals only: the client record they are. Such a
  // principal holds no memberships; the policy grants it the client's own
  // rights over that client alone.
  std::string subject_client_id;
  bool disabled = false;

  bool Has(Role role) const {
    for (const auto& m : memberships) {
      if (m.role == role) return true;
    }
    return false;
  }
};

// Everything the core needs to know about one call besides its arguments.
struct RequestContext {
  // Whose rights decide the call: the authenticated principal, or the user a
  // service account acts for.
  Principal principal;
  // The service account that made the call for `principal`; empty when the
  // principal called directly.
  std::string acting_through;
  // The vault token the call was made with (empty for a certificate) and
  // its expiry: a session issued from it never outlives it.
  std::string credential_token_id;
  int64_t credential_expires_at_micros = 0;
  std::string request_id;  // caller-supplied or generated, for correlation
  std::string peer;        // transport address, for the audit trail
  // Why the caller asks (the x-hoidla-purpose header), as a consent's
  // purposes name it; required for what only a release reaches.
  std::string purpose;
  // The audit entry of this call, or null where nothing is audited (unit
  // tests of single modules). Filled by the policy; committed with the
  // call's effect (see Effects).
  audit::AuditDraft* audit = nullptr;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_ACCESS_PRINCIPAL_H_
