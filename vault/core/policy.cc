#include "vault/core/policy.h"

#include <map>
#include <set>

namespace hoidla::core {
namespace {

// The role table. Until per-project access control lands, the only role is
// the bootstrap administrator, who may do everything this API offers.
const std::map<std::string_view, std::set<Action>>& RoleTable() {
  static const auto* table = new std::map<std::string_view, std::set<Action>>{
      {kRoleSystemAdministrator,
       {Action::kReadOrganization, Action::kWriteOrganization, Action::kListOrganizations,
        Action::kReadProject, Action::kWriteProject, Action::kListProjects,
        Action::kReadClient, Action::kWriteClient, Action::kListClients, Action::kFindClient,
        Action::kReadCase, Action::kWriteCase, Action::kListCases, Action::kReadDocument,
        Action::kWriteDocument, Action::kListDocuments, Action::kDownloadDocument,
        Action::kReadKeyStatus, Action::kManageKeys}},
  };
  return *table;
}

}  // namespace

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kReadOrganization: return "read_organization";
    case Action::kWriteOrganization: return "write_organization";
    case Action::kListOrganizations: return "list_organizations";
    case Action::kReadProject: return "read_project";
    case Action::kWriteProject: return "write_project";
    case Action::kListProjects: return "list_projects";
    case Action::kReadClient: return "read_client";
    case Action::kWriteClient: return "write_client";
    case Action::kListClients: return "list_clients";
    case Action::kFindClient: return "find_client";
    case Action::kReadCase: return "read_case";
    case Action::kWriteCase: return "write_case";
    case Action::kListCases: return "list_cases";
    case Action::kReadDocument: return "read_document";
    case Action::kWriteDocument: return "write_document";
    case Action::kListDocuments: return "list_documents";
    case Action::kDownloadDocument: return "download_document";
    case Action::kReadKeyStatus: return "read_key_status";
    case Action::kManageKeys: return "manage_keys";
  }
  return "unknown";
}

Decision Policy::Decide(const Principal& principal, Action action, const Target&) const {
  const auto& table = RoleTable();
  for (const auto& role : principal.roles) {
    auto it = table.find(role);
    if (it != table.end() && it->second.contains(action)) return {true, "role_grants"};
  }
  return {false, "no_rule"};
}

absl::Status Policy::Check(const Principal& principal, Action action, const Target& target,
                           absl::StatusCode denied_as) const {
  Decision d = Decide(principal, action, target);
  if (d.allowed) return absl::OkStatus();
  if (denied_as == absl::StatusCode::kNotFound) return absl::NotFoundError("not found");
  return absl::Status(denied_as, "permission denied");
}

}  // namespace hoidla::core
