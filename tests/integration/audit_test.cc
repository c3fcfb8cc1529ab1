// The audit log in a running server: fail closed when it cannot be written,
// and what an entry says about a call.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "base/strings.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "keys/crypto.h"
#include "keys/signed_note.h"
#include "tests/fakes/fault_injecting_store.h"
#include "tests/integration/api_stub.h"
#include "tests/integration/enrol.h"
#include "tests/integration/test_support.h"
#include "vault/audit/audit_log.h"
#include "vault/audit/bundle.h"
#include "vault/audit/checkpoints.h"
#include "vault/audit/merkle.h"
#include "vault/server/server.h"
#include "vault/storage/memory_store.h"

namespace hoidla {
namespace {

namespace v1 = ::hoidla::v1;
using grpc::health::v1::HealthCheckResponse;

// The deployment's public identity provider for data subjects.
constexpr char kCitizens[] = "https://citizens.test";

class AuditedServer : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(keys::InitCrypto().ok());
    const std::string jwks = dir_.path() + "/citizens.jwks";
    testing::WriteFileOrDie(jwks, idp_.jwks());
    service::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = dir_.path() + "/data";
    config.subject_idp_issuer = kCitizens;
    config.subject_idp_audience = "hoidla";
    config.subject_idp_jwks_file = jwks;
    auto s =
        service::VaultServer::Start(config, keys::NewKey(), keys::MasterKeyMode::kDev, &faulty_);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
    admin_ = *server_->bootstrap_token();
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                       grpc::InsecureChannelCredentials());
    stub_ = std::make_unique<testing::ApiStub>(channel);
    health_ = grpc::health::v1::Health::NewStub(channel);
    enrol_ = std::make_unique<testing::Enrolment>(stub_.get(), admin_, &idp_);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::seconds(2));
  }

  grpc::Status CreateOrg(const std::string& name, v1::Organization* out) {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + admin_);
    v1::CreateOrganizationRequest r;
    r.mutable_organization()->set_name(name);
    return stub_->CreateOrganization(&c, r, out);
  }
  grpc::Status GetOrg(const std::string& id) {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + admin_);
    v1::GetOrganizationRequest r;
    r.set_id(id);
    v1::Organization out;
    return stub_->GetOrganization(&c, r, &out);
  }
  HealthCheckResponse::ServingStatus Health() {
    grpc::ClientContext c;
    grpc::health::v1::HealthCheckRequest r;
    HealthCheckResponse out;
    if (!health_->Check(&c, r, &out).ok()) return HealthCheckResponse::UNKNOWN;
    return out.status();
  }
  audit::Entry Last() {
    auto* log = server_->audit_log();
    auto e = log->Get(log->size() - 1);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : audit::Entry();
  }

  testing::TempDir dir_;
  testing::TestIdentityProvider idp_;
  storage::MemoryStore memory_;
  storage::FaultInjectingStore faulty_{&memory_};
  std::unique_ptr<service::VaultServer> server_;
  std::string admin_;
  std::unique_ptr<testing::ApiStub> stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  std::unique_ptr<testing::Enrolment> enrol_;
};

