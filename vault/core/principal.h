// Who is calling: the authenticated principal and the request around it.
// Plain values; safe to copy between threads.
#ifndef HOIDLA_VAULT_CORE_PRINCIPAL_H_
#define HOIDLA_VAULT_CORE_PRINCIPAL_H_

#include <string>
#include <vector>

namespace hoidla::core {

// Role names as stored and shown. Issue-by-issue the table in policy.cc grows.
inline constexpr char kRoleSystemAdministrator[] = "system_administrator";

struct Principal {
  std::string id;            // prn_...
  std::string display_name;  // staff label; not client data
  std::vector<std::string> roles;
};

// Everything the core needs to know about one call besides its arguments.
struct RequestContext {
  Principal principal;
  std::string request_id;  // caller-supplied or generated, for correlation
  std::string peer;        // transport address, for the audit trail
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_CORE_PRINCIPAL_H_
