// ApiStub: every service of hoidla.v1 behind one object, for tests.
//
// The integration tests name RPCs as member pointers (`&ApiStub::GetCase`)
// so that one table can call any method of any service the same way. Each
// method forwards to the generated stub of its service, with the generated
// signature. The authorization table checks that every method of every
// registered service is reachable through it.
// Thread-safety: as the generated stubs (safe for concurrent calls).
#ifndef HOIDLA_TESTS_INTEGRATION_API_STUB_H_
#define HOIDLA_TESTS_INTEGRATION_API_STUB_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hoidla/v1/audit.grpc.pb.h"
#include "hoidla/v1/cases.grpc.pb.h"
#include "hoidla/v1/consents.grpc.pb.h"
#include "hoidla/v1/directory.grpc.pb.h"
#include "hoidla/v1/disclosures.grpc.pb.h"
#include "hoidla/v1/documents.grpc.pb.h"
#include "hoidla/v1/identity.grpc.pb.h"
#include "hoidla/v1/instruments.grpc.pb.h"
#include "hoidla/v1/key_admin.grpc.pb.h"
#include "hoidla/v1/records.grpc.pb.h"
#include "hoidla/v1/retention.grpc.pb.h"
#include "hoidla/v1/subject_access.grpc.pb.h"
#include "vault/rpc/services.h"

namespace hoidla::testing {

class ApiStub {
 public:
  explicit ApiStub(const std::shared_ptr<grpc::ChannelInterface>& channel)
      : identity_(::hoidla::v1::Identity::NewStub(channel)),
        directory_(::hoidla::v1::Directory::NewStub(channel)),
        cases_(::hoidla::v1::Cases::NewStub(channel)),
        documents_(::hoidla::v1::Documents::NewStub(channel)),
        records_(::hoidla::v1::Records::NewStub(channel)),
        instruments_(::hoidla::v1::Instruments::NewStub(channel)),
        consents_(::hoidla::v1::Consents::NewStub(channel)),
        disclosures_(::hoidla::v1::Disclosures::NewStub(channel)),
        audit_(::hoidla::v1::Audit::NewStub(channel)),
        subject_access_(::hoidla::v1::SubjectAccess::NewStub(channel)),
        key_admin_(::hoidla::v1::KeyAdmin::NewStub(channel)),
        retention_(::hoidla::v1::Retention::NewStub(channel)) {}