TEST_F(AuditedServer, UnwritableLogRefusesCallsReportsNotServingAndRecovers) {
  v1::Organization org;
  ASSERT_TRUE(CreateOrg("Enne", &org).ok());
  EXPECT_EQ(Health(), HealthCheckResponse::SERVING);
  const uint64_t size_before = server_->audit_log()->size();

  faulty_.FailWritesAfter(0);
  v1::Organization lost;
  // A write is refused and leaves nothing; a read is not served unaudited.
  EXPECT_EQ(CreateOrg("Ajal", &lost).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(GetOrg(org.id()).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Health(), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(server_->audit_log()->size(), size_before);

  faulty_.Heal();
  // The prober notices within a few seconds.
  for (int i = 0; i < 50 && Health() != HealthCheckResponse::SERVING; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(Health(), HealthCheckResponse::SERVING);
  EXPECT_TRUE(GetOrg(org.id()).ok());
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + admin_);
  v1::ListOrganizationsResponse all;
  ASSERT_TRUE(stub_->ListOrganizations(&c, v1::ListOrganizationsRequest(), &all).ok());
  EXPECT_EQ(all.organizations_size(), 1) << "the refused write left nothing";
  EXPECT_EQ(server_->audit_log()->size(), size_before + 2);
}

TEST_F(AuditedServer, AnEntryNamesCallerActionTargetDecisionAndOutcomeButNoContent) {
  v1::Organization org;
  ASSERT_TRUE(CreateOrg("Tugikeskus Päikesekiir", &org).ok());
  audit::Entry created = Last();
  EXPECT_EQ(created.method(), "CreateOrganization");
  EXPECT_EQ(created.action(), "write_organization");
  EXPECT_TRUE(created.allowed());
  EXPECT_EQ(created.reason(), "role:system_administrator");
  EXPECT_EQ(created.status(), "OK");
  EXPECT_FALSE(created.actor().empty());
  EXPECT_FALSE(created.request_id().empty());
  EXPECT_FALSE(created.peer().empty());
  EXPECT_EQ(created.SerializeAsString().find("Päikesekiir"), std::string::npos)
      << "no names in the log";

  ASSERT_TRUE(GetOrg(org.id()).ok());
  audit::Entry read = Last();
  EXPECT_EQ(read.method(), "GetOrganization");
  EXPECT_EQ(read.action(), "read_organization");
  EXPECT_EQ(read.organization_id(), org.id());
  EXPECT_EQ(read.seq(), created.seq() + 1);
  EXPECT_GE(read.time_micros(), created.time_micros());
}

TEST_F(AuditedServer, SignedCheckpointsAndProofsVerifyWithTheExportedKeyAlone) {
  auto call = [&](auto method, const auto& req, auto* resp) {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + admin_);
    return ((*stub_).*method)(&c, req, resp);
  };
  v1::AuditPublicKeys keys;
  ASSERT_TRUE(
      call(&testing::ApiStub::GetAuditPublicKeys, v1::GetAuditPublicKeysRequest(), &keys).ok());
  ASSERT_EQ(keys.verifier_keys_size(), 1);
  auto verifier = keys::ParseVerifierKey(keys.verifier_keys(0));
  ASSERT_TRUE(verifier.ok()) << verifier.status();

  // Everything below uses only the notes, the proofs and the public key.
  auto checkpoint = [&]() -> audit::TreeHead {
    v1::GetCheckpointRequest req;
    req.set_fresh(true);
    v1::Checkpoint cp;
    EXPECT_TRUE(call(&testing::ApiStub::GetCheckpoint, req, &cp).ok());
    auto text = keys::OpenNote(cp.note(), *verifier);
    EXPECT_TRUE(text.ok()) << text.status();
    auto head = audit::ParseCheckpointBody(text.ok() ? *text : "", keys.origin());
    EXPECT_TRUE(head.ok()) << head.status();
    return head.ok() ? *head : audit::TreeHead();
  };
  audit::TreeHead a = checkpoint();
  v1::Organization org;
  ASSERT_TRUE(CreateOrg("Kolmas", &org).ok());
  ASSERT_TRUE(GetOrg(org.id()).ok());
  audit::TreeHead b = checkpoint();
  ASSERT_GT(b.size, a.size);

  v1::GetConsistencyProofRequest creq;
  creq.set_old_size(a.size);
  creq.set_new_size(b.size);
  v1::ConsistencyProof cproof;
  ASSERT_TRUE(call(&testing::ApiStub::GetConsistencyProof, creq, &cproof).ok());
  std::vector<std::string> chashes(cproof.hashes().begin(), cproof.hashes().end());
  EXPECT_TRUE(audit::VerifyConsistency(a.size, b.size, a.root, b.root, chashes).ok());

  v1::GetInclusionProofRequest ireq;
  ireq.set_seq(b.size - 2);
  ireq.set_tree_size(b.size);
  v1::InclusionProof iproof;
  ASSERT_TRUE(call(&testing::ApiStub::GetInclusionProof, ireq, &iproof).ok());
  std::vector<std::string> ihashes(iproof.hashes().begin(), iproof.hashes().end());
  EXPECT_TRUE(
      audit::VerifyInclusion(audit::LeafHash(iproof.entry()), ireq.seq(), b.size, ihashes, b.root)
          .ok());
  audit::Entry entry;
  ASSERT_TRUE(entry.ParseFromString(iproof.entry()));
  EXPECT_EQ(entry.seq(), ireq.seq());
  // An altered entry does not verify.
  std::string altered = iproof.entry();
  altered[altered.size() / 2] ^= 0x01;
  EXPECT_EQ(
      audit::VerifyInclusion(audit::LeafHash(altered), ireq.seq(), b.size, ihashes, b.root).code(),
      absl::StatusCode::kDataLoss);
}

// Exports the whole log under the newest signed checkpoint, as one bundle.
v1::AuditBundle Export(testing::ApiStub* stub, const std::string& token) {
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + token);
  auto reader = stub->ExportAudit(&c, v1::ExportAuditRequest());
  std::string bytes;
  v1::AuditBundle part;
  while (reader->Read(&part)) bytes += part.SerializeAsString();
  EXPECT_TRUE(reader->Finish().ok());
  v1::AuditBundle bundle;
  EXPECT_TRUE(bundle.ParseFromString(bytes));
  return bundle;
}

