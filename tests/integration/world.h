// A world for attack tests over a real server on a loopback port:
// organisation A (two heads, projects P1 and P2, a person in every role,
// a service account acting for users), partner organisation B with its
// head and a partner worker, the marked client C (a document and a record
// holding a marker) in P1 and client D in P2, and a data subject signed in
// as D. Every person signs in through a test identity provider; grants
// after a head follow four eyes. Test code only; not thread-safe.
#ifndef HOIDLA_TESTS_INTEGRATION_WORLD_H_
#define HOIDLA_TESTS_INTEGRATION_WORLD_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "base/strings.h"
#include "keys/crypto.h"
#include "keys/master.h"
#include "tests/integration/api_stub.h"
#include "tests/integration/enrol.h"
#include "tests/integration/streams.h"
#include "tests/integration/test_support.h"
#include "vault/server/config.h"
#include "vault/server/server.h"
#include "vault/storage/rocksdb_store.h"

namespace hoidla::testing {

using Stub = testing::ApiStub;
inline constexpr char kCitizens[] = "https://citizens.test";

// A valid isikukood (1985-03-15, male) with serial `serial` (0-999).
inline std::string PersonalCode(int serial) {
  std::string code =
      StrCat("3850315", static_cast<char>('0' + serial / 100),
             static_cast<char>('0' + serial / 10 % 10), static_cast<char>('0' + serial % 10));
  static const int kW1[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1};
  static const int kW2[] = {3, 4, 5, 6, 7, 8, 9, 1, 2, 3};
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += (code[i] - '0') * kW1[i];
  int check = sum % 11;
  if (check == 10) {
    sum = 0;
    for (int i = 0; i < 10; ++i) sum += (code[i] - '0') * kW2[i];
    check = sum % 11;
    if (check == 10) check = 0;
  }
  return StrCat(code, static_cast<char>('0' + check));
}

// A credential the attacker holds: a token, optionally used to act for a
// user.
struct Credential {
  std::string token;
  std::string act_for;
  bool operator<(const Credential& o) const {
    return std::tie(token, act_for) < std::tie(o.token, o.act_for);
  }
};

class World : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(keys::InitCrypto().ok());
    testing::WriteFileOrDie(jwks_path(), idp_.jwks());
    service::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = StrCat(dir_.path(), "/data");
    config.reflection = false;
    config.subject_idp_issuer = kCitizens;
    config.subject_idp_audience = "hoidla";
    config.subject_idp_jwks_file = jwks_path();
    // The world's RocksDB is opened here, so that tests can play someone
    // with write access to the data folder.
    auto store = storage::RocksDbStore::Open(StrCat(dir_.path(), "/kv"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto server = service::VaultServer::Start(config, master_.Clone(), keys::MasterKeyMode::kDev,
                                              store_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    admin_ = *server_->bootstrap_token();
    stub_ = std::make_unique<testing::ApiStub>(grpc::CreateChannel(
        StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
    enrol_ = std::make_unique<testing::Enrolment>(stub_.get(), admin_, &idp_);
    Build();
  }

  std::string jwks_path() const { return StrCat(dir_.path(), "/citizens.jwks"); }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
                    const Credential& c, const Req& req, Resp* resp,
                    const std::string& purpose = "") {
    grpc::ClientContext ctx;
    if (!c.token.empty()) ctx.AddMetadata("authorization", StrCat("Bearer ", c.token));
    if (!c.act_for.empty()) ctx.AddMetadata("x-hoidla-act-for", c.act_for);
    if (!purpose.empty()) ctx.AddMetadata("x-hoidla-purpose", purpose);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return (stub_.get()->*rpc)(&ctx, req, resp);
  }
  // ExportSubjectData as `c` (all parts merged).
  grpc::Status ExportSubject(const Credential& c, const v1::ExportSubjectDataRequest& req,
                             v1::SubjectDataExport* out, const std::string& purpose = "") {
    grpc::ClientContext ctx;
    if (!c.token.empty()) ctx.AddMetadata("authorization", StrCat("Bearer ", c.token));
    if (!c.act_for.empty()) ctx.AddMetadata("x-hoidla-act-for", c.act_for);
    if (!purpose.empty()) ctx.AddMetadata("x-hoidla-purpose", purpose);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return ReadMerged(stub_->ExportSubjectData(&ctx, req), out);
  }
  template <typename Req, typename Resp>
  Resp Must(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
            const std::string& token, const Req& req) {
    Resp resp;
    grpc::Status s = Call(rpc, {token, ""}, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  std::string NewOrg(const std::string& name) {
    v1::CreateOrganizationRequest req;
    req.mutable_organization()->set_name(name);
    std::string id = Must(&Stub::CreateOrganization, admin_, req).id();
    enrol_->TrustIdentityProvider(id);
    orgs_.push_back(id);
    return id;
  }
  std::string NewProject(const std::string& org) {
    v1::CreateProjectRequest req;
    req.mutable_project()->set_organization_id(org);
    req.mutable_project()->set_name(StrCat("project ", projects_.size()));
    // Every project of the world is an intake (partners' reports are
    // explored).
    req.mutable_project()->set_accepts_concern_reports(true);
    std::string id = Must(&Stub::CreateProject, admin_, req).id();
    projects_[id] = org;
    return id;
  }
  std::string NewPerson(const std::string& org, v1::PrincipalKind kind, const std::string& role,
                        const std::string& role_org, const std::string& project,
                        bool act_for = false) {
    v1::CreatePrincipalRequest req;
    req.mutable_principal()->set_display_name(StrCat("person ", principals_.size()));
    req.mutable_principal()->set_kind(kind);
    req.mutable_principal()->set_organization_id(org);
    std::string id = Must(&Stub::CreatePrincipal, admin_, req).id();
    principals_.push_back(id);
    if (!role.empty()) enrol_->Grant(id, role, role_org, project);
    if (act_for) {
      v1::CreateGrantRequestRequest g;
      g.mutable_grant_request()->mutable_act_for()->set_principal_id(id);
      auto created = Must(&Stub::CreateGrantRequest, admin_, g);
      v1::ApproveGrantRequestRequest a;
      a.set_id(created.grant_request().id());
      Must(&Stub::ApproveGrantRequest, enrol_->ApproverFor(org, ""), a);
    }
    return id;
  }

  // The world: organisation A (two heads, projects P1 and P2, every role,
  // a service account that acts for users), partner organisation B, and
  // the marked client C in P1 with a second, unmarked client D.
  void Build() {
    org_a_ = NewOrg("A");
    org_b_ = NewOrg("B");
    p1_ = NewProject(org_a_);
    p2_ = NewProject(org_a_);
    q1_ = NewProject(org_b_);
    const auto kStaff = v1::PRINCIPAL_KIND_STAFF;
    head_ = NewPerson(org_a_, kStaff, "head_of_organization", org_a_, "");
    head2_ = NewPerson(org_a_, kStaff, "head_of_organization", org_a_, "");
    head_b_ = NewPerson(org_b_, kStaff, "head_of_organization", org_b_, "");
    roles_["admin"] = {admin_, ""};
    roles_["head"] = {enrol_->Login(head_), ""};
    roles_["pm"] = {Login(NewPerson(org_a_, kStaff, "project_manager", org_a_, p1_)), ""};
    pm_id_ = principals_.back();
    roles_["case_worker"] = {Login(NewPerson(org_a_, kStaff, "case_worker", org_a_, p1_)), ""};
    cw_id_ = principals_.back();
    roles_["case_worker_p2"] = {Login(NewPerson(org_a_, kStaff, "case_worker", org_a_, p2_)), ""};
    roles_["pm_p2"] = {Login(NewPerson(org_a_, kStaff, "project_manager", org_a_, p2_)), ""};
    roles_["service_provider"] = {Login(NewPerson(org_a_, kStaff, "service_provider", org_a_, p1_)),
                                  ""};
    roles_["partner"] = {
        Login(NewPerson(org_b_, v1::PRINCIPAL_KIND_PARTNER_WORKER, "partner_worker", org_b_, "")),
        ""};
    partner_id_ = principals_.back();
    roles_["auditor"] = {Login(NewPerson(org_a_, kStaff, "auditor", org_a_, "")), ""};
    roles_["dpo"] = {Login(NewPerson(org_a_, kStaff, "data_protection_officer", org_a_, "")), ""};
    // A service account of A acting for users (approved by a head); its
    // token is approved too.
    sa_ = NewPerson(org_a_, v1::PRINCIPAL_KIND_SERVICE_ACCOUNT, "", "", "",
                    /*act_for=*/true);
    {
      v1::CreateGrantRequestRequest g;
      g.mutable_grant_request()->mutable_service_token()->set_principal_id(sa_);
      g.mutable_grant_request()->mutable_service_token()->set_ttl_seconds(3600);
      auto created = Must(&Stub::CreateGrantRequest, admin_, g);
      v1::ApproveGrantRequestRequest a;
      a.set_id(created.grant_request().id());
      Must(&Stub::ApproveGrantRequest, roles_["head"].token, a);
      roles_["service_account"] = {created.token(), ""};
    }
    // Clients: C (marked) with an unassigned case in P1; D in P2.
    code_c_ = PersonalCode(1);
    code_d_ = PersonalCode(2);
    client_c_ = NewClient(p1_, code_c_);
    client_d_ = NewClient(p2_, code_d_);
    v1::CreateCaseRequest cr;
    cr.mutable_case_()->set_project_id(p1_);
    cr.mutable_case_()->set_client_id(client_c_);
    cr.mutable_case_()->set_title("case");
    case_c_ = Must(&Stub::CreateCase, roles_["head"].token, cr).id();
    cr.mutable_case_()->set_project_id(p2_);
    cr.mutable_case_()->set_client_id(client_d_);
    case_d_ = Must(&Stub::CreateCase, roles_["head"].token, cr).id();
    doc_c_ = Upload(roles_["head"].token, p1_, client_c_, case_c_);
    v1::CreateRecordRequest rr;
    rr.mutable_record()->set_case_id(case_c_);
    auto* d = rr.mutable_record()->mutable_content()->mutable_initial_decision();
    d->set_client_name("Mari");
    d->set_needs(marker_);
    auto* act = d->add_actions();
    act->set_action("counselling");
    act->mutable_scheduled_on()->set_year(2026);
    act->mutable_scheduled_on()->set_month(12);
    act->mutable_scheduled_on()->set_day(1);
    act->set_provider("case manager");
    d->mutable_decided_on()->set_year(2026);
    d->mutable_decided_on()->set_month(1);
    d->mutable_decided_on()->set_day(5);
    record_c_ = Must(&Stub::CreateRecord, roles_["head"].token, rr).id();
    // The data subject D (not C) signed in through the citizens' provider.
    v1::ExchangeIdTokenRequest x;
    x.set_id_token(idp_.Token(kCitizens, StrCat("EE", code_d_)));
    v1::IssueTokenResponse subject;
    ASSERT_TRUE(Call(&Stub::ExchangeIdToken, {}, x, &subject).ok());
    roles_["data_subject_of_another_client"] = {subject.token(), ""};
  }
  std::string Login(const std::string& id) { return enrol_->Login(id); }
  std::string NewClient(const std::string& project, const std::string& code) {
    v1::CreateClientRequest req;
    req.mutable_client()->set_organization_id(org_a_);
    req.mutable_client()->add_project_ids(project);
    req.mutable_client()->set_given_name("Mari");
    req.mutable_client()->set_family_name("Maasikas");
    req.mutable_client()->set_personal_code(code);
    return Must(&Stub::CreateClient, roles_["head"].token, req).id();
  }
  std::string Upload(const std::string& token, const std::string& project,
                     const std::string& client, const std::string& kase) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", StrCat("Bearer ", token));
    v1::Document out;
    auto writer = stub_->UploadDocument(&ctx, &out);
    v1::UploadDocumentRequest msg;
    auto* h = msg.mutable_header();
    h->set_project_id(project);
    h->set_client_id(client);
    h->set_case_id(kase);
    h->set_title("notes");
    h->set_kind("case_plan");
    h->set_content_type("text/plain");
    writer->Write(msg);
    msg.Clear();
    msg.set_data(marker_);
    writer->Write(msg);
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.id();
  }

  testing::TempDir dir_;
  keys::SecureBuffer master_ = keys::NewKey();
  std::unique_ptr<storage::RocksDbStore> store_;
  testing::TestIdentityProvider idp_, attacker_idp_;
  std::unique_ptr<service::VaultServer> server_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<testing::Enrolment> enrol_;
  std::string admin_;
  std::string marker_ = StrCat("MARKER-", keys::ToHex(keys::RandomString(8)));
  std::string ca_pem_;
  std::vector<std::string> orgs_, principals_, breaches_;
  std::map<std::string, std::string> projects_;
  std::map<std::string, Credential> roles_;
  std::set<std::string> disclosed_by_;
  std::string org_a_, org_b_, p1_, p2_, q1_, head_, head2_, head_b_, pm_id_, cw_id_, partner_id_,
      sa_;
  std::string code_c_, code_d_, client_c_, client_d_, case_c_, case_d_, doc_c_, record_c_;
};

}  // namespace hoidla::testing

#endif  // HOIDLA_TESTS_INTEGRATION_WORLD_H_
