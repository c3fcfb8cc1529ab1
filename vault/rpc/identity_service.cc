// The Identity service (proto/hoidla/v1/identity.proto): a thin adapter, see call.h.
#include "hoidla/v1/identity.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

class IdentityService final : public v1::Identity::Service {
 public:
  IdentityService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  HOIDLA_UNARY(WhoAmI, WhoAmIRequest, WhoAmIResponse, b_.identity->WhoAmI(ctx))
  HOIDLA_UNARY(CreatePrincipal, CreatePrincipalRequest, Principal,
               b_.identity->CreatePrincipal(ctx, *req))
  HOIDLA_UNARY(GetPrincipal, GetPrincipalRequest, Principal, b_.identity->GetPrincipal(ctx, *req))
  HOIDLA_UNARY(ListPrincipals, ListPrincipalsRequest, ListPrincipalsResponse,
               b_.identity->ListPrincipals(ctx, *req))
  HOIDLA_UNARY(AddMembership, AddMembershipRequest, Principal,
               b_.identity->AddMembership(ctx, *req))
  HOIDLA_UNARY(RemoveMembership, RemoveMembershipRequest, Principal,
               b_.identity->RemoveMembership(ctx, *req))
  HOIDLA_UNARY(MapCertificate, MapCertificateRequest, Principal,
               b_.identity->MapCertificate(ctx, *req))
  HOIDLA_UNARY(RemoveCertificateMapping, RemoveCertificateMappingRequest, Principal,
               b_.identity->RemoveCertificateMapping(ctx, *req))
  HOIDLA_UNARY(IssueToken, IssueTokenRequest, IssueTokenResponse,
               b_.identity->IssueToken(ctx, *req))
  HOIDLA_UNARY(RevokeToken, RevokeTokenRequest, RevokeTokenResponse,
               b_.identity->RevokeToken(ctx, *req))
  HOIDLA_UNARY(ListTokens, ListTokensRequest, ListTokensResponse,
               b_.identity->ListTokens(ctx, *req))
  HOIDLA_UNARY(DisablePrincipal, DisablePrincipalRequest, Principal,
               b_.identity->DisablePrincipal(ctx, *req))
  // The one call made without a credential: the ID token is the credential.
  grpc::Status ExchangeIdToken(grpc::ServerContext* c, const v1::ExchangeIdTokenRequest* req,
                               v1::IssueTokenResponse* resp) override {
    audit::AuditDraft draft = calls_->NewDraft(c, "ExchangeIdToken");
    core::RequestContext ctx;
    ctx.request_id = draft.entry.request_id();
    ctx.peer = c->peer();
    ctx.audit = &draft;
    auto result = b_.identity->ExchangeIdToken(&ctx, *req);
    grpc::Status out = calls_->Finish("ExchangeIdToken", &ctx, &draft,
                                      result.ok() ? absl::OkStatus() : result.status());
    if (out.ok()) *resp = std::move(*result);
    return out;
  }
  HOIDLA_UNARY(SetOrganizationClientCa, SetOrganizationClientCaRequest, Organization,
               b_.identity->SetOrganizationClientCa(ctx, *req))
  HOIDLA_UNARY(SetOrganizationCrl, SetOrganizationCrlRequest, Organization,
               b_.identity->SetOrganizationCrl(ctx, *req))
  HOIDLA_UNARY(SetOrganizationIdentityProvider, SetOrganizationIdentityProviderRequest,
               Organization, b_.identity->SetOrganizationIdentityProvider(ctx, *req))
  HOIDLA_UNARY(CreateGrantRequest, CreateGrantRequestRequest, CreateGrantRequestResponse,
               b_.identity->CreateGrantRequest(ctx, *req))
  HOIDLA_UNARY(GetGrantRequest, GetGrantRequestRequest, GrantRequest,
               b_.identity->GetGrantRequest(ctx, *req))
  HOIDLA_UNARY(ListGrantRequests, ListGrantRequestsRequest, ListGrantRequestsResponse,
               b_.identity->ListGrantRequests(ctx, *req))
  HOIDLA_UNARY(ApproveGrantRequest, ApproveGrantRequestRequest, GrantRequest,
               b_.identity->ApproveGrantRequest(ctx, *req))
  HOIDLA_UNARY(DenyGrantRequest, DenyGrantRequestRequest, GrantRequest,
               b_.identity->DenyGrantRequest(ctx, *req))

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewIdentityService(const Calls* calls, const Backends& b) {
  return std::make_unique<IdentityService>(calls, b);
}

}  // namespace hoidla::service
