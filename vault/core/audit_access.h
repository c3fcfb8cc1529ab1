// AuditAccess: the audit log's integrity for those who check it —
// checkpoints, inclusion and consistency proofs, the signing keys — behind
// the policy (system administrators, auditors, data protection officers;
// rotation by administrators only).
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_CORE_AUDIT_ACCESS_H_
#define HOIDLA_VAULT_CORE_AUDIT_ACCESS_H_

#include <functional>

#include "absl/status/statusor.h"
#include "hoidla/v1/vault.pb.h"
#include "keys/keyring.h"
#include "vault/audit/audit_log.h"
#include "vault/audit/checkpoints.h"
#include "vault/core/policy.h"
#include "vault/core/principal.h"

namespace hoidla::core {

class AuditAccess {
 public:
  // All pointers must outlive this object.
  AuditAccess(audit::AuditLog* log, audit::Checkpoints* checkpoints, keys::Keyring* keyring,
              const Policy* policy)
      : log_(log), checkpoints_(checkpoints), keyring_(keyring), policy_(policy) {}

  absl::StatusOr<::hoidla::v1::Checkpoint> GetCheckpoint(
      const RequestContext& ctx, const ::hoidla::v1::GetCheckpointRequest& req);
  // INVALID_ARGUMENT "tree_size: ..." / "seq: ..." for sizes beyond the log.
  absl::StatusOr<::hoidla::v1::InclusionProof> GetInclusionProof(
      const RequestContext& ctx, const ::hoidla::v1::GetInclusionProofRequest& req);
  absl::StatusOr<::hoidla::v1::ConsistencyProof> GetConsistencyProof(
      const RequestContext& ctx, const ::hoidla::v1::GetConsistencyProofRequest& req);
  absl::StatusOr<::hoidla::v1::AuditPublicKeys> GetPublicKeys(const RequestContext& ctx);
  // Scans from the newest entry back (O(entries scanned); an index per
  // client and actor comes later). An organisation-scoped caller must name
  // their organisation (NOT_FOUND for another).
  absl::StatusOr<::hoidla::v1::ListAuditEntriesResponse> ListAuditEntries(
      const RequestContext& ctx, const ::hoidla::v1::ListAuditEntriesRequest& req);
  // Exports entries first_seq .. the checkpoint's end with their proofs, in
  // parts of up to 1000 entries passed to `emit` (the first carries the
  // header). An entry missing from the store is left out (the verifier names
  // the gap). Stops at the first error of `emit`.
  absl::Status ExportAudit(const RequestContext& ctx, const ::hoidla::v1::ExportAuditRequest& req,
                           const std::function<absl::Status(const ::hoidla::v1::AuditBundle&)>& emit);
  absl::StatusOr<::hoidla::v1::AuditPublicKeys> RotateSigningKey(const RequestContext& ctx);

 private:
  absl::StatusOr<::hoidla::v1::AuditPublicKeys> PublicKeys();
  audit::AuditLog* log_;
  audit::Checkpoints* checkpoints_;
  keys::Keyring* keyring_;
  const Policy* policy_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_CORE_AUDIT_ACCESS_H_
