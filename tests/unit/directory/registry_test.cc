// Registry: organisations, projects, clients and cases over a MemoryStore
// with a real Keyring. Validation names fields, the policy hides what a
// caller may not see, and every write is all-or-nothing.
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/core_fixture.h"
#include "tests/unit/test_util.h"

namespace hoidla::core {
namespace {

using ::hoidla::testing::DumpStore;
using ::hoidla::testing::IsInvalidArgumentFor;
using storage::Space;

class RegistryTest : public CoreTest {};

int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

TEST_F(RegistryTest, OrganizationRoundTrips) {
  Tick();
  v1::CreateOrganizationRequest req;
  req.mutable_organization()->set_name("Tallinna Sotsiaaltöö Keskus");
  req.mutable_organization()->set_registry_code("75017780");
  auto created = registry_->CreateOrganization(admin_, req);
  if (created.ok()) GrantHead(created->id());
  HOIDLA_ASSERT_OK(created);
  HOIDLA_EXPECT_OK(ValidateId(created->id(), IdKind::kOrganization, "id"));
  EXPECT_EQ(created->name(), "Tallinna Sotsiaaltöö Keskus");
  EXPECT_EQ(created->registry_code(), "75017780");
  EXPECT_EQ(Micros(created->created_at()), clock_.NowMicros());
  EXPECT_EQ(created->created_by(), admin_.principal.id);

  v1::GetOrganizationRequest get;
  get.set_id(created->id());
  auto got = registry_->GetOrganization(admin_, get);
  HOIDLA_ASSERT_OK(got);
  EXPECT_EQ(got->SerializeAsString(), created->SerializeAsString());

  auto list = registry_->ListOrganizations(admin_, {});
  HOIDLA_ASSERT_OK(list);
  ASSERT_EQ(list->organizations_size(), 1);
  EXPECT_EQ(list->organizations(0).id(), created->id());
  EXPECT_EQ(list->next_page_token(), "");
}

TEST_F(RegistryTest, ProjectRoundTripsAndIsListedUnderItsOrganization) {
  auto org = MakeOrg();
  auto other_org = MakeOrg("Other");
  Tick();
  v1::CreateProjectRequest req;
  req.mutable_project()->set_organization_id(org.id());
  req.mutable_project()->set_name("Tööklubi");
  req.mutable_project()->set_description("Weekly meetings.\nTuesdays.");
  auto created = registry_->CreateProject(admin_, req);
  HOIDLA_ASSERT_OK(created);
  EXPECT_EQ(created->organization_id(), org.id());
  EXPECT_EQ(created->description(), "Weekly meetings.\nTuesdays.");

  v1::GetProjectRequest get;
  get.set_id(created->id());
  auto got = registry_->GetProject(admin_, get);
  HOIDLA_ASSERT_OK(got);
  EXPECT_EQ(got->SerializeAsString(), created->SerializeAsString());

  v1::ListProjectsRequest list;
  list.set_organization_id(org.id());
  auto l = registry_->ListProjects(admin_, list);
  HOIDLA_ASSERT_OK(l);
  ASSERT_EQ(l->projects_size(), 1);
  EXPECT_EQ(l->projects(0).id(), created->id());
  list.set_organization_id(other_org.id());
  l = registry_->ListProjects(admin_, list);
  HOIDLA_ASSERT_OK(l);
  EXPECT_EQ(l->projects_size(), 0);
}

TEST_F(RegistryTest, ClientRoundTripsWithBirthDateFromPersonalCode) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  Tick();
  auto created = registry_->CreateClient(admin_, ClientRequest(org.id(), prj.id(), "49403136526"));
  HOIDLA_ASSERT_OK(created);
  HOIDLA_EXPECT_OK(ValidateId(created->id(), IdKind::kClient, "id"));
  EXPECT_EQ(created->given_name(), "Kristiina");
  EXPECT_EQ(created->family_name(), "Põldmäe");
  EXPECT_EQ(created->personal_code(), "49403136526");
  EXPECT_EQ(created->date_of_birth().year(), 1994);
  EXPECT_EQ(created->date_of_birth().month(), 3);
  EXPECT_EQ(created->date_of_birth().day(), 13);
  ASSERT_EQ(created->project_ids_size(), 1);
  EXPECT_EQ(created->project_ids(0), prj.id());

