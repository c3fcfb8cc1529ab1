// SubjectAccess: a client's subject access request (doc/domain.md §4,
// scenario 7): everything the vault holds on the client in one answer,
// decided once for the client (kExportSubjectData: the data subject
// themselves, or a data protection officer of the client's organisation),
// with what the law protects withheld: the reporter of a concern, third
// parties in records, protected actors in the access report.
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_OVERSIGHT_SUBJECT_ACCESS_H_
#define HOIDLA_VAULT_OVERSIGHT_SUBJECT_ACCESS_H_

#include <cstddef>
#include <functional>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "hoidla/v1/subject_access.pb.h"
#include "vault/access/policy.h"
#include "vault/consent/consents.h"
#include "vault/directory/registry.h"
#include "vault/documents/documents.h"
#include "vault/oversight/audit_access.h"
#include "vault/records/records.h"

namespace hoidla::core {

class SubjectAccess {
 public:
  // All pointers must outlive this object.
  SubjectAccess(Clock* clock, const Policy* policy, const Registry* registry,
                const Documents* documents, const Records* records, const Consents* consents,
                const AuditAccess* audit)
      : clock_(clock),
        policy_(policy),
        registry_(registry),
        documents_(documents),
        records_(records),
        consents_(consents),
        audit_(audit) {}

  // The export, whole (refused attempts alike counted as one access
  // entry). NOT_FOUND "client_id" for a client out of the caller's reach;
  // PERMISSION_DENIED for callers no role lets export.
  absl::StatusOr<v1::SubjectDataExport> Export(const RequestContext& ctx,
                                               const v1::ExportSubjectDataRequest& req) const;
  // Export() in parts of about `part_bytes` (at least one item each),
  // passed to `emit` in order; their concatenation is the export. Stops at,
  // and returns, the first error of Export() or of `emit`.
  absl::Status ExportInParts(
      const RequestContext& ctx, const v1::ExportSubjectDataRequest& req, size_t part_bytes,
      const std::function<absl::Status(const v1::SubjectDataExport&)>& emit) const;

 private:
  Clock* clock_;
  const Policy* policy_;
  const Registry* registry_;
  const Documents* documents_;
  const Records* records_;
  const Consents* consents_;
  const AuditAccess* audit_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_OVERSIGHT_SUBJECT_ACCESS_H_
