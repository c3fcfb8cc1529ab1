#include "tests/integration/enrol.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace hoidla::testing {
namespace {

void Prepare(grpc::ClientContext* ctx, const std::string& token) {
  if (!token.empty()) ctx->AddMetadata("authorization", StrCat("Bearer ", token));
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

}  // namespace

TestIdentityProvider::TestIdentityProvider() {
  auto key = keys::GenerateJwtSigningKey();
  if (!key.ok()) {
    ADD_FAILURE() << "GenerateJwtSigningKey: " << key.status();
    return;
  }
  key_ = std::move(*key);
}

std::string TestIdentityProvider::IssuerFor(const std::string& org) {
  return StrCat("https://idp.test/", org);
}

std::string TestIdentityProvider::Token(const std::string& issuer, const std::string& subject,
                                        int64_t ttl_seconds, const std::string& audience,
                                        const std::map<std::string, std::string>& extra) const {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  nlohmann::json claims = {{"iss", issuer}, {"sub", subject}, {"aud", audience},
                           {"iat", now},    {"nbf", now},     {"exp", now + ttl_seconds}};
  for (const auto& [k, v] : extra) claims[k] = v;
  auto jwt = keys::SignJwt(key_, claims.dump());
  if (!jwt.ok()) {
    ADD_FAILURE() << "SignJwt: " << jwt.status();
    return "";
  }
  return *jwt;
}

Enrolment::Enrolment(Stub* stub, std::string admin_token, const TestIdentityProvider* idp)
    : stub_(stub), admin_(std::move(admin_token)), idp_(idp) {}

void Enrolment::TrustIdentityProvider(const std::string& org) {
  v1::SetOrganizationIdentityProviderRequest req;
  req.set_id(org);
  auto* p = req.mutable_identity_provider();
  p->set_issuer(TestIdentityProvider::IssuerFor(org));
  p->set_audience("hoidla");
  p->set_jwks_json(idp_->jwks());
  v1::Organization resp;
  grpc::ClientContext ctx;
  Prepare(&ctx, admin_);
  grpc::Status s = stub_->SetOrganizationIdentityProvider(&ctx, req, &resp);
  if (!s.ok()) ADD_FAILURE() << "SetOrganizationIdentityProvider: " << s.error_message();
}

void Enrolment::Grant(const std::string& principal, const std::string& role, const std::string& org,
                      const std::string& project) {
  v1::Membership m;
  m.set_role(role);
  m.set_organization_id(org);
  m.set_project_id(project);
  {
    v1::AddMembershipRequest req;
    req.set_id(principal);
    *req.mutable_membership() = m;
    v1::Principal resp;
    grpc::ClientContext ctx;
    Prepare(&ctx, admin_);
    grpc::Status s = stub_->AddMembership(&ctx, req, &resp);
    if (s.ok()) {
      if (role == "head_of_organization") AddApprover(org, principal, Login(principal));
      return;
    }
    if (s.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
      ADD_FAILURE() << "AddMembership " << role << ": " << s.error_message();
      return;
    }
  }
  v1::CreateGrantRequestRequest req;
  auto* g = req.mutable_grant_request()->mutable_membership();
  g->set_principal_id(principal);
  *g->mutable_membership() = m;
  v1::CreateGrantRequestResponse created;
  {
    grpc::ClientContext ctx;
    Prepare(&ctx, admin_);
    grpc::Status s = stub_->CreateGrantRequest(&ctx, req, &created);
    if (!s.ok()) {
      ADD_FAILURE() << "CreateGrantRequest " << role << ": " << s.error_message();
      return;
    }
  }
  std::string approver = ApproverFor(org, principal);
  if (approver.empty()) {
    ADD_FAILURE() << "no approver for " << org;
    return;
  }
  v1::ApproveGrantRequestRequest approve;
  approve.set_id(created.grant_request().id());
  v1::GrantRequest done;
  grpc::ClientContext ctx;
  Prepare(&ctx, approver);
  grpc::Status s = stub_->ApproveGrantRequest(&ctx, approve, &done);
  if (!s.ok()) {
    ADD_FAILURE() << "ApproveGrantRequest " << role << ": " << s.error_message();
    return;
  }
  if (role == "head_of_organization") AddApprover(org, principal, Login(principal));
}

std::string Enrolment::Login(const std::string& principal, int64_t ttl_seconds) {
  std::string org;
  if (auto it = org_of_.find(principal); it != org_of_.end()) {
    org = it->second;
  } else {
    v1::GetPrincipalRequest req;
    req.set_id(principal);
    v1::Principal p;
    grpc::ClientContext ctx;
    Prepare(&ctx, admin_);
    grpc::Status s = stub_->GetPrincipal(&ctx, req, &p);
    if (!s.ok()) {
      ADD_FAILURE() << "GetPrincipal: " << s.error_message();
      return "";
    }
    org = p.organization_id();
    org_of_[principal] = org;
  }
  v1::ExchangeIdTokenRequest req;
  req.set_id_token(idp_->Token(TestIdentityProvider::IssuerFor(org), principal));
  req.set_ttl_seconds(ttl_seconds);
  v1::IssueTokenResponse resp;
  grpc::ClientContext ctx;
  Prepare(&ctx, "");
  grpc::Status s = stub_->ExchangeIdToken(&ctx, req, &resp);
  if (!s.ok()) {
    ADD_FAILURE() << "ExchangeIdToken: " << s.error_message();
    return "";
  }
  return resp.token();
}

std::string Enrolment::ApproverFor(const std::string& org, const std::string& not_principal) const {
  auto it = approvers_.find(org);
  if (it == approvers_.end()) return "";
  for (const auto& [prn, token] : it->second) {
    if (prn != not_principal) return token;
  }
  return "";
}

void Enrolment::AddApprover(const std::string& org, const std::string& principal,
                            const std::string& token) {
  approvers_[org].emplace_back(principal, token);
}

}  // namespace hoidla::testing
