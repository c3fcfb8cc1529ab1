#include "vault/core/subject_access.h"

#include "vault/common/ids.h"
#include "vault/common/status_macros.h"
#include "vault/core/paging.h"
#include "vault/core/validation.h"

namespace hoidla::core {

absl::StatusOr<v1::SubjectDataExport> SubjectAccess::Export(
    const RequestContext& ctx, const v1::ExportSubjectDataRequest& req) const {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.client_id(), IdKind::kClient, "client_id"));
  auto client = registry_->LoadClient(req.client_id());
  Target target = client.ok() ? registry_->ClientTarget(*client)
                              : registry_->LocationOf(req.client_id());
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kExportSubjectData, target), "client_id"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(client.status(), "client_id"));
  v1::SubjectDataExport out;
  *out.mutable_exported_at() = ToTimestamp(clock_->NowMicros());
  HOIDLA_ASSIGN_OR_RETURN(*out.mutable_client(), registry_->ClientToApi(*client));
  HOIDLA_ASSIGN_OR_RETURN(auto cases, registry_->CasesOfClient(req.client_id()));
  for (auto& c : cases) *out.add_cases() = std::move(c);
  HOIDLA_ASSIGN_OR_RETURN(auto records, records_->RecordsOfClient(req.client_id()));
  for (auto& r : records) *out.add_records() = std::move(r);
  HOIDLA_ASSIGN_OR_RETURN(auto documents, documents_->DocumentsOfClient(req.client_id()));
  for (auto& d : documents) *out.add_documents() = std::move(d);
  HOIDLA_ASSIGN_OR_RETURN(auto consents, consents_->ConsentHistory(req.client_id()));
  for (auto& c : consents) *out.add_consents() = std::move(c);
  HOIDLA_ASSIGN_OR_RETURN(auto disclosures, consents_->DisclosuresOf(req.client_id()));
  for (auto& d : disclosures) *out.add_disclosures() = std::move(d);
  v1::AccessReport report;
  HOIDLA_RETURN_IF_ERROR(
      audit_->ReportEntries(req.client_id(), audit_->log_size(), SIZE_MAX, &report).status());
  *out.mutable_accesses() = std::move(*report.mutable_entries());
  return out;
}

}  // namespace hoidla::core
