// The conventions every service of hoidla.v1 follows (doc/api.md), shown
// against a real vault over loopback: structured error details, page
// tokens bound to their list, output-only fields ignored on input, and one
// health status per service.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/escaping.h"
#include "base/strings.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "hoidla/v1/errors.pb.h"
#include "tests/integration/api_stub.h"
#include "tests/integration/world.h"
#include "vault/rpc/services.h"

namespace hoidla {
namespace {

using testing::Stub;

// The ErrorDetail a failed call carries, or a detail with reason "-" when
// the trailer is missing or malformed.
v1::ErrorDetail DetailOf(const grpc::Status& s) {
  v1::ErrorDetail none;
  none.set_reason("-");
  v1::RpcStatus status;
  if (!status.ParseFromString(s.error_details()) || status.details_size() != 1) return none;
  v1::ErrorDetail detail;
  if (!status.details(0).UnpackTo(&detail)) return none;
  if (status.code() != static_cast<int>(s.error_code()) || status.message() != s.error_message()) {
    return none;
  }
  return detail;
}

class ApiConventions : public testing::World {};

TEST_F(ApiConventions, ABadFieldCarriesReasonInvalidFieldAndItsPath) {
  v1::GetCaseRequest req;
  req.set_id("not-an-id");
  v1::Case out;
  grpc::Status s = Call(&Stub::GetCase, roles_["head"], req, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const v1::ErrorDetail d = DetailOf(s);
  EXPECT_EQ(d.reason(), "INVALID_FIELD");
  EXPECT_EQ(d.field(), "id");
  EXPECT_EQ(d.domain(), "hoidla.v1");
}

TEST_F(ApiConventions, AnObjectTheCallerMayNotSeeIsNotFoundWithTheSameDetailsAsNone) {
  v1::GetCaseRequest other;
  other.set_id(case_c_);
  v1::GetCaseRequest none;
  none.set_id("cas_01hq3v0000000000000000000z");
  v1::Case out;
  grpc::Status a = Call(&Stub::GetCase, roles_["case_worker_p2"], other, &out);
  grpc::Status b = Call(&Stub::GetCase, roles_["case_worker_p2"], none, &out);
  ASSERT_EQ(a.error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_EQ(b.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(a.error_message(), b.error_message());
  EXPECT_EQ(a.error_details(), b.error_details());
  EXPECT_EQ(DetailOf(a).reason(), "NOT_FOUND");
  EXPECT_EQ(DetailOf(a).field(), DetailOf(b).field());
}

TEST_F(ApiConventions, AGrantNeedingASecondPersonSaysNeedsApproval) {
  v1::AddMembershipRequest req;
  req.set_id(cw_id_);
  req.mutable_membership()->set_role("project_manager");
  req.mutable_membership()->set_organization_id(org_a_);
  req.mutable_membership()->set_project_id(p2_);
  v1::Principal out;
  grpc::Status s = Call(&Stub::AddMembership, roles_["head"], req, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_EQ(DetailOf(s).reason(), "NEEDS_APPROVAL");
  EXPECT_EQ(DetailOf(s).field(), "membership");
}

TEST_F(ApiConventions, AClosedCaseSaysCaseClosedAndAVersionConflictSaysSo) {
  v1::CloseCaseRequest close;
  close.set_id(case_d_);
  close.set_reason(v1::CLOSING_REASON_GOALS_MET);
  v1::Case c;
  ASSERT_TRUE(Call(&Stub::CloseCase, roles_["head"], close, &c).ok());
  grpc::Status again = Call(&Stub::CloseCase, roles_["head"], close, &c);
  ASSERT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DetailOf(again).reason(), "FAILED_PRECONDITION");
  v1::UpdateCaseNetworkRequest net;
  net.set_id(case_d_);
  net.add_add_member_ids(partner_id_);
  grpc::Status closed = Call(&Stub::UpdateCaseNetwork, roles_["head"], net, &c);
  ASSERT_EQ(closed.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << closed.error_message();
  EXPECT_EQ(DetailOf(closed).reason(), "CASE_CLOSED");
  EXPECT_EQ(DetailOf(closed).field(), "id");

  v1::GetRecordRequest get;
  get.set_id(record_c_);
  v1::Record rec;
  ASSERT_TRUE(Call(&Stub::GetRecord, roles_["head"], get, &rec).ok());
  v1::UpdateRecordRequest upd;
  upd.set_id(record_c_);
  upd.set_expected_version(rec.version() + 1);
  *upd.mutable_content() = rec.content();
  v1::Record out;
  grpc::Status conflict = Call(&Stub::UpdateRecord, roles_["head"], upd, &out);
  ASSERT_EQ(conflict.error_code(), grpc::StatusCode::ABORTED) << conflict.error_message();
  EXPECT_EQ(DetailOf(conflict).reason(), "VERSION_CONFLICT");
  EXPECT_EQ(DetailOf(conflict).field(), "expected_version");
}

TEST_F(ApiConventions, UnauthenticatedCallsCarryDetailsToo) {
  v1::GetCaseRequest req;
  req.set_id(case_c_);
  v1::Case out;
  grpc::Status s = Call(&Stub::GetCase, {"", ""}, req, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(DetailOf(s).reason(), "UNAUTHENTICATED");
  EXPECT_EQ(DetailOf(s).field(), "");
}

TEST_F(ApiConventions, APageTokenIsOpaqueAndWorksOnlyForItsOwnList) {
  // Organisation A has clients C and D: one per page.
  v1::ListClientsRequest first;
  first.set_organization_id(org_a_);
  first.set_page_size(1);
  v1::ListClientsResponse page1;
  ASSERT_TRUE(Call(&Stub::ListClients, roles_["head"], first, &page1).ok());
  ASSERT_EQ(page1.clients_size(), 1);
  ASSERT_FALSE(page1.next_page_token().empty());
  // Opaque, even decoded: the position (an id the list stopped at, which
  // may be one the caller was not shown) is encrypted.
  EXPECT_EQ(page1.next_page_token().find("cli_"), std::string::npos);
  std::string decoded;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(page1.next_page_token(), &decoded));
  EXPECT_EQ(decoded.find("cli_"), std::string::npos);

  // The same filter continues, with any page size.
  v1::ListClientsRequest next = first;
  next.set_page_token(page1.next_page_token());
  next.set_page_size(10);
  v1::ListClientsResponse page2;
  grpc::Status ok = Call(&Stub::ListClients, roles_["head"], next, &page2);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  ASSERT_GE(page2.clients_size(), 1);
  EXPECT_NE(page2.clients(0).id(), page1.clients(0).id());

  // Another filter with the same token is refused before anything is read.
  v1::ListClientsRequest other = next;
  other.set_project_id(p1_);
  v1::ListClientsResponse out;
  grpc::Status changed = Call(&Stub::ListClients, roles_["head"], other, &out);
  ASSERT_EQ(changed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(changed.error_message().starts_with("page_token: ")) << changed.error_message();
  EXPECT_EQ(DetailOf(changed).reason(), "PAGE_TOKEN_MISMATCH");
  EXPECT_EQ(DetailOf(changed).field(), "page_token");
  v1::ListClientsRequest named = next;
  named.set_name("Mari");
  EXPECT_EQ(Call(&Stub::ListClients, roles_["head"], named, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Another caller with the same list and token is refused.
  grpc::Status someone_else = Call(&Stub::ListClients, roles_["case_worker"], next, &out);
  EXPECT_EQ(someone_else.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << someone_else.error_message();
  EXPECT_EQ(DetailOf(someone_else).reason(), "PAGE_TOKEN_MISMATCH");

  // Another list's method with the same token is refused.
  v1::ListProjectsRequest projects;
  projects.set_organization_id(org_a_);
  projects.set_page_token(page1.next_page_token());
  v1::ListProjectsResponse pout;
  grpc::Status elsewhere = Call(&Stub::ListProjects, roles_["head"], projects, &pout);
  EXPECT_EQ(elsewhere.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailOf(elsewhere).reason(), "PAGE_TOKEN_MISMATCH");

  // A position written by hand, or a token changed by one character, is not one.
  for (std::string forged : {page1.clients(0).id(), std::string("x"), page1.next_page_token()}) {
    if (forged == page1.next_page_token()) forged[forged.size() / 2] ^= 1;
    v1::ListClientsRequest bad = first;
    bad.set_page_token(forged);
    grpc::Status s = Call(&Stub::ListClients, roles_["head"], bad, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << forged;
    EXPECT_EQ(DetailOf(s).reason(), "PAGE_TOKEN_MISMATCH") << forged;
  }
}

TEST_F(ApiConventions, OutputOnlyFieldsAreIgnoredOnInput) {
  // A project read back and sent again as a new one: its id, times and
  // creator are the vault's, never the caller's.
  v1::CreateProjectRequest req;
  auto* p = req.mutable_project();
  p->set_organization_id(org_a_);
  p->set_name("sent back");
  p->set_id(p1_);
  p->set_created_by("prn_01hq3v0000000000000000000z");
  p->mutable_created_at()->set_seconds(1);
  v1::Project made;
  grpc::Status s = Call(&Stub::CreateProject, roles_["admin"], req, &made);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(made.id(), p1_);
  EXPECT_NE(made.created_by(), "prn_01hq3v0000000000000000000z");
  EXPECT_GT(made.created_at().seconds(), 1);

  // Nested too: a case sent with events, status and network members.
  const std::string fresh = NewClient(p2_, testing::PersonalCode(3));
  v1::CreateCaseRequest cr;
  auto* k = cr.mutable_case_();
  k->set_project_id(p2_);
  k->set_client_id(fresh);
  k->set_title("sent back");
  k->set_status(v1::CASE_STATUS_CLOSED);
  k->add_network_member_ids(partner_id_);
  k->add_events()->set_note("forged");
  v1::Case kase;
  s = Call(&Stub::CreateCase, roles_["head"], cr, &kase);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(kase.status(), v1::CASE_STATUS_OPEN);
  EXPECT_EQ(kase.events_size(), 0);
  EXPECT_EQ(kase.network_member_ids_size(), 0);
}

TEST_F(ApiConventions, ARequesterCannotWriteTheDecisionNoteOfTheirOwnRequest) {
  v1::CreateGrantRequestRequest req;
  auto* g = req.mutable_grant_request();
  g->set_organization_id(org_a_);
  g->set_justification("needs access");
  g->set_decision_note("Approved by the head: routine");
  auto* m = g->mutable_membership();
  m->set_principal_id(cw_id_);
  m->mutable_membership()->set_role("project_manager");
  m->mutable_membership()->set_organization_id(org_a_);
  m->mutable_membership()->set_project_id(p2_);
  v1::CreateGrantRequestResponse made;
  grpc::Status s = Call(&Stub::CreateGrantRequest, roles_["head"], req, &made);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(made.grant_request().decision_note(), "");
  v1::GetGrantRequestRequest get;
  get.set_id(made.grant_request().id());
  v1::GrantRequest stored;
  ASSERT_TRUE(Call(&Stub::GetGrantRequest, roles_["head"], get, &stored).ok());
  EXPECT_EQ(stored.decision_note(), "");
}

TEST_F(ApiConventions, HealthAnswersForEveryService) {
  auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
  for (const std::string& name : service::ServiceNames()) {
    grpc::ClientContext ctx;
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(name);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = health->Check(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << name << ": " << s.error_message();
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING) << name;
  }
  EXPECT_EQ(testing::ApiMethods().size(), 92u);
}

}  // namespace
}  // namespace hoidla
