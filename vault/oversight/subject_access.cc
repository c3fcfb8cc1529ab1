#include "vault/oversight/subject_access.h"

#include "base/ids.h"
#include "base/status_macros.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "vault/access/paging.h"

namespace hoidla::core {

absl::StatusOr<v1::SubjectDataExport> SubjectAccess::Export(
    const RequestContext& ctx, const v1::ExportSubjectDataRequest& req) const {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.client_id(), IdKind::kClient, "client_id"));
  auto client = registry_->LoadClient(req.client_id());
  HOIDLA_RETURN_IF_ERROR(
      registry_
          ->RevealClient(
              ctx,
              {.action = Action::kExportSubjectData, .id = req.client_id(), .field = "client_id"},
              client)
          .status());
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
  HOIDLA_RETURN_IF_ERROR(audit_
                             ->ReportEntries(req.client_id(), audit_->log_size(), SIZE_MAX, &report,
                                             /*aggregate_denied=*/true)
                             .status());
  *out.mutable_accesses() = std::move(*report.mutable_entries());
  return out;
}

namespace {

// Moves the items of `from` into parts of about `budget` bytes.
template <typename T>
absl::Status Spill(google::protobuf::RepeatedPtrField<T>* from,
                   google::protobuf::RepeatedPtrField<T>* (*field)(v1::SubjectDataExport*),
                   size_t budget, v1::SubjectDataExport* part,
                   const std::function<absl::Status(const v1::SubjectDataExport&)>& emit) {
  for (auto& item : *from) {
    const size_t size = item.ByteSizeLong() + 8;
    if (part->ByteSizeLong() + size > budget && part->ByteSizeLong() > 0) {
      HOIDLA_RETURN_IF_ERROR(emit(*part));
      part->Clear();
    }
    *field(part)->Add() = std::move(item);
  }
  from->Clear();
  return absl::OkStatus();
}

}  // namespace

absl::Status SubjectAccess::ExportInParts(
    const RequestContext& ctx, const v1::ExportSubjectDataRequest& req, size_t part_bytes,
    const std::function<absl::Status(const v1::SubjectDataExport&)>& emit) const {
  HOIDLA_ASSIGN_OR_RETURN(v1::SubjectDataExport all, Export(ctx, req));
  v1::SubjectDataExport part;
  *part.mutable_exported_at() = all.exported_at();
  *part.mutable_client() = all.client();
  using E = v1::SubjectDataExport;
  HOIDLA_RETURN_IF_ERROR(Spill(
      all.mutable_cases(), +[](E* e) { return e->mutable_cases(); }, part_bytes, &part, emit));
  HOIDLA_RETURN_IF_ERROR(Spill(
      all.mutable_records(), +[](E* e) { return e->mutable_records(); }, part_bytes, &part, emit));
  HOIDLA_RETURN_IF_ERROR(Spill(
      all.mutable_documents(), +[](E* e) { return e->mutable_documents(); }, part_bytes, &part,
      emit));
  HOIDLA_RETURN_IF_ERROR(Spill(
      all.mutable_consents(), +[](E* e) { return e->mutable_consents(); }, part_bytes, &part,
      emit));
  HOIDLA_RETURN_IF_ERROR(Spill(
      all.mutable_disclosures(), +[](E* e) { return e->mutable_disclosures(); }, part_bytes, &part,
      emit));
  HOIDLA_RETURN_IF_ERROR(Spill(
      all.mutable_accesses(), +[](E* e) { return e->mutable_accesses(); }, part_bytes, &part,
      emit));
  return emit(part);
}

}  // namespace hoidla::core