  v1::GetClientRequest get;
  get.set_id(created->id());
  auto got = registry_->GetClient(admin_, get);
  HOIDLA_ASSERT_OK(got);
  EXPECT_EQ(got->SerializeAsString(), created->SerializeAsString());
}

TEST_F(RegistryTest, ClientWithoutPersonalCodeButWithReasonIsAccepted) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto req = ClientRequest(org.id(), prj.id(), "");
  req.mutable_client()->mutable_date_of_birth()->set_year(1980);
  req.mutable_client()->mutable_date_of_birth()->set_month(2);
  req.mutable_client()->mutable_date_of_birth()->set_day(29);
  auto c = registry_->CreateClient(admin_, req);
  HOIDLA_ASSERT_OK(c);
  EXPECT_EQ(c->personal_code(), "");
  EXPECT_EQ(c->no_personal_code_reason(), "foreign national, no code");
  EXPECT_EQ(c->date_of_birth().day(), 29);
}

TEST_F(RegistryTest, CaseRoundTripsAndIsListedByClientAndProject) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto cli = MakeClient(org.id(), prj.id(), "37605030299");
  Tick();
  v1::CreateCaseRequest req;
  req.mutable_case_()->set_project_id(prj.id());
  req.mutable_case_()->set_client_id(cli.id());
  req.mutable_case_()->set_title("Eluasemetoetus");
  auto created = registry_->CreateCase(admin_, req);
  HOIDLA_ASSERT_OK(created);
  EXPECT_EQ(created->status(), v1::CASE_STATUS_OPEN);
  EXPECT_EQ(created->title(), "Eluasemetoetus");

  v1::GetCaseRequest get;
  get.set_id(created->id());
  auto got = registry_->GetCase(admin_, get);
  HOIDLA_ASSERT_OK(got);
  EXPECT_EQ(got->SerializeAsString(), created->SerializeAsString());

  v1::ListCasesRequest by_client;
  by_client.set_client_id(cli.id());
  auto l1 = registry_->ListCases(admin_, by_client);
  HOIDLA_ASSERT_OK(l1);
  ASSERT_EQ(l1->cases_size(), 1);
  EXPECT_EQ(l1->cases(0).id(), created->id());
  v1::ListCasesRequest by_project;
  by_project.set_project_id(prj.id());
  auto l2 = registry_->ListCases(admin_, by_project);
  HOIDLA_ASSERT_OK(l2);
  ASSERT_EQ(l2->cases_size(), 1);
  EXPECT_EQ(l2->cases(0).id(), created->id());
}

// ---------------------------------------------------------------------------
// Validation

TEST_F(RegistryTest, ClientWithoutPersonalCodeAndWithoutReasonIsInvalidArgument) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto req = ClientRequest(org.id(), prj.id(), "");
  req.mutable_client()->clear_no_personal_code_reason();
  auto before = DumpStore(base());
  auto c = registry_->CreateClient(admin_, req);
  EXPECT_TRUE(IsInvalidArgumentFor(c, "client.no_personal_code_reason"));
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(RegistryTest, ClientWithCodeAndReasonIsInvalidArgument) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto req = ClientRequest(org.id(), prj.id(), "37605030299");
  req.mutable_client()->set_no_personal_code_reason("why not");
  EXPECT_TRUE(
      IsInvalidArgumentFor(registry_->CreateClient(admin_, req), "client.no_personal_code_reason"));
}

