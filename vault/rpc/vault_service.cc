#include "vault/rpc/vault_service.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/validation.h"
#include "keys/crypto.h"
#include "vault/audit/audit_log.h"
#include "vault/rpc/status_convert.h"

namespace hoidla::service {
namespace {

constexpr std::string_view kBearer = "Bearer ";

// After a large transfer, hands the allocator's freed buffers back to the
// system. glibc keeps freed memory in per-thread arenas; without this the
// server's resident size creeps up with every large transfer served by a
// new thread, although nothing is in use.
void ReleaseFreedMemory(int64_t transferred_bytes) {
  if (transferred_bytes >= (int64_t{16} << 20)) malloc_trim(0);
}

std::string_view Metadata(grpc::ServerContext* c, std::string_view key) {
  const auto& md = c->client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return {};
  return {it->second.data(), it->second.size()};
}

// The client certificate the TLS layer received (PEM), or "".
std::string PeerCertificate(grpc::ServerContext* c) {
  auto auth = c->auth_context();
  if (auth == nullptr) return "";
  auto values = auth->FindPropertyValues("x509_pem_cert");
  if (values.empty()) return "";
  return std::string(values.front().data(), values.front().size());
}

}  // namespace

VaultService::VaultService(core::Identity* identity, core::Registry* registry,
                           core::Documents* documents, core::KeyAdmin* key_admin,
                           core::AuditAccess* audit_access, core::Consents* consents,
                           core::Records* records, core::SubjectAccess* subject_access,
                           core::Instruments* instruments, audit::AuditLog* audit_log)
    : identity_(identity),
      registry_(registry),
      documents_(documents),
      key_admin_(key_admin),
      audit_access_(audit_access),
      consents_(consents),
      records_(records),
      subject_access_(subject_access),
      instruments_(instruments),
      audit_log_(audit_log) {}

audit::AuditDraft VaultService::NewDraft(grpc::ServerContext* c, std::string_view method) const {
  audit::AuditDraft draft;
  draft.log = audit_log_;
  draft.entry.set_method(std::string(method));
  draft.entry.set_peer(c->peer());
  std::string_view rid = Metadata(c, "x-request-id");
  draft.entry.set_request_id(!rid.empty() && rid.size() <= 64 ? std::string(rid)
                                                              : keys::ToHex(keys::RandomString(8)));
  return draft;
}

absl::StatusOr<core::RequestContext> VaultService::Authenticate(grpc::ServerContext* c,
                                                                audit::AuditDraft* draft) const {
  std::string_view auth = Metadata(c, "authorization");
  absl::StatusOr<core::Principal> principal;
  core::Credential credential;
  if (auth.starts_with(kBearer)) {
    principal = identity_->Authenticate(auth.substr(kBearer.size()), &credential);
  } else if (std::string pem = PeerCertificate(c); !pem.empty()) {
    principal = identity_->AuthenticateCertificate(pem);
  } else {
    return absl::UnauthenticatedError(
        "missing credential: send authorization: Bearer <token> or a client certificate");
  }
  if (!principal.ok()) return principal.status();
  core::RequestContext ctx;
  ctx.principal = std::move(*principal);
  ctx.credential_token_id = credential.token_id;
  ctx.credential_expires_at_micros = credential.expires_at_micros;
  std::string_view act_for = Metadata(c, "x-hoidla-act-for");
  if (!act_for.empty()) {
    draft->entry.set_acting_through(ctx.principal.id);
    auto user = identity_->ActFor(ctx.principal, act_for);
    if (!user.ok()) return user.status();
    ctx.acting_through = ctx.principal.id;
    ctx.principal = std::move(*user);
  }
  if (std::string_view purpose = Metadata(c, "x-hoidla-purpose"); !purpose.empty()) {
    HOIDLA_RETURN_IF_ERROR(core::ValidateSlug("x-hoidla-purpose", purpose, 64));
    ctx.purpose = std::string(purpose);
    draft->entry.set_purpose(ctx.purpose);
  }
  ctx.request_id = draft->entry.request_id();
  ctx.peer = c->peer();
  ctx.audit = draft;
  draft->entry.set_actor(ctx.principal.id);
  draft->entry.set_acting_through(ctx.acting_through);
  return ctx;
}

grpc::Status VaultService::Finish(std::string_view method, const core::RequestContext* ctx,
                                  audit::AuditDraft* draft, absl::Status status) const {
  // Every outcome is on the record: a call whose effect or access was
  // committed already adds an entry only when it then failed. When the log
  // cannot be written the call fails (UNAVAILABLE), whatever it did.
  if (draft != nullptr && draft->log != nullptr && (!draft->committed || !status.ok())) {
    audit::Entry e = draft->entry;
    e.set_status(absl::StatusCodeToString(status.code()));
    auto seq = draft->log->Commit(std::move(e));
    if (seq.ok()) {
      draft->committed = true;
    } else {
      status = seq.status();
    }
  }
  // Ids and codes only: messages and arguments may not be logged.
  if (status.ok()) {
    spdlog::debug("rpc={} code=OK principal={} via={} request_id={}", method,
                  ctx ? ctx->principal.id : "-", ctx ? ctx->acting_through : "-",
                  ctx ? ctx->request_id : "-");
  } else if (status.code() == absl::StatusCode::kInternal ||
             status.code() == absl::StatusCode::kDataLoss ||
             status.code() == absl::StatusCode::kUnknown) {
    spdlog::error("rpc={} code={} principal={} request_id={}", method,
                  absl::StatusCodeToString(status.code()), ctx ? ctx->principal.id : "-",
                  ctx ? ctx->request_id : "-");
  } else {
    spdlog::info("rpc={} code={} principal={} request_id={}", method,
                 absl::StatusCodeToString(status.code()), ctx ? ctx->principal.id : "-",
                 ctx ? ctx->request_id : "-");
  }
  return ToGrpcStatus(status);
}

template <typename Response, typename Fn>
grpc::Status VaultService::Unary(grpc::ServerContext* c, std::string_view method, Response* resp,
                                 Fn&& fn) {
  audit::AuditDraft draft = NewDraft(c, method);
  auto ctx = Authenticate(c, &draft);
  if (!ctx.ok()) return Finish(method, nullptr, &draft, ctx.status());
  auto result = fn(*ctx);
  grpc::Status out =
      Finish(method, &*ctx, &draft, result.ok() ? absl::OkStatus() : result.status());
  // The response leaves only once the call is on the record.
  if (out.ok()) *resp = std::move(*result);
  return out;
}

grpc::Status VaultService::WhoAmI(grpc::ServerContext* c, const v1::WhoAmIRequest*,
                                  v1::WhoAmIResponse* resp) {
  return Unary(c, "WhoAmI", resp, [&](const auto& ctx) { return identity_->WhoAmI(ctx); });
}
grpc::Status VaultService::CreatePrincipal(grpc::ServerContext* c,
                                           const v1::CreatePrincipalRequest* req,
                                           v1::Principal* resp) {
  return Unary(c, "CreatePrincipal", resp,
               [&](const auto& ctx) { return identity_->CreatePrincipal(ctx, *req); });
}
grpc::Status VaultService::GetPrincipal(grpc::ServerContext* c, const v1::GetPrincipalRequest* req,
                                        v1::Principal* resp) {
  return Unary(c, "GetPrincipal", resp,
               [&](const auto& ctx) { return identity_->GetPrincipal(ctx, *req); });
}
grpc::Status VaultService::ListPrincipals(grpc::ServerContext* c,
                                          const v1::ListPrincipalsRequest* req,
                                          v1::ListPrincipalsResponse* resp) {
  return Unary(c, "ListPrincipals", resp,
               [&](const auto& ctx) { return identity_->ListPrincipals(ctx, *req); });
}
grpc::Status VaultService::AddMembership(grpc::ServerContext* c,
                                         const v1::AddMembershipRequest* req, v1::Principal* resp) {
  return Unary(c, "AddMembership", resp,
               [&](const auto& ctx) { return identity_->AddMembership(ctx, *req); });
}
grpc::Status VaultService::RemoveMembership(grpc::ServerContext* c,
                                            const v1::RemoveMembershipRequest* req,
                                            v1::Principal* resp) {
  return Unary(c, "RemoveMembership", resp,
               [&](const auto& ctx) { return identity_->RemoveMembership(ctx, *req); });
}
grpc::Status VaultService::MapCertificate(grpc::ServerContext* c,
                                          const v1::MapCertificateRequest* req,
                                          v1::Principal* resp) {
  return Unary(c, "MapCertificate", resp,
               [&](const auto& ctx) { return identity_->MapCertificate(ctx, *req); });
}
grpc::Status VaultService::SetOrganizationClientCa(grpc::ServerContext* c,
                                                   const v1::SetOrganizationClientCaRequest* req,
                                                   v1::Organization* resp) {
  return Unary(c, "SetOrganizationClientCa", resp,
               [&](const auto& ctx) { return identity_->SetOrganizationClientCa(ctx, *req); });
}
grpc::Status VaultService::IssueToken(grpc::ServerContext* c, const v1::IssueTokenRequest* req,
                                      v1::IssueTokenResponse* resp) {
  return Unary(c, "IssueToken", resp,
               [&](const auto& ctx) { return identity_->IssueToken(ctx, *req); });
}
#define HOIDLA_UNARY(Method, Req, Resp, target)                                                   \
  grpc::Status VaultService::Method(grpc::ServerContext* c, const v1::Req* req, v1::Resp* resp) { \
    return Unary(c, #Method, resp, [&](const auto& ctx) { return target->Method(ctx, *req); });   \
  }
HOIDLA_UNARY(ListTokens, ListTokensRequest, ListTokensResponse, identity_)
HOIDLA_UNARY(DisablePrincipal, DisablePrincipalRequest, Principal, identity_)
HOIDLA_UNARY(RemoveCertificateMapping, RemoveCertificateMappingRequest, Principal, identity_)
HOIDLA_UNARY(SetOrganizationCrl, SetOrganizationCrlRequest, Organization, identity_)
HOIDLA_UNARY(SetOrganizationIdentityProvider, SetOrganizationIdentityProviderRequest, Organization,
             identity_)
HOIDLA_UNARY(CreateGrantRequest, CreateGrantRequestRequest, CreateGrantRequestResponse, identity_)
HOIDLA_UNARY(GetGrantRequest, GetGrantRequestRequest, GrantRequest, identity_)
HOIDLA_UNARY(ListGrantRequests, ListGrantRequestsRequest, ListGrantRequestsResponse, identity_)
HOIDLA_UNARY(ApproveGrantRequest, ApproveGrantRequestRequest, GrantRequest, identity_)
HOIDLA_UNARY(DenyGrantRequest, DenyGrantRequestRequest, GrantRequest, identity_)
HOIDLA_UNARY(ConfirmConsentRelease, ConfirmConsentReleaseRequest, Consent, consents_)
#undef HOIDLA_UNARY

grpc::Status VaultService::ExchangeIdToken(grpc::ServerContext* c,
                                           const v1::ExchangeIdTokenRequest* req,
                                           v1::IssueTokenResponse* resp) {
  // The one call made without a credential: the ID token is the credential.
  audit::AuditDraft draft = NewDraft(c, "ExchangeIdToken");
  core::RequestContext ctx;
  ctx.request_id = draft.entry.request_id();
  ctx.peer = c->peer();
  ctx.audit = &draft;
  auto result = identity_->ExchangeIdToken(&ctx, *req);
  grpc::Status out =
      Finish("ExchangeIdToken", &ctx, &draft, result.ok() ? absl::OkStatus() : result.status());
  if (out.ok()) *resp = std::move(*result);
  return out;
}

grpc::Status VaultService::RevokeToken(grpc::ServerContext* c, const v1::RevokeTokenRequest* req,
                                       v1::RevokeTokenResponse* resp) {
  return Unary(c, "RevokeToken", resp,
               [&](const auto& ctx) { return identity_->RevokeToken(ctx, *req); });
}
grpc::Status VaultService::AssignCase(grpc::ServerContext* c, const v1::AssignCaseRequest* req,
                                      v1::Case* resp) {
  return Unary(c, "AssignCase", resp,
               [&](const auto& ctx) { return registry_->AssignCase(ctx, *req); });
}

grpc::Status VaultService::CreateOrganization(grpc::ServerContext* c,
                                              const v1::CreateOrganizationRequest* req,
                                              v1::Organization* resp) {
  return Unary(c, "CreateOrganization", resp,
               [&](const auto& ctx) { return registry_->CreateOrganization(ctx, *req); });
}
grpc::Status VaultService::GetOrganization(grpc::ServerContext* c,
                                           const v1::GetOrganizationRequest* req,
                                           v1::Organization* resp) {
  return Unary(c, "GetOrganization", resp,
               [&](const auto& ctx) { return registry_->GetOrganization(ctx, *req); });
}
grpc::Status VaultService::ListOrganizations(grpc::ServerContext* c,
                                             const v1::ListOrganizationsRequest* req,
                                             v1::ListOrganizationsResponse* resp) {
  return Unary(c, "ListOrganizations", resp,
               [&](const auto& ctx) { return registry_->ListOrganizations(ctx, *req); });
}
grpc::Status VaultService::CreateProject(grpc::ServerContext* c,
                                         const v1::CreateProjectRequest* req, v1::Project* resp) {
  return Unary(c, "CreateProject", resp,
               [&](const auto& ctx) { return registry_->CreateProject(ctx, *req); });
}
grpc::Status VaultService::GetProject(grpc::ServerContext* c, const v1::GetProjectRequest* req,
                                      v1::Project* resp) {
  return Unary(c, "GetProject", resp,
               [&](const auto& ctx) { return registry_->GetProject(ctx, *req); });
}
grpc::Status VaultService::ListProjects(grpc::ServerContext* c, const v1::ListProjectsRequest* req,
                                        v1::ListProjectsResponse* resp) {
  return Unary(c, "ListProjects", resp,
               [&](const auto& ctx) { return registry_->ListProjects(ctx, *req); });
}
grpc::Status VaultService::CreateClient(grpc::ServerContext* c, const v1::CreateClientRequest* req,
                                        v1::Client* resp) {
  return Unary(c, "CreateClient", resp,
               [&](const auto& ctx) { return registry_->CreateClient(ctx, *req); });
}
grpc::Status VaultService::GetClient(grpc::ServerContext* c, const v1::GetClientRequest* req,
                                     v1::Client* resp) {
  return Unary(c, "GetClient", resp,
               [&](const auto& ctx) { return registry_->GetClient(ctx, *req); });
}
grpc::Status VaultService::FindClientByPersonalCode(grpc::ServerContext* c,
                                                    const v1::FindClientByPersonalCodeRequest* req,
                                                    v1::Client* resp) {
  return Unary(c, "FindClientByPersonalCode", resp,
               [&](const auto& ctx) { return registry_->FindClientByPersonalCode(ctx, *req); });
}
grpc::Status VaultService::ListClients(grpc::ServerContext* c, const v1::ListClientsRequest* req,
                                       v1::ListClientsResponse* resp) {
  return Unary(c, "ListClients", resp,
               [&](const auto& ctx) { return registry_->ListClients(ctx, *req); });
}
grpc::Status VaultService::CreateCase(grpc::ServerContext* c, const v1::CreateCaseRequest* req,
                                      v1::Case* resp) {
  return Unary(c, "CreateCase", resp,
               [&](const auto& ctx) { return registry_->CreateCase(ctx, *req); });
}
grpc::Status VaultService::GetCase(grpc::ServerContext* c, const v1::GetCaseRequest* req,
                                   v1::Case* resp) {
  return Unary(c, "GetCase", resp, [&](const auto& ctx) { return registry_->GetCase(ctx, *req); });
}
grpc::Status VaultService::ListCases(grpc::ServerContext* c, const v1::ListCasesRequest* req,
                                     v1::ListCasesResponse* resp) {
  return Unary(c, "ListCases", resp,
               [&](const auto& ctx) { return registry_->ListCases(ctx, *req); });
}
grpc::Status VaultService::GetDocument(grpc::ServerContext* c, const v1::GetDocumentRequest* req,
                                       v1::Document* resp) {
  return Unary(c, "GetDocument", resp,
               [&](const auto& ctx) { return documents_->GetDocument(ctx, *req); });
}
grpc::Status VaultService::ListDocuments(grpc::ServerContext* c,
                                         const v1::ListDocumentsRequest* req,
                                         v1::ListDocumentsResponse* resp) {
  return Unary(c, "ListDocuments", resp,
               [&](const auto& ctx) { return documents_->ListDocuments(ctx, *req); });
}
grpc::Status VaultService::GetCheckpoint(grpc::ServerContext* c,
                                         const v1::GetCheckpointRequest* req,
                                         v1::Checkpoint* resp) {
  return Unary(c, "GetCheckpoint", resp,
               [&](const auto& ctx) { return audit_access_->GetCheckpoint(ctx, *req); });
}
grpc::Status VaultService::GetInclusionProof(grpc::ServerContext* c,
                                             const v1::GetInclusionProofRequest* req,
                                             v1::InclusionProof* resp) {
  return Unary(c, "GetInclusionProof", resp,
               [&](const auto& ctx) { return audit_access_->GetInclusionProof(ctx, *req); });
}
grpc::Status VaultService::GetConsistencyProof(grpc::ServerContext* c,
                                               const v1::GetConsistencyProofRequest* req,
                                               v1::ConsistencyProof* resp) {
  return Unary(c, "GetConsistencyProof", resp,
               [&](const auto& ctx) { return audit_access_->GetConsistencyProof(ctx, *req); });
}
grpc::Status VaultService::ListAuditEntries(grpc::ServerContext* c,
                                            const v1::ListAuditEntriesRequest* req,
                                            v1::ListAuditEntriesResponse* resp) {
  return Unary(c, "ListAuditEntries", resp,
               [&](const auto& ctx) { return audit_access_->ListAuditEntries(ctx, *req); });
}
grpc::Status VaultService::RecordConsent(grpc::ServerContext* c,
                                         const v1::RecordConsentRequest* req,
                                         v1::ConsentReceipt* resp) {
  return Unary(c, "RecordConsent", resp,
               [&](const auto& ctx) { return consents_->RecordConsent(ctx, *req); });
}
grpc::Status VaultService::ReviseConsent(grpc::ServerContext* c,
                                         const v1::ReviseConsentRequest* req,
                                         v1::ConsentReceipt* resp) {
  return Unary(c, "ReviseConsent", resp,
               [&](const auto& ctx) { return consents_->ReviseConsent(ctx, *req); });
}
grpc::Status VaultService::WithdrawConsent(grpc::ServerContext* c,
                                           const v1::WithdrawConsentRequest* req,
                                           v1::Consent* resp) {
  return Unary(c, "WithdrawConsent", resp,
               [&](const auto& ctx) { return consents_->WithdrawConsent(ctx, *req); });
}
grpc::Status VaultService::GetConsent(grpc::ServerContext* c, const v1::GetConsentRequest* req,
                                      v1::Consent* resp) {
  return Unary(c, "GetConsent", resp,
               [&](const auto& ctx) { return consents_->GetConsent(ctx, *req); });
}
grpc::Status VaultService::ListConsents(grpc::ServerContext* c, const v1::ListConsentsRequest* req,
                                        v1::ListConsentsResponse* resp) {
  return Unary(c, "ListConsents", resp,
               [&](const auto& ctx) { return consents_->ListConsents(ctx, *req); });
}
grpc::Status VaultService::DiscloseWithoutConsent(grpc::ServerContext* c,
                                                  const v1::DiscloseWithoutConsentRequest* req,
                                                  v1::Disclosure* resp) {
  return Unary(c, "DiscloseWithoutConsent", resp,
               [&](const auto& ctx) { return consents_->DiscloseWithoutConsent(ctx, *req); });
}
grpc::Status VaultService::ListDisclosures(grpc::ServerContext* c,
                                           const v1::ListDisclosuresRequest* req,
                                           v1::ListDisclosuresResponse* resp) {
  return Unary(c, "ListDisclosures", resp,
               [&](const auto& ctx) { return consents_->ListDisclosures(ctx, *req); });
}
grpc::Status VaultService::ReviewDisclosure(grpc::ServerContext* c,
                                            const v1::ReviewDisclosureRequest* req,
                                            v1::Disclosure* resp) {
  return Unary(c, "ReviewDisclosure", resp,
               [&](const auto& ctx) { return consents_->ReviewDisclosure(ctx, *req); });
}
grpc::Status VaultService::QueryRecordExistence(grpc::ServerContext* c,
                                                const v1::QueryRecordExistenceRequest* req,
                                                v1::QueryRecordExistenceResponse* resp) {
  return Unary(c, "QueryRecordExistence", resp,
               [&](const auto& ctx) { return consents_->QueryRecordExistence(ctx, *req); });
}
grpc::Status VaultService::CreateRecord(grpc::ServerContext* c, const v1::CreateRecordRequest* req,
                                        v1::Record* resp) {
  return Unary(c, "CreateRecord", resp,
               [&](const auto& ctx) { return records_->CreateRecord(ctx, *req); });
}
grpc::Status VaultService::UpdateRecord(grpc::ServerContext* c, const v1::UpdateRecordRequest* req,
                                        v1::Record* resp) {
  return Unary(c, "UpdateRecord", resp,
               [&](const auto& ctx) { return records_->UpdateRecord(ctx, *req); });
}
grpc::Status VaultService::GetRecord(grpc::ServerContext* c, const v1::GetRecordRequest* req,
                                     v1::Record* resp) {
  return Unary(c, "GetRecord", resp,
               [&](const auto& ctx) { return records_->GetRecord(ctx, *req); });
}
grpc::Status VaultService::ListRecordVersions(grpc::ServerContext* c,
                                              const v1::ListRecordVersionsRequest* req,
                                              v1::ListRecordVersionsResponse* resp) {
  return Unary(c, "ListRecordVersions", resp,
               [&](const auto& ctx) { return records_->ListRecordVersions(ctx, *req); });
}
grpc::Status VaultService::ListRecords(grpc::ServerContext* c, const v1::ListRecordsRequest* req,
                                       v1::ListRecordsResponse* resp) {
  return Unary(c, "ListRecords", resp,
               [&](const auto& ctx) { return records_->ListRecords(ctx, *req); });
}
grpc::Status VaultService::SignRecord(grpc::ServerContext* c, const v1::SignRecordRequest* req,
                                      v1::Record* resp) {
  return Unary(c, "SignRecord", resp,
               [&](const auto& ctx) { return records_->SignRecord(ctx, *req); });
}
grpc::Status VaultService::CloseCase(grpc::ServerContext* c, const v1::CloseCaseRequest* req,
                                     v1::Case* resp) {
  return Unary(c, "CloseCase", resp,
               [&](const auto& ctx) { return registry_->CloseCase(ctx, *req); });
}
grpc::Status VaultService::ReopenCase(grpc::ServerContext* c, const v1::ReopenCaseRequest* req,
                                      v1::Case* resp) {
  return Unary(c, "ReopenCase", resp,
               [&](const auto& ctx) { return registry_->ReopenCase(ctx, *req); });
}
grpc::Status VaultService::ListDeadlines(grpc::ServerContext* c,
                                         const v1::ListDeadlinesRequest* req,
                                         v1::ListDeadlinesResponse* resp) {
  return Unary(c, "ListDeadlines", resp,
               [&](const auto& ctx) { return records_->ListDeadlines(ctx, *req); });
}
grpc::Status VaultService::ExportSubjectData(grpc::ServerContext* c,
                                             const v1::ExportSubjectDataRequest* req,
                                             grpc::ServerWriter<v1::SubjectDataExport>* writer) {
  constexpr std::string_view kMethod = "ExportSubjectData";
  audit::AuditDraft draft = NewDraft(c, kMethod);
  auto ctx = Authenticate(c, &draft);
  if (!ctx.ok()) return Finish(kMethod, nullptr, &draft, ctx.status());
  // On the record before the first part leaves; a stream that breaks off
  // later adds an entry with its outcome.
  bool recorded = false;
  absl::Status s = subject_access_->ExportInParts(
      *ctx, *req, size_t{1} << 20, [&](const v1::SubjectDataExport& part) -> absl::Status {
        if (!recorded && draft.log != nullptr) {
          HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(&draft, nullptr, {}));
          recorded = true;
        }
        if (!writer->Write(part)) return absl::CancelledError("client went away");
        return absl::OkStatus();
      });
  return Finish(kMethod, &*ctx, &draft, s);
}
grpc::Status VaultService::RegisterInstrument(grpc::ServerContext* c,
                                              const v1::RegisterInstrumentRequest* req,
                                              v1::Instrument* resp) {
  return Unary(c, "RegisterInstrument", resp,
               [&](const auto& ctx) { return instruments_->Register(ctx, *req); });
}
grpc::Status VaultService::GetInstrument(grpc::ServerContext* c,
                                         const v1::GetInstrumentRequest* req,
                                         v1::Instrument* resp) {
  return Unary(c, "GetInstrument", resp,
               [&](const auto& ctx) { return instruments_->Get(ctx, *req); });
}
grpc::Status VaultService::ListInstruments(grpc::ServerContext* c,
                                           const v1::ListInstrumentsRequest* req,
                                           v1::ListInstrumentsResponse* resp) {
  return Unary(c, "ListInstruments", resp,
               [&](const auto& ctx) { return instruments_->List(ctx, *req); });
}
grpc::Status VaultService::UpdateCaseNetwork(grpc::ServerContext* c,
                                             const v1::UpdateCaseNetworkRequest* req,
                                             v1::Case* resp) {
  return Unary(c, "UpdateCaseNetwork", resp,
               [&](const auto& ctx) { return registry_->UpdateCaseNetwork(ctx, *req); });
}
grpc::Status VaultService::ReportConcern(grpc::ServerContext* c,
                                         const v1::ReportConcernRequest* req,
                                         v1::ReportConcernResponse* resp) {
  return Unary(c, "ReportConcern", resp,
               [&](const auto& ctx) { return registry_->ReportConcern(ctx, *req); });
}
grpc::Status VaultService::GetAccessReport(grpc::ServerContext* c,
                                           const v1::GetAccessReportRequest* req,
                                           v1::AccessReport* resp) {
  return Unary(c, "GetAccessReport", resp,
               [&](const auto& ctx) { return audit_access_->GetAccessReport(ctx, *req); });
}
grpc::Status VaultService::ExportAudit(grpc::ServerContext* c, const v1::ExportAuditRequest* req,
                                       grpc::ServerWriter<v1::AuditBundle>* writer) {
  constexpr std::string_view kMethod = "ExportAudit";
  audit::AuditDraft draft = NewDraft(c, kMethod);
  auto ctx = Authenticate(c, &draft);
  if (!ctx.ok()) return Finish(kMethod, nullptr, &draft, ctx.status());
  // The export is on the record before its first part leaves (the entries
  // it carries end where its checkpoint ends, before this entry).
  bool recorded = false;
  absl::Status s =
      audit_access_->ExportAudit(*ctx, *req, [&](const v1::AuditBundle& part) -> absl::Status {
        if (!recorded && draft.log != nullptr) {
          HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(&draft, nullptr, {}));
          recorded = true;
        }
        if (!writer->Write(part)) return absl::CancelledError("client went away");
        return absl::OkStatus();
      });
  return Finish(kMethod, &*ctx, &draft, s);
}
grpc::Status VaultService::GetAuditPublicKeys(grpc::ServerContext* c,
                                              const v1::GetAuditPublicKeysRequest*,
                                              v1::AuditPublicKeys* resp) {
  return Unary(c, "GetAuditPublicKeys", resp,
               [&](const auto& ctx) { return audit_access_->GetPublicKeys(ctx); });
}
grpc::Status VaultService::RotateAuditSigningKey(grpc::ServerContext* c,
                                                 const v1::RotateAuditSigningKeyRequest*,
                                                 v1::AuditPublicKeys* resp) {
  return Unary(c, "RotateAuditSigningKey", resp,
               [&](const auto& ctx) { return audit_access_->RotateSigningKey(ctx); });
}
grpc::Status VaultService::GetKeyStatus(grpc::ServerContext* c, const v1::GetKeyStatusRequest*,
                                        v1::KeyStatus* resp) {
  return Unary(c, "GetKeyStatus", resp, [&](const auto& ctx) { return key_admin_->Status(ctx); });
}
grpc::Status VaultService::RotateKeyEncryptionKey(grpc::ServerContext* c,
                                                  const v1::RotateKeyEncryptionKeyRequest*,
                                                  v1::KeyStatus* resp) {
  return Unary(c, "RotateKeyEncryptionKey", resp,
               [&](const auto& ctx) { return key_admin_->Rotate(ctx); });
}
grpc::Status VaultService::RewrapKeys(grpc::ServerContext* c, const v1::RewrapKeysRequest*,
                                      v1::RewrapKeysResponse* resp) {
  return Unary(c, "RewrapKeys", resp, [&](const auto& ctx) { return key_admin_->Rewrap(ctx); });
}
grpc::Status VaultService::RetireKeyEncryptionKey(grpc::ServerContext* c,
                                                  const v1::RetireKeyEncryptionKeyRequest* req,
                                                  v1::KeyStatus* resp) {
  return Unary(c, "RetireKeyEncryptionKey", resp,
               [&](const auto& ctx) { return key_admin_->Retire(ctx, *req); });
}

