// AuditAccess: the audit log's integrity for those who check it —
// checkpoints, inclusion and consistency proofs, the signing keys — behind
// the policy (system administrators, auditors, data protection officers;
// rotation by administrators only).
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_OVERSIGHT_AUDIT_ACCESS_H_
#define HOIDLA_VAULT_OVERSIGHT_AUDIT_ACCESS_H_

#include <functional>

#include "absl/status/statusor.h"
#include "hoidla/v1/audit.pb.h"
#include "hoidla/v1/identity.pb.h"
#include "hoidla/v1/subject_access.pb.h"
#include "keys/keyring.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/audit/audit_log.h"
#include "vault/audit/checkpoints.h"
#include "vault/directory/registry.h"
#include "vault/identity/identity.h"

namespace hoidla::core {

class AuditAccess {
 public:
  // All pointers must outlive this object.
  AuditAccess(audit::AuditLog* log, audit::Checkpoints* checkpoints, keys::Keyring* keyring,
              const Policy* policy, const Registry* registry, const Identity* identity)
      : log_(log),
        checkpoints_(checkpoints),
        keyring_(keyring),
        policy_(policy),
        registry_(registry),
        identity_(identity) {}

  absl::StatusOr<::hoidla::v1::Checkpoint> GetCheckpoint(
      const RequestContext& ctx, const ::hoidla::v1::GetCheckpointRequest& req);
  // INVALID_ARGUMENT "tree_size: ..." / "seq: ..." for sizes beyond the log.
  absl::StatusOr<::hoidla::v1::InclusionProof> GetInclusionProof(
      const RequestContext& ctx, const ::hoidla::v1::GetInclusionProofRequest& req);
  absl::StatusOr<::hoidla::v1::ConsistencyProof> GetConsistencyProof(
      const RequestContext& ctx, const ::hoidla::v1::GetConsistencyProofRequest& req);
  absl::StatusOr<::hoidla::v1::AuditPublicKeys> GetPublicKeys(const RequestContext& ctx);
  // Newest first. With a client_id or actor filter it reads that index (cost
  // proportional to the entries of that client or actor); otherwise it scans
  // back from the newest entry. An organisation-scoped caller must name
  // their organisation (NOT_FOUND for another).
  absl::StatusOr<::hoidla::v1::ListAuditEntriesResponse> ListAuditEntries(
      const RequestContext& ctx, const ::hoidla::v1::ListAuditEntriesRequest& req);
  // Exports entries first_seq .. the checkpoint's end with their proofs, in
  // parts of up to 1000 entries passed to `emit` (the first carries the
  // header). An entry missing from the store is left out (the verifier names
  // the gap). Stops at the first error of `emit`.
  absl::Status ExportAudit(
      const RequestContext& ctx, const ::hoidla::v1::ExportAuditRequest& req,
      const std::function<absl::Status(const ::hoidla::v1::AuditBundle&)>& emit);
  absl::StatusOr<::hoidla::v1::AuditPublicKeys> RotateSigningKey(const RequestContext& ctx);

  // The access report of client `req.client_id` ("who saw my data"): the
  // entries about the client, newest first, each naming who acted (person,
  // organisation, role) unless the entry marks the actor as a protected
  // third party, whose identity is then withheld. The data subject's own
  // calls are left out. For the data subject and data protection officers
  // of the client's organisation; NOT_FOUND "client_id" for a client out of
  // the caller's reach, INVALID_ARGUMENT naming a malformed field.
  absl::StatusOr<::hoidla::v1::AccessReport> GetAccessReport(
      const RequestContext& ctx, const ::hoidla::v1::GetAccessReportRequest& req);
  // For the core's own use: appends to `out` up to `limit` report entries of
  // `client_id` below sequence number `before`, newest first, as
  // GetAccessReport shows them (no policy decision). Returns where to go on
  // (0 at the oldest entry).
  // With `aggregate_denied`, refused attempts alike (actor, method, action,
  // outcome, organisation) are counted into one entry (count, first_time).
  absl::StatusOr<uint64_t> ReportEntries(const std::string& client_id, uint64_t before,
                                         size_t limit, ::hoidla::v1::AccessReport* out,
                                         bool aggregate_denied = false) const;
  uint64_t log_size() const { return log_->size(); }

 private:
  absl::StatusOr<::hoidla::v1::AuditPublicKeys> PublicKeys();
  // OK when the caller may read the audit log's part `organization_id`
  // (empty: the whole log, deployment roles only). PERMISSION_DENIED without
  // an audit role; NOT_FOUND "organization_id" for another organisation;
  // INVALID_ARGUMENT "organization_id" when an organisation's auditor names
  // none.
  absl::Status ReadableLogPart(const RequestContext& ctx, const std::string& organization_id) const;
  // Visits committed entries below `before`, newest first: those of
  // `client_id` (else of `actor`) through their index, or every entry when
  // both are empty, until `visit` returns false. Returns where to continue
  // (0 when the walk reached the oldest entry).
  absl::StatusOr<uint64_t> WalkNewestFirst(
      std::string_view client_id, std::string_view actor, uint64_t before,
      const std::function<bool(const audit::Entry&)>& visit) const;
  audit::AuditLog* log_;
  audit::Checkpoints* checkpoints_;
  keys::Keyring* keyring_;
  const Policy* policy_;
  const Registry* registry_;
  const Identity* identity_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_OVERSIGHT_AUDIT_ACCESS_H_