  // Identity
  grpc::Status WhoAmI(grpc::ClientContext* c, const ::hoidla::v1::WhoAmIRequest& req,
                      ::hoidla::v1::WhoAmIResponse* resp) {
    return identity_->WhoAmI(c, req, resp);
  }
  grpc::Status CreatePrincipal(grpc::ClientContext* c,
                               const ::hoidla::v1::CreatePrincipalRequest& req,
                               ::hoidla::v1::Principal* resp) {
    return identity_->CreatePrincipal(c, req, resp);
  }
  grpc::Status GetPrincipal(grpc::ClientContext* c, const ::hoidla::v1::GetPrincipalRequest& req,
                            ::hoidla::v1::Principal* resp) {
    return identity_->GetPrincipal(c, req, resp);
  }
  grpc::Status ListPrincipals(grpc::ClientContext* c,
                              const ::hoidla::v1::ListPrincipalsRequest& req,
                              ::hoidla::v1::ListPrincipalsResponse* resp) {
    return identity_->ListPrincipals(c, req, resp);
  }
  grpc::Status AddMembership(grpc::ClientContext* c, const ::hoidla::v1::AddMembershipRequest& req,
                             ::hoidla::v1::Principal* resp) {
    return identity_->AddMembership(c, req, resp);
  }
  grpc::Status RemoveMembership(grpc::ClientContext* c,
                                const ::hoidla::v1::RemoveMembershipRequest& req,
                                ::hoidla::v1::Principal* resp) {
    return identity_->RemoveMembership(c, req, resp);
  }
  grpc::Status MapCertificate(grpc::ClientContext* c,
                              const ::hoidla::v1::MapCertificateRequest& req,
                              ::hoidla::v1::Principal* resp) {
    return identity_->MapCertificate(c, req, resp);
  }
  grpc::Status RemoveCertificateMapping(grpc::ClientContext* c,
                                        const ::hoidla::v1::RemoveCertificateMappingRequest& req,
                                        ::hoidla::v1::Principal* resp) {
    return identity_->RemoveCertificateMapping(c, req, resp);
  }
  grpc::Status IssueToken(grpc::ClientContext* c, const ::hoidla::v1::IssueTokenRequest& req,
                          ::hoidla::v1::IssueTokenResponse* resp) {
    return identity_->IssueToken(c, req, resp);
  }
  grpc::Status RevokeToken(grpc::ClientContext* c, const ::hoidla::v1::RevokeTokenRequest& req,
                           ::hoidla::v1::RevokeTokenResponse* resp) {
    return identity_->RevokeToken(c, req, resp);
  }
  grpc::Status ListTokens(grpc::ClientContext* c, const ::hoidla::v1::ListTokensRequest& req,
                          ::hoidla::v1::ListTokensResponse* resp) {
    return identity_->ListTokens(c, req, resp);
  }
  grpc::Status DisablePrincipal(grpc::ClientContext* c,
                                const ::hoidla::v1::DisablePrincipalRequest& req,
                                ::hoidla::v1::Principal* resp) {
    return identity_->DisablePrincipal(c, req, resp);
  }
  grpc::Status ExchangeIdToken(grpc::ClientContext* c,
                               const ::hoidla::v1::ExchangeIdTokenRequest& req,
                               ::hoidla::v1::IssueTokenResponse* resp) {
    return identity_->ExchangeIdToken(c, req, resp);
  }
  grpc::Status SetOrganizationClientCa(grpc::ClientContext* c,
                                       const ::hoidla::v1::SetOrganizationClientCaRequest& req,
                                       ::hoidla::v1::Organization* resp) {
    return identity_->SetOrganizationClientCa(c, req, resp);
  }
  grpc::Status SetOrganizationCrl(grpc::ClientContext* c,
                                  const ::hoidla::v1::SetOrganizationCrlRequest& req,
                                  ::hoidla::v1::Organization* resp) {
    return identity_->SetOrganizationCrl(c, req, resp);
  }
  grpc::Status SetOrganizationIdentityProvider(
      grpc::ClientContext* c, const ::hoidla::v1::SetOrganizationIdentityProviderRequest& req,
      ::hoidla::v1::Organization* resp) {
    return identity_->SetOrganizationIdentityProvider(c, req, resp);
  }
  grpc::Status CreateGrantRequest(grpc::ClientContext* c,
                                  const ::hoidla::v1::CreateGrantRequestRequest& req,
                                  ::hoidla::v1::CreateGrantRequestResponse* resp) {
    return identity_->CreateGrantRequest(c, req, resp);
  }
  grpc::Status GetGrantRequest(grpc::ClientContext* c,
                               const ::hoidla::v1::GetGrantRequestRequest& req,
                               ::hoidla::v1::GrantRequest* resp) {
    return identity_->GetGrantRequest(c, req, resp);
  }
  grpc::Status ListGrantRequests(grpc::ClientContext* c,
                                 const ::hoidla::v1::ListGrantRequestsRequest& req,
                                 ::hoidla::v1::ListGrantRequestsResponse* resp) {
    return identity_->ListGrantRequests(c, req, resp);
  }
  grpc::Status ApproveGrantRequest(grpc::ClientContext* c,
                                   const ::hoidla::v1::ApproveGrantRequestRequest& req,
                                   ::hoidla::v1::GrantRequest* resp) {
    return identity_->ApproveGrantRequest(c, req, resp);
  }
  grpc::Status DenyGrantRequest(grpc::ClientContext* c,
                                const ::hoidla::v1::DenyGrantRequestRequest& req,
                                ::hoidla::v1::GrantRequest* resp) {
    return identity_->DenyGrantRequest(c, req, resp);
  }
  // Directory
  grpc::Status CreateOrganization(grpc::ClientContext* c,
                                  const ::hoidla::v1::CreateOrganizationRequest& req,
                                  ::hoidla::v1::Organization* resp) {
    return directory_->CreateOrganization(c, req, resp);
  }
  grpc::Status GetOrganization(grpc::ClientContext* c,
                               const ::hoidla::v1::GetOrganizationRequest& req,
                               ::hoidla::v1::Organization* resp) {
    return directory_->GetOrganization(c, req, resp);
  }
  grpc::Status ListOrganizations(grpc::ClientContext* c,
                                 const ::hoidla::v1::ListOrganizationsRequest& req,
                                 ::hoidla::v1::ListOrganizationsResponse* resp) {
    return directory_->ListOrganizations(c, req, resp);
  }
  grpc::Status CreateProject(grpc::ClientContext* c, const ::hoidla::v1::CreateProjectRequest& req,
                             ::hoidla::v1::Project* resp) {
    return directory_->CreateProject(c, req, resp);
  }
  grpc::Status GetProject(grpc::ClientContext* c, const ::hoidla::v1::GetProjectRequest& req,
                          ::hoidla::v1::Project* resp) {
    return directory_->GetProject(c, req, resp);
  }
  grpc::Status ListProjects(grpc::ClientContext* c, const ::hoidla::v1::ListProjectsRequest& req,
                            ::hoidla::v1::ListProjectsResponse* resp) {
    return directory_->ListProjects(c, req, resp);
  }
  grpc::Status CreateClient(grpc::ClientContext* c, const ::hoidla::v1::CreateClientRequest& req,
                            ::hoidla::v1::Client* resp) {
    return directory_->CreateClient(c, req, resp);
  }
  grpc::Status GetClient(grpc::ClientContext* c, const ::hoidla::v1::GetClientRequest& req,
                         ::hoidla::v1::Client* resp) {
    return directory_->GetClient(c, req, resp);
  }
  grpc::Status FindClientByPersonalCode(grpc::ClientContext* c,
                                        const ::hoidla::v1::FindClientByPersonalCodeRequest& req,
                                        ::hoidla::v1::Client* resp) {
    return directory_->FindClientByPersonalCode(c, req, resp);
  }
  grpc::Status ListClients(grpc::ClientContext* c, const ::hoidla::v1::ListClientsRequest& req,
                           ::hoidla::v1::ListClientsResponse* resp) {
    return directory_->ListClients(c, req, resp);
  }
  // Cases
  grpc::Status CreateCase(grpc::ClientContext* c, const ::hoidla::v1::CreateCaseRequest& req,
                          ::hoidla::v1::Case* resp) {
    return cases_->CreateCase(c, req, resp);
  }
  grpc::Status GetCase(grpc::ClientContext* c, const ::hoidla::v1::GetCaseRequest& req,
                       ::hoidla::v1::Case* resp) {
    return cases_->GetCase(c, req, resp);
  }
  grpc::Status ListCases(grpc::ClientContext* c, const ::hoidla::v1::ListCasesRequest& req,
                         ::hoidla::v1::ListCasesResponse* resp) {
    return cases_->ListCases(c, req, resp);
  }
  grpc::Status AssignCase(grpc::ClientContext* c, const ::hoidla::v1::AssignCaseRequest& req,
                          ::hoidla::v1::Case* resp) {
    return cases_->AssignCase(c, req, resp);
  }
  grpc::Status ReportConcern(grpc::ClientContext* c, const ::hoidla::v1::ReportConcernRequest& req,
                             ::hoidla::v1::ReportConcernResponse* resp) {
    return cases_->ReportConcern(c, req, resp);
  }
  grpc::Status UpdateCaseNetwork(grpc::ClientContext* c,
                                 const ::hoidla::v1::UpdateCaseNetworkRequest& req,
                                 ::hoidla::v1::Case* resp) {
    return cases_->UpdateCaseNetwork(c, req, resp);
  }
  grpc::Status CloseCase(grpc::ClientContext* c, const ::hoidla::v1::CloseCaseRequest& req,
                         ::hoidla::v1::Case* resp) {
    return cases_->CloseCase(c, req, resp);
  }
  grpc::Status ReopenCase(grpc::ClientContext* c, const ::hoidla::v1::ReopenCaseRequest& req,
                          ::hoidla::v1::Case* resp) {
    return cases_->ReopenCase(c, req, resp);
  }
  // Documents
  std::unique_ptr<grpc::ClientWriter<::hoidla::v1::UploadDocumentRequest>> UploadDocument(
      grpc::ClientContext* c, ::hoidla::v1::Document* resp) {
    return documents_->UploadDocument(c, resp);
  }
  std::unique_ptr<grpc::ClientReader<::hoidla::v1::DownloadDocumentResponse>> DownloadDocument(
      grpc::ClientContext* c, const ::hoidla::v1::DownloadDocumentRequest& req) {
    return documents_->DownloadDocument(c, req);
  }
  grpc::Status GetDocument(grpc::ClientContext* c, const ::hoidla::v1::GetDocumentRequest& req,
                           ::hoidla::v1::Document* resp) {
    return documents_->GetDocument(c, req, resp);
  }
  grpc::Status ListDocuments(grpc::ClientContext* c, const ::hoidla::v1::ListDocumentsRequest& req,
                             ::hoidla::v1::ListDocumentsResponse* resp) {
    return documents_->ListDocuments(c, req, resp);
  }
  // Records
  grpc::Status CreateRecord(grpc::ClientContext* c, const ::hoidla::v1::CreateRecordRequest& req,
                            ::hoidla::v1::Record* resp) {
    return records_->CreateRecord(c, req, resp);
  }
  grpc::Status UpdateRecord(grpc::ClientContext* c, const ::hoidla::v1::UpdateRecordRequest& req,
                            ::hoidla::v1::Record* resp) {
    return records_->UpdateRecord(c, req, resp);
  }
  grpc::Status GetRecord(grpc::ClientContext* c, const ::hoidla::v1::GetRecordRequest& req,
                         ::hoidla::v1::Record* resp) {
    return records_->GetRecord(c, req, resp);
  }
  grpc::Status ListRecordVersions(grpc::ClientContext* c,
                                  const ::hoidla::v1::ListRecordVersionsRequest& req,
                                  ::hoidla::v1::ListRecordVersionsResponse* resp) {
    return records_->ListRecordVersions(c, req, resp);
  }
  grpc::Status ListRecords(grpc::ClientContext* c, const ::hoidla::v1::ListRecordsRequest& req,
                           ::hoidla::v1::ListRecordsResponse* resp) {
    return records_->ListRecords(c, req, resp);
  }
  grpc::Status SignRecord(grpc::ClientContext* c, const ::hoidla::v1::SignRecordRequest& req,
                          ::hoidla::v1::Record* resp) {
    return records_->SignRecord(c, req, resp);
  }
  grpc::Status ListDeadlines(grpc::ClientContext* c, const ::hoidla::v1::ListDeadlinesRequest& req,
                             ::hoidla::v1::ListDeadlinesResponse* resp) {
    return records_->ListDeadlines(c, req, resp);
  }
  // Instruments
  grpc::Status RegisterInstrument(grpc::ClientContext* c,
                                  const ::hoidla::v1::RegisterInstrumentRequest& req,
                                  ::hoidla::v1::Instrument* resp) {
    return instruments_->RegisterInstrument(c, req, resp);
  }
  grpc::Status GetInstrument(grpc::ClientContext* c, const ::hoidla::v1::GetInstrumentRequest& req,
                             ::hoidla::v1::Instrument* resp) {
    return instruments_->GetInstrument(c, req, resp);
  }
  grpc::Status ListInstruments(grpc::ClientContext* c,
                               const ::hoidla::v1::ListInstrumentsRequest& req,
                               ::hoidla::v1::ListInstrumentsResponse* resp) {
    return instruments_->ListInstruments(c, req, resp);
  }
  // Consents
  grpc::Status RecordConsent(grpc::ClientContext* c, const ::hoidla::v1::RecordConsentRequest& req,
                             ::hoidla::v1::ConsentReceipt* resp) {
    return consents_->RecordConsent(c, req, resp);
  }
  grpc::Status ConfirmConsentRelease(grpc::ClientContext* c,
                                     const ::hoidla::v1::ConfirmConsentReleaseRequest& req,
                                     ::hoidla::v1::Consent* resp) {
    return consents_->ConfirmConsentRelease(c, req, resp);
  }
  grpc::Status ReviseConsent(grpc::ClientContext* c, const ::hoidla::v1::ReviseConsentRequest& req,
                             ::hoidla::v1::ConsentReceipt* resp) {
    return consents_->ReviseConsent(c, req, resp);
  }
  grpc::Status WithdrawConsent(grpc::ClientContext* c,
                               const ::hoidla::v1::WithdrawConsentRequest& req,
                               ::hoidla::v1::Consent* resp) {
    return consents_->WithdrawConsent(c, req, resp);
  }
  grpc::Status GetConsent(grpc::ClientContext* c, const ::hoidla::v1::GetConsentRequest& req,
                          ::hoidla::v1::Consent* resp) {
    return consents_->GetConsent(c, req, resp);
  }
  grpc::Status ListConsents(grpc::ClientContext* c, const ::hoidla::v1::ListConsentsRequest& req,
                            ::hoidla::v1::ListConsentsResponse* resp) {
    return consents_->ListConsents(c, req, resp);
  }
  grpc::Status QueryRecordExistence(grpc::ClientContext* c,
                                    const ::hoidla::v1::QueryRecordExistenceRequest& req,
                                    ::hoidla::v1::QueryRecordExistenceResponse* resp) {
    return consents_->QueryRecordExistence(c, req, resp);
  }
  // Disclosures
  grpc::Status DiscloseWithoutConsent(grpc::ClientContext* c,
                                      const ::hoidla::v1::DiscloseWithoutConsentRequest& req,
                                      ::hoidla::v1::Disclosure* resp) {
    return disclosures_->DiscloseWithoutConsent(c, req, resp);
  }
  grpc::Status ListDisclosures(grpc::ClientContext* c,
                               const ::hoidla::v1::ListDisclosuresRequest& req,
                               ::hoidla::v1::ListDisclosuresResponse* resp) {
    return disclosures_->ListDisclosures(c, req, resp);
  }
  grpc::Status ReviewDisclosure(grpc::ClientContext* c,
                                const ::hoidla::v1::ReviewDisclosureRequest& req,
                                ::hoidla::v1::Disclosure* resp) {
    return disclosures_->ReviewDisclosure(c, req, resp);
  }
  // Audit
  grpc::Status GetCheckpoint(grpc::ClientContext* c, const ::hoidla::v1::GetCheckpointRequest& req,
                             ::hoidla::v1::Checkpoint* resp) {
    return audit_->GetCheckpoint(c, req, resp);
  }
  grpc::Status GetInclusionProof(grpc::ClientContext* c,
                                 const ::hoidla::v1::GetInclusionProofRequest& req,
                                 ::hoidla::v1::InclusionProof* resp) {
    return audit_->GetInclusionProof(c, req, resp);
  }
  grpc::Status GetConsistencyProof(grpc::ClientContext* c,
                                   const ::hoidla::v1::GetConsistencyProofRequest& req,
                                   ::hoidla::v1::ConsistencyProof* resp) {
    return audit_->GetConsistencyProof(c, req, resp);
  }
  grpc::Status ListAuditEntries(grpc::ClientContext* c,
                                const ::hoidla::v1::ListAuditEntriesRequest& req,
                                ::hoidla::v1::ListAuditEntriesResponse* resp) {
    return audit_->ListAuditEntries(c, req, resp);
  }
  std::unique_ptr<grpc::ClientReader<::hoidla::v1::AuditBundle>> ExportAudit(
      grpc::ClientContext* c, const ::hoidla::v1::ExportAuditRequest& req) {
    return audit_->ExportAudit(c, req);
  }
  grpc::Status GetAuditPublicKeys(grpc::ClientContext* c,
                                  const ::hoidla::v1::GetAuditPublicKeysRequest& req,
                                  ::hoidla::v1::AuditPublicKeys* resp) {
    return audit_->GetAuditPublicKeys(c, req, resp);
  }
  grpc::Status RotateAuditSigningKey(grpc::ClientContext* c,
                                     const ::hoidla::v1::RotateAuditSigningKeyRequest& req,
                                     ::hoidla::v1::AuditPublicKeys* resp) {
    return audit_->RotateAuditSigningKey(c, req, resp);
  }
  // SubjectAccess
  grpc::Status GetAccessReport(grpc::ClientContext* c,
                               const ::hoidla::v1::GetAccessReportRequest& req,
                               ::hoidla::v1::AccessReport* resp) {
    return subject_access_->GetAccessReport(c, req, resp);
  }
  std::unique_ptr<grpc::ClientReader<::hoidla::v1::SubjectDataExport>> ExportSubjectData(
      grpc::ClientContext* c, const ::hoidla::v1::ExportSubjectDataRequest& req) {
    return subject_access_->ExportSubjectData(c, req);
  }
  // KeyAdmin
  grpc::Status GetKeyStatus(grpc::ClientContext* c, const ::hoidla::v1::GetKeyStatusRequest& req,
                            ::hoidla::v1::KeyStatus* resp) {
    return key_admin_->GetKeyStatus(c, req, resp);
  }
  grpc::Status RotateKeyEncryptionKey(grpc::ClientContext* c,
                                      const ::hoidla::v1::RotateKeyEncryptionKeyRequest& req,
                                      ::hoidla::v1::KeyStatus* resp) {
    return key_admin_->RotateKeyEncryptionKey(c, req, resp);
  }
  grpc::Status RewrapKeys(grpc::ClientContext* c, const ::hoidla::v1::RewrapKeysRequest& req,
                          ::hoidla::v1::RewrapKeysResponse* resp) {
    return key_admin_->RewrapKeys(c, req, resp);
  }
  grpc::Status RetireKeyEncryptionKey(grpc::ClientContext* c,
                                      const ::hoidla::v1::RetireKeyEncryptionKeyRequest& req,
                                      ::hoidla::v1::KeyStatus* resp) {
    return key_admin_->RetireKeyEncryptionKey(c, req, resp);
  }

