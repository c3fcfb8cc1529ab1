// The policy decision point: the one place that decides whether a principal
// may perform an action on a target. Every core operation (reads, writes,
// lists, counts, finds, downloads, management) calls it before touching
// data; list results are filtered through it item by item. Deny by default:
// an action no membership grants is denied.
//
// Roles are data: a table maps each role to the actions it grants, and each
// membership limits its role to a scope (deployment, organisation, project).
// A case worker's case-bound actions need the case to be assigned to them,
// unless their project shows every case to every case worker.
//
// Two kinds of denial, so callers can answer correctly:
//  * kNoRole: no membership grants the action anywhere. The caller learns
//    nothing about the target: PERMISSION_DENIED.
//  * kOutOfScope: a role grants the action, but not for this target. The
//    caller must not learn whether the target exists: the caller's choice,
//    NOT_FOUND for objects.
//
// Thread-safety: immutable; safe for concurrent use.
#ifndef HOIDLA_VAULT_ACCESS_POLICY_H_
#define HOIDLA_VAULT_ACCESS_POLICY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "vault/access/principal.h"
#include "vault/access/release.h"

namespace hoidla::core {

enum class Action {
  kWhoAmI,
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
  kAssignCase,
  kReadDocument,
  kWriteDocument,
  kListDocuments,
  kDownloadDocument,
  kReadKeyStatus,
  kManageKeys,
  kReadPrincipals,
  kManagePrincipals,
  kManageMemberships,
  kManageTokens,
  kReadAuditIntegrity,  // checkpoints, proofs, public keys
  kReadAuditEntries,
  kManageAuditKeys,
  // A client's access report ("who saw my data"): the data subject's own,
  // or a data protection officer's answer to a subject access request.
  kReadAccessReport,
  // Consents and disclosures without consent (doc/domain.md §3).
  kWriteConsent,
  kReadConsent,
  kDiscloseWithoutConsent,
  kReadDisclosures,
  kReviewDisclosures,
  // A partner's "does a record of kind K exist for this person?".
  kQueryExistence,
  // Assessment records (signing is writing).
  kReadRecord,
  kWriteRecord,
  kListRecords,
  // Everything held on a client (a subject access request).
  kExportSubjectData,
  // An organisation's own instruments (custom record schemas).
  kManageInstruments,
  kReadInstruments,
  // A partner agency worker's report of a concern to an organisation.
  kReportConcern,
  // Four eyes: approving or denying another person's grant request, and
  // reading grant requests.
  kApproveGrants,
  kReadGrantRequests,
  // Narrowing an account's access: disabling it, revoking and listing its
  // tokens, removing certificate mappings, setting revocation lists.
  kAdministerCredentials,
  // A session token for oneself (every authenticated principal).
  kIssueSession,
  // Withdrawing one's own grant request (its requester only).
  kWithdrawGrantRequest,
  // Retention (doc/retention.md): an organisation's retention schedules,
  // and legal holds on what it holds. Neither lets anyone read client data.
  kManageRetention,
  kReadRetention,
  kPlaceLegalHold,
  kReadLegalHolds,
  // Disposal (doc/retention.md): deciding the due list and running a sweep
  // (destroys what is due), and reading the due list and certificates
  // (ids and kinds, never contents).
  kDispose,
  kReadDisposals,
  // Erasing a client on request (GDPR Art. 17): the data protection
  // officer on the client's behalf, or the data subject themselves.
  kEraseClient,
};
std::string_view ActionName(Action action);

// What an action is about. Empty fields are unknown or not applicable.
struct Target {
  std::string organization_id;
  std::string project_id;
  // For client-level targets: the projects the client takes part in.
  std::vector<std::string> client_project_ids;
  std::string client_id;
  std::string case_id;
  // The case worker the case is (or, on create, will be) assigned to.
  std::string case_assignee;
  // The project shows every case to every case worker.
  bool whole_project_cases = false;
  std::string object_id;
  // The principal a credential or a grant request belongs to (its owner or
  // requester): it may administer its own credentials, and read and
  // withdraw its own requests, whatever its roles.
  std::string owner_principal_id;
  // For kManageMemberships: the scope of the role being granted or removed.
  RoleScope granted_scope = RoleScope::kProject;
  // A consent in force or a disclosure that releases the target to a
  // recipient (ReleaseSource). For the released actions (reading, listing
  // and downloading documents) a membership the release names is in scope;
  // it is the only way a partner worker reaches client data.
  std::optional<Release> release;
};

enum class DenyReason { kNone, kNoRole, kOutOfScope };

struct Decision {
  bool allowed = false;
  DenyReason deny = DenyReason::kNoRole;
  // Machine-readable: "role:<name>", "no_role", "out_of_scope".
  std::string reason;
  // Allowed through Target::release (its basis goes into the audit entry).
  bool via_release = false;
};

class Policy {
 public:
  // Decides. Never fails.
  Decision Decide(const Principal& principal, Action action, const Target& target) const;

  // Decide() as a status: OK when allowed; PERMISSION_DENIED when no role
  // grants the action; `out_of_scope_as` (NOT_FOUND for objects whose
  // existence the caller may not learn) when the target is outside every
  // scope that grants it.
  absl::Status Check(const Principal& principal, Action action, const Target& target,
                     absl::StatusCode out_of_scope_as = absl::StatusCode::kNotFound) const;

  // Check() for the call `ctx`: also records the decision, its action and
  // its target's ids in the call's audit entry (ctx.audit), so that every
  // decided call leaves its decision in the log.
  absl::Status Check(const RequestContext& ctx, Action action, const Target& target,
                     absl::StatusCode out_of_scope_as = absl::StatusCode::kNotFound) const;

  // Whether `role` grants `action` somewhere (the table, for tests and docs).
  static bool Grants(Role role, Action action);
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_ACCESS_POLICY_H_