TEST_F(AuditedServer, VerifyingAnExportNamesEveryKindOfTamperingWithStoredEntries) {
  for (int i = 0; i < 12; ++i) {
    v1::Organization org;
    ASSERT_TRUE(CreateOrg("Org " + std::to_string(i), &org).ok());
  }
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + admin_);
  v1::GetCheckpointRequest fresh;
  fresh.set_fresh(true);
  v1::Checkpoint cp;
  ASSERT_TRUE(stub_->GetCheckpoint(&c, fresh, &cp).ok());
  const uint64_t n = cp.tree_size();
  ASSERT_GE(n, 12u);
  v1::AuditPublicKeys keys;
  {
    grpc::ClientContext k;
    k.AddMetadata("authorization", "Bearer " + admin_);
    ASSERT_TRUE(stub_->GetAuditPublicKeys(&k, v1::GetAuditPublicKeysRequest(), &keys).ok());
  }
  auto verifier = keys::ParseVerifierKey(keys.verifier_keys(0));
  ASSERT_TRUE(verifier.ok());
  storage::KvStore& kv = memory_;
  auto raw = [&](uint64_t seq) {
    return *kv.Get(storage::Space::kAudit, audit::AuditLog::EntryKey(seq));
  };
  auto put = [&](uint64_t seq, const std::string& bytes) {
    storage::WriteBatch b;
    b.Put(storage::Space::kAudit, audit::AuditLog::EntryKey(seq), bytes);
    ASSERT_TRUE(kv.Write(b).ok());
  };
  auto del = [&](uint64_t seq) {
    storage::WriteBatch b;
    b.Delete(storage::Space::kAudit, audit::AuditLog::EntryKey(seq));
    ASSERT_TRUE(kv.Write(b).ok());
  };
  std::vector<std::string> original;
  for (uint64_t i = 0; i < n; ++i) original.push_back(raw(i));
  auto restore = [&] {
    for (uint64_t i = 0; i < n; ++i) put(i, original[i]);
  };
  auto verdict = [&]() -> std::string {
    auto report = audit::VerifyBundle(Export(stub_.get(), admin_), *verifier);
    return report.ok() ? "ok" : std::string(report.status().message());
  };

  EXPECT_EQ(verdict(), "ok");

  audit::Entry e;
  ASSERT_TRUE(e.ParseFromString(original[5]));
  e.set_actor("prn_someone_else");  // change a field
  put(5, e.SerializeAsString());
  EXPECT_EQ(verdict(), "entry 5: altered or inserted");
  restore();

  del(7);  // delete one
  EXPECT_EQ(verdict(), "entry 7: missing");
  restore();

  put(3, original[4]);  // swap two
  put(4, original[3]);
  EXPECT_EQ(verdict(), "entry 3: out of order (holds entry 4)");
  restore();

  del(n - 1);  // truncate the tail
  del(n - 2);
  EXPECT_EQ(verdict(), StrCat("entries from ", n - 2, ": missing (tail cut)"));
  restore();

  audit::Entry forged;  // insert one at 9, shifting the rest
  forged.set_seq(9);
  forged.set_method("GetClient");
  forged.set_status("OK");
  for (uint64_t i = n - 1; i > 9; --i) {
    audit::Entry moved;
    ASSERT_TRUE(moved.ParseFromString(original[i - 1]));
    moved.set_seq(i);
    put(i, moved.SerializeAsString());
  }
  put(9, forged.SerializeAsString());
  EXPECT_EQ(verdict(), "entry 9: altered or inserted");
  restore();
  EXPECT_EQ(verdict(), "ok");
}

