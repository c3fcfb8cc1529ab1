// Identity (principals, memberships, tokens) and the policy's decisions, over
// a MemoryStore with a FakeClock.
#include <gtest/gtest.h>

#include "tests/unit/core_fixture.h"
#include "vault/core/identity.h"

namespace hoidla::core {
namespace {

using ::hoidla::testing::IsInvalidArgumentFor;

class IdentityTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    identity_ = std::make_unique<Identity>(&faulty_, keyring_.get(), &clock_, &policy_,
                                           registry_.get());
    org_ = MakeOrg();
    prj_ = MakeProject(org_.id());
  }

  // A principal of org_ holding `role` in `project` (empty: organisation
  // role), with a token valid for `ttl_seconds`.
  struct Staff {
    std::string id, token, token_id;
  };
  Staff MakeStaff(Role role, const std::string& project = "", int64_t ttl_seconds = 3600) {
    v1::CreatePrincipalRequest cp;
    cp.mutable_principal()->set_display_name("Staff");
    cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
    cp.mutable_principal()->set_organization_id(org_.id());
    auto p = identity_->CreatePrincipal(admin_, cp);
    EXPECT_TRUE(p.ok()) << p.status();
    v1::AddMembershipRequest am;
    am.set_principal_id(p->id());
    am.mutable_membership()->set_organization_id(org_.id());
    am.mutable_membership()->set_project_id(project);
    am.mutable_membership()->set_role(std::string(RoleName(role)));
    EXPECT_TRUE(identity_->AddMembership(admin_, am).ok());
    v1::IssueTokenRequest it;
    it.set_principal_id(p->id());
    it.set_ttl_seconds(ttl_seconds);
    auto t = identity_->IssueToken(admin_, it);
    EXPECT_TRUE(t.ok()) << t.status();
    return {p->id(), t->token(), t->token_id()};
  }

  RequestContext As(const std::string& token) {
    auto p = identity_->Authenticate(token);
    EXPECT_TRUE(p.ok()) << p.status();
    RequestContext ctx;
    if (p.ok()) ctx.principal = *p;
    return ctx;
  }

