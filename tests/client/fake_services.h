// FakeServices: serves a test's fake vault as the services of hoidla.v1.
//
// A fake (a class with handler methods named and typed as the generated
// service methods, say `grpc::Status GetRecord(grpc::ServerContext*, const
// v1::GetRecordRequest*, v1::Record*)`) implements only what its test
// needs. FakeServices<F> builds one generated service of each kind whose
// methods forward to F's method of the same name when F has it, and answer
// UNIMPLEMENTED otherwise, as a generated service does.
// Thread-safety: as the fake's methods (gRPC calls them concurrently).
#ifndef HOIDLA_TESTS_CLIENT_FAKE_SERVICES_H_
#define HOIDLA_TESTS_CLIENT_FAKE_SERVICES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
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

namespace hoidla::testing {

template <typename F>
class FakeServices {
 public:
  class Identity final : public ::hoidla::v1::Identity::Service {
   public:
    explicit Identity(F* f) : f_(f) {}
    grpc::Status WhoAmI(grpc::ServerContext* c, const ::hoidla::v1::WhoAmIRequest* r,
                        ::hoidla::v1::WhoAmIResponse* o) override {
      if constexpr (requires { f_->WhoAmI(c, r, o); }) {
        return f_->WhoAmI(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::WhoAmI(c, r, o);
      }
    }
    grpc::Status CreatePrincipal(grpc::ServerContext* c,
                                 const ::hoidla::v1::CreatePrincipalRequest* r,
                                 ::hoidla::v1::Principal* o) override {
      if constexpr (requires { f_->CreatePrincipal(c, r, o); }) {
        return f_->CreatePrincipal(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::CreatePrincipal(c, r, o);
      }
    }
    grpc::Status GetPrincipal(grpc::ServerContext* c, const ::hoidla::v1::GetPrincipalRequest* r,
                              ::hoidla::v1::Principal* o) override {
      if constexpr (requires { f_->GetPrincipal(c, r, o); }) {
        return f_->GetPrincipal(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::GetPrincipal(c, r, o);
      }
    }
    grpc::Status ListPrincipals(grpc::ServerContext* c,
                                const ::hoidla::v1::ListPrincipalsRequest* r,
                                ::hoidla::v1::ListPrincipalsResponse* o) override {
      if constexpr (requires { f_->ListPrincipals(c, r, o); }) {
        return f_->ListPrincipals(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::ListPrincipals(c, r, o);
      }
    }
    grpc::Status AddMembership(grpc::ServerContext* c, const ::hoidla::v1::AddMembershipRequest* r,
                               ::hoidla::v1::Principal* o) override {
      if constexpr (requires { f_->AddMembership(c, r, o); }) {
        return f_->AddMembership(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::AddMembership(c, r, o);
      }
    }
    grpc::Status RemoveMembership(grpc::ServerContext* c,
                                  const ::hoidla::v1::RemoveMembershipRequest* r,
                                  ::hoidla::v1::Principal* o) override {
      if constexpr (requires { f_->RemoveMembership(c, r, o); }) {
        return f_->RemoveMembership(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::RemoveMembership(c, r, o);
      }
    }
    grpc::Status MapCertificate(grpc::ServerContext* c,
                                const ::hoidla::v1::MapCertificateRequest* r,
                                ::hoidla::v1::Principal* o) override {
      if constexpr (requires { f_->MapCertificate(c, r, o); }) {
        return f_->MapCertificate(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::MapCertificate(c, r, o);
      }
    }
    grpc::Status RemoveCertificateMapping(grpc::ServerContext* c,
                                          const ::hoidla::v1::RemoveCertificateMappingRequest* r,
                                          ::hoidla::v1::Principal* o) override {
      if constexpr (requires { f_->RemoveCertificateMapping(c, r, o); }) {
        return f_->RemoveCertificateMapping(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::RemoveCertificateMapping(c, r, o);
      }
    }
    grpc::Status IssueToken(grpc::ServerContext* c, const ::hoidla::v1::IssueTokenRequest* r,
                            ::hoidla::v1::IssueTokenResponse* o) override {
      if constexpr (requires { f_->IssueToken(c, r, o); }) {
        return f_->IssueToken(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::IssueToken(c, r, o);
      }
    }
    grpc::Status RevokeToken(grpc::ServerContext* c, const ::hoidla::v1::RevokeTokenRequest* r,
                             ::hoidla::v1::RevokeTokenResponse* o) override {
      if constexpr (requires { f_->RevokeToken(c, r, o); }) {
        return f_->RevokeToken(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::RevokeToken(c, r, o);
      }
    }
    grpc::Status ListTokens(grpc::ServerContext* c, const ::hoidla::v1::ListTokensRequest* r,
                            ::hoidla::v1::ListTokensResponse* o) override {
      if constexpr (requires { f_->ListTokens(c, r, o); }) {
        return f_->ListTokens(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::ListTokens(c, r, o);
      }
    }
    grpc::Status DisablePrincipal(grpc::ServerContext* c,
                                  const ::hoidla::v1::DisablePrincipalRequest* r,
                                  ::hoidla::v1::Principal* o) override {
      if constexpr (requires { f_->DisablePrincipal(c, r, o); }) {
        return f_->DisablePrincipal(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::DisablePrincipal(c, r, o);
      }
    }
    grpc::Status ExchangeIdToken(grpc::ServerContext* c,
                                 const ::hoidla::v1::ExchangeIdTokenRequest* r,
                                 ::hoidla::v1::IssueTokenResponse* o) override {
      if constexpr (requires { f_->ExchangeIdToken(c, r, o); }) {
        return f_->ExchangeIdToken(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::ExchangeIdToken(c, r, o);
      }
    }
    grpc::Status SetOrganizationClientCa(grpc::ServerContext* c,
                                         const ::hoidla::v1::SetOrganizationClientCaRequest* r,
                                         ::hoidla::v1::Organization* o) override {
      if constexpr (requires { f_->SetOrganizationClientCa(c, r, o); }) {
        return f_->SetOrganizationClientCa(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::SetOrganizationClientCa(c, r, o);
      }
    }
    grpc::Status SetOrganizationCrl(grpc::ServerContext* c,
                                    const ::hoidla::v1::SetOrganizationCrlRequest* r,
                                    ::hoidla::v1::Organization* o) override {
      if constexpr (requires { f_->SetOrganizationCrl(c, r, o); }) {
        return f_->SetOrganizationCrl(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::SetOrganizationCrl(c, r, o);
      }
    }
    grpc::Status SetOrganizationIdentityProvider(
        grpc::ServerContext* c, const ::hoidla::v1::SetOrganizationIdentityProviderRequest* r,
        ::hoidla::v1::Organization* o) override {
      if constexpr (requires { f_->SetOrganizationIdentityProvider(c, r, o); }) {
        return f_->SetOrganizationIdentityProvider(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::SetOrganizationIdentityProvider(c, r, o);
      }
    }
    grpc::Status CreateGrantRequest(grpc::ServerContext* c,
                                    const ::hoidla::v1::CreateGrantRequestRequest* r,
                                    ::hoidla::v1::CreateGrantRequestResponse* o) override {
      if constexpr (requires { f_->CreateGrantRequest(c, r, o); }) {
        return f_->CreateGrantRequest(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::CreateGrantRequest(c, r, o);
      }
    }
    grpc::Status GetGrantRequest(grpc::ServerContext* c,
                                 const ::hoidla::v1::GetGrantRequestRequest* r,
                                 ::hoidla::v1::GrantRequest* o) override {
      if constexpr (requires { f_->GetGrantRequest(c, r, o); }) {
        return f_->GetGrantRequest(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::GetGrantRequest(c, r, o);
      }
    }
    grpc::Status ListGrantRequests(grpc::ServerContext* c,
                                   const ::hoidla::v1::ListGrantRequestsRequest* r,
                                   ::hoidla::v1::ListGrantRequestsResponse* o) override {
      if constexpr (requires { f_->ListGrantRequests(c, r, o); }) {
        return f_->ListGrantRequests(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::ListGrantRequests(c, r, o);
      }
    }
    grpc::Status ApproveGrantRequest(grpc::ServerContext* c,
                                     const ::hoidla::v1::ApproveGrantRequestRequest* r,
                                     ::hoidla::v1::GrantRequest* o) override {
      if constexpr (requires { f_->ApproveGrantRequest(c, r, o); }) {
        return f_->ApproveGrantRequest(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::ApproveGrantRequest(c, r, o);
      }
    }
    grpc::Status DenyGrantRequest(grpc::ServerContext* c,
                                  const ::hoidla::v1::DenyGrantRequestRequest* r,
                                  ::hoidla::v1::GrantRequest* o) override {
      if constexpr (requires { f_->DenyGrantRequest(c, r, o); }) {
        return f_->DenyGrantRequest(c, r, o);
      } else {
        return ::hoidla::v1::Identity::Service::DenyGrantRequest(c, r, o);
      }
    }

   private:
    F* f_;
  };

  class Directory final : public ::hoidla::v1::Directory::Service {
   public:
    explicit Directory(F* f) : f_(f) {}
    grpc::Status CreateOrganization(grpc::ServerContext* c,
                                    const ::hoidla::v1::CreateOrganizationRequest* r,
                                    ::hoidla::v1::Organization* o) override {
      if constexpr (requires { f_->CreateOrganization(c, r, o); }) {
        return f_->CreateOrganization(c, r, o);
      } else {
        return ::hoidla::v1::Directory::Service::CreateOrganization(c, r, o);
      }
    }
    grpc::Status GetOrganization(grpc::ServerContext* c,
                                 const ::hoidla::v1::GetOrganizationRequest* r,
                                 ::hoidla::v1::Organization* o) override {
      if constexpr (requires { f_->GetOrganization(c, r, o); }) {
        return f_->GetOrganization(c, r, o);
      } else {
        return ::hoidla::v1::Directory::Service::GetOrganization(c, r, o);
      }
    }
    grpc::Status ListOrganizations(grpc::ServerContext* c,
                                   const ::hoidla::v1::ListOrganizationsRequest* r,
                                   ::hoidla::v1::ListOrganizationsResponse* o) override {
      if constexpr (requires { f_->ListOrganizations(c, r, o); }) {
        return f_->ListOrganizations(c, r, o);
      } else {
        return ::hoidla::v1::Directory::Service::ListOrganizations(c, r, o);
      }
    }
    grpc::Status CreateProject(grpc::ServerContext* c, const ::hoidla::v1::CreateProjectRequest* r,
                               ::hoidla::v1::Project* o) override {
      if constexpr (requires { f_->CreateProject(c, r, o); }) {
        return f_->CreateProject(c, r, o);
      } else {
        return ::hoidla::v1::Directory::Service::CreateProject(c, r, o);
      }
    }
    grpc::Status GetProject(grpc::ServerContext* c, const ::hoidla::v1::GetProjectRequest* r,
                            ::hoidla::v1::Project* o) override {
      if constexpr (requires { f_->GetProject(c, r, o); }) {
        return f_->GetProject(c, r, o);
      } else {
        return ::hoidla::v1::Directory::Service::GetProject(c, r, o);
      }
    }
    grpc::Status ListProjects(grpc::ServerContext* c, const ::hoidla::v1::ListProjectsRequest* r,
                              ::hoidla::v1::ListProjectsResponse* o) override {
      if constexpr (requires { f_->ListProjects(c, r, o); }) {
        return f_->ListProjects(c, r, o);
      } else {
        return ::hoidla::v1::Directory::Service::ListProjects(c, r, o);
      }
    }
    grpc::Status CreateClient(grpc::ServerContext* c, const ::hoidla::v1::CreateClientRequest* r,
                              ::hoidla::v1::Client* o) override {
      if constexpr (requires { f_->CreateClient(c, r, o); }) {
        return f_->CreateClient(c, r, o);
      } else {
        return ::hoidla::v1::Directory::Service::CreateClient(c, r, o);
      }
    }
    grpc::Status GetClient(grpc::ServerContext* c, const ::hoidla::v1::GetClientRequest* r,
                           ::hoidla::v1::Client* o) override {
      if constexpr (requires { f_->GetClient(c, r, o); }) {
        return f_->GetClient(c, r, o);
      } else {
        return ::hoidla::v1::Directory::Service::GetClient(c, r, o);
      }
    }
    grpc::Status FindClientByPersonalCode(grpc::ServerContext* c,
                                          const ::hoidla::v1::FindClientByPersonalCodeRequest* r,
                                          ::hoidla::v1::Client* o) override {
      if constexpr (requires { f_->FindClientByPersonalCode(c, r, o); }) {
        return f_->FindClientByPersonalCode(c, r, o);
      } else {
        return ::hoidla::v1::Directory::Service::FindClientByPersonalCode(c, r, o);
      }
    }
    grpc::Status ListClients(grpc::ServerContext* c, const ::hoidla::v1::ListClientsRequest* r,
                             ::hoidla::v1::ListClientsResponse* o) override {
      if constexpr (requires { f_->ListClients(c, r, o); }) {
        return f_->ListClients(c, r, o);
      } else {
        return ::hoidla::v1::Directory::Service::ListClients(c, r, o);
      }
    }

   private:
    F* f_;
  };

  class Cases final : public ::hoidla::v1::Cases::Service {
   public:
    explicit Cases(F* f) : f_(f) {}
    grpc::Status CreateCase(grpc::ServerContext* c, const ::hoidla::v1::CreateCaseRequest* r,
                            ::hoidla::v1::Case* o) override {
      if constexpr (requires { f_->CreateCase(c, r, o); }) {
        return f_->CreateCase(c, r, o);
      } else {
        return ::hoidla::v1::Cases::Service::CreateCase(c, r, o);
      }
    }
    grpc::Status GetCase(grpc::ServerContext* c, const ::hoidla::v1::GetCaseRequest* r,
                         ::hoidla::v1::Case* o) override {
      if constexpr (requires { f_->GetCase(c, r, o); }) {
        return f_->GetCase(c, r, o);
      } else {
        return ::hoidla::v1::Cases::Service::GetCase(c, r, o);
      }
    }
    grpc::Status ListCases(grpc::ServerContext* c, const ::hoidla::v1::ListCasesRequest* r,
                           ::hoidla::v1::ListCasesResponse* o) override {
      if constexpr (requires { f_->ListCases(c, r, o); }) {
        return f_->ListCases(c, r, o);
      } else {
        return ::hoidla::v1::Cases::Service::ListCases(c, r, o);
      }
    }
    grpc::Status AssignCase(grpc::ServerContext* c, const ::hoidla::v1::AssignCaseRequest* r,
                            ::hoidla::v1::Case* o) override {
      if constexpr (requires { f_->AssignCase(c, r, o); }) {
        return f_->AssignCase(c, r, o);
      } else {
        return ::hoidla::v1::Cases::Service::AssignCase(c, r, o);
      }
    }
    grpc::Status ReportConcern(grpc::ServerContext* c, const ::hoidla::v1::ReportConcernRequest* r,
                               ::hoidla::v1::ReportConcernResponse* o) override {
      if constexpr (requires { f_->ReportConcern(c, r, o); }) {
        return f_->ReportConcern(c, r, o);
      } else {
        return ::hoidla::v1::Cases::Service::ReportConcern(c, r, o);
      }
    }
    grpc::Status UpdateCaseNetwork(grpc::ServerContext* c,
                                   const ::hoidla::v1::UpdateCaseNetworkRequest* r,
                                   ::hoidla::v1::Case* o) override {
      if constexpr (requires { f_->UpdateCaseNetwork(c, r, o); }) {
        return f_->UpdateCaseNetwork(c, r, o);
      } else {
        return ::hoidla::v1::Cases::Service::UpdateCaseNetwork(c, r, o);
      }
    }
    grpc::Status CloseCase(grpc::ServerContext* c, const ::hoidla::v1::CloseCaseRequest* r,
                           ::hoidla::v1::Case* o) override {
      if constexpr (requires { f_->CloseCase(c, r, o); }) {
        return f_->CloseCase(c, r, o);
      } else {
        return ::hoidla::v1::Cases::Service::CloseCase(c, r, o);
      }
    }
    grpc::Status ReopenCase(grpc::ServerContext* c, const ::hoidla::v1::ReopenCaseRequest* r,
                            ::hoidla::v1::Case* o) override {
      if constexpr (requires { f_->ReopenCase(c, r, o); }) {
        return f_->ReopenCase(c, r, o);
      } else {
        return ::hoidla::v1::Cases::Service::ReopenCase(c, r, o);
      }
    }

   private:
    F* f_;
  };

  class Documents final : public ::hoidla::v1::Documents::Service {
   public:
    explicit Documents(F* f) : f_(f) {}
    grpc::Status UploadDocument(grpc::ServerContext* c,
                                grpc::ServerReader<::hoidla::v1::UploadDocumentRequest>* r,
                                ::hoidla::v1::Document* o) override {
      if constexpr (requires { f_->UploadDocument(c, r, o); }) {
        return f_->UploadDocument(c, r, o);
      } else {
        return ::hoidla::v1::Documents::Service::UploadDocument(c, r, o);
      }
    }
    grpc::Status DownloadDocument(
        grpc::ServerContext* c, const ::hoidla::v1::DownloadDocumentRequest* r,
        grpc::ServerWriter<::hoidla::v1::DownloadDocumentResponse>* o) override {
      if constexpr (requires { f_->DownloadDocument(c, r, o); }) {
        return f_->DownloadDocument(c, r, o);
      } else {
        return ::hoidla::v1::Documents::Service::DownloadDocument(c, r, o);
      }
    }
    grpc::Status GetDocument(grpc::ServerContext* c, const ::hoidla::v1::GetDocumentRequest* r,
                             ::hoidla::v1::Document* o) override {
      if constexpr (requires { f_->GetDocument(c, r, o); }) {
        return f_->GetDocument(c, r, o);
      } else {
        return ::hoidla::v1::Documents::Service::GetDocument(c, r, o);
      }
    }
    grpc::Status ListDocuments(grpc::ServerContext* c, const ::hoidla::v1::ListDocumentsRequest* r,
                               ::hoidla::v1::ListDocumentsResponse* o) override {
      if constexpr (requires { f_->ListDocuments(c, r, o); }) {
        return f_->ListDocuments(c, r, o);
      } else {
        return ::hoidla::v1::Documents::Service::ListDocuments(c, r, o);
      }
    }

   private:
    F* f_;
  };

  class Records final : public ::hoidla::v1::Records::Service {
   public:
    explicit Records(F* f) : f_(f) {}
    grpc::Status CreateRecord(grpc::ServerContext* c, const ::hoidla::v1::CreateRecordRequest* r,
                              ::hoidla::v1::Record* o) override {
      if constexpr (requires { f_->CreateRecord(c, r, o); }) {
        return f_->CreateRecord(c, r, o);
      } else {
        return ::hoidla::v1::Records::Service::CreateRecord(c, r, o);
      }
    }
    grpc::Status UpdateRecord(grpc::ServerContext* c, const ::hoidla::v1::UpdateRecordRequest* r,
                              ::hoidla::v1::Record* o) override {
      if constexpr (requires { f_->UpdateRecord(c, r, o); }) {
        return f_->UpdateRecord(c, r, o);
      } else {
        return ::hoidla::v1::Records::Service::UpdateRecord(c, r, o);
      }
    }
    grpc::Status GetRecord(grpc::ServerContext* c, const ::hoidla::v1::GetRecordRequest* r,
                           ::hoidla::v1::Record* o) override {
      if constexpr (requires { f_->GetRecord(c, r, o); }) {
        return f_->GetRecord(c, r, o);
      } else {
        return ::hoidla::v1::Records::Service::GetRecord(c, r, o);
      }
    }
    grpc::Status ListRecordVersions(grpc::ServerContext* c,
                                    const ::hoidla::v1::ListRecordVersionsRequest* r,
                                    ::hoidla::v1::ListRecordVersionsResponse* o) override {
      if constexpr (requires { f_->ListRecordVersions(c, r, o); }) {
        return f_->ListRecordVersions(c, r, o);
      } else {
        return ::hoidla::v1::Records::Service::ListRecordVersions(c, r, o);
      }
    }
    grpc::Status ListRecords(grpc::ServerContext* c, const ::hoidla::v1::ListRecordsRequest* r,
                             ::hoidla::v1::ListRecordsResponse* o) override {
      if constexpr (requires { f_->ListRecords(c, r, o); }) {
        return f_->ListRecords(c, r, o);
      } else {
        return ::hoidla::v1::Records::Service::ListRecords(c, r, o);
      }
    }
    grpc::Status SignRecord(grpc::ServerContext* c, const ::hoidla::v1::SignRecordRequest* r,
                            ::hoidla::v1::Record* o) override {
      if constexpr (requires { f_->SignRecord(c, r, o); }) {
        return f_->SignRecord(c, r, o);
      } else {
        return ::hoidla::v1::Records::Service::SignRecord(c, r, o);
      }
    }
    grpc::Status ListDeadlines(grpc::ServerContext* c, const ::hoidla::v1::ListDeadlinesRequest* r,
                               ::hoidla::v1::ListDeadlinesResponse* o) override {
      if constexpr (requires { f_->ListDeadlines(c, r, o); }) {
        return f_->ListDeadlines(c, r, o);
      } else {
        return ::hoidla::v1::Records::Service::ListDeadlines(c, r, o);
      }
    }

   private:
    F* f_;
  };

  class Instruments final : public ::hoidla::v1::Instruments::Service {
   public:
    explicit Instruments(F* f) : f_(f) {}
    grpc::Status RegisterInstrument(grpc::ServerContext* c,
                                    const ::hoidla::v1::RegisterInstrumentRequest* r,
                                    ::hoidla::v1::Instrument* o) override {
      if constexpr (requires { f_->RegisterInstrument(c, r, o); }) {
        return f_->RegisterInstrument(c, r, o);
      } else {
        return ::hoidla::v1::Instruments::Service::RegisterInstrument(c, r, o);
      }
    }
    grpc::Status GetInstrument(grpc::ServerContext* c, const ::hoidla::v1::GetInstrumentRequest* r,
                               ::hoidla::v1::Instrument* o) override {
      if constexpr (requires { f_->GetInstrument(c, r, o); }) {
        return f_->GetInstrument(c, r, o);
      } else {
        return ::hoidla::v1::Instruments::Service::GetInstrument(c, r, o);
      }
    }
    grpc::Status ListInstruments(grpc::ServerContext* c,
                                 const ::hoidla::v1::ListInstrumentsRequest* r,
                                 ::hoidla::v1::ListInstrumentsResponse* o) override {
      if constexpr (requires { f_->ListInstruments(c, r, o); }) {
        return f_->ListInstruments(c, r, o);
      } else {
        return ::hoidla::v1::Instruments::Service::ListInstruments(c, r, o);
      }
    }

   private:
    F* f_;
  };

  class Consents final : public ::hoidla::v1::Consents::Service {
   public:
    explicit Consents(F* f) : f_(f) {}
    grpc::Status RecordConsent(grpc::ServerContext* c, const ::hoidla::v1::RecordConsentRequest* r,
                               ::hoidla::v1::ConsentReceipt* o) override {
      if constexpr (requires { f_->RecordConsent(c, r, o); }) {
        return f_->RecordConsent(c, r, o);
      } else {
        return ::hoidla::v1::Consents::Service::RecordConsent(c, r, o);
      }
    }
    grpc::Status ConfirmConsentRelease(grpc::ServerContext* c,
                                       const ::hoidla::v1::ConfirmConsentReleaseRequest* r,
                                       ::hoidla::v1::Consent* o) override {
      if constexpr (requires { f_->ConfirmConsentRelease(c, r, o); }) {
        return f_->ConfirmConsentRelease(c, r, o);
      } else {
        return ::hoidla::v1::Consents::Service::ConfirmConsentRelease(c, r, o);
      }
    }
    grpc::Status ReviseConsent(grpc::ServerContext* c, const ::hoidla::v1::ReviseConsentRequest* r,
                               ::hoidla::v1::ConsentReceipt* o) override {
      if constexpr (requires { f_->ReviseConsent(c, r, o); }) {
        return f_->ReviseConsent(c, r, o);
      } else {
        return ::hoidla::v1::Consents::Service::ReviseConsent(c, r, o);
      }
    }
    grpc::Status WithdrawConsent(grpc::ServerContext* c,
                                 const ::hoidla::v1::WithdrawConsentRequest* r,
                                 ::hoidla::v1::Consent* o) override {
      if constexpr (requires { f_->WithdrawConsent(c, r, o); }) {
        return f_->WithdrawConsent(c, r, o);
      } else {
        return ::hoidla::v1::Consents::Service::WithdrawConsent(c, r, o);
      }
    }
    grpc::Status GetConsent(grpc::ServerContext* c, const ::hoidla::v1::GetConsentRequest* r,
                            ::hoidla::v1::Consent* o) override {
      if constexpr (requires { f_->GetConsent(c, r, o); }) {
        return f_->GetConsent(c, r, o);
      } else {
        return ::hoidla::v1::Consents::Service::GetConsent(c, r, o);
      }
    }
    grpc::Status ListConsents(grpc::ServerContext* c, const ::hoidla::v1::ListConsentsRequest* r,
                              ::hoidla::v1::ListConsentsResponse* o) override {
      if constexpr (requires { f_->ListConsents(c, r, o); }) {
        return f_->ListConsents(c, r, o);
      } else {
        return ::hoidla::v1::Consents::Service::ListConsents(c, r, o);
      }
    }
    grpc::Status QueryRecordExistence(grpc::ServerContext* c,
                                      const ::hoidla::v1::QueryRecordExistenceRequest* r,
                                      ::hoidla::v1::QueryRecordExistenceResponse* o) override {
      if constexpr (requires { f_->QueryRecordExistence(c, r, o); }) {
        return f_->QueryRecordExistence(c, r, o);
      } else {
        return ::hoidla::v1::Consents::Service::QueryRecordExistence(c, r, o);
      }
    }

   private:
    F* f_;
  };

  class Disclosures final : public ::hoidla::v1::Disclosures::Service {
   public:
    explicit Disclosures(F* f) : f_(f) {}
    grpc::Status DiscloseWithoutConsent(grpc::ServerContext* c,
                                        const ::hoidla::v1::DiscloseWithoutConsentRequest* r,
                                        ::hoidla::v1::Disclosure* o) override {
      if constexpr (requires { f_->DiscloseWithoutConsent(c, r, o); }) {
        return f_->DiscloseWithoutConsent(c, r, o);
      } else {
        return ::hoidla::v1::Disclosures::Service::DiscloseWithoutConsent(c, r, o);
      }
    }
    grpc::Status ListDisclosures(grpc::ServerContext* c,
                                 const ::hoidla::v1::ListDisclosuresRequest* r,
                                 ::hoidla::v1::ListDisclosuresResponse* o) override {
      if constexpr (requires { f_->ListDisclosures(c, r, o); }) {
        return f_->ListDisclosures(c, r, o);
      } else {
        return ::hoidla::v1::Disclosures::Service::ListDisclosures(c, r, o);
      }
    }
    grpc::Status ReviewDisclosure(grpc::ServerContext* c,
                                  const ::hoidla::v1::ReviewDisclosureRequest* r,
                                  ::hoidla::v1::Disclosure* o) override {
      if constexpr (requires { f_->ReviewDisclosure(c, r, o); }) {
        return f_->ReviewDisclosure(c, r, o);
      } else {
        return ::hoidla::v1::Disclosures::Service::ReviewDisclosure(c, r, o);
      }
    }

   private:
    F* f_;
  };

  class Audit final : public ::hoidla::v1::Audit::Service {
   public:
    explicit Audit(F* f) : f_(f) {}
    grpc::Status GetCheckpoint(grpc::ServerContext* c, const ::hoidla::v1::GetCheckpointRequest* r,
                               ::hoidla::v1::Checkpoint* o) override {
      if constexpr (requires { f_->GetCheckpoint(c, r, o); }) {
        return f_->GetCheckpoint(c, r, o);
      } else {
        return ::hoidla::v1::Audit::Service::GetCheckpoint(c, r, o);
      }
    }
    grpc::Status GetInclusionProof(grpc::ServerContext* c,
                                   const ::hoidla::v1::GetInclusionProofRequest* r,
                                   ::hoidla::v1::InclusionProof* o) override {
      if constexpr (requires { f_->GetInclusionProof(c, r, o); }) {
        return f_->GetInclusionProof(c, r, o);
      } else {
        return ::hoidla::v1::Audit::Service::GetInclusionProof(c, r, o);
      }
    }
    grpc::Status GetConsistencyProof(grpc::ServerContext* c,
                                     const ::hoidla::v1::GetConsistencyProofRequest* r,
                                     ::hoidla::v1::ConsistencyProof* o) override {
      if constexpr (requires { f_->GetConsistencyProof(c, r, o); }) {
        return f_->GetConsistencyProof(c, r, o);
      } else {
        return ::hoidla::v1::Audit::Service::GetConsistencyProof(c, r, o);
      }
    }
    grpc::Status ListAuditEntries(grpc::ServerContext* c,
                                  const ::hoidla::v1::ListAuditEntriesRequest* r,
                                  ::hoidla::v1::ListAuditEntriesResponse* o) override {
      if constexpr (requires { f_->ListAuditEntries(c, r, o); }) {
        return f_->ListAuditEntries(c, r, o);
      } else {
        return ::hoidla::v1::Audit::Service::ListAuditEntries(c, r, o);
      }
    }
    grpc::Status ExportAudit(grpc::ServerContext* c, const ::hoidla::v1::ExportAuditRequest* r,
                             grpc::ServerWriter<::hoidla::v1::AuditBundle>* o) override {
      if constexpr (requires { f_->ExportAudit(c, r, o); }) {
        return f_->ExportAudit(c, r, o);
      } else {
        return ::hoidla::v1::Audit::Service::ExportAudit(c, r, o);
      }
    }
    grpc::Status GetAuditPublicKeys(grpc::ServerContext* c,
                                    const ::hoidla::v1::GetAuditPublicKeysRequest* r,
                                    ::hoidla::v1::AuditPublicKeys* o) override {
      if constexpr (requires { f_->GetAuditPublicKeys(c, r, o); }) {
        return f_->GetAuditPublicKeys(c, r, o);
      } else {
        return ::hoidla::v1::Audit::Service::GetAuditPublicKeys(c, r, o);
      }
    }
    grpc::Status RotateAuditSigningKey(grpc::ServerContext* c,
                                       const ::hoidla::v1::RotateAuditSigningKeyRequest* r,
                                       ::hoidla::v1::AuditPublicKeys* o) override {
      if constexpr (requires { f_->RotateAuditSigningKey(c, r, o); }) {
        return f_->RotateAuditSigningKey(c, r, o);
      } else {
        return ::hoidla::v1::Audit::Service::RotateAuditSigningKey(c, r, o);
      }
    }

   private:
    F* f_;
  };

  class SubjectAccess final : public ::hoidla::v1::SubjectAccess::Service {
   public:
    explicit SubjectAccess(F* f) : f_(f) {}
    grpc::Status GetAccessReport(grpc::ServerContext* c,
                                 const ::hoidla::v1::GetAccessReportRequest* r,
                                 ::hoidla::v1::AccessReport* o) override {
      if constexpr (requires { f_->GetAccessReport(c, r, o); }) {
        return f_->GetAccessReport(c, r, o);
      } else {
        return ::hoidla::v1::SubjectAccess::Service::GetAccessReport(c, r, o);
      }
    }
    grpc::Status ExportSubjectData(
        grpc::ServerContext* c, const ::hoidla::v1::ExportSubjectDataRequest* r,
        grpc::ServerWriter<::hoidla::v1::SubjectDataExport>* o) override {
      if constexpr (requires { f_->ExportSubjectData(c, r, o); }) {
        return f_->ExportSubjectData(c, r, o);
      } else {
        return ::hoidla::v1::SubjectAccess::Service::ExportSubjectData(c, r, o);
      }
    }

   private:
    F* f_;
  };

  class KeyAdmin final : public ::hoidla::v1::KeyAdmin::Service {
   public:
    explicit KeyAdmin(F* f) : f_(f) {}
    grpc::Status GetKeyStatus(grpc::ServerContext* c, const ::hoidla::v1::GetKeyStatusRequest* r,
                              ::hoidla::v1::KeyStatus* o) override {
      if constexpr (requires { f_->GetKeyStatus(c, r, o); }) {
        return f_->GetKeyStatus(c, r, o);
      } else {
        return ::hoidla::v1::KeyAdmin::Service::GetKeyStatus(c, r, o);
      }
    }
    grpc::Status RotateKeyEncryptionKey(grpc::ServerContext* c,
                                        const ::hoidla::v1::RotateKeyEncryptionKeyRequest* r,
                                        ::hoidla::v1::KeyStatus* o) override {
      if constexpr (requires { f_->RotateKeyEncryptionKey(c, r, o); }) {
        return f_->RotateKeyEncryptionKey(c, r, o);
      } else {
        return ::hoidla::v1::KeyAdmin::Service::RotateKeyEncryptionKey(c, r, o);
      }
    }
    grpc::Status RewrapKeys(grpc::ServerContext* c, const ::hoidla::v1::RewrapKeysRequest* r,
                            ::hoidla::v1::RewrapKeysResponse* o) override {
      if constexpr (requires { f_->RewrapKeys(c, r, o); }) {
        return f_->RewrapKeys(c, r, o);
      } else {
        return ::hoidla::v1::KeyAdmin::Service::RewrapKeys(c, r, o);
      }
    }
    grpc::Status RetireKeyEncryptionKey(grpc::ServerContext* c,
                                        const ::hoidla::v1::RetireKeyEncryptionKeyRequest* r,
                                        ::hoidla::v1::KeyStatus* o) override {
      if constexpr (requires { f_->RetireKeyEncryptionKey(c, r, o); }) {
        return f_->RetireKeyEncryptionKey(c, r, o);
      } else {
        return ::hoidla::v1::KeyAdmin::Service::RetireKeyEncryptionKey(c, r, o);
      }
    }

   private:
    F* f_;
  };

  class Retention final : public ::hoidla::v1::Retention::Service {
   public:
    explicit Retention(F* f) : f_(f) {}
    grpc::Status CreateRetentionSchedule(grpc::ServerContext* c,
                                         const ::hoidla::v1::CreateRetentionScheduleRequest* r,
                                         ::hoidla::v1::RetentionSchedule* o) override {
      if constexpr (requires { f_->CreateRetentionSchedule(c, r, o); }) {
        return f_->CreateRetentionSchedule(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::CreateRetentionSchedule(c, r, o);
      }
    }
    grpc::Status UpdateRetentionSchedule(grpc::ServerContext* c,
                                         const ::hoidla::v1::UpdateRetentionScheduleRequest* r,
                                         ::hoidla::v1::RetentionSchedule* o) override {
      if constexpr (requires { f_->UpdateRetentionSchedule(c, r, o); }) {
        return f_->UpdateRetentionSchedule(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::UpdateRetentionSchedule(c, r, o);
      }
    }
    grpc::Status GetRetentionSchedule(grpc::ServerContext* c,
                                      const ::hoidla::v1::GetRetentionScheduleRequest* r,
                                      ::hoidla::v1::RetentionSchedule* o) override {
      if constexpr (requires { f_->GetRetentionSchedule(c, r, o); }) {
        return f_->GetRetentionSchedule(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::GetRetentionSchedule(c, r, o);
      }
    }
    grpc::Status ListRetentionSchedules(grpc::ServerContext* c,
                                        const ::hoidla::v1::ListRetentionSchedulesRequest* r,
                                        ::hoidla::v1::ListRetentionSchedulesResponse* o) override {
      if constexpr (requires { f_->ListRetentionSchedules(c, r, o); }) {
        return f_->ListRetentionSchedules(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::ListRetentionSchedules(c, r, o);
      }
    }
    grpc::Status ResolveRetentionSchedule(grpc::ServerContext* c,
                                          const ::hoidla::v1::ResolveRetentionScheduleRequest* r,
                                          ::hoidla::v1::RetentionSchedule* o) override {
      if constexpr (requires { f_->ResolveRetentionSchedule(c, r, o); }) {
        return f_->ResolveRetentionSchedule(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::ResolveRetentionSchedule(c, r, o);
      }
    }
    grpc::Status PlaceLegalHold(grpc::ServerContext* c,
                                const ::hoidla::v1::PlaceLegalHoldRequest* r,
                                ::hoidla::v1::LegalHold* o) override {
      if constexpr (requires { f_->PlaceLegalHold(c, r, o); }) {
        return f_->PlaceLegalHold(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::PlaceLegalHold(c, r, o);
      }
    }
    grpc::Status LiftLegalHold(grpc::ServerContext* c, const ::hoidla::v1::LiftLegalHoldRequest* r,
                               ::hoidla::v1::LegalHold* o) override {
      if constexpr (requires { f_->LiftLegalHold(c, r, o); }) {
        return f_->LiftLegalHold(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::LiftLegalHold(c, r, o);
      }
    }
    grpc::Status GetLegalHold(grpc::ServerContext* c, const ::hoidla::v1::GetLegalHoldRequest* r,
                              ::hoidla::v1::LegalHold* o) override {
      if constexpr (requires { f_->GetLegalHold(c, r, o); }) {
        return f_->GetLegalHold(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::GetLegalHold(c, r, o);
      }
    }
    grpc::Status ListLegalHolds(grpc::ServerContext* c,
                                const ::hoidla::v1::ListLegalHoldsRequest* r,
                                ::hoidla::v1::ListLegalHoldsResponse* o) override {
      if constexpr (requires { f_->ListLegalHolds(c, r, o); }) {
        return f_->ListLegalHolds(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::ListLegalHolds(c, r, o);
      }
    }
    grpc::Status ListDueDisposals(grpc::ServerContext* c,
                                  const ::hoidla::v1::ListDueDisposalsRequest* r,
                                  ::hoidla::v1::ListDueDisposalsResponse* o) override {
      if constexpr (requires { f_->ListDueDisposals(c, r, o); }) {
        return f_->ListDueDisposals(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::ListDueDisposals(c, r, o);
      }
    }
    grpc::Status ApproveDisposal(grpc::ServerContext* c,
                                 const ::hoidla::v1::ApproveDisposalRequest* r,
                                 ::hoidla::v1::DueDisposal* o) override {
      if constexpr (requires { f_->ApproveDisposal(c, r, o); }) {
        return f_->ApproveDisposal(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::ApproveDisposal(c, r, o);
      }
    }
    grpc::Status PostponeDisposal(grpc::ServerContext* c,
                                  const ::hoidla::v1::PostponeDisposalRequest* r,
                                  ::hoidla::v1::DueDisposal* o) override {
      if constexpr (requires { f_->PostponeDisposal(c, r, o); }) {
        return f_->PostponeDisposal(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::PostponeDisposal(c, r, o);
      }
    }
    grpc::Status RunDisposal(grpc::ServerContext* c, const ::hoidla::v1::RunDisposalRequest* r,
                             ::hoidla::v1::RunDisposalResponse* o) override {
      if constexpr (requires { f_->RunDisposal(c, r, o); }) {
        return f_->RunDisposal(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::RunDisposal(c, r, o);
      }
    }
    grpc::Status GetDisposalCertificate(grpc::ServerContext* c,
                                        const ::hoidla::v1::GetDisposalCertificateRequest* r,
                                        ::hoidla::v1::DisposalCertificate* o) override {
      if constexpr (requires { f_->GetDisposalCertificate(c, r, o); }) {
        return f_->GetDisposalCertificate(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::GetDisposalCertificate(c, r, o);
      }
    }
    grpc::Status ListDisposalCertificates(
        grpc::ServerContext* c, const ::hoidla::v1::ListDisposalCertificatesRequest* r,
        ::hoidla::v1::ListDisposalCertificatesResponse* o) override {
      if constexpr (requires { f_->ListDisposalCertificates(c, r, o); }) {
        return f_->ListDisposalCertificates(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::ListDisposalCertificates(c, r, o);
      }
    }
    grpc::Status EraseClient(grpc::ServerContext* c, const ::hoidla::v1::EraseClientRequest* r,
                             ::hoidla::v1::DisposalCertificate* o) override {
      if constexpr (requires { f_->EraseClient(c, r, o); }) {
        return f_->EraseClient(c, r, o);
      } else {
        return ::hoidla::v1::Retention::Service::EraseClient(c, r, o);
      }
    }

   private:
    F* f_;
  };

  explicit FakeServices(F* fake)
      : identity_(fake),
        directory_(fake),
        cases_(fake),
        documents_(fake),
        records_(fake),
        instruments_(fake),
        consents_(fake),
        disclosures_(fake),
        audit_(fake),
        subject_access_(fake),
        key_admin_(fake),
        retention_(fake) {}

  // Every service, to register with a grpc::ServerBuilder.
  std::vector<grpc::Service*> all() {
    return {&identity_, &directory_,   &cases_, &documents_,      &records_,   &instruments_,
            &consents_, &disclosures_, &audit_, &subject_access_, &key_admin_, &retention_};
  }

 private:
  Identity identity_;
  Directory directory_;
  Cases cases_;
  Documents documents_;
  Records records_;
  Instruments instruments_;
  Consents consents_;
  Disclosures disclosures_;
  Audit audit_;
  SubjectAccess subject_access_;
  KeyAdmin key_admin_;
  Retention retention_;
};

}  // namespace hoidla::testing

#endif  // HOIDLA_TESTS_CLIENT_FAKE_SERVICES_H_