TEST_F(RegistryTest, InvalidPersonalCodeIsInvalidArgument) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto before = DumpStore(base());
  for (const char* code : {"37605030298", "3760503029", "97605030299", "37602300290"}) {
    auto c = registry_->CreateClient(admin_, ClientRequest(org.id(), prj.id(), code));
    EXPECT_TRUE(IsInvalidArgumentFor(c, "client.personal_code")) << code;
    EXPECT_EQ(std::string(c.status().message()).find(code), std::string::npos);
  }
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(RegistryTest, BirthDateInTheFutureIsInvalidArgument) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  // 7xxxxxx: born in the 2100s. 70001010008: 7,0,0,0,1,0,1,0,0,0 . 1..9,1 =
  // 7+5+7 = 19, 19 % 11 = 8.
  auto c = registry_->CreateClient(admin_, ClientRequest(org.id(), prj.id(), "70001010008"));
  EXPECT_TRUE(IsInvalidArgumentFor(c, "client.personal_code"));
}

TEST_F(RegistryTest, DateOfBirthThatContradictsTheCodeIsInvalidArgument) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto req = ClientRequest(org.id(), prj.id(), "37605030299");
  req.mutable_client()->mutable_date_of_birth()->set_year(1976);
  req.mutable_client()->mutable_date_of_birth()->set_month(5);
  req.mutable_client()->mutable_date_of_birth()->set_day(4);
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateClient(admin_, req), "client.date_of_birth"));
  req.mutable_client()->mutable_date_of_birth()->set_day(3);
  HOIDLA_EXPECT_OK(registry_->CreateClient(admin_, req));
}

TEST_F(RegistryTest, ClientNamesAreValidated) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto req = ClientRequest(org.id(), prj.id(), "", "", "Tamm");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateClient(admin_, req), "client.given_name"));
  req = ClientRequest(org.id(), prj.id(), "", "Mari", std::string(201, 'x'));
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateClient(admin_, req), "client.family_name"));
  req = ClientRequest(org.id(), prj.id(), "", "Mari\x01", "Tamm");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateClient(admin_, req), "client.given_name"));
}

TEST_F(RegistryTest, OutputOnlyFieldsMustBeEmpty) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto req = ClientRequest(org.id(), prj.id(), "");
  req.mutable_client()->set_id("cli_00000000000000000000000000");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateClient(admin_, req), "client.id"));
  req = ClientRequest(org.id(), prj.id(), "");
  req.mutable_client()->set_created_by("prn_x");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateClient(admin_, req), "client.created_by"));
  v1::CreateOrganizationRequest oreq;
  oreq.mutable_organization()->set_name("x");
  oreq.mutable_organization()->mutable_created_at()->set_seconds(1);
  EXPECT_TRUE(
      IsInvalidArgumentFor(registry_->CreateOrganization(admin_, oreq), "organization.created_at"));
  v1::CreateCaseRequest creq;
  creq.mutable_case_()->set_status(v1::CASE_STATUS_CLOSED);
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateCase(admin_, creq), "case.status"));
}

TEST_F(RegistryTest, MissingMessagesAreInvalidArgument) {
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateOrganization(admin_, {}), "organization"));
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateProject(admin_, {}), "project"));
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateClient(admin_, {}), "client"));
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateCase(admin_, {}), "case"));
  v1::CreateOrganizationRequest oreq;
  oreq.mutable_organization();
  EXPECT_TRUE(
      IsInvalidArgumentFor(registry_->CreateOrganization(admin_, oreq), "organization.name"));
}