grpc::Status VaultService::UploadDocument(grpc::ServerContext* c,
                                          grpc::ServerReader<v1::UploadDocumentRequest>* reader,
                                          v1::Document* resp) {
  constexpr std::string_view kMethod = "UploadDocument";
  audit::AuditDraft draft = NewDraft(c, kMethod);
  auto ctx = Authenticate(c, &draft);
  if (!ctx.ok()) return Finish(kMethod, nullptr, &draft, ctx.status());
  v1::UploadDocumentRequest msg;
  if (!reader->Read(&msg) || !msg.has_header()) {
    return Finish(kMethod, &*ctx, &draft,
                  absl::InvalidArgumentError("header: the first message must carry the header"));
  }
  auto upload = documents_->BeginUpload(*ctx, msg.header());
  if (!upload.ok()) return Finish(kMethod, &*ctx, &draft, upload.status());
  const size_t max_message = documents_->limits().max_upload_message_bytes;
  while (reader->Read(&msg)) {
    if (msg.has_header()) {
      return Finish(kMethod, &*ctx, &draft,
                    absl::InvalidArgumentError("header: only the first message may carry it"));
    }
    if (msg.data().size() > max_message) {
      return Finish(
          kMethod, &*ctx, &draft,
          absl::InvalidArgumentError(StrCat("data: message larger than ", max_message, " bytes")));
    }
    absl::Status s = (*upload)->Append(msg.data());
    if (!s.ok()) return Finish(kMethod, &*ctx, &draft, s);
  }
  if (c->IsCancelled()) {
    // The upload is dropped (and its chunks deleted) when `upload` goes.
    return Finish(kMethod, &*ctx, &draft, absl::CancelledError("upload cancelled by the client"));
  }
  auto doc = (*upload)->Commit();
  if (!doc.ok()) return Finish(kMethod, &*ctx, &draft, doc.status());
  *resp = std::move(*doc);
  ReleaseFreedMemory(resp->size());
  return Finish(kMethod, &*ctx, &draft, absl::OkStatus());
}

