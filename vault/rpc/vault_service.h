// VaultService: the gRPC adapter for hoidla.v1.Vault.
//
// Each handler is thin: authenticate the caller from the `authorization`
// metadata, call the core, and convert the result (ToGrpcStatus is the only
// status conversion). All validation, authorization and storage happen in the
// core.
// Thread-safety: gRPC calls handlers concurrently; the service holds no
// mutable state of its own.
#ifndef HOIDLA_VAULT_RPC_VAULT_SERVICE_H_
#define HOIDLA_VAULT_RPC_VAULT_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "hoidla/v1/vault.grpc.pb.h"
#include "vault/audit/audit_log.h"
#include "vault/consent/consents.h"
#include "vault/directory/registry.h"
#include "vault/documents/documents.h"
#include "vault/identity/identity.h"
#include "vault/oversight/audit_access.h"
#include "vault/oversight/key_admin.h"
#include "vault/oversight/subject_access.h"
#include "vault/records/records.h"

namespace hoidla::service {

namespace v1 = ::hoidla::v1;

class VaultService final : public v1::Vault::Service {
 public:
  // All pointers must outlive the service.
  // `audit_log` may be null only in tests of the adapter itself.
  VaultService(core::Identity* identity, core::Registry* registry, core::Documents* documents,
               core::KeyAdmin* key_admin, core::AuditAccess* audit_access, core::Consents* consents,
               core::Records* records, core::SubjectAccess* subject_access,
               core::Instruments* instruments, audit::AuditLog* audit_log);