TEST_F(RegistryTest, MalformedIdsAreInvalidArgumentNamingTheField) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto cli = MakeClient(org.id(), prj.id());

  v1::GetOrganizationRequest go;
  go.set_id("org_nope");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->GetOrganization(admin_, go), "id"));
  v1::GetProjectRequest gp;
  gp.set_id(org.id());  // an id of the wrong kind
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->GetProject(admin_, gp), "id"));
  v1::GetClientRequest gc;
  gc.set_id("");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->GetClient(admin_, gc), "id"));
  v1::GetCaseRequest gcase;
  gcase.set_id("cas_!!");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->GetCase(admin_, gcase), "id"));

  v1::CreateProjectRequest cp;
  cp.mutable_project()->set_organization_id("org_1");
  cp.mutable_project()->set_name("x");
  EXPECT_TRUE(
      IsInvalidArgumentFor(registry_->CreateProject(admin_, cp), "project.organization_id"));

  auto cr = ClientRequest("organisation", prj.id(), "");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateClient(admin_, cr), "client.organization_id"));
  cr = ClientRequest(org.id(), "prj_bad", "");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateClient(admin_, cr), "client.project_ids[0]"));
  cr = ClientRequest(org.id(), prj.id(), "");
  cr.mutable_client()->add_project_ids(prj.id());
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateClient(admin_, cr), "client.project_ids[1]"));
  cr.mutable_client()->clear_project_ids();
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateClient(admin_, cr), "client.project_ids"));

  v1::CreateCaseRequest cc;
  cc.mutable_case_()->set_project_id(prj.id());
  cc.mutable_case_()->set_client_id(prj.id());
  cc.mutable_case_()->set_title("t");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateCase(admin_, cc), "case.client_id"));
  cc.mutable_case_()->set_client_id(cli.id());
  cc.mutable_case_()->set_project_id("");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateCase(admin_, cc), "case.project_id"));

  v1::ListClientsRequest lc;
  lc.set_organization_id("x");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->ListClients(admin_, lc), "organization_id"));
  lc.set_organization_id(org.id());
  lc.set_page_token("not-a-token");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->ListClients(admin_, lc), "page_token"));
  lc.set_page_token("");
  lc.set_page_size(-1);
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->ListClients(admin_, lc), "page_size"));
  v1::ListClientsRequest both;
  both.set_organization_id(org.id());
  both.set_project_id(prj.id());
  // The scope is a oneof: a request cannot name both; the last one set holds.
  EXPECT_EQ(both.scope_case(), v1::ListClientsRequest::kProjectId);
  EXPECT_TRUE(both.organization_id().empty());

  v1::FindClientByPersonalCodeRequest f;
  f.set_organization_id("org_");
  f.set_personal_code("37605030299");
  EXPECT_TRUE(
      IsInvalidArgumentFor(registry_->FindClientByPersonalCode(admin_, f), "organization_id"));
}

TEST_F(RegistryTest, ReferencedObjectsMustExistAndBelongTogether) {
  auto org = MakeOrg();
  auto other_org = MakeOrg("Other");
  auto prj = MakeProject(org.id());
  auto other_prj = MakeProject(other_org.id());
  auto prj2 = MakeProject(org.id(), "Second");

  // A well-formed but unknown organisation.
  v1::CreateProjectRequest cp;
  cp.mutable_project()->set_organization_id("org_00000000000000000000000000");
  cp.mutable_project()->set_name("x");
  auto p = registry_->CreateProject(admin_, cp);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(
      ::hoidla::testing::StartsWith(std::string(p.status().message()), "project.organization_id"));

  // A project of another organisation.
  auto c = registry_->CreateClient(admin_, ClientRequest(org.id(), other_prj.id(), ""));
  EXPECT_TRUE(IsInvalidArgumentFor(c, "client.project_ids[0]"));

  // A case in a project the client does not take part in.
  auto cli = MakeClient(org.id(), prj.id());
  v1::CreateCaseRequest cc;
  cc.mutable_case_()->set_project_id(prj2.id());
  cc.mutable_case_()->set_client_id(cli.id());
  cc.mutable_case_()->set_title("t");
  EXPECT_TRUE(IsInvalidArgumentFor(registry_->CreateCase(admin_, cc), "case.client_id"));
}

// ---------------------------------------------------------------------------
// Personal codes

TEST_F(RegistryTest, DuplicatePersonalCodeInSameOrganizationIsAlreadyExists) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  MakeClient(org.id(), prj.id(), "37605030299");
  auto before = DumpStore(base());
  Tick();
  auto dup = registry_->CreateClient(admin_, ClientRequest(org.id(), prj.id(), "37605030299"));
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(DumpStore(base()), before) << "nothing of the duplicate may be written";
}