  // Retention
  grpc::Status CreateRetentionSchedule(grpc::ClientContext* c,
                                       const ::hoidla::v1::CreateRetentionScheduleRequest& req,
                                       ::hoidla::v1::RetentionSchedule* resp) {
    return retention_->CreateRetentionSchedule(c, req, resp);
  }
  grpc::Status UpdateRetentionSchedule(grpc::ClientContext* c,
                                       const ::hoidla::v1::UpdateRetentionScheduleRequest& req,
                                       ::hoidla::v1::RetentionSchedule* resp) {
    return retention_->UpdateRetentionSchedule(c, req, resp);
  }
  grpc::Status GetRetentionSchedule(grpc::ClientContext* c,
                                    const ::hoidla::v1::GetRetentionScheduleRequest& req,
                                    ::hoidla::v1::RetentionSchedule* resp) {
    return retention_->GetRetentionSchedule(c, req, resp);
  }
  grpc::Status ListRetentionSchedules(grpc::ClientContext* c,
                                      const ::hoidla::v1::ListRetentionSchedulesRequest& req,
                                      ::hoidla::v1::ListRetentionSchedulesResponse* resp) {
    return retention_->ListRetentionSchedules(c, req, resp);
  }
  grpc::Status ResolveRetentionSchedule(grpc::ClientContext* c,
                                        const ::hoidla::v1::ResolveRetentionScheduleRequest& req,
                                        ::hoidla::v1::RetentionSchedule* resp) {
    return retention_->ResolveRetentionSchedule(c, req, resp);
  }
  grpc::Status PlaceLegalHold(grpc::ClientContext* c,
                              const ::hoidla::v1::PlaceLegalHoldRequest& req,
                              ::hoidla::v1::LegalHold* resp) {
    return retention_->PlaceLegalHold(c, req, resp);
  }
  grpc::Status LiftLegalHold(grpc::ClientContext* c, const ::hoidla::v1::LiftLegalHoldRequest& req,
                             ::hoidla::v1::LegalHold* resp) {
    return retention_->LiftLegalHold(c, req, resp);
  }
  grpc::Status GetLegalHold(grpc::ClientContext* c, const ::hoidla::v1::GetLegalHoldRequest& req,
                            ::hoidla::v1::LegalHold* resp) {
    return retention_->GetLegalHold(c, req, resp);
  }
  grpc::Status ListLegalHolds(grpc::ClientContext* c,
                              const ::hoidla::v1::ListLegalHoldsRequest& req,
                              ::hoidla::v1::ListLegalHoldsResponse* resp) {
    return retention_->ListLegalHolds(c, req, resp);
  }
  grpc::Status ListDueDisposals(grpc::ClientContext* c,
                                const ::hoidla::v1::ListDueDisposalsRequest& req,
                                ::hoidla::v1::ListDueDisposalsResponse* resp) {
    return retention_->ListDueDisposals(c, req, resp);
  }
  grpc::Status ApproveDisposal(grpc::ClientContext* c,
                               const ::hoidla::v1::ApproveDisposalRequest& req,
                               ::hoidla::v1::DueDisposal* resp) {
    return retention_->ApproveDisposal(c, req, resp);
  }
  grpc::Status PostponeDisposal(grpc::ClientContext* c,
                                const ::hoidla::v1::PostponeDisposalRequest& req,
                                ::hoidla::v1::DueDisposal* resp) {
    return retention_->PostponeDisposal(c, req, resp);
  }
  grpc::Status RunDisposal(grpc::ClientContext* c, const ::hoidla::v1::RunDisposalRequest& req,
                           ::hoidla::v1::RunDisposalResponse* resp) {
    return retention_->RunDisposal(c, req, resp);
  }
  grpc::Status GetDisposalCertificate(grpc::ClientContext* c,
                                      const ::hoidla::v1::GetDisposalCertificateRequest& req,
                                      ::hoidla::v1::DisposalCertificate* resp) {
    return retention_->GetDisposalCertificate(c, req, resp);
  }
  grpc::Status ListDisposalCertificates(grpc::ClientContext* c,
                                        const ::hoidla::v1::ListDisposalCertificatesRequest& req,
                                        ::hoidla::v1::ListDisposalCertificatesResponse* resp) {
    return retention_->ListDisposalCertificates(c, req, resp);
  }
  grpc::Status EraseClient(grpc::ClientContext* c, const ::hoidla::v1::EraseClientRequest& req,
                           ::hoidla::v1::DisposalCertificate* resp) {
    return retention_->EraseClient(c, req, resp);
  }