grpc::Status VaultService::DownloadDocument(
    grpc::ServerContext* c, const v1::DownloadDocumentRequest* req,
    grpc::ServerWriter<v1::DownloadDocumentResponse>* writer) {
  constexpr std::string_view kMethod = "DownloadDocument";
  audit::AuditDraft draft = NewDraft(c, kMethod);
  auto ctx = Authenticate(c, &draft);
  if (!ctx.ok()) return Finish(kMethod, nullptr, &draft, ctx.status());
  auto download = documents_->OpenDownload(*ctx, *req);
  if (!download.ok()) return Finish(kMethod, &*ctx, &draft, download.status());
  // The access is on the record before the first byte leaves.
  if (draft.log != nullptr) {
    if (absl::Status s = audit::CommitEffect(&draft, nullptr, {}); !s.ok()) {
      return Finish(kMethod, &*ctx, nullptr, s);
    }
  }
  // Messages carry up to kMessageBytes of content: fewer, larger messages
  // cost less per byte than one per 64 KiB chunk.
  constexpr size_t kMessageBytes = 256 * 1024;
  v1::DownloadDocumentResponse msg;
  *msg.mutable_document() = (*download)->document();
  std::string* data = msg.mutable_data();
  data->reserve(kMessageBytes + 64 * 1024);
  std::string piece;
  bool sent = false;
  while (true) {
    auto more = (*download)->Next(&piece);
    if (!more.ok()) return Finish(kMethod, &*ctx, &draft, more.status());
    if (*more) data->append(piece);
    const bool flush = !*more ? (!data->empty() || !sent) : data->size() >= kMessageBytes;
    if (flush) {
      if (!writer->Write(msg)) {
        return Finish(kMethod, &*ctx, &draft, absl::CancelledError("client went away"));
      }
      sent = true;
      msg.clear_document();
      data->clear();
    }
    if (!*more) break;
  }
  ReleaseFreedMemory((*download)->document().size());
  return Finish(kMethod, &*ctx, &draft, absl::OkStatus());
}

}  // namespace hoidla::service