TEST_F(RegistryTest, SamePersonalCodeIsAllowedInAnotherOrganization) {
  auto org1 = MakeOrg("One");
  auto org2 = MakeOrg("Two");
  auto p1 = MakeProject(org1.id());
  auto p2 = MakeProject(org2.id());
  auto c1 = MakeClient(org1.id(), p1.id(), "37605030299");
  auto c2 = registry_->CreateClient(admin_, ClientRequest(org2.id(), p2.id(), "37605030299"));
  HOIDLA_ASSERT_OK(c2);
  EXPECT_NE(c1.id(), c2->id());
}

TEST_F(RegistryTest, FindClientByPersonalCodeFindsOnlyWithinTheOrganization) {
  auto org1 = MakeOrg("One");
  auto org2 = MakeOrg("Two");
  auto p1 = MakeProject(org1.id());
  auto c1 = MakeClient(org1.id(), p1.id(), "49403136526");
  MakeClient(org1.id(), p1.id(), "37605030299");

  v1::FindClientByPersonalCodeRequest f;
  f.set_organization_id(org1.id());
  f.set_personal_code("49403136526");
  auto found = registry_->FindClientByPersonalCode(admin_, f);
  HOIDLA_ASSERT_OK(found);
  EXPECT_EQ(found->id(), c1.id());
  EXPECT_EQ(found->personal_code(), "49403136526");

  f.set_personal_code("50001010006");  // valid, unknown
  EXPECT_EQ(registry_->FindClientByPersonalCode(admin_, f).status().code(),
            absl::StatusCode::kNotFound);
  f.set_personal_code("49403136526");
  f.set_organization_id(org2.id());
  EXPECT_EQ(registry_->FindClientByPersonalCode(admin_, f).status().code(),
            absl::StatusCode::kNotFound);
  f.set_organization_id(org1.id());
  f.set_personal_code("49403136527");
  EXPECT_TRUE(
      IsInvalidArgumentFor(registry_->FindClientByPersonalCode(admin_, f), "personal_code"));
}

// ---------------------------------------------------------------------------
// Policy