// Calls `method` with the bearer `token`.
template <typename Req, typename Resp>
grpc::Status CallAs(testing::ApiStub* stub,
                    grpc::Status (testing::ApiStub::*method)(grpc::ClientContext*, const Req&,
                                                             Resp*),
                    const std::string& token, const Req& req, Resp* resp) {
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + token);
  return (stub->*method)(&c, req, resp);
}

// A project with a head, two case workers (one in another project) and a data
// protection officer, each signed in (the head's grant applies at once, the
// others are approved by the head).
struct Staff {
  std::string org, p1, p2, head, cw, cw_other, dpo;
  std::string head_token, cw_token, cw_other_token, dpo_token;
};

Staff MakeStaff(testing::ApiStub* stub, const std::string& admin, testing::Enrolment* enrol) {
  using S = testing::ApiStub;
  Staff s;
  v1::Organization org;
  v1::CreateOrganizationRequest oreq;
  oreq.mutable_organization()->set_name("Tugikeskus");
  EXPECT_TRUE(CallAs(stub, &S::CreateOrganization, admin, oreq, &org).ok());
  s.org = org.id();
  enrol->TrustIdentityProvider(s.org);
  for (std::string* id : {&s.p1, &s.p2}) {
    v1::CreateProjectRequest preq;
    preq.mutable_project()->set_organization_id(s.org);
    preq.mutable_project()->set_name(id == &s.p1 ? "Tugiisik" : "Tööklubi");
    v1::Project p;
    EXPECT_TRUE(CallAs(stub, &S::CreateProject, admin, preq, &p).ok());
    *id = p.id();
  }
  auto person = [&](const char* name, const char* role, const std::string& project, std::string* id,
                    std::string* token) {
    v1::CreatePrincipalRequest req;
    req.mutable_principal()->set_display_name(name);
    req.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
    req.mutable_principal()->set_organization_id(s.org);
    v1::Principal p;
    EXPECT_TRUE(CallAs(stub, &S::CreatePrincipal, admin, req, &p).ok());
    *id = p.id();
    enrol->Grant(p.id(), role, s.org, project);
    *token = enrol->Login(p.id());
  };
  person("Juhataja", "head_of_organization", "", &s.head, &s.head_token);
  person("Juhtumikorraldaja", "case_worker", s.p1, &s.cw, &s.cw_token);
  person("Teise projekti töötaja", "case_worker", s.p2, &s.cw_other, &s.cw_other_token);
  person("Andmekaitsespetsialist", "data_protection_officer", "", &s.dpo, &s.dpo_token);
  return s;
}

