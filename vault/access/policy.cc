#include "vault/access/policy.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/strings.h"
#include "vault/audit/audit_log.h"

namespace hoidla::core {
namespace {

using A = Action;

// The role table (doc/domain.md §2). Actions marked case-bound in
// CaseBound() additionally need an assigned case for case workers.
const std::map<Role, std::set<Action>>& RoleTable() {
  static const auto* table = new std::map<Role, std::set<Action>>{
      // Runs the service: accounts, keys, organisations and projects. No
      // client data (separation of duties).
      {Role::kSystemAdministrator,
       {A::kWhoAmI, A::kReadOrganization, A::kWriteOrganization, A::kListOrganizations,
        A::kReadProject, A::kWriteProject, A::kListProjects, A::kReadKeyStatus, A::kManageKeys,
        A::kReadPrincipals, A::kManagePrincipals, A::kManageMemberships, A::kManageTokens,
        A::kReadAuditIntegrity, A::kManageAuditKeys, A::kReadAuditEntries, A::kReadGrantRequests,
        A::kAdministerCredentials}},
      // Sees every project of the organisation.
      {Role::kHeadOfOrganization,
       {A::kWhoAmI,
        A::kReadOrganization,
        A::kListOrganizations,
        A::kReadProject,
        A::kWriteProject,
        A::kListProjects,
        A::kReadClient,
        A::kWriteClient,
        A::kListClients,
        A::kFindClient,
        A::kReadCase,
        A::kWriteCase,
        A::kListCases,
        A::kAssignCase,
        A::kReadDocument,
        A::kWriteDocument,
        A::kListDocuments,
        A::kDownloadDocument,
        A::kReadPrincipals,
        A::kManageMemberships,
        A::kWriteConsent,
        A::kReadConsent,
        A::kDiscloseWithoutConsent,
        A::kReadDisclosures,
        A::kReadRecord,
        A::kWriteRecord,
        A::kListRecords,
        A::kManageInstruments,
        A::kReadInstruments,
        A::kApproveGrants,
        A::kReadGrantRequests,
        A::kAdministerCredentials,
        A::kManageRetention,
        A::kReadRetention,
        A::kPlaceLegalHold,
        A::kReadLegalHolds,
        A::kDispose,
        A::kReadDisposals}},
      // Manages the project's team, clients and cases; sees all its records.
      {Role::kProjectManager,
       {A::kWhoAmI,
        A::kReadOrganization,
        A::kListOrganizations,
        A::kReadProject,
        A::kListProjects,
        A::kReadClient,
        A::kWriteClient,
        A::kListClients,
        A::kFindClient,
        A::kReadCase,
        A::kWriteCase,
        A::kListCases,
        A::kAssignCase,
        A::kReadDocument,
        A::kWriteDocument,
        A::kListDocuments,
        A::kDownloadDocument,
        A::kReadPrincipals,
        A::kManageMemberships,
        A::kWriteConsent,
        A::kReadConsent,
        A::kDiscloseWithoutConsent,
        A::kReadRecord,
        A::kWriteRecord,
        A::kListRecords,
        A::kReadInstruments,
        A::kReadRetention}},
      // Works on the cases assigned to them.
      {Role::kCaseWorker,
       {A::kWhoAmI,
        A::kReadOrganization,
        A::kListOrganizations,
        A::kReadProject,
        A::kListProjects,
        A::kReadClient,
        A::kWriteClient,
        A::kListClients,
        A::kFindClient,
        A::kReadCase,
        A::kWriteCase,
        A::kListCases,
        A::kReadDocument,
        A::kWriteDocument,
        A::kListDocuments,
        A::kDownloadDocument,
        A::kWriteConsent,
        A::kReadConsent,
        A::kDiscloseWithoutConsent,
        A::kReadRecord,
        A::kWriteRecord,
        A::kListRecords,
        A::kReadInstruments}},
      // Adds notes to plan items assigned to it and reads nothing else of a
      // case; plan items arrive with assessment records.
      {Role::kServiceProvider, {A::kWhoAmI}},
      // Fetches what a consent in force (or a disclosure) releases to its
      // organisation, and nothing else: its document actions are in scope
      // only through Target::release.
      {Role::kPartnerWorker,
       {A::kWhoAmI, A::kReadDocument, A::kListDocuments, A::kDownloadDocument, A::kQueryExistence,
        A::kReadRecord, A::kListRecords, A::kReportConcern}},
      // Read the audit log and consent history, never contents.
      {Role::kAuditor,
       {A::kWhoAmI, A::kReadAuditIntegrity, A::kReadAuditEntries, A::kReadConsent,
        A::kReadDisclosures, A::kReadGrantRequests, A::kReadRetention, A::kReadLegalHolds,
        A::kReadDisposals}},
      {Role::kDataProtectionOfficer,
       {A::kWhoAmI, A::kReadAuditIntegrity, A::kReadAuditEntries, A::kReadAccessReport,
        A::kReadConsent, A::kReadDisclosures, A::kReviewDisclosures, A::kExportSubjectData,
        A::kReadGrantRequests, A::kManageRetention, A::kReadRetention, A::kPlaceLegalHold,
        A::kReadLegalHolds, A::kDispose, A::kReadDisposals, A::kEraseClient}},
  };
  return *table;
}

bool CaseBound(Action a) {
  return a == A::kReadCase || a == A::kWriteCase || a == A::kReadDocument ||
         a == A::kWriteDocument || a == A::kDownloadDocument || a == A::kReadRecord ||
         a == A::kWriteRecord;
}

// The actions a release lets its recipient perform.
bool Released(Action a) {
  return a == A::kReadDocument || a == A::kListDocuments || a == A::kDownloadDocument ||
         a == A::kReadRecord || a == A::kListRecords;
}

// Whether membership `m` is a recipient the release names: a partner worker
// of the organisation, or a project manager or case worker of the project.
bool IsRecipient(const Principal& p, const Membership& m, const Release& r) {
  if (!r.recipient_principal_id.empty()) {
    return m.role == Role::kPartnerWorker && p.id == r.recipient_principal_id;
  }
  if (r.recipient_project_id.empty()) {
    return m.role == Role::kPartnerWorker && m.organization_id == r.recipient_organization_id;
  }
  return (m.role == Role::kProjectManager || m.role == Role::kCaseWorker) &&
         m.project_id == r.recipient_project_id;
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// A target naming no particular object: a list over a container.
bool IsContainerOnly(const Target& t) {
  return t.case_id.empty() && t.client_id.empty() && t.object_id.empty();
}

// Whether membership `m` covers `target` for `action`.
bool InScope(const Principal& p, const Membership& m, Action action, const Target& t) {
  if (m.role == Role::kPartnerWorker) {
    // Client data only through a release; existence queries are decided
    // per answer by the consents module.
    if (Released(action)) return t.release && IsRecipient(p, m, *t.release);
    if (action == A::kQueryExistence) return true;
    // To any organisation: reporting reads nothing.
    if (action == A::kReportConcern) return true;
  }
  switch (ScopeOf(m.role)) {
    case RoleScope::kDeployment:
      return true;
    case RoleScope::kOrganization:
      if (action == A::kManageMemberships && t.granted_scope == RoleScope::kDeployment) {
        return false;
      }
      // A target with no organisation and no object is a deployment-wide
      // list, whose results are filtered item by item.
      if (t.organization_id.empty()) return IsContainerOnly(t);
      return t.organization_id == m.organization_id;
    case RoleScope::kProject: {
      if (action == A::kManageMemberships && t.granted_scope != RoleScope::kProject) {
        return false;
      }
      if (!t.organization_id.empty() && t.organization_id != m.organization_id) return false;
      if (action == A::kReadPrincipals) {
        // A project's managers see the people of their organisation (their
        // team and candidates for it); a list with no organisation is
        // filtered item by item.
        return !t.organization_id.empty() || IsContainerOnly(t);
      }
      bool in_project;
      if (!t.project_id.empty()) {
        in_project = t.project_id == m.project_id;
      } else if (!t.client_project_ids.empty()) {
        in_project = Contains(t.client_project_ids, m.project_id);
      } else {
        // Organisation-level lists, filtered item by item.
        in_project = IsContainerOnly(t);
      }
      if (!in_project) return false;
      if (m.role == Role::kCaseWorker && CaseBound(action)) {
        return t.whole_project_cases || (!t.case_assignee.empty() && t.case_assignee == p.id);
      }
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view ActionName(Action action) {
  switch (action) {
    case A::kWhoAmI:
      return "who_am_i";
    case A::kReadOrganization:
      return "read_organization";
    case A::kWriteOrganization:
      return "write_organization";
    case A::kListOrganizations:
      return "list_organizations";
    case A::kReadProject:
      return "read_project";
    case A::kWriteProject:
      return "write_project";
    case A::kListProjects:
      return "list_projects";
    case A::kReadClient:
      return "read_client";
    case A::kWriteClient:
      return "write_client";
    case A::kListClients:
      return "list_clients";
    case A::kFindClient:
      return "find_client";
    case A::kReadCase:
      return "read_case";
    case A::kWriteCase:
      return "write_case";
    case A::kListCases:
      return "list_cases";
    case A::kAssignCase:
      return "assign_case";
    case A::kReadDocument:
      return "read_document";
    case A::kWriteDocument:
      return "write_document";
    case A::kListDocuments:
      return "list_documents";
    case A::kDownloadDocument:
      return "download_document";
    case A::kReadKeyStatus:
      return "read_key_status";
    case A::kManageKeys:
      return "manage_keys";
    case A::kReadPrincipals:
      return "read_principals";
    case A::kManagePrincipals:
      return "manage_principals";
    case A::kManageMemberships:
      return "manage_memberships";
    case A::kManageTokens:
      return "manage_tokens";
    case A::kReadAuditIntegrity:
      return "read_audit_integrity";
    case A::kManageAuditKeys:
      return "manage_audit_keys";
    case A::kReadAuditEntries:
      return "read_audit_entries";
    case A::kReadAccessReport:
      return "read_access_report";
    case A::kWriteConsent:
      return "write_consent";
    case A::kReadConsent:
      return "read_consent";
    case A::kDiscloseWithoutConsent:
      return "disclose_without_consent";
    case A::kReadDisclosures:
      return "read_disclosures";
    case A::kReviewDisclosures:
      return "review_disclosures";
    case A::kQueryExistence:
      return "query_existence";
    case A::kReadRecord:
      return "read_record";
    case A::kWriteRecord:
      return "write_record";
    case A::kListRecords:
      return "list_records";
    case A::kExportSubjectData:
      return "export_subject_data";
    case A::kManageInstruments:
      return "manage_instruments";
    case A::kReadInstruments:
      return "read_instruments";
    case A::kReportConcern:
      return "report_concern";
    case A::kApproveGrants:
      return "approve_grants";
    case A::kReadGrantRequests:
      return "read_grant_requests";
    case A::kAdministerCredentials:
      return "administer_credentials";
    case A::kIssueSession:
      return "issue_session";
    case A::kWithdrawGrantRequest:
      return "withdraw_grant_request";
    case A::kManageRetention:
      return "manage_retention";
    case A::kReadRetention:
      return "read_retention";
    case A::kPlaceLegalHold:
      return "place_legal_hold";
    case A::kReadLegalHolds:
      return "read_legal_holds";
    case A::kDispose:
      return "dispose";
    case A::kReadDisposals:
      return "read_disposals";
    case A::kEraseClient:
      return "erase_client";
  }
  return "unknown";
}

bool Policy::Grants(Role role, Action action) {
  auto it = RoleTable().find(role);
  return it != RoleTable().end() && it->second.contains(action);
}

Decision Policy::Decide(const Principal& principal, Action action, const Target& target) const {
  // Every authenticated principal may ask who it is.
  if (action == A::kWhoAmI || action == A::kIssueSession) {
    return {true, DenyReason::kNone, "self"};
  }
  // One's own credentials and grant requests.
  if ((action == A::kAdministerCredentials || action == A::kReadGrantRequests ||
       action == A::kWithdrawGrantRequest) &&
      !target.owner_principal_id.empty() && target.owner_principal_id == principal.id) {
    return {true, DenyReason::kNone, "self:owner"};
  }
  // A data subject has the client's own rights over their own record only.
  if (!principal.subject_client_id.empty()) {
    if (action != A::kReadAccessReport && action != A::kExportSubjectData &&
        action != A::kEraseClient) {
      return {false, DenyReason::kNoRole, "no_role"};
    }
    if (target.client_id == principal.subject_client_id) {
      return {true, DenyReason::kNone, "self:data_subject"};
    }
    return {false, DenyReason::kOutOfScope, "out_of_scope"};
  }
  bool granted_somewhere = false;
  for (const auto& m : principal.memberships) {
    if (!Grants(m.role, action)) continue;
    granted_somewhere = true;
    if (InScope(principal, m, action, target)) {
      return {true, DenyReason::kNone, StrCat("role:", RoleName(m.role)),
              m.role == Role::kPartnerWorker && Released(action)};
    }
  }
  // A project member outside the target's project, reached by a release
  // naming their project.
  if (granted_somewhere && target.release && Released(action)) {
    for (const auto& m : principal.memberships) {
      if (Grants(m.role, action) && m.role != Role::kPartnerWorker &&
          IsRecipient(principal, m, *target.release)) {
        return {true, DenyReason::kNone, StrCat("role:", RoleName(m.role)), true};
      }
    }
  }
  if (granted_somewhere) return {false, DenyReason::kOutOfScope, "out_of_scope"};
  return {false, DenyReason::kNoRole, "no_role"};
}

absl::Status Policy::Check(const Principal& principal, Action action, const Target& target,
                           absl::StatusCode out_of_scope_as) const {
  Decision d = Decide(principal, action, target);
  if (d.allowed) return absl::OkStatus();
  if (d.deny == DenyReason::kNoRole) {
    return absl::PermissionDeniedError(
        StrCat("permission denied: no role of the caller may ", ActionName(action)));
  }
  if (out_of_scope_as == absl::StatusCode::kNotFound) return absl::NotFoundError("not found");
  return absl::Status(out_of_scope_as, "permission denied");
}

absl::Status Policy::Check(const RequestContext& ctx, Action action, const Target& target,
                           absl::StatusCode out_of_scope_as) const {
  if (ctx.audit != nullptr) {
    Decision d = Decide(ctx.principal, action, target);
    audit::Entry& e = ctx.audit->entry;
    e.set_action(std::string(ActionName(action)));
    e.set_organization_id(target.organization_id);
    e.set_project_id(target.project_id);
    e.set_client_id(target.client_id);
    e.set_case_id(target.case_id);
    e.set_object_id(target.object_id);
    e.set_allowed(d.allowed);
    e.set_reason(d.reason);
    if (d.via_release) e.set_legal_basis(target.release->basis);
  }
  return Check(ctx.principal, action, target, out_of_scope_as);
}

// ---------------------------------------------------------------------------
// Roles

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kSystemAdministrator:
      return "system_administrator";
    case Role::kHeadOfOrganization:
      return "head_of_organization";
    case Role::kProjectManager:
      return "project_manager";
    case Role::kCaseWorker:
      return "case_worker";
    case Role::kServiceProvider:
      return "service_provider";
    case Role::kPartnerWorker:
      return "partner_worker";
    case Role::kAuditor:
      return "auditor";
    case Role::kDataProtectionOfficer:
      return "data_protection_officer";
  }
  return "unknown";
}

const std::vector<Role>& AllRoles() {
  static const auto* all = new std::vector<Role>{Role::kSystemAdministrator,
                                                 Role::kHeadOfOrganization,
                                                 Role::kProjectManager,
                                                 Role::kCaseWorker,
                                                 Role::kServiceProvider,
                                                 Role::kPartnerWorker,
                                                 Role::kAuditor,
                                                 Role::kDataProtectionOfficer};
  return *all;
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : AllRoles()) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

RoleScope ScopeOf(Role role) {
  switch (role) {
    case Role::kSystemAdministrator:
      return RoleScope::kDeployment;
    case Role::kHeadOfOrganization:
    case Role::kPartnerWorker:
    case Role::kAuditor:
    case Role::kDataProtectionOfficer:
      return RoleScope::kOrganization;
    case Role::kProjectManager:
    case Role::kCaseWorker:
    case Role::kServiceProvider:
      return RoleScope::kProject;
  }
  return RoleScope::kProject;
}

}  // namespace hoidla::core
