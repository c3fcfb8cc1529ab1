// Identity (principals, memberships, grants under four eyes, sign-in and
// tokens) and the policy's decisions, over a MemoryStore with a FakeClock.
//
// People get their tokens the way a deployment gives them: the
// organisation trusts an identity provider (an ES256 key made here), and
// ExchangeIdToken turns the provider's ID token into a session. Grants in an
// organisation that has a head go through CreateGrantRequest and a second
// person's ApproveGrantRequest.
#include "vault/identity/identity.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "base/strings.h"
#include "keys/jwt.h"
#include "tests/fakes/fake_clock.h"
#include "tests/unit/core_fixture.h"

namespace hoidla::core {
namespace {

using ::hoidla::testing::IsInvalidArgumentFor;

constexpr char kCitizens[] = "https://citizens.test";
// A valid isikukood.
constexpr char kCode[] = "37605030299";

class IdentityTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    auto key = keys::GenerateJwtSigningKey();
    ASSERT_TRUE(key.ok()) << key.status();
    idp_key_ = std::move(*key);
    identity_ =
        std::make_unique<Identity>(&faulty_, keyring_.get(), &clock_, &policy_, registry_.get());
    identity_->SetSubjectIdentityProvider({kCitizens, "hoidla", idp_key_.public_jwks_json, "sub"});
    // The operator is a stored account here: approvals judge a request
    // again with its requester's rights as stored.
    auto bootstrap = identity_->CreateBootstrapAdministrator("test operator", 86400, nullptr);
    ASSERT_TRUE(bootstrap.ok() && bootstrap->has_value()) << bootstrap.status();
    auto stored = identity_->Authenticate(**bootstrap, nullptr);
    ASSERT_TRUE(stored.ok()) << stored.status();
    admin_.principal = *stored;
    org_ = MakeOrg();
    prj_ = MakeProject(org_.id());
    TrustIdentityProvider(org_.id());
    // The organisation's first head: applied at once (no head, no client
    // data yet), and the approver of every later grant.
    head_ = MakeStaff(Role::kHeadOfOrganization);
  }

  static std::string IssuerFor(const std::string& org) { return StrCat("https://idp.test/", org); }

  void TrustIdentityProvider(const std::string& org) {
    v1::SetOrganizationIdentityProviderRequest req;
    req.set_id(org);
    req.mutable_identity_provider()->set_issuer(IssuerFor(org));
    req.mutable_identity_provider()->set_audience("hoidla");
    req.mutable_identity_provider()->set_jwks_json(idp_key_.public_jwks_json);
    auto o = identity_->SetOrganizationIdentityProvider(admin_, req);
    ASSERT_TRUE(o.ok()) << o.status();
  }

  // An ID token of the test identity provider, valid by the fake clock.
  std::string IdToken(const std::string& issuer, const std::string& subject,
                      int64_t ttl_seconds = 600, const std::string& audience = "hoidla") {
    const int64_t now = clock_.NowMicros() / 1000000;
    auto jwt =
        keys::SignJwt(idp_key_, StrCat("{\"iss\":\"", issuer, "\",\"sub\":\"", subject,
                                       "\",\"aud\":\"", audience, "\",\"iat\":", now,
                                       ",\"nbf\":", now, ",\"exp\":", now + ttl_seconds, "}"));
    EXPECT_TRUE(jwt.ok()) << jwt.status();
    return jwt.ok() ? *jwt : "";
  }

  absl::StatusOr<v1::IssueTokenResponse> Exchange(const std::string& id_token,
                                                  int64_t ttl_seconds = 3600) {
    RequestContext ctx;
    v1::ExchangeIdTokenRequest req;
    req.set_id_token(id_token);
    req.set_ttl_seconds(ttl_seconds);
    return identity_->ExchangeIdToken(&ctx, req);
  }

  v1::Principal NewPrincipal(v1::PrincipalKind kind = v1::PRINCIPAL_KIND_STAFF,
                             const std::string& org = "") {
    v1::CreatePrincipalRequest cp;
    cp.mutable_principal()->set_display_name("Staff");
    cp.mutable_principal()->set_kind(kind);
    cp.mutable_principal()->set_organization_id(org.empty() ? org_.id() : org);
    auto p = identity_->CreatePrincipal(admin_, cp);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : v1::Principal();
  }

  static v1::Membership MembershipOf(Role role, const std::string& org,
                                     const std::string& project) {
    v1::Membership m;
    m.set_role(std::string(RoleName(role)));
    m.set_organization_id(org);
    m.set_project_id(project);
    return m;
  }