  grpc::Status WhoAmI(grpc::ServerContext* c, const v1::WhoAmIRequest* req,
                      v1::WhoAmIResponse* resp) override;
  grpc::Status CreatePrincipal(grpc::ServerContext* c, const v1::CreatePrincipalRequest* req,
                               v1::Principal* resp) override;
  grpc::Status GetPrincipal(grpc::ServerContext* c, const v1::GetPrincipalRequest* req,
                            v1::Principal* resp) override;
  grpc::Status ListPrincipals(grpc::ServerContext* c, const v1::ListPrincipalsRequest* req,
                              v1::ListPrincipalsResponse* resp) override;
  grpc::Status AddMembership(grpc::ServerContext* c, const v1::AddMembershipRequest* req,
                             v1::Principal* resp) override;
  grpc::Status RemoveMembership(grpc::ServerContext* c, const v1::RemoveMembershipRequest* req,
                                v1::Principal* resp) override;
  grpc::Status MapCertificate(grpc::ServerContext* c, const v1::MapCertificateRequest* req,
                              v1::Principal* resp) override;
  grpc::Status SetOrganizationClientCa(grpc::ServerContext* c,
                                       const v1::SetOrganizationClientCaRequest* req,
                                       v1::Organization* resp) override;
  grpc::Status IssueToken(grpc::ServerContext* c, const v1::IssueTokenRequest* req,
                          v1::IssueTokenResponse* resp) override;
  grpc::Status RevokeToken(grpc::ServerContext* c, const v1::RevokeTokenRequest* req,
                           v1::RevokeTokenResponse* resp) override;
  grpc::Status ListTokens(grpc::ServerContext* c, const v1::ListTokensRequest* req,
                          v1::ListTokensResponse* resp) override;
  grpc::Status DisablePrincipal(grpc::ServerContext* c, const v1::DisablePrincipalRequest* req,
                                v1::Principal* resp) override;
  grpc::Status RemoveCertificateMapping(grpc::ServerContext* c,
                                        const v1::RemoveCertificateMappingRequest* req,
                                        v1::Principal* resp) override;
  grpc::Status SetOrganizationCrl(grpc::ServerContext* c, const v1::SetOrganizationCrlRequest* req,
                                  v1::Organization* resp) override;
  grpc::Status SetOrganizationIdentityProvider(
      grpc::ServerContext* c, const v1::SetOrganizationIdentityProviderRequest* req,
      v1::Organization* resp) override;
  grpc::Status ExchangeIdToken(grpc::ServerContext* c, const v1::ExchangeIdTokenRequest* req,
                               v1::IssueTokenResponse* resp) override;
  grpc::Status CreateGrantRequest(grpc::ServerContext* c, const v1::CreateGrantRequestRequest* req,
                                  v1::CreateGrantRequestResponse* resp) override;
  grpc::Status GetGrantRequest(grpc::ServerContext* c, const v1::GetGrantRequestRequest* req,
                               v1::GrantRequest* resp) override;
  grpc::Status ListGrantRequests(grpc::ServerContext* c, const v1::ListGrantRequestsRequest* req,
                                 v1::ListGrantRequestsResponse* resp) override;
  grpc::Status ApproveGrantRequest(grpc::ServerContext* c,
                                   const v1::ApproveGrantRequestRequest* req,
                                   v1::GrantRequest* resp) override;
  grpc::Status DenyGrantRequest(grpc::ServerContext* c, const v1::DenyGrantRequestRequest* req,
                                v1::GrantRequest* resp) override;
  grpc::Status ConfirmConsentRelease(grpc::ServerContext* c,
                                     const v1::ConfirmConsentReleaseRequest* req,
                                     v1::Consent* resp) override;
  grpc::Status AssignCase(grpc::ServerContext* c, const v1::AssignCaseRequest* req,
                          v1::Case* resp) override;
  grpc::Status CreateOrganization(grpc::ServerContext* c, const v1::CreateOrganizationRequest* req,
                                  v1::Organization* resp) override;
  grpc::Status GetOrganization(grpc::ServerContext* c, const v1::GetOrganizationRequest* req,
                               v1::Organization* resp) override;
  grpc::Status ListOrganizations(grpc::ServerContext* c, const v1::ListOrganizationsRequest* req,
                                 v1::ListOrganizationsResponse* resp) override;
  grpc::Status CreateProject(grpc::ServerContext* c, const v1::CreateProjectRequest* req,
                             v1::Project* resp) override;
  grpc::Status GetProject(grpc::ServerContext* c, const v1::GetProjectRequest* req,
                          v1::Project* resp) override;
  grpc::Status ListProjects(grpc::ServerContext* c, const v1::ListProjectsRequest* req,
                            v1::ListProjectsResponse* resp) override;
  grpc::Status CreateClient(grpc::ServerContext* c, const v1::CreateClientRequest* req,
                            v1::Client* resp) override;
  grpc::Status GetClient(grpc::ServerContext* c, const v1::GetClientRequest* req,
                         v1::Client* resp) override;
  grpc::Status FindClientByPersonalCode(grpc::ServerContext* c,
                                        const v1::FindClientByPersonalCodeRequest* req,
                                        v1::Client* resp) override;
  grpc::Status ListClients(grpc::ServerContext* c, const v1::ListClientsRequest* req,
                           v1::ListClientsResponse* resp) override;
  grpc::Status CreateCase(grpc::ServerContext* c, const v1::CreateCaseRequest* req,
                          v1::Case* resp) override;
  grpc::Status GetCase(grpc::ServerContext* c, const v1::GetCaseRequest* req,
                       v1::Case* resp) override;
  grpc::Status ListCases(grpc::ServerContext* c, const v1::ListCasesRequest* req,
                         v1::ListCasesResponse* resp) override;
  grpc::Status UploadDocument(grpc::ServerContext* c,
                              grpc::ServerReader<v1::UploadDocumentRequest>* reader,
                              v1::Document* resp) override;
  grpc::Status DownloadDocument(grpc::ServerContext* c, const v1::DownloadDocumentRequest* req,
                                grpc::ServerWriter<v1::DownloadDocumentResponse>* writer) override;
  grpc::Status GetDocument(grpc::ServerContext* c, const v1::GetDocumentRequest* req,
                           v1::Document* resp) override;
  grpc::Status ListDocuments(grpc::ServerContext* c, const v1::ListDocumentsRequest* req,
                             v1::ListDocumentsResponse* resp) override;
  grpc::Status GetCheckpoint(grpc::ServerContext* c, const v1::GetCheckpointRequest* req,
                             v1::Checkpoint* resp) override;
  grpc::Status GetInclusionProof(grpc::ServerContext* c, const v1::GetInclusionProofRequest* req,
                                 v1::InclusionProof* resp) override;
  grpc::Status GetConsistencyProof(grpc::ServerContext* c,
                                   const v1::GetConsistencyProofRequest* req,
                                   v1::ConsistencyProof* resp) override;
  grpc::Status ListAuditEntries(grpc::ServerContext* c, const v1::ListAuditEntriesRequest* req,
                                v1::ListAuditEntriesResponse* resp) override;
  grpc::Status RecordConsent(grpc::ServerContext* c, const v1::RecordConsentRequest* req,
                             v1::ConsentReceipt* resp) override;
  grpc::Status ReviseConsent(grpc::ServerContext* c, const v1::ReviseConsentRequest* req,
                             v1::ConsentReceipt* resp) override;
  grpc::Status WithdrawConsent(grpc::ServerContext* c, const v1::WithdrawConsentRequest* req,
                               v1::Consent* resp) override;
  grpc::Status GetConsent(grpc::ServerContext* c, const v1::GetConsentRequest* req,
                          v1::Consent* resp) override;
  grpc::Status ListConsents(grpc::ServerContext* c, const v1::ListConsentsRequest* req,
                            v1::ListConsentsResponse* resp) override;
  grpc::Status DiscloseWithoutConsent(grpc::ServerContext* c,
                                      const v1::DiscloseWithoutConsentRequest* req,
                                      v1::Disclosure* resp) override;
  grpc::Status ListDisclosures(grpc::ServerContext* c, const v1::ListDisclosuresRequest* req,
                               v1::ListDisclosuresResponse* resp) override;
  grpc::Status ReviewDisclosure(grpc::ServerContext* c, const v1::ReviewDisclosureRequest* req,
                                v1::Disclosure* resp) override;
  grpc::Status QueryRecordExistence(grpc::ServerContext* c,
                                    const v1::QueryRecordExistenceRequest* req,
                                    v1::QueryRecordExistenceResponse* resp) override;
  grpc::Status CreateRecord(grpc::ServerContext* c, const v1::CreateRecordRequest* req,
                            v1::Record* resp) override;
  grpc::Status UpdateRecord(grpc::ServerContext* c, const v1::UpdateRecordRequest* req,
                            v1::Record* resp) override;
  grpc::Status GetRecord(grpc::ServerContext* c, const v1::GetRecordRequest* req,
                         v1::Record* resp) override;
  grpc::Status ListRecordVersions(grpc::ServerContext* c, const v1::ListRecordVersionsRequest* req,
                                  v1::ListRecordVersionsResponse* resp) override;
  grpc::Status ListRecords(grpc::ServerContext* c, const v1::ListRecordsRequest* req,
                           v1::ListRecordsResponse* resp) override;
  grpc::Status SignRecord(grpc::ServerContext* c, const v1::SignRecordRequest* req,
                          v1::Record* resp) override;
  grpc::Status CloseCase(grpc::ServerContext* c, const v1::CloseCaseRequest* req,
                         v1::Case* resp) override;
  grpc::Status ReopenCase(grpc::ServerContext* c, const v1::ReopenCaseRequest* req,
                          v1::Case* resp) override;
  grpc::Status ListDeadlines(grpc::ServerContext* c, const v1::ListDeadlinesRequest* req,
                             v1::ListDeadlinesResponse* resp) override;
  grpc::Status ExportSubjectData(grpc::ServerContext* c, const v1::ExportSubjectDataRequest* req,
                                 grpc::ServerWriter<v1::SubjectDataExport>* writer) override;
  grpc::Status RegisterInstrument(grpc::ServerContext* c, const v1::RegisterInstrumentRequest* req,
                                  v1::Instrument* resp) override;
  grpc::Status GetInstrument(grpc::ServerContext* c, const v1::GetInstrumentRequest* req,
                             v1::Instrument* resp) override;
  grpc::Status ListInstruments(grpc::ServerContext* c, const v1::ListInstrumentsRequest* req,
                               v1::ListInstrumentsResponse* resp) override;
  grpc::Status UpdateCaseNetwork(grpc::ServerContext* c, const v1::UpdateCaseNetworkRequest* req,
                                 v1::Case* resp) override;
  grpc::Status ReportConcern(grpc::ServerContext* c, const v1::ReportConcernRequest* req,
                             v1::ReportConcernResponse* resp) override;
  grpc::Status GetAccessReport(grpc::ServerContext* c, const v1::GetAccessReportRequest* req,
                               v1::AccessReport* resp) override;
  grpc::Status ExportAudit(grpc::ServerContext* c, const v1::ExportAuditRequest* req,
                           grpc::ServerWriter<v1::AuditBundle>* writer) override;
  grpc::Status GetAuditPublicKeys(grpc::ServerContext* c, const v1::GetAuditPublicKeysRequest* req,
                                  v1::AuditPublicKeys* resp) override;
  grpc::Status RotateAuditSigningKey(grpc::ServerContext* c,
                                     const v1::RotateAuditSigningKeyRequest* req,
                                     v1::AuditPublicKeys* resp) override;
  grpc::Status GetKeyStatus(grpc::ServerContext* c, const v1::GetKeyStatusRequest* req,
                            v1::KeyStatus* resp) override;
  grpc::Status RotateKeyEncryptionKey(grpc::ServerContext* c,
                                      const v1::RotateKeyEncryptionKeyRequest* req,
                                      v1::KeyStatus* resp) override;
  grpc::Status RewrapKeys(grpc::ServerContext* c, const v1::RewrapKeysRequest* req,
                          v1::RewrapKeysResponse* resp) override;
  grpc::Status RetireKeyEncryptionKey(grpc::ServerContext* c,
                                      const v1::RetireKeyEncryptionKeyRequest* req,
                                      v1::KeyStatus* resp) override;