  std::unique_ptr<Identity> identity_;
  v1::Organization org_;
  v1::Project prj_;
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
  EXPECT_EQ(identity_->Authenticate(s.token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(IdentityTest, RevokedTokenIsUnauthenticatedOnTheNextCall) {
  Staff s = MakeStaff(Role::kHeadOfOrganization);
  v1::RevokeTokenRequest r;
  r.set_token_id(s.token_id);
  HOIDLA_ASSERT_OK(identity_->RevokeToken(admin_, r));
  EXPECT_EQ(identity_->Authenticate(s.token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(IdentityTest, MalformedOrUnknownTokensAreUnauthenticated) {
  for (const std::string t : {"", "hdl_", "Bearer x", "hdl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    EXPECT_EQ(identity_->Authenticate(t).status().code(), absl::StatusCode::kUnauthenticated)
        << t;
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
  auto cli = MakeClient(org_.id(), prj_.id(), "37605030299");
  v1::GetClientRequest gc;
  gc.set_id(cli.id());
  HOIDLA_EXPECT_OK(registry_->GetClient(As(head.token), gc));
  v1::RemoveMembershipRequest rm;
  rm.set_principal_id(head.id);
  rm.mutable_membership()->set_organization_id(org_.id());
  rm.mutable_membership()->set_role("head_of_organization");
  HOIDLA_ASSERT_OK(identity_->RemoveMembership(admin_, rm));
  EXPECT_EQ(registry_->GetClient(As(head.token), gc).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IdentityTest, MembershipScopeMustFitTheRole) {
  Staff s = MakeStaff(Role::kHeadOfOrganization);
  v1::AddMembershipRequest am;
  am.set_principal_id(s.id);
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
  am.set_principal_id(s.id);
  am.mutable_membership()->set_organization_id(org_.id());
  am.mutable_membership()->set_project_id(prj_.id());
  am.mutable_membership()->set_role("case_worker");
  EXPECT_EQ(identity_->AddMembership(admin_, am).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(IdentityTest, ProjectManagerGrantsProjectRolesInOwnProjectOnly) {
  Staff pm = MakeStaff(Role::kProjectManager, prj_.id());
  Staff target = MakeStaff(Role::kServiceProvider, prj_.id());
  auto other_prj = MakeProject(org_.id(), "Teine projekt");
  v1::AddMembershipRequest am;
  am.set_principal_id(target.id);
  am.mutable_membership()->set_organization_id(org_.id());
  am.mutable_membership()->set_project_id(prj_.id());
  am.mutable_membership()->set_role("case_worker");
  HOIDLA_EXPECT_OK(identity_->AddMembership(As(pm.token), am));
  am.mutable_membership()->set_project_id(other_prj.id());
  EXPECT_EQ(identity_->AddMembership(As(pm.token), am).status().code(),
            absl::StatusCode::kNotFound)
      << "another project is out of the manager's sight";
  am.mutable_membership()->set_project_id("");
  am.mutable_membership()->set_role("head_of_organization");
  EXPECT_EQ(identity_->AddMembership(As(pm.token), am).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IdentityTest, OnlyAdministratorsManagePrincipalsAndTokens) {
  Staff head = MakeStaff(Role::kHeadOfOrganization);
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("x");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  cp.mutable_principal()->set_organization_id(org_.id());
  EXPECT_EQ(identity_->CreatePrincipal(As(head.token), cp).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::IssueTokenRequest it;
  it.set_principal_id(head.id);
  it.set_ttl_seconds(60);
  EXPECT_EQ(identity_->IssueToken(As(head.token), it).status().code(),
            absl::StatusCode::kPermissionDenied);
  it.set_ttl_seconds(0);
  EXPECT_TRUE(IsInvalidArgumentFor(identity_->IssueToken(admin_, it), "ttl_seconds"));
}

TEST_F(IdentityTest, AdministratorSeesNoClientData) {
  RequestContext admin_only;
  admin_only.principal = {.id = "prn_0000000000000000000000000c",
                          .memberships = {{Role::kSystemAdministrator, "", ""}}};
  auto cli = MakeClient(org_.id(), prj_.id(), "37605030299");
  v1::GetClientRequest gc;
  gc.set_id(cli.id());
  EXPECT_EQ(registry_->GetClient(admin_only, gc).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListClientsRequest lc;
  lc.set_project_id(prj_.id());
  EXPECT_EQ(registry_->ListClients(admin_only, lc).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IdentityTest, WhoAmINeedsNoRole) {
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("Uus");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  cp.mutable_principal()->set_organization_id(org_.id());
  auto p = identity_->CreatePrincipal(admin_, cp);
  HOIDLA_ASSERT_OK(p);
  v1::IssueTokenRequest it;
  it.set_principal_id(p->id());
  it.set_ttl_seconds(60);
  auto t = identity_->IssueToken(admin_, it);
  HOIDLA_ASSERT_OK(t);
  auto who = identity_->WhoAmI(As(t->token()));
  HOIDLA_ASSERT_OK(who);
  EXPECT_EQ(who->principal_id(), p->id());
  EXPECT_EQ(who->roles_size(), 0);
}

TEST_F(IdentityTest, ServiceAccountActsForAUserOfItsOrganisationWithTheUsersRights) {
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("Front end");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT);
  cp.mutable_principal()->set_organization_id(org_.id());
  cp.mutable_principal()->set_may_act_for_users(true);
  auto fe = identity_->CreatePrincipal(admin_, cp);
  HOIDLA_ASSERT_OK(fe);
  v1::IssueTokenRequest it;
  it.set_principal_id(fe->id());
  it.set_ttl_seconds(60);
  auto fe_token = identity_->IssueToken(admin_, it);
  HOIDLA_ASSERT_OK(fe_token);
  auto caller = identity_->Authenticate(fe_token->token());
  HOIDLA_ASSERT_OK(caller);

  Staff cw = MakeStaff(Role::kCaseWorker, prj_.id());
  auto user = identity_->ActFor(*caller, cw.id);
  HOIDLA_ASSERT_OK(user);
  EXPECT_EQ(user->id, cw.id);
  EXPECT_TRUE(user->Has(Role::kCaseWorker));

  // Not for users of another organisation, nor for unknown ids.
  auto other = MakeOrg("Teine");
  v1::CreatePrincipalRequest op;
  op.mutable_principal()->set_display_name("Elsewhere");
  op.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  op.mutable_principal()->set_organization_id(other.id());
  auto outsider = identity_->CreatePrincipal(admin_, op);
  HOIDLA_ASSERT_OK(outsider);
  EXPECT_EQ(identity_->ActFor(*caller, outsider->id()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(identity_->ActFor(*caller, "prn_00000000000000000000000000").status().code(),
            absl::StatusCode::kPermissionDenied);
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
  EXPECT_TRUE(IsInvalidArgumentFor(identity_->CreatePrincipal(admin_, cp),
                                   "principal.may_act_for_users"));
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
  d = policy.Decide(head, Action::kReadClient,
                    {.organization_id = "org_b", .client_project_ids = {"prj_x"},
                     .client_id = "cli_x"});
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.deny, DenyReason::kOutOfScope);
  d = policy.Decide(head, Action::kReadClient,
                    {.organization_id = "org_a", .client_project_ids = {"prj_x"},
                     .client_id = "cli_x"});
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, "role:head_of_organization");
}

TEST(PolicyTest, CaseWorkerNeedsTheAssignmentUnlessTheProjectShowsAllCases) {
  Policy policy;
  Principal cw{.id = "prn_cw", .memberships = {{Role::kCaseWorker, "org_a", "prj_1"}}};
  Target assigned{.organization_id = "org_a", .project_id = "prj_1", .client_id = "cli_1",
                  .case_id = "cas_1", .case_assignee = "prn_cw"};
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