  static v1::CreateGrantRequestRequest MembershipRequest(const std::string& principal,
                                                         const v1::Membership& m) {
    v1::CreateGrantRequestRequest req;
    auto* g = req.mutable_grant_request()->mutable_membership();
    g->set_principal_id(principal);
    *g->mutable_membership() = m;
    return req;
  }

  absl::StatusOr<v1::GrantRequest> Approve(const RequestContext& approver, const std::string& id) {
    v1::ApproveGrantRequestRequest req;
    req.set_id(id);
    return identity_->ApproveGrantRequest(approver, req);
  }

  // Grants `role` to `principal` in org_: at once for the first head,
  // otherwise requested by the administrator and approved by head_.
  void Grant(const std::string& principal, Role role, const std::string& project) {
    const v1::Membership m = MembershipOf(role, org_.id(), project);
    v1::AddMembershipRequest am;
    am.set_id(principal);
    *am.mutable_membership() = m;
    auto added = identity_->AddMembership(admin_, am);
    if (added.ok()) return;
    ASSERT_EQ(added.status().code(), absl::StatusCode::kFailedPrecondition) << added.status();
    auto created = identity_->CreateGrantRequest(admin_, MembershipRequest(principal, m));
    ASSERT_TRUE(created.ok()) << created.status();
    ASSERT_EQ(created->grant_request().state(), v1::GRANT_REQUEST_STATE_PENDING);
    auto approved = Approve(As(head_.token), created->grant_request().id());
    ASSERT_TRUE(approved.ok()) << approved.status();
  }

  // A principal of org_ holding `role` in `project` (empty: organisation
  // role), signed in with a session valid for `ttl_seconds`.
  struct Staff {
    std::string id, token, token_id;
  };
  Staff MakeStaff(Role role, const std::string& project = "", int64_t ttl_seconds = 3600) {
    const v1::Principal p = NewPrincipal();
    Grant(p.id(), role, project);
    return Login(p.id(), ttl_seconds);
  }
  Staff Login(const std::string& principal, int64_t ttl_seconds = 3600) {
    auto t = Exchange(IdToken(IssuerFor(org_.id()), principal), ttl_seconds);
    EXPECT_TRUE(t.ok()) << t.status();
    if (!t.ok()) return {principal, "", ""};
    return {principal, t->token(), t->token_id()};
  }

  RequestContext As(const std::string& token) {
    Credential credential;
    auto p = identity_->Authenticate(token, &credential);
    EXPECT_TRUE(p.ok()) << p.status();
    RequestContext ctx;
    if (p.ok()) ctx.principal = *p;
    ctx.credential_token_id = credential.token_id;
    ctx.credential_expires_at_micros = credential.expires_at_micros;
    return ctx;
  }

  keys::JwtSigningKey idp_key_;
  std::unique_ptr<Identity> identity_;
  v1::Organization org_;
  v1::Project prj_;
  Staff head_;
};

TEST_F(IdentityTest, TokenAuthenticatesItsPrincipalWithCurrentMemberships) {
  Staff cw = MakeStaff(Role::kCaseWorker, prj_.id());
  auto p = identity_->Authenticate(cw.token);
  HOIDLA_ASSERT_OK(p);
  EXPECT_EQ(p->id, cw.id);
  ASSERT_EQ(p->memberships.size(), 1u);
  EXPECT_EQ(p->memberships[0], (Membership{Role::kCaseWorker, org_.id(), prj_.id()}));
}