 private:
  // Starts the call's audit entry (method, peer, request id).
  audit::AuditDraft NewDraft(grpc::ServerContext* c, std::string_view method) const;
  // Authenticates the call and records the caller in `draft`.
  // UNAUTHENTICATED without a valid credential.
  absl::StatusOr<core::RequestContext> Authenticate(grpc::ServerContext* c,
                                                    audit::AuditDraft* draft) const;
  // Authenticates, runs `fn(ctx)` (returning StatusOr<Response>), stores the
  // value in `*resp` and converts the status.
  template <typename Response, typename Fn>
  grpc::Status Unary(grpc::ServerContext* c, std::string_view method, Response* resp, Fn&& fn);
  // Puts the outcome on the audit record (unless the call's effect already
  // is and it succeeded), logs it, and converts it. A failed audit write
  // turns the outcome into UNAVAILABLE.
  grpc::Status Finish(std::string_view method, const core::RequestContext* ctx,
                      audit::AuditDraft* draft, absl::Status status) const;

  core::Identity* identity_;
  core::Registry* registry_;
  core::Documents* documents_;
  core::KeyAdmin* key_admin_;
  core::AuditAccess* audit_access_;
  core::Consents* consents_;
  core::Records* records_;
  core::SubjectAccess* subject_access_;
  core::Instruments* instruments_;
  audit::AuditLog* audit_log_;
};

}  // namespace hoidla::service

#endif  // HOIDLA_VAULT_RPC_VAULT_SERVICE_H_