// What the test expects of a report line.
struct Seen {
  std::string actor;
  std::string action;
  bool allowed;
  bool operator==(const Seen&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << "{" << s.actor << " " << s.action << " " << (s.allowed ? "allowed" : "denied")
            << "}";
}

std::vector<Seen> Lines(const v1::AccessReport& report) {
  std::vector<Seen> out;
  for (const auto& e : report.entries()) {
    out.push_back(
        {e.actor().withheld() ? "withheld" : e.actor().principal_id(), e.action(), e.allowed()});
  }
  return out;
}

TEST_F(AuditedServer, WhoSawMyDataListsExactlyTheAccessesToTheClientNewestFirst) {
  using S = testing::ApiStub;
  Staff s = MakeStaff(stub_.get(), admin_, enrol_.get());
  // The head registers the client; a case worker opens a case and reads it;
  // a worker of another project tries to read the client and is refused.
  v1::CreateClientRequest creq;
  creq.mutable_client()->set_organization_id(s.org);
  creq.mutable_client()->add_project_ids(s.p1);
  creq.mutable_client()->set_given_name("Mari");
  creq.mutable_client()->set_family_name("Maasikas");
  // A personal code, with which the client signs in (below).
  creq.mutable_client()->set_personal_code("38503150013");
  v1::Client client;
  {
    grpc::Status st = CallAs(stub_.get(), &S::CreateClient, s.head_token, creq, &client);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  // Another client's accesses must not appear.
  creq.mutable_client()->set_given_name("Jüri");
  creq.mutable_client()->clear_personal_code();
  creq.mutable_client()->set_no_personal_code_reason("foreign national, no code");
  v1::Client other;
  ASSERT_TRUE(CallAs(stub_.get(), &S::CreateClient, s.head_token, creq, &other).ok());
  v1::CreateCaseRequest kreq;
  kreq.mutable_case_()->set_project_id(s.p1);
  kreq.mutable_case_()->set_client_id(client.id());
  kreq.mutable_case_()->set_title("Toetus");
  v1::Case kase;
  ASSERT_TRUE(CallAs(stub_.get(), &S::CreateCase, s.cw_token, kreq, &kase).ok());
  v1::GetCaseRequest gcase;
  gcase.set_id(kase.id());
  v1::Case got_case;
  ASSERT_TRUE(CallAs(stub_.get(), &S::GetCase, s.cw_token, gcase, &got_case).ok());
  v1::GetClientRequest gclient;
  gclient.set_id(client.id());
  v1::Client got;
  EXPECT_EQ(CallAs(stub_.get(), &S::GetClient, s.cw_other_token, gclient, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  gclient.set_id(other.id());
  ASSERT_TRUE(CallAs(stub_.get(), &S::GetClient, s.cw_token, gclient, &got).ok());

  // Staff no longer give the client an account, nor anyone a token for
  // it: the client signs in with the public identity provider.
  v1::CreatePrincipalRequest sreq;
  sreq.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_DATA_SUBJECT);
  sreq.mutable_principal()->set_client_id(client.id());
  v1::Principal refused;
  EXPECT_EQ(CallAs(stub_.get(), &S::CreatePrincipal, s.head_token, sreq, &refused).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ExchangeIdTokenRequest xreq;
  xreq.set_id_token(idp_.Token(kCitizens, "EE38503150013"));
  xreq.set_ttl_seconds(600);
  v1::IssueTokenResponse subject_token;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(stub_->ExchangeIdToken(&c, xreq, &subject_token).ok());
  }
  v1::WhoAmIResponse subject;
  ASSERT_TRUE(
      CallAs(stub_.get(), &S::WhoAmI, subject_token.token(), v1::WhoAmIRequest(), &subject).ok());
  EXPECT_EQ(subject.principal().kind(), v1::PRINCIPAL_KIND_DATA_SUBJECT);
  EXPECT_EQ(subject.display_name().find("Mari"), std::string::npos);
  v1::IssueTokenRequest treq;
  treq.set_id(subject.principal_id());
  treq.set_ttl_seconds(600);
  v1::IssueTokenResponse issued;
  EXPECT_EQ(CallAs(stub_.get(), &S::IssueToken, admin_, treq, &issued).error_code(),
            grpc::StatusCode::PERMISSION_DENIED)
      << "administrators do not issue data subjects' tokens";
  EXPECT_EQ(CallAs(stub_.get(), &S::IssueToken, s.head_token, treq, &issued).error_code(),
            grpc::StatusCode::PERMISSION_DENIED)
      << "nor do heads: nobody issues a token for another person";

  v1::GetAccessReportRequest rreq;
  rreq.set_client_id(client.id());
  v1::AccessReport report;
  ASSERT_TRUE(CallAs(stub_.get(), &S::GetAccessReport, subject_token.token(), rreq, &report).ok());
  // The head no longer writes the client for an account and a token (the
  // new rules: the client's own sign-in made the account), so those two
  // lines are gone; the refused attempts above touch no client data.
  const std::vector<Seen> expected = {
      {s.cw_other, "read_client", false},  // refused
      {s.cw, "read_case", true},
      {s.cw, "write_case", true},
      {s.head, "write_client", true},  // CreateClient
  };
  EXPECT_EQ(Lines(report), expected);
  ASSERT_EQ(report.entries_size(), 4);
  EXPECT_EQ(report.entries(1).actor().display_name(), "Juhtumikorraldaja");
  EXPECT_EQ(report.entries(1).actor().organization_name(), "Tugikeskus");
  EXPECT_EQ(report.entries(1).actor().role(), "case_worker");
  EXPECT_EQ(report.entries(1).case_id(), kase.id());
  EXPECT_EQ(report.entries(0).status(), "NOT_FOUND");
  for (int i = 1; i < report.entries_size(); ++i) {
    EXPECT_LT(report.entries(i).seq(), report.entries(i - 1).seq());
  }

  // The subject's own calls are left out; the DPO's answer to a subject access
  // request is an access like any other, and the subject sees it.
  v1::AccessReport by_dpo;
  ASSERT_TRUE(CallAs(stub_.get(), &S::GetAccessReport, s.dpo_token, rreq, &by_dpo).ok());
  EXPECT_EQ(Lines(by_dpo), expected);
  ASSERT_TRUE(CallAs(stub_.get(), &S::GetAccessReport, subject_token.token(), rreq, &report).ok());
  ASSERT_EQ(report.entries_size(), 5);
  EXPECT_EQ(Lines(report)[0], (Seen{s.dpo, "read_access_report", true}));

  // Pages of two, joined, are the whole report.
  std::vector<Seen> paged;
  rreq.set_page_size(2);
  do {
    ASSERT_TRUE(
        CallAs(stub_.get(), &S::GetAccessReport, subject_token.token(), rreq, &report).ok());
    for (auto& line : Lines(report)) paged.push_back(line);
    rreq.set_page_token(report.next_page_token());
  } while (!report.next_page_token().empty());
  EXPECT_EQ(paged.size(), 5u);

  // A data subject reads nothing else: not another client's report, not
  // the client record.
  rreq.set_page_token("");
  rreq.set_client_id(other.id());
  EXPECT_EQ(
      CallAs(stub_.get(), &S::GetAccessReport, subject_token.token(), rreq, &report).error_code(),
      grpc::StatusCode::NOT_FOUND);
  gclient.set_id(client.id());
  EXPECT_EQ(CallAs(stub_.get(), &S::GetClient, subject_token.token(), gclient, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuditedServer, AccessReportWithholdsAProtectedThirdPartysIdentity) {
  using S = testing::ApiStub;
  Staff s = MakeStaff(stub_.get(), admin_, enrol_.get());
  v1::CreateClientRequest creq;
  creq.mutable_client()->set_organization_id(s.org);
  creq.mutable_client()->add_project_ids(s.p1);
  creq.mutable_client()->set_given_name("Mari");
  creq.mutable_client()->set_family_name("Maasikas");
  creq.mutable_client()->set_no_personal_code_reason("foreign national, no code");
  v1::Client client;
  ASSERT_TRUE(CallAs(stub_.get(), &S::CreateClient, s.head_token, creq, &client).ok());
  // An entry whose actor the law protects (as the report of a concern writes
  // it): the auditor sees who, the client does not.
  audit::Entry e;
  e.set_actor(s.cw_other);
  e.set_method("ReportConcern");
  e.set_action("report_concern");
  e.set_organization_id(s.org);
  e.set_client_id(client.id());
  e.set_allowed(true);
  e.set_status("OK");
  e.set_actor_protected(true);
  ASSERT_TRUE(server_->audit_log()->Commit(e).ok());

  v1::GetAccessReportRequest rreq;
  rreq.set_client_id(client.id());
  v1::AccessReport report;
  ASSERT_TRUE(CallAs(stub_.get(), &S::GetAccessReport, s.dpo_token, rreq, &report).ok());
  ASSERT_EQ(report.entries_size(), 2);
  const auto& withheld = report.entries(0);
  EXPECT_TRUE(withheld.actor().withheld());
  EXPECT_EQ(withheld.actor().principal_id(), "");
  EXPECT_EQ(withheld.actor().display_name(), "");
  EXPECT_EQ(withheld.actor().organization_id(), "");
  EXPECT_EQ(withheld.action(), "report_concern");
  EXPECT_EQ(report.SerializeAsString().find(s.cw_other), std::string::npos);
  EXPECT_EQ(report.entries(1).actor().principal_id(), s.head);

  v1::ListAuditEntriesRequest lreq;
  lreq.set_organization_id(s.org);
  lreq.set_client_id(client.id());
  v1::ListAuditEntriesResponse listed;
  ASSERT_TRUE(CallAs(stub_.get(), &S::ListAuditEntries, s.dpo_token, lreq, &listed).ok());
  ASSERT_GE(listed.entries_size(), 2);
  EXPECT_EQ(listed.entries(1).actor(), s.cw_other) << "auditors see who";
  EXPECT_TRUE(listed.entries(1).actor_protected());
}

}  // namespace
}  // namespace hoidla

namespace hoidla {
namespace {

TEST_F(AuditedServer, KeyRotationIsCommittedWithItsEntryOrNotAtAll) {
  using S = testing::ApiStub;
  v1::KeyStatus before;
  ASSERT_TRUE(
      CallAs(stub_.get(), &S::GetKeyStatus, admin_, v1::GetKeyStatusRequest(), &before).ok());
  const uint64_t size_before = server_->audit_log()->size();
  faulty_.FailWritesAfter(0);
  v1::KeyStatus rotated;
  EXPECT_EQ(CallAs(stub_.get(), &S::RotateKeyEncryptionKey, admin_,
                   v1::RotateKeyEncryptionKeyRequest(), &rotated)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  faulty_.Heal();
  EXPECT_EQ(server_->audit_log()->size(), size_before);
  v1::KeyStatus after;
  ASSERT_TRUE(
      CallAs(stub_.get(), &S::GetKeyStatus, admin_, v1::GetKeyStatusRequest(), &after).ok());
  EXPECT_EQ(after.versions_size(), before.versions_size()) << "no key without its entry";

  ASSERT_TRUE(CallAs(stub_.get(), &S::RotateKeyEncryptionKey, admin_,
                     v1::RotateKeyEncryptionKeyRequest(), &rotated)
                  .ok());
  EXPECT_EQ(rotated.versions_size(), before.versions_size() + 1);
  audit::Entry e = Last();
  EXPECT_EQ(e.method(), "RotateKeyEncryptionKey");
  EXPECT_EQ(e.action(), "manage_keys");
  EXPECT_EQ(e.status(), "OK");
}

}  // namespace
}  // namespace hoidla