TEST_F(IdentityTest, ExpiredTokenIsUnauthenticated) {
  Staff s = MakeStaff(Role::kHeadOfOrganization, "", /*ttl_seconds=*/60);
  HOIDLA_EXPECT_OK(identity_->Authenticate(s.token));
  clock_.Advance(61 * 1000000LL);
  EXPECT_EQ(identity_->Authenticate(s.token).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(IdentityTest, RevokedTokenIsUnauthenticatedOnTheNextCall) {
  Staff s = MakeStaff(Role::kHeadOfOrganization);
  v1::RevokeTokenRequest r;
  r.set_id(s.token_id);
  HOIDLA_ASSERT_OK(identity_->RevokeToken(admin_, r));
  EXPECT_EQ(identity_->Authenticate(s.token).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(IdentityTest, MalformedOrUnknownTokensAreUnauthenticated) {
  for (const std::string t :
       {"", "hdl_", "Bearer x", "hdl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    EXPECT_EQ(identity_->Authenticate(t).status().code(), absl::StatusCode::kUnauthenticated) << t;
  }
}

TEST_F(IdentityTest, TokensAreStoredOnlyAsKeyedHashes) {
  Staff s = MakeStaff(Role::kHeadOfOrganization);
  for (int i = 0; i < storage::kSpaceCount; ++i) {
    auto it = base().Scan(static_cast<storage::Space>(i), "");
    for (; it->Valid(); it->Next()) {
      EXPECT_EQ(std::string(it->key()).find(s.token.substr(4)), std::string::npos);
      EXPECT_EQ(std::string(it->value()).find(s.token.substr(4)), std::string::npos);
    }
  }
}

TEST_F(IdentityTest, RemovedMembershipEndsAccessOnTheNextCall) {
  Staff head = MakeStaff(Role::kHeadOfOrganization);
  auto cli = MakeClient(org_.id(), prj_.id(), kCode);
  v1::GetClientRequest gc;
  gc.set_id(cli.id());
  HOIDLA_EXPECT_OK(registry_->GetClient(As(head.token), gc));
  v1::RemoveMembershipRequest rm;
  rm.set_id(head.id);
  rm.mutable_membership()->set_organization_id(org_.id());
  rm.mutable_membership()->set_role("head_of_organization");
  HOIDLA_ASSERT_OK(identity_->RemoveMembership(admin_, rm));
  EXPECT_EQ(registry_->GetClient(As(head.token), gc).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IdentityTest, MembershipScopeMustFitTheRole) {
  Staff s = MakeStaff(Role::kHeadOfOrganization);
  v1::AddMembershipRequest am;
  am.set_id(s.id);
  am.mutable_membership()->set_role("case_worker");
  am.mutable_membership()->set_organization_id(org_.id());
  EXPECT_TRUE(IsInvalidArgumentFor(identity_->AddMembership(admin_, am), "membership.project_id"));
  am.mutable_membership()->set_role("head_of_organization");
  am.mutable_membership()->set_project_id(prj_.id());
  EXPECT_TRUE(IsInvalidArgumentFor(identity_->AddMembership(admin_, am), "membership.project_id"));
  am.mutable_membership()->set_role("wizard");
  EXPECT_TRUE(IsInvalidArgumentFor(identity_->AddMembership(admin_, am), "membership.role"));
  am.mutable_membership()->set_role("system_administrator");
  EXPECT_TRUE(
      IsInvalidArgumentFor(identity_->AddMembership(admin_, am), "membership.organization_id"));
  auto other = MakeOrg("Teine");
  auto other_prj = MakeProject(other.id());
  am.mutable_membership()->set_role("case_worker");
  am.mutable_membership()->set_project_id(other_prj.id());
  EXPECT_TRUE(IsInvalidArgumentFor(identity_->AddMembership(admin_, am), "membership.project_id"));
  am.mutable_membership()->set_organization_id(other.id());
  EXPECT_TRUE(
      IsInvalidArgumentFor(identity_->AddMembership(admin_, am), "membership.organization_id"))
      << "a principal of one organisation cannot hold roles in another";
}

TEST_F(IdentityTest, HoldingARoleTwiceIsAlreadyExists) {
  Staff s = MakeStaff(Role::kCaseWorker, prj_.id());
  v1::AddMembershipRequest am;
  am.set_id(s.id);
  *am.mutable_membership() = MembershipOf(Role::kCaseWorker, org_.id(), prj_.id());
  EXPECT_EQ(identity_->AddMembership(admin_, am).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(identity_->CreateGrantRequest(admin_, MembershipRequest(s.id, am.membership()))
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
}

// ---------------------------------------------------------------------------
// Four eyes

TEST_F(IdentityTest, TheFirstHeadOfAnOrganisationBeingEnrolledIsGrantedAtOnce) {
  const v1::Organization fresh = MakeOrg("Uus");
  const v1::Principal first = NewPrincipal(v1::PRINCIPAL_KIND_STAFF, fresh.id());
  v1::AddMembershipRequest am;
  am.set_id(first.id());
  *am.mutable_membership() = MembershipOf(Role::kHeadOfOrganization, fresh.id(), "");
  auto added = identity_->AddMembership(admin_, am);
  HOIDLA_ASSERT_OK(added);
  ASSERT_EQ(added->memberships_size(), 1);
  EXPECT_EQ(added->memberships(0).role(), "head_of_organization");
}

TEST_F(IdentityTest, AnyOtherRoleInAnOrganisationBeingEnrolledWaitsForItsFirstHead) {
  const v1::Organization fresh = MakeOrg("Uus");
  const v1::Project project = MakeProject(fresh.id());
  const v1::Principal worker = NewPrincipal(v1::PRINCIPAL_KIND_STAFF, fresh.id());
  v1::AddMembershipRequest am;
  am.set_id(worker.id());
  *am.mutable_membership() = MembershipOf(Role::kCaseWorker, fresh.id(), project.id());
  EXPECT_EQ(identity_->AddMembership(admin_, am).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(IdentityTest, AddMembershipInAnOrganisationWithAHeadIsFailedPreconditionAndWritesNothing) {
  const v1::Principal p = NewPrincipal();
  v1::AddMembershipRequest am;
  am.set_id(p.id());
  *am.mutable_membership() = MembershipOf(Role::kCaseWorker, org_.id(), prj_.id());
  auto added = identity_->AddMembership(admin_, am);
  EXPECT_EQ(added.status().code(), absl::StatusCode::kFailedPrecondition) << added.status();
  EXPECT_TRUE(absl::StartsWith(added.status().message(), "membership: ")) << added.status();
  auto after = identity_->LookupPrincipal(p.id());
  HOIDLA_ASSERT_OK(after);
  EXPECT_TRUE(after->memberships.empty());
  // A second head, too.
  *am.mutable_membership() = MembershipOf(Role::kHeadOfOrganization, org_.id(), "");
  EXPECT_EQ(identity_->AddMembership(admin_, am).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(IdentityTest, AddMembershipInAnOrganisationHoldingClientDataIsFailedPrecondition) {
  const v1::Organization fresh = MakeOrg("Andmetega");
  const v1::Project project = MakeProject(fresh.id());
  MakeClient(fresh.id(), project.id());
  const v1::Principal first = NewPrincipal(v1::PRINCIPAL_KIND_STAFF, fresh.id());
  v1::AddMembershipRequest am;
  am.set_id(first.id());
  *am.mutable_membership() = MembershipOf(Role::kHeadOfOrganization, fresh.id(), "");
  EXPECT_EQ(identity_->AddMembership(admin_, am).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "no head, but client data: even the first head needs a second person";
}

TEST_F(IdentityTest, AGrantRequestTakesEffectOnlyWhenAHeadApprovesIt) {
  const v1::Principal p = NewPrincipal();
  auto created = identity_->CreateGrantRequest(
      admin_, MembershipRequest(p.id(), MembershipOf(Role::kCaseWorker, org_.id(), prj_.id())));
  HOIDLA_ASSERT_OK(created);
  const v1::GrantRequest& g = created->grant_request();
  EXPECT_EQ(g.state(), v1::GRANT_REQUEST_STATE_PENDING);
  EXPECT_EQ(g.organization_id(), org_.id());
  EXPECT_EQ(g.principal_id(), p.id());
  EXPECT_EQ(g.requested_by(), admin_.principal.id);
  EXPECT_TRUE(identity_->LookupPrincipal(p.id())->memberships.empty())
      << "a pending request grants nothing";
  auto approved = Approve(As(head_.token), g.id());
  HOIDLA_ASSERT_OK(approved);
  EXPECT_EQ(approved->state(), v1::GRANT_REQUEST_STATE_APPROVED);
  EXPECT_EQ(approved->decided_by(), head_.id);
  auto after = identity_->LookupPrincipal(p.id());
  HOIDLA_ASSERT_OK(after);
  ASSERT_EQ(after->memberships.size(), 1u);
  EXPECT_EQ(after->memberships[0], (Membership{Role::kCaseWorker, org_.id(), prj_.id()}));
  // Decided once.
  EXPECT_EQ(Approve(As(head_.token), g.id()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(IdentityTest, TheRequesterMayNotApproveTheirOwnRequest) {
  const v1::Principal p = NewPrincipal();
  const RequestContext head = As(head_.token);
  auto created = identity_->CreateGrantRequest(
      head, MembershipRequest(p.id(), MembershipOf(Role::kCaseWorker, org_.id(), prj_.id())));
  HOIDLA_ASSERT_OK(created);
  EXPECT_EQ(created->grant_request().state(), v1::GRANT_REQUEST_STATE_PENDING);
  auto approved = Approve(head, created->grant_request().id());
  EXPECT_EQ(approved.status().code(), absl::StatusCode::kPermissionDenied) << approved.status();
  EXPECT_TRUE(identity_->LookupPrincipal(p.id())->memberships.empty());
  // A second head approves it.
  Staff second = MakeStaff(Role::kHeadOfOrganization);
  HOIDLA_EXPECT_OK(Approve(As(second.token), created->grant_request().id()));
}

TEST_F(IdentityTest, TheAccountAGrantIsForMayNotApproveIt) {
  Staff second = MakeStaff(Role::kHeadOfOrganization);
  auto created = identity_->CreateGrantRequest(
      admin_,
      MembershipRequest(second.id, MembershipOf(Role::kProjectManager, org_.id(), prj_.id())));
  HOIDLA_ASSERT_OK(created);
  auto approved = Approve(As(second.token), created->grant_request().id());
  EXPECT_EQ(approved.status().code(), absl::StatusCode::kPermissionDenied) << approved.status();
  HOIDLA_EXPECT_OK(Approve(As(head_.token), created->grant_request().id()));
}

TEST_F(IdentityTest, NoRoleButHeadOfTheOrganisationApprovesGrants) {
  const v1::Principal p = NewPrincipal();
  auto created = identity_->CreateGrantRequest(
      admin_, MembershipRequest(p.id(), MembershipOf(Role::kCaseWorker, org_.id(), prj_.id())));
  HOIDLA_ASSERT_OK(created);
  const std::string id = created->grant_request().id();
  // The administrator (who requested it) and a project manager: no role
  // that approves grants.
  RequestContext other_admin;
  other_admin.principal = {.id = "prn_0000000000000000000000000c",
                           .memberships = {{Role::kSystemAdministrator, "", ""}}};
  EXPECT_EQ(Approve(other_admin, id).status().code(), absl::StatusCode::kPermissionDenied);
  Staff pm = MakeStaff(Role::kProjectManager, prj_.id());
  EXPECT_EQ(Approve(As(pm.token), id).status().code(), absl::StatusCode::kPermissionDenied);
  // A head of another organisation: the request does not exist for them.
  const v1::Organization other = MakeOrg("Teine");
  RequestContext head_elsewhere;
  head_elsewhere.principal = {.id = "prn_0000000000000000000000000e",
                              .memberships = {{Role::kHeadOfOrganization, other.id(), ""}}};
  EXPECT_EQ(Approve(head_elsewhere, id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(identity_->LookupPrincipal(p.id())->memberships.empty());
}

TEST_F(IdentityTest, ProjectManagerRequestsProjectRolesInOwnProjectOnly) {
  Staff pm = MakeStaff(Role::kProjectManager, prj_.id());
  Staff target = MakeStaff(Role::kServiceProvider, prj_.id());
  auto other_prj = MakeProject(org_.id(), "Teine projekt");
  const RequestContext manager = As(pm.token);
  v1::AddMembershipRequest am;
  am.set_id(target.id);
  *am.mutable_membership() = MembershipOf(Role::kCaseWorker, org_.id(), prj_.id());
  EXPECT_EQ(identity_->AddMembership(manager, am).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "not at once: a head approves it";
  auto created =
      identity_->CreateGrantRequest(manager, MembershipRequest(target.id, am.membership()));
  HOIDLA_ASSERT_OK(created);
  EXPECT_EQ(created->grant_request().state(), v1::GRANT_REQUEST_STATE_PENDING);
  HOIDLA_EXPECT_OK(Approve(As(head_.token), created->grant_request().id()));
  EXPECT_EQ(identity_
                ->CreateGrantRequest(
                    manager, MembershipRequest(target.id, MembershipOf(Role::kCaseWorker, org_.id(),
                                                                       other_prj.id())))
                .status()
                .code(),
            absl::StatusCode::kNotFound)
      << "another project is out of the manager's sight";
  EXPECT_EQ(identity_
                ->CreateGrantRequest(
                    manager, MembershipRequest(
                                 target.id, MembershipOf(Role::kHeadOfOrganization, org_.id(), "")))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

// ---------------------------------------------------------------------------
// Accounts and tokens

TEST_F(IdentityTest, OnlyAdministratorsCreatePrincipals) {
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("x");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  cp.mutable_principal()->set_organization_id(org_.id());
  EXPECT_EQ(identity_->CreatePrincipal(As(head_.token), cp).status().code(),
            absl::StatusCode::kPermissionDenied);
  HOIDLA_EXPECT_OK(identity_->CreatePrincipal(admin_, cp));
}

TEST_F(IdentityTest, AdministratorCannotIssueATokenForAPerson) {
  Staff cw = MakeStaff(Role::kCaseWorker, prj_.id());
  v1::IssueTokenRequest it;
  it.set_id(cw.id);
  it.set_ttl_seconds(60);
  auto t = identity_->IssueToken(admin_, it);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kPermissionDenied) << t.status();
  EXPECT_TRUE(absl::StartsWith(t.status().message(), "principal_id: ")) << t.status();
  // Nor for a person without any role, nor a partner worker.
  it.set_id(NewPrincipal().id());
  EXPECT_EQ(identity_->IssueToken(admin_, it).status().code(), absl::StatusCode::kPermissionDenied);
  it.set_id(NewPrincipal(v1::PRINCIPAL_KIND_PARTNER_WORKER).id());
  EXPECT_EQ(identity_->IssueToken(admin_, it).status().code(), absl::StatusCode::kPermissionDenied);
  // The lifetime is checked first.
  it.set_ttl_seconds(0);
  EXPECT_TRUE(IsInvalidArgumentFor(identity_->IssueToken(admin_, it), "ttl_seconds"));
}

TEST_F(IdentityTest, AHeadCannotIssueATokenForAnotherPerson) {
  Staff cw = MakeStaff(Role::kCaseWorker, prj_.id());
  v1::IssueTokenRequest it;
  it.set_id(cw.id);
  it.set_ttl_seconds(60);
  EXPECT_EQ(identity_->IssueToken(As(head_.token), it).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IdentityTest, APersonOpensASessionForThemselvesThatNeverOutlivesTheirToken) {
  Staff cw = MakeStaff(Role::kCaseWorker, prj_.id(), /*ttl_seconds=*/600);
  v1::IssueTokenRequest it;
  it.set_ttl_seconds(3600);
  auto t = identity_->IssueToken(As(cw.token), it);
  HOIDLA_ASSERT_OK(t);
  auto p = identity_->Authenticate(t->token());
  HOIDLA_ASSERT_OK(p);
  EXPECT_EQ(p->id, cw.id);
  clock_.Advance(601 * 1000000LL);
  EXPECT_EQ(identity_->Authenticate(t->token()).status().code(), absl::StatusCode::kUnauthenticated)
      << "the session ends with the token it was opened with";
  // At most 12 hours.
  it.set_ttl_seconds(12 * 3600 + 1);
  Staff again = Login(cw.id);
  EXPECT_TRUE(IsInvalidArgumentFor(identity_->IssueToken(As(again.token), it), "ttl_seconds"));
}

TEST_F(IdentityTest, NobodyCreatesADataSubjectPrincipal) {
  const v1::Client client = MakeClient(org_.id(), prj_.id(), kCode);
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_DATA_SUBJECT);
  cp.mutable_principal()->set_client_id(client.id());
  EXPECT_EQ(identity_->CreatePrincipal(admin_, cp).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(identity_->CreatePrincipal(As(head_.token), cp).status().code(),
            absl::StatusCode::kPermissionDenied);
  Staff cw = MakeStaff(Role::kCaseWorker, prj_.id());
  EXPECT_EQ(identity_->CreatePrincipal(As(cw.token), cp).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IdentityTest, ADataSubjectSignsInWithTheSubjectIdentityProvider) {
  const v1::Client client = MakeClient(org_.id(), prj_.id(), kCode);
  auto t = Exchange(IdToken(kCitizens, StrCat("EE", kCode)));
  HOIDLA_ASSERT_OK(t);
  auto p = identity_->Authenticate(t->token());
  HOIDLA_ASSERT_OK(p);
  EXPECT_EQ(p->subject_client_id, client.id());
  EXPECT_EQ(p->kind, v1::PRINCIPAL_KIND_DATA_SUBJECT);
  EXPECT_TRUE(p->memberships.empty());
  // The same principal on the next sign-in.
  auto again = Exchange(IdToken(kCitizens, kCode));
  HOIDLA_ASSERT_OK(again);
  EXPECT_EQ(identity_->Authenticate(again->token())->id, p->id);
  // Only the client's own rights over their own record.
  RequestContext subject = As(t->token());
  v1::GetClientRequest gc;
  gc.set_id(client.id());
  EXPECT_EQ(registry_->GetClient(subject, gc).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(IdentityTest, NobodyIssuesATokenForADataSubject) {
  MakeClient(org_.id(), prj_.id(), kCode);
  auto t = Exchange(IdToken(kCitizens, kCode));
  HOIDLA_ASSERT_OK(t);
  const std::string subject = identity_->Authenticate(t->token())->id;
  v1::IssueTokenRequest it;
  it.set_id(subject);
  it.set_ttl_seconds(60);
  EXPECT_EQ(identity_->IssueToken(admin_, it).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(identity_->IssueToken(As(head_.token), it).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IdentityTest, AnIdTokenThatDoesNotVerifyIsUnauthenticated) {
  MakeClient(org_.id(), prj_.id(), kCode);
  const std::string issuer = IssuerFor(org_.id());
  auto bad = keys::GenerateJwtSigningKey();
  HOIDLA_ASSERT_OK(bad);
  const int64_t now = clock_.NowMicros() / 1000000;
  auto forged = keys::SignJwt(
      *bad, StrCat("{\"iss\":\"", issuer, "\",\"sub\":\"", head_.id,
                   "\",\"aud\":\"hoidla\",\"iat\":", now, ",\"exp\":", now + 600, "}"));
  HOIDLA_ASSERT_OK(forged);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty"},
      {"garbage", "not a JWT"},
      {*forged, "signed by another key"},
      {IdToken(issuer, head_.id, 600, "someone-else"), "another audience"},
      {IdToken("https://idp.test/unknown", head_.id), "an unknown issuer"},
      {IdToken(issuer, "prn_00000000000000000000000000"), "an unknown principal"},
      {IdToken(issuer, "not-a-principal-id"), "no principal id"},
      {IdToken(kCitizens, "EE38503150001"), "a personal code of no client"},
  };
  for (const auto& [token, what] : cases) {
    auto t = Exchange(token);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kUnauthenticated) << what << ": " << t.status();
  }
  const std::string expired = IdToken(issuer, head_.id, 60);
  clock_.Advance(3600 * 1000000LL);
  EXPECT_EQ(Exchange(expired).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(IdentityTest, APrincipalOfAnotherOrganisationDoesNotSignInWithThisOnesProvider) {
  const v1::Organization other = MakeOrg("Teine");
  const v1::Principal outsider = NewPrincipal(v1::PRINCIPAL_KIND_STAFF, other.id());
  EXPECT_EQ(Exchange(IdToken(IssuerFor(org_.id()), outsider.id())).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(IdentityTest, ADisabledAccountIsRefusedFromTheNextCall) {
  Staff cw = MakeStaff(Role::kCaseWorker, prj_.id());
  HOIDLA_ASSERT_OK(identity_->Authenticate(cw.token));
  v1::DisablePrincipalRequest d;
  d.set_id(cw.id);
  auto disabled = identity_->DisablePrincipal(As(head_.token), d);
  HOIDLA_ASSERT_OK(disabled);
  EXPECT_TRUE(disabled->disabled());
  EXPECT_EQ(identity_->Authenticate(cw.token).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Exchange(IdToken(IssuerFor(org_.id()), cw.id)).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(IdentityTest, WhoAmINeedsNoRole) {
  const v1::Principal p = NewPrincipal();
  Staff s = Login(p.id());
  auto who = identity_->WhoAmI(As(s.token));
  HOIDLA_ASSERT_OK(who);
  EXPECT_EQ(who->principal_id(), p.id());
  EXPECT_EQ(who->roles_size(), 0);
}

TEST_F(IdentityTest, ServiceAccountActsForAUserOfItsOrganisationWithTheUsersRights) {
  const v1::Principal fe = NewPrincipal(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT);
  // The right to act for users, and its token, each under four eyes.
  v1::CreateGrantRequestRequest act_for;
  act_for.mutable_grant_request()->mutable_act_for()->set_principal_id(fe.id());
  auto act = identity_->CreateGrantRequest(admin_, act_for);
  HOIDLA_ASSERT_OK(act);
  EXPECT_EQ(act->grant_request().state(), v1::GRANT_REQUEST_STATE_PENDING);
  HOIDLA_ASSERT_OK(Approve(As(head_.token), act->grant_request().id()));
  v1::CreateGrantRequestRequest token_req;
  token_req.mutable_grant_request()->mutable_service_token()->set_principal_id(fe.id());
  token_req.mutable_grant_request()->mutable_service_token()->set_ttl_seconds(60);
  auto fe_token = identity_->CreateGrantRequest(admin_, token_req);
  HOIDLA_ASSERT_OK(fe_token);
  ASSERT_FALSE(fe_token->token().empty());
  EXPECT_EQ(identity_->Authenticate(fe_token->token()).status().code(),
            absl::StatusCode::kUnauthenticated)
      << "refused until approved";
  HOIDLA_ASSERT_OK(Approve(As(head_.token), fe_token->grant_request().id()));
  auto caller = identity_->Authenticate(fe_token->token());
  HOIDLA_ASSERT_OK(caller);
  EXPECT_TRUE(caller->may_act_for_users);

  Staff cw = MakeStaff(Role::kCaseWorker, prj_.id());
  auto user = identity_->ActFor(*caller, cw.id);
  HOIDLA_ASSERT_OK(user);
  EXPECT_EQ(user->id, cw.id);
  EXPECT_TRUE(user->Has(Role::kCaseWorker));

  // Not for users of another organisation, nor for unknown ids.
  auto other = MakeOrg("Teine");
  const v1::Principal outsider = NewPrincipal(v1::PRINCIPAL_KIND_STAFF, other.id());
  EXPECT_EQ(identity_->ActFor(*caller, outsider.id()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(identity_->ActFor(*caller, "prn_00000000000000000000000000").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IdentityTest, ActingForUsersAtCreationNeedsApprovalInAnOrganisationWithAHead) {
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("Front end");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT);
  cp.mutable_principal()->set_organization_id(org_.id());
  cp.mutable_principal()->set_may_act_for_users(true);
  EXPECT_EQ(identity_->CreatePrincipal(admin_, cp).status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::IssueTokenRequest it;
  it.set_id(NewPrincipal(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT).id());
  it.set_ttl_seconds(60);
  EXPECT_EQ(identity_->IssueToken(admin_, it).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "a service account's token in an organisation with a head needs approval";
}

TEST_F(IdentityTest, OnlyServiceAccountsWithTheRightMayActForUsers) {
  Staff head = MakeStaff(Role::kHeadOfOrganization);
  Staff cw = MakeStaff(Role::kCaseWorker, prj_.id());
  auto p = identity_->Authenticate(head.token);
  HOIDLA_ASSERT_OK(p);
  EXPECT_EQ(identity_->ActFor(*p, cw.id).status().code(), absl::StatusCode::kPermissionDenied);
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("Staff who may not");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  cp.mutable_principal()->set_organization_id(org_.id());
  cp.mutable_principal()->set_may_act_for_users(true);
  EXPECT_TRUE(
      IsInvalidArgumentFor(identity_->CreatePrincipal(admin_, cp), "principal.may_act_for_users"));
}

TEST_F(IdentityTest, AdministratorSeesNoClientData) {
  RequestContext admin_only;
  admin_only.principal = {.id = "prn_0000000000000000000000000c",
                          .memberships = {{Role::kSystemAdministrator, "", ""}}};
  auto cli = MakeClient(org_.id(), prj_.id(), kCode);
  v1::GetClientRequest gc;
  gc.set_id(cli.id());
  EXPECT_EQ(registry_->GetClient(admin_only, gc).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListClientsRequest lc;
  lc.set_project_id(prj_.id());
  EXPECT_EQ(registry_->ListClients(admin_only, lc).status().code(),
            absl::StatusCode::kPermissionDenied);
}

// ---------------------------------------------------------------------------
// Policy decisions

TEST(PolicyTest, DenyByDefaultAndReasons) {
  Policy policy;
  Principal none{.id = "prn_a"};
  Decision d = policy.Decide(none, Action::kReadClient, {.organization_id = "org_a"});
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.deny, DenyReason::kNoRole);
  Principal head{.id = "prn_b", .memberships = {{Role::kHeadOfOrganization, "org_a", ""}}};
  d = policy.Decide(
      head, Action::kReadClient,
      {.organization_id = "org_b", .client_project_ids = {"prj_x"}, .client_id = "cli_x"});
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.deny, DenyReason::kOutOfScope);
  d = policy.Decide(
      head, Action::kReadClient,
      {.organization_id = "org_a", .client_project_ids = {"prj_x"}, .client_id = "cli_x"});
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, "role:head_of_organization");
}

TEST(PolicyTest, CaseWorkerNeedsTheAssignmentUnlessTheProjectShowsAllCases) {
  Policy policy;
  Principal cw{.id = "prn_cw", .memberships = {{Role::kCaseWorker, "org_a", "prj_1"}}};
  Target assigned{.organization_id = "org_a",
                  .project_id = "prj_1",
                  .client_id = "cli_1",
                  .case_id = "cas_1",
                  .case_assignee = "prn_cw"};
  Target other = assigned;
  other.case_assignee = "prn_other";
  EXPECT_TRUE(policy.Decide(cw, Action::kReadCase, assigned).allowed);
  EXPECT_FALSE(policy.Decide(cw, Action::kReadCase, other).allowed);
  EXPECT_FALSE(policy.Decide(cw, Action::kDownloadDocument, other).allowed);
  other.whole_project_cases = true;
  EXPECT_TRUE(policy.Decide(cw, Action::kReadCase, other).allowed);
  Target other_project = assigned;
  other_project.project_id = "prj_2";
  EXPECT_FALSE(policy.Decide(cw, Action::kReadCase, other_project).allowed);
  EXPECT_FALSE(policy.Decide(cw, Action::kAssignCase, assigned).allowed);
}

TEST(PolicyTest, EveryRoleHasANameThatParsesBack) {
  for (Role r : AllRoles()) EXPECT_EQ(ParseRole(RoleName(r)), r);
  EXPECT_EQ(ParseRole("root"), std::nullopt);
}

}  // namespace
}  // namespace hoidla::core