TEST_F(RegistryTest, PrincipalWithoutRolesIsDeniedCreatesAndSeesNothing) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto cli = MakeClient(org.id(), prj.id(), "37605030299");
  auto cas = MakeCase(prj.id(), cli.id());
  auto before = DumpStore(base());

  v1::CreateOrganizationRequest co;
  co.mutable_organization()->set_name("x");
  EXPECT_EQ(registry_->CreateOrganization(nobody_, co).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::CreateProjectRequest cp;
  cp.mutable_project()->set_organization_id(org.id());
  cp.mutable_project()->set_name("x");
  EXPECT_EQ(registry_->CreateProject(nobody_, cp).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(registry_->CreateClient(nobody_, ClientRequest(org.id(), prj.id(), "")).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::CreateCaseRequest cc;
  cc.mutable_case_()->set_project_id(prj.id());
  cc.mutable_case_()->set_client_id(cli.id());
  cc.mutable_case_()->set_title("t");
  EXPECT_EQ(registry_->CreateCase(nobody_, cc).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(DumpStore(base()), before);

  // No role grants these actions: PERMISSION_DENIED, which reveals nothing
  // about the objects (it is the same for ids that do not exist).
  v1::GetOrganizationRequest go;
  go.set_id(org.id());
  EXPECT_EQ(registry_->GetOrganization(nobody_, go).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::GetProjectRequest gp;
  gp.set_id(prj.id());
  EXPECT_EQ(registry_->GetProject(nobody_, gp).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::GetClientRequest gc;
  gc.set_id(cli.id());
  EXPECT_EQ(registry_->GetClient(nobody_, gc).status().code(), absl::StatusCode::kPermissionDenied);
  v1::GetCaseRequest gcase;
  gcase.set_id(cas.id());
  EXPECT_EQ(registry_->GetCase(nobody_, gcase).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::FindClientByPersonalCodeRequest f;
  f.set_organization_id(org.id());
  f.set_personal_code("37605030299");
  EXPECT_EQ(registry_->FindClientByPersonalCode(nobody_, f).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListClientsRequest lc;
  lc.set_organization_id(org.id());
  EXPECT_EQ(registry_->ListClients(nobody_, lc).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListCasesRequest lcase;
  lcase.set_client_id(cli.id());
  EXPECT_EQ(registry_->ListCases(nobody_, lcase).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(registry_->ListOrganizations(nobody_, {}).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(RegistryTest, MissingObjectsAreNotFound) {
  MakeOrg();  // admin_ becomes head of an organisation: a role that reads clients
  v1::GetClientRequest gc;
  gc.set_id("cli_00000000000000000000000000");
  EXPECT_EQ(registry_->GetClient(admin_, gc).status().code(), absl::StatusCode::kNotFound);
  v1::GetCaseRequest gcase;
  gcase.set_id("cas_00000000000000000000000000");
  EXPECT_EQ(registry_->GetCase(admin_, gcase).status().code(), absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Pagination

TEST_F(RegistryTest, ListClientsPagesReturnEveryClientOnceInCreationOrder) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto other_org = MakeOrg("Other");
  auto other_prj = MakeProject(other_org.id());
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) {
    created.push_back(MakeClient(org.id(), prj.id()).id());
    MakeClient(other_org.id(), other_prj.id());  // must not show up
  }
  for (bool by_project : {false, true}) {
    std::vector<std::string> seen;
    std::vector<int> page_sizes;
    v1::ListClientsRequest req;
    if (by_project) {
      req.set_project_id(prj.id());
    } else {
      req.set_organization_id(org.id());
    }
    req.set_page_size(3);
    for (int pages = 0; pages < 10; ++pages) {
      auto resp = registry_->ListClients(admin_, req);
      HOIDLA_ASSERT_OK(resp);
      page_sizes.push_back(resp->clients_size());
      for (const auto& c : resp->clients()) seen.push_back(c.id());
      if (resp->next_page_token().empty()) break;
      req.set_page_token(resp->next_page_token());
    }
    EXPECT_EQ(seen, created) << "by_project=" << by_project;
    EXPECT_EQ(page_sizes, (std::vector<int>{3, 3, 1})) << "by_project=" << by_project;
  }
}

TEST_F(RegistryTest, ExactlyFullLastPageEndsWithEmptyToken) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  for (int i = 0; i < 6; ++i) MakeClient(org.id(), prj.id());
  v1::ListClientsRequest req;
  req.set_organization_id(org.id());
  req.set_page_size(3);
  auto first = registry_->ListClients(admin_, req);
  HOIDLA_ASSERT_OK(first);
  ASSERT_FALSE(first->next_page_token().empty());
  req.set_page_token(first->next_page_token());
  auto second = registry_->ListClients(admin_, req);
  HOIDLA_ASSERT_OK(second);
  EXPECT_EQ(second->clients_size(), 3);
  EXPECT_EQ(second->next_page_token(), "");
}

// ---------------------------------------------------------------------------
// Atomicity and confidentiality

TEST_F(RegistryTest, FailedWriteLeavesNothingPartialBehind) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  const auto before = DumpStore(base());

  faulty_.FailWritesAfter(0);
  Tick();
  auto c = registry_->CreateClient(admin_, ClientRequest(org.id(), prj.id(), "37605030299"));
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(DumpStore(base()), before) << "no index entry, key or record may remain";
  auto o = registry_->CreateOrganization(admin_, [] {
    v1::CreateOrganizationRequest r;
    r.mutable_organization()->set_name("x");
    return r;
  }());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(DumpStore(base()), before);

  // After healing the same client can be created (the code is not taken).
  faulty_.Heal();
  Tick();
  auto again = registry_->CreateClient(admin_, ClientRequest(org.id(), prj.id(), "37605030299"));
  HOIDLA_ASSERT_OK(again);
  v1::FindClientByPersonalCodeRequest f;
  f.set_organization_id(org.id());
  f.set_personal_code("37605030299");
  auto found = registry_->FindClientByPersonalCode(admin_, f);
  HOIDLA_ASSERT_OK(found);
  EXPECT_EQ(found->id(), again->id());
}

TEST_F(RegistryTest, FailedCaseWriteLeavesNothingPartialBehind) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto cli = MakeClient(org.id(), prj.id());
  const auto before = DumpStore(base());
  faulty_.FailWritesAfter(0);
  v1::CreateCaseRequest cc;
  cc.mutable_case_()->set_project_id(prj.id());
  cc.mutable_case_()->set_client_id(cli.id());
  cc.mutable_case_()->set_title("t");
  EXPECT_EQ(registry_->CreateCase(admin_, cc).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(RegistryTest, StoredBytesNeverHoldClientDataInPlaintext) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  const std::string given = "Kristiina-Zoë";
  const std::string family = "Põldmäe-Uustalu";
  const std::string code = "49403136526";
  const std::string case_title = "Võlanõustamine Põldmäe";
  Tick();
  auto cli =
      registry_->CreateClient(admin_, ClientRequest(org.id(), prj.id(), code, given, family));
  HOIDLA_ASSERT_OK(cli);
  MakeCase(prj.id(), cli->id(), case_title);
  // A client without a code: the reason is client data too.
  auto req = ClientRequest(org.id(), prj.id(), "", given, family);
  req.mutable_client()->set_no_personal_code_reason("Ukrainian refugee Tšernenko");
  HOIDLA_ASSERT_OK(registry_->CreateClient(admin_, req));

  const std::string needles[] = {given,     family,      code,     case_title,       "Kristiina",
                                 "Uustalu", "Tšernenko", "940313", keys::ToHex(code)};
  auto dump = DumpStore(base());
  ASSERT_FALSE(dump.empty());
  for (const auto& [where, value] : dump) {
    for (const auto& n : needles) {
      EXPECT_EQ(where.second.find(n), std::string::npos)
          << "key in space " << where.first << " holds \"" << n << "\"";
      EXPECT_EQ(value.find(n), std::string::npos)
          << "value of " << where.second << " in space " << where.first << " holds \"" << n << "\"";
    }
  }
}

TEST_F(RegistryTest, ClientRecordMovedToAnotherClientIsDataLoss) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto a = MakeClient(org.id(), prj.id(), "37605030299");
  auto b = MakeClient(org.id(), prj.id(), "49403136526");
  auto rec_a = base().Get(Space::kMeta, "cli/" + a.id());
  HOIDLA_ASSERT_OK(rec_a);
  ASSERT_TRUE(base_.Overwrite(Space::kMeta, "cli/" + b.id(), *rec_a));
  v1::GetClientRequest gc;
  gc.set_id(b.id());
  EXPECT_EQ(registry_->GetClient(admin_, gc).status().code(), absl::StatusCode::kDataLoss);
  // And a case record moved onto another case.
  auto ca = MakeCase(prj.id(), a.id());
  auto cb = MakeCase(prj.id(), a.id());
  auto rec_ca = base().Get(Space::kMeta, "cas/" + ca.id());
  HOIDLA_ASSERT_OK(rec_ca);
  ASSERT_TRUE(base_.Overwrite(Space::kMeta, "cas/" + cb.id(), *rec_ca));
  v1::GetCaseRequest gcase;
  gcase.set_id(cb.id());
  EXPECT_EQ(registry_->GetCase(admin_, gcase).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(RegistryTest, ErasedClientIsNoLongerReadable) {
  auto org = MakeOrg();
  auto prj = MakeProject(org.id());
  auto a = MakeClient(org.id(), prj.id(), "37605030299");
  HOIDLA_ASSERT_OK(keyring_->DestroySubjectKey(a.id()));
  v1::GetClientRequest gc;
  gc.set_id(a.id());
  EXPECT_EQ(registry_->GetClient(admin_, gc).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hoidla::core