 private:
  std::unique_ptr<::hoidla::v1::Identity::Stub> identity_;
  std::unique_ptr<::hoidla::v1::Directory::Stub> directory_;
  std::unique_ptr<::hoidla::v1::Cases::Stub> cases_;
  std::unique_ptr<::hoidla::v1::Documents::Stub> documents_;
  std::unique_ptr<::hoidla::v1::Records::Stub> records_;
  std::unique_ptr<::hoidla::v1::Instruments::Stub> instruments_;
  std::unique_ptr<::hoidla::v1::Consents::Stub> consents_;
  std::unique_ptr<::hoidla::v1::Disclosures::Stub> disclosures_;
  std::unique_ptr<::hoidla::v1::Audit::Stub> audit_;
  std::unique_ptr<::hoidla::v1::SubjectAccess::Stub> subject_access_;
  std::unique_ptr<::hoidla::v1::KeyAdmin::Stub> key_admin_;
  std::unique_ptr<::hoidla::v1::Retention::Stub> retention_;
};

// The full name of the service each method belongs to ("hoidla.v1.Cases"),
// keyed by the method's name, for every service the server registers
// (service::ServiceNames). Method names are unique across the API: the
// audit log and the authorization table name methods by them alone. A
// duplicate name, or a registered service without a descriptor, is an
// entry under the key "" naming the problem.
inline std::map<std::string, std::string> ApiMethods() {
  std::map<std::string, std::string> methods;
  for (const std::string& name : service::ServiceNames()) {
    const auto* svc = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (svc == nullptr) {
      methods[""] += name + " has no descriptor; ";
      continue;
    }
    for (int i = 0; i < svc->method_count(); ++i) {
      const std::string method(svc->method(i)->name());
      if (!methods.emplace(method, name).second) methods[""] += method + " is not unique; ";
    }
  }
  return methods;
}

}  // namespace hoidla::testing

#endif  // HOIDLA_TESTS_INTEGRATION_API_STUB_H_
