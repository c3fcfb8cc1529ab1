// Assessment records and the case lifecycle against a real server
// (in-process, loopback, RocksDB in a temp folder, a fake clock): scenarios
// 1, 2, 9, 10 and 11 of doc/domain.md §10, and third parties
// withheld from a partner's view. Record contents come from the examples of
// doc/records-forms.md.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "base/clock.h"
#include "base/strings.h"
#include "client/vault_client.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "keys/crypto.h"
#include "keys/jwt.h"
#include "tests/fakes/fake_clock.h"
#include "tests/integration/api_stub.h"
#include "tests/integration/enrol.h"
#include "tests/integration/streams.h"
#include "tests/integration/test_support.h"
#include "vault/server/server.h"

namespace hoidla {
namespace {

namespace v1 = ::hoidla::v1;
using client::VaultClient;

constexpr int64_t kSecond = 1000000;
constexpr int64_t kDay = 86400 * kSecond;
// 2026-11-22T12:00:00Z.
constexpr int64_t kStart = 1'795'348'800 * kSecond;
// The deployment's public identity provider for data subjects.
constexpr char kCitizens[] = "https://citizens.test";
// The longest session ExchangeIdToken grants.
constexpr int64_t kSessionSeconds = 12 * 3600;
// The personal code of the client of every test (the client of the
// examples of doc/records-forms.md), so that they can sign in themselves.
constexpr char kClientCode[] = "37605030299";

bool StartsWith(absl::string_view s, std::string_view prefix) {
  return std::string_view(s.data(), s.size()).starts_with(prefix);
}

// The examples of doc/records-forms.md by kind ("### <kind> ..." headings).
std::map<std::string, v1::RecordContent> Examples() {
  std::ifstream in(std::filesystem::path(__FILE__).parent_path() / "../../doc/records-forms.md");
  std::map<std::string, v1::RecordContent> out;
  std::string line, kind, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.starts_with("### ")) {
      kind = line.substr(4, line.find(' ', 4) - 4);
    } else if (!inside && line == "```json") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      v1::RecordContent c;
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(block, &c).ok()) << kind;
      out[kind] = c;
    } else if (inside) {
      block += line + "\n";
    }
  }
  return out;
}

class Records : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(keys::InitCrypto().ok());
    examples_ = Examples();
    ASSERT_GE(examples_.size(), 12u);
    // The documented entry corrects another; a first entry corrects nothing.
    examples_["activity_log_entry"].mutable_activity_log_entry()->clear_corrects_record_id();
    const std::string jwks = dir_.path() + "/citizens.jwks";
    testing::WriteFileOrDie(jwks, idp_.jwks());
    service::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = dir_.path() + "/data";
    config.reflection = false;
    config.clock = &clock_;
    config.subject_idp_issuer = kCitizens;
    config.subject_idp_audience = "hoidla";
    config.subject_idp_jwks_file = jwks;
    auto s = service::VaultServer::Start(config, keys::NewKey(), keys::MasterKeyMode::kDev);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
    address_ = StrCat("127.0.0.1:", server_->port());
    admin_ = Connect(*server_->bootstrap_token());
    stub_ = std::make_unique<testing::ApiStub>(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    enrol_ = std::make_unique<testing::Enrolment>(stub_.get(), *server_->bootstrap_token(), &idp_);
    org_ = NewOrg("Tugikeskus");
    labour_ = NewOrg("Töötukassa");
    // The labour office's own head approves its partner worker's grant.
    Person(v1::PRINCIPAL_KIND_STAFF, labour_, "head_of_organization", "");
    v1::CreateProjectRequest preq;
    preq.mutable_project()->set_organization_id(org_);
    preq.mutable_project()->set_name("Juhtumikorraldus");
    preq.mutable_project()->set_accepts_concern_reports(true);
    project_ = Must(admin_->CreateProject(preq)).id();
    head_id_ = Person(v1::PRINCIPAL_KIND_STAFF, org_, "head_of_organization", "");
    cw_id_ = Person(v1::PRINCIPAL_KIND_STAFF, org_, "case_worker", project_);
    partner_id_ = Person(v1::PRINCIPAL_KIND_PARTNER_WORKER, labour_, "partner_worker", "");
    RenewSessions();
    client_ = NewClient(kClientCode);
    case_ = NewCase(client_, "");
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::seconds(2));
  }

  template <typename T>
  T Must(absl::StatusOr<T> r) {
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? std::move(*r) : T();
  }
  std::unique_ptr<VaultClient> Connect(const std::string& token, const std::string& purpose = "") {
    client::ConnectOptions o;
    o.address = address_;
    o.token = token;
    o.purpose = purpose;
    auto c = VaultClient::Connect(o);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::move(*c) : nullptr;
  }
  std::string NewOrg(const std::string& name) {
    v1::CreateOrganizationRequest req;
    req.mutable_organization()->set_name(name);
    const std::string id = Must(admin_->CreateOrganization(req)).id();
    enrol_->TrustIdentityProvider(id);
    return id;
  }
  std::string Person(v1::PrincipalKind kind, const std::string& org, const std::string& role,
                     const std::string& project) {
    v1::CreatePrincipalRequest req;
    req.mutable_principal()->set_display_name(role);
    req.mutable_principal()->set_kind(kind);
    req.mutable_principal()->set_organization_id(org);
    const std::string id = Must(admin_->CreatePrincipal(req)).id();
    org_of_[id] = org;
    if (role == "head_of_organization" && enrol_->ApproverFor(org, "").empty()) {
      // The first head of an organisation being enrolled: applied at once.
      // (Not enrol_->Grant: its sign-in is timed by the real clock, the
      // server's is fake.)
      v1::AddMembershipRequest m;
      m.set_id(id);
      m.mutable_membership()->set_role(role);
      m.mutable_membership()->set_organization_id(org);
      m.mutable_membership()->set_project_id(project);
      Must(admin_->AddMembership(m));
      enrol_->AddApprover(org, id, Token(id));
    } else {
      // Requested by the administrator, approved by a head of `org`.
      enrol_->Grant(id, role, org, project);
    }
    return id;
  }
  // An ID token of the test identity provider, timed by the fake clock.
  std::string IdToken(const std::string& issuer, const std::string& subject) {
    const int64_t now = clock_.NowMicros() / kSecond;
    auto jwt = keys::SignJwt(idp_.key(), StrCat("{\"iss\":\"", issuer, "\",\"sub\":\"", subject,
                                                "\",\"aud\":\"hoidla\",\"iat\":", now,
                                                ",\"nbf\":", now, ",\"exp\":", now + 600, "}"));
    EXPECT_TRUE(jwt.ok()) << jwt.status();
    return jwt.ok() ? *jwt : "";
  }
  // Signs in with `id_token` (ExchangeIdToken) for the longest session.
  std::string SignIn(const std::string& id_token) {
    v1::ExchangeIdTokenRequest req;
    req.set_id_token(id_token);
    req.set_ttl_seconds(kSessionSeconds);
    v1::IssueTokenResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->ExchangeIdToken(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.token();
  }
  // A session of `principal_id`: nobody issues tokens for others any more,
  // people sign in with their organisation's identity provider.
  std::string Token(const std::string& principal_id) {
    return SignIn(
        IdToken(testing::TestIdentityProvider::IssuerFor(org_of_[principal_id]), principal_id));
  }
  // The data subject `personal_code` signed in with the public provider
  // (staff no longer make data subjects' accounts or tokens).
  std::string SubjectToken(const std::string& personal_code) {
    return SignIn(IdToken(kCitizens, StrCat("EE", personal_code)));
  }
  // Sessions last 12 hours at most: the head, the case worker and the
  // partner sign in again.
  void RenewSessions() {
    head_ = Token(head_id_);
    cw_ = Connect(Token(cw_id_));
    partner_token_ = Token(partner_id_);
    sessions_until_ = clock_.NowMicros() + (kSessionSeconds - 60) * kSecond;
  }
  std::string NewClient(const std::string& personal_code = "") {
    v1::CreateClientRequest req;
    req.mutable_client()->set_organization_id(org_);
    req.mutable_client()->add_project_ids(project_);
    req.mutable_client()->set_given_name("Mari");
    req.mutable_client()->set_family_name("Maasikas");
    if (personal_code.empty()) {
      req.mutable_client()->set_no_personal_code_reason("not yet known");
    } else {
      req.mutable_client()->set_personal_code(personal_code);
    }
    return Must(Connect(head_)->CreateClient(req)).id();
  }
  absl::StatusOr<v1::Case> CreateCase(const std::string& client_id, const std::string& linked) {
    v1::CreateCaseRequest req;
    req.mutable_case_()->set_project_id(project_);
    req.mutable_case_()->set_client_id(client_id);
    req.mutable_case_()->set_title("Toetus");
    req.mutable_case_()->set_linked_case_id(linked);
    return cw_->CreateCase(req);
  }
  std::string NewCase(const std::string& client_id, const std::string& linked) {
    return Must(CreateCase(client_id, linked)).id();
  }
  absl::StatusOr<v1::Record> Create(const v1::RecordContent& content,
                                    const std::string& case_id = "") {
    v1::CreateRecordRequest req;
    req.mutable_record()->set_case_id(case_id.empty() ? case_ : case_id);
    *req.mutable_record()->mutable_content() = content;
    return cw_->CreateRecord(req);
  }
  absl::StatusOr<v1::Record> Sign(const v1::Record& r, const std::string& role,
                                  const std::string& participant_id) {
    v1::SignRecordRequest req;
    req.set_id(r.id());
    req.set_version(r.version());
    req.mutable_signature()->set_role(role);
    req.mutable_signature()->set_signer_name("allkirjastaja");
    req.mutable_signature()->set_participant_id(participant_id);
    req.mutable_signature()->set_method(v1::SIGNATURE_METHOD_DIGITAL);
    req.mutable_signature()->set_signature_reference("asice:" + participant_id);
    return cw_->SignRecord(req);
  }
  v1::Consent SignedConsent(const std::string& recipient, const std::string& kind) {
    v1::Consent c;
    c.set_client_id(client_);
    c.set_project_id(project_);
    c.mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
    c.set_form(v1::CONSENT_FORM_DIGITAL_SIGNATURE);
    c.set_signature_reference("asice:a2");
    c.set_cooperation_agreed(true);
    c.set_processing_agreed(true);
    c.set_given_voluntarily(true);
    c.mutable_given_at()->set_seconds(clock_.NowMicros() / kSecond);
    auto* p = c.add_provisions();
    auto* r = p->add_recipients();
    r->set_kind(v1::RECIPIENT_KIND_ORGANIZATION);
    r->set_organization_id(recipient);
    p->add_kinds(kind);
    p->add_purposes("employment_support");
    p->mutable_valid_from()->set_seconds(clock_.NowMicros() / kSecond);
    p->mutable_valid_until()->set_seconds(clock_.NowMicros() / kSecond + 30 * 86400);
    return c;
  }
  void Tick(int64_t micros = kSecond) {
    clock_.Advance(micros);
    if (clock_.NowMicros() >= sessions_until_) RenewSessions();
  }

  testing::TempDir dir_;
  FakeClock clock_{kStart};
  testing::TestIdentityProvider idp_;
  std::map<std::string, v1::RecordContent> examples_;
  std::unique_ptr<service::VaultServer> server_;
  std::string address_;
  std::unique_ptr<VaultClient> admin_, cw_;
  std::unique_ptr<testing::ApiStub> stub_;
  std::unique_ptr<testing::Enrolment> enrol_;
  std::map<std::string, std::string> org_of_;  // principal -> organisation
  int64_t sessions_until_ = 0;
  std::string org_, labour_, project_, head_, cw_id_, partner_token_, client_, case_;
  std::string head_id_, partner_id_;
};

// Scenario 1.
TEST_F(Records, IntakeNamesTheMissingFieldAndDatesRoundTrip) {
  v1::RecordContent a;
  auto* client = a.mutable_intake_assessment()->mutable_client();
  *client = examples_["intake_assessment"].intake_assessment().client();
  client->clear_date_of_birth();
  client->clear_email();
  client->clear_bank_account_number();
  client->clear_bank();
  a.mutable_intake_assessment()->mutable_filled_on()->set_year(2026);
  a.mutable_intake_assessment()->mutable_filled_on()->set_month(2);
  a.mutable_intake_assessment()->mutable_filled_on()->set_day(29 - 1);
  auto ok = Create(a);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->kind(), "intake_assessment");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(ok->content(), a));
  v1::GetRecordRequest get;
  get.set_id(ok->id());
  auto back = cw_->GetRecord(get);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->content().intake_assessment().filled_on().day(), 28);

  v1::RecordContent no_code = a;
  no_code.mutable_intake_assessment()->mutable_client()->clear_personal_code();
  auto refused = Create(no_code);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(refused.status().message(),
                         "record.content.intake_assessment.client.personal_code"))
      << refused.status();
  v1::RecordContent no_status = a;
  no_status.mutable_intake_assessment()->mutable_client()->clear_social_status();
  refused = Create(no_status);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(refused.status().message(),
                         "record.content.intake_assessment.client.social_status"))
      << refused.status();
  v1::RecordContent bad_digit = a;
  std::string code = bad_digit.intake_assessment().client().personal_code();
  code.back() = code.back() == '9' ? '0' : static_cast<char>(code.back() + 1);
  bad_digit.mutable_intake_assessment()->mutable_client()->set_personal_code(code);
  EXPECT_EQ(Create(bad_digit).status().code(), absl::StatusCode::kInvalidArgument);
  v1::ListRecordsRequest list;
  list.set_case_id(case_);
  EXPECT_EQ(Must(cw_->ListRecords(list)).records_size(), 1) << "nothing partial was stored";
}

// Scenario 2.
TEST_F(Records, ACasePlanWaitsForTheInitialDecisionAndASignedAgreement) {
  ASSERT_TRUE(Create(examples_["intake_assessment"]).ok());  // chose case management
  auto plan = Create(examples_["case_plan"]);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(StartsWith(plan.status().message(), "record.content.case_plan")) << plan.status();
  ASSERT_TRUE(Create(examples_["initial_decision"]).ok());
  EXPECT_EQ(Create(examples_["case_plan"]).status().code(), absl::StatusCode::kFailedPrecondition)
      << "no cooperation agreement yet";
  // An oral agreement is not a signed one.
  v1::Consent oral = SignedConsent(labour_, "case_plan");
  oral.set_form(v1::CONSENT_FORM_ORAL);
  oral.set_witness("juhtumikorraldaja");
  oral.set_note("suuline");
  v1::RecordConsentRequest creq;
  *creq.mutable_consent() = oral;
  ASSERT_TRUE(cw_->RecordConsent(creq).ok());
  EXPECT_EQ(Create(examples_["case_plan"]).status().code(), absl::StatusCode::kFailedPrecondition);
  *creq.mutable_consent() = SignedConsent(labour_, "case_plan");
  ASSERT_TRUE(cw_->RecordConsent(creq).ok());
  Tick();
  EXPECT_TRUE(Create(examples_["case_plan"]).ok());
}

// Scenario 9.
TEST_F(Records, SignedMinutesLockAndACorrectionIsANewVersion) {
  ASSERT_TRUE(Create(examples_["meeting_plan"]).ok());
  ASSERT_TRUE(Create(examples_["meeting_preparation"]).ok());
  auto minutes = Create(examples_["meeting_minutes"]);
  ASSERT_TRUE(minutes.ok()) << minutes.status();
  EXPECT_FALSE(minutes->locked());
  // The absent participant (p3) does not sign; p4 is nobody.
  EXPECT_EQ(Sign(*minutes, "participant", "p4").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto once = Sign(*minutes, "minute_taker", "p2");
  ASSERT_TRUE(once.ok()) << once.status();
  EXPECT_FALSE(once->locked());
  auto both = Sign(*minutes, "participant", "p1");
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_TRUE(both->locked());
  EXPECT_EQ(both->signatures_size(), 2);
  EXPECT_EQ(Sign(*minutes, "participant", "p3").status().code(),
            absl::StatusCode::kFailedPrecondition);

  v1::UpdateRecordRequest fix;
  fix.set_id(minutes->id());
  fix.set_expected_version(1);
  *fix.mutable_content() = examples_["meeting_minutes"];
  fix.mutable_content()->mutable_meeting_minutes()->set_purpose("Parandatud eesmärk.");
  EXPECT_EQ(cw_->UpdateRecord(fix).status().code(), absl::StatusCode::kFailedPrecondition)
      << "a correction of signed minutes says why";
  fix.set_change_note("eesmärgi sõnastus parandatud");
  auto v2 = cw_->UpdateRecord(fix);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version(), 2u);
  EXPECT_FALSE(v2->locked());
  EXPECT_EQ(cw_->UpdateRecord(fix).status().code(), absl::StatusCode::kAborted);
  v1::GetRecordRequest v1req;
  v1req.set_id(minutes->id());
  v1req.set_version(1);
  auto signed_version = cw_->GetRecord(v1req);
  ASSERT_TRUE(signed_version.ok());
  EXPECT_TRUE(signed_version->locked());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(signed_version->content(),
                                                                 examples_["meeting_minutes"]));
  v1::ListRecordVersionsRequest hist;
  hist.set_id(minutes->id());
  auto versions = cw_->ListRecordVersions(hist);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->versions_size(), 2);
  EXPECT_EQ(versions->versions(1).change_note(), "eesmärgi sõnastus parandatud");
  EXPECT_EQ(versions->versions(1).updated_by(), cw_id_);
}

// Scenario 10.
TEST_F(Records, TheActivityLogIsAppendOnly) {
  auto entry = Create(examples_["activity_log_entry"]);
  ASSERT_TRUE(entry.ok()) << entry.status();
  v1::UpdateRecordRequest edit;
  edit.set_id(entry->id());
  edit.set_expected_version(1);
  *edit.mutable_content() = examples_["activity_log_entry"];
  edit.mutable_content()->mutable_activity_log_entry()->set_action("muudetud");
  EXPECT_EQ(cw_->UpdateRecord(edit).status().code(), absl::StatusCode::kFailedPrecondition);
  v1::RecordContent correction = examples_["activity_log_entry"];
  correction.mutable_activity_log_entry()->set_action("parandus: kohtumine oli 12.05");
  correction.mutable_activity_log_entry()->set_corrects_record_id(entry->id());
  auto corrected = Create(correction);
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_EQ(corrected->content().activity_log_entry().corrects_record_id(), entry->id());
  auto decision = Create(examples_["initial_decision"]);
  ASSERT_TRUE(decision.ok());
  correction.mutable_activity_log_entry()->set_corrects_record_id(decision->id());
  EXPECT_EQ(Create(correction).status().code(), absl::StatusCode::kNotFound);
  v1::ListRecordsRequest list;
  list.set_case_id(case_);
  list.set_kind("activity_log_entry");
  EXPECT_EQ(Must(cw_->ListRecords(list)).records_size(), 2) << "the original stays";
}

// Scenario 11.
TEST_F(Records, AClosedCaseIsReadOnlyUntilTheClientReturnsAndItIsReopenedNeverDuplicated) {
  v1::RecordContent follow_up = examples_["plan_evaluation"];
  follow_up.mutable_plan_evaluation()->set_evaluation_type(v1::EVALUATION_TYPE_FOLLOW_UP);
  auto b1 = Create(follow_up);
  ASSERT_TRUE(b1.ok()) << b1.status();
  v1::CloseCaseRequest close;
  close.set_id(case_);
  close.set_reason(v1::CLOSING_REASON_GOALS_MET);
  // The follow-up must be a record of this case (the records module says).
  close.set_follow_up_record_id("rec_00000000000000000000000000");
  auto not_ours = cw_->CloseCase(close);
  EXPECT_EQ(not_ours.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(not_ours.status().message(), "follow_up_record_id: not a record of the case");
  close.set_follow_up_record_id(b1->id());
  auto closed = cw_->CloseCase(close);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(closed->retention_clock_started_at().seconds(), kStart / kSecond);
  ASSERT_EQ(closed->events_size(), 1);
  EXPECT_EQ(closed->events(0).follow_up_record_id(), b1->id());
  EXPECT_EQ(cw_->CloseCase(close).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Create(examples_["activity_log_entry"]).status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::Document h;
  h.set_project_id(project_);
  h.set_client_id(client_);
  h.set_case_id(case_);
  h.set_title("skann");
  h.set_kind("scan");
  h.set_content_type("application/pdf");
  std::istringstream content("%PDF");
  EXPECT_EQ(cw_->UploadDocument(h, content).status().code(), absl::StatusCode::kFailedPrecondition);
  v1::GetRecordRequest get;
  get.set_id(b1->id());
  EXPECT_TRUE(cw_->GetRecord(get).ok()) << "closed cases stay readable";

  // Eight months later the client returns: no duplicate case.
  Tick(240 * kDay);
  auto duplicate = CreateCase(client_, "");
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(StartsWith(duplicate.status().message(), "case.linked_case_id"))
      << duplicate.status();
  v1::ReopenCaseRequest reopen;
  reopen.set_id(case_);
  reopen.set_note("klient pöördus tagasi");
  auto reopened = cw_->ReopenCase(reopen);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->status(), v1::CASE_STATUS_OPEN);
  EXPECT_FALSE(reopened->has_retention_clock_started_at()) << "the retention clock stops";
  ASSERT_EQ(reopened->events_size(), 2);
  EXPECT_EQ(reopened->events(1).kind(), v1::CaseEvent::KIND_REOPENED);
  EXPECT_TRUE(Create(examples_["activity_log_entry"]).ok());

  // Or, closed again, a new case linked to it.
  close.clear_follow_up_record_id();
  ASSERT_TRUE(cw_->CloseCase(close).ok());
  auto linked = CreateCase(client_, case_);
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_EQ(linked->linked_case_id(), case_);
}

// Item 6: third parties are withheld from partners.
TEST_F(Records, APartnerReadsAConsentedRecordWithThirdPartiesWithheld) {
  auto intake = Create(examples_["intake_assessment"]);
  ASSERT_TRUE(intake.ok()) << intake.status();
  auto notes = Create(examples_["activity_log_entry"]);
  ASSERT_TRUE(notes.ok());
  v1::RecordConsentRequest creq;
  *creq.mutable_consent() = SignedConsent(labour_, "intake_assessment");
  ASSERT_TRUE(cw_->RecordConsent(creq).ok());
  Tick();
  auto partner = Connect(partner_token_, "employment_support");
  v1::GetRecordRequest get;
  get.set_id(intake->id());
  auto seen = partner->GetRecord(get);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_TRUE(seen->third_parties_withheld());
  const auto& a = seen->content().intake_assessment();
  EXPECT_EQ(a.client().first_name(), "Mari") << "the client's own data stay";
  EXPECT_EQ(a.problem_description().statements(1).conveyor_name(), "[withheld]");
  EXPECT_EQ(a.network().informal(0).personal_code(), "");
  std::string bytes = seen->SerializeAsString();
  EXPECT_EQ(bytes.find("Kati"), std::string::npos);
  EXPECT_EQ(bytes.find("49403136526"), std::string::npos);
  // The staff view is whole.
  auto staff = cw_->GetRecord(get);
  ASSERT_TRUE(staff.ok());
  EXPECT_FALSE(staff->third_parties_withheld());
  EXPECT_EQ(
      staff->content().intake_assessment().problem_description().statements(1).conveyor_name(),
      "Kati Kask");
  // Only the consented kind, and the list shows only it.
  get.set_id(notes->id());
  EXPECT_EQ(partner->GetRecord(get).status().code(), absl::StatusCode::kNotFound);
  v1::ListRecordsRequest list;
  list.set_client_id(client_);
  auto listed = partner->ListRecords(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->records_size(), 1);
  EXPECT_EQ(listed->records(0).id(), intake->id());
}

// Item 8.
TEST_F(Records, DeadlinesComeFromTheRecordsAndGoWhenMet) {
  auto stub = std::make_unique<testing::ApiStub>(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  auto deadlines = [&](int within) {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + head_);
    v1::ListDeadlinesRequest req;
    req.set_case_id(case_);
    req.set_within_days(within);
    v1::ListDeadlinesResponse out;
    EXPECT_TRUE(stub->ListDeadlines(&c, req, &out).ok());
    std::map<v1::DeadlineKind, v1::Deadline> by_kind;
    for (const auto& d : out.deadlines()) by_kind.try_emplace(d.kind(), d);
    return by_kind;
  };
  auto minutes = Create(examples_["meeting_minutes"]);  // met on Wed 2025-05-28
  ASSERT_TRUE(minutes.ok()) << minutes.status();
  v1::RecordContent intake = examples_["intake_assessment"];
  intake.mutable_intake_assessment()->mutable_first_assessment()->set_decision(
      v1::DECISION_SINGLE_SERVICE);
  intake.mutable_intake_assessment()->mutable_client()->add_previous_assessments()->set_kind(
      v1::PREVIOUS_ASSESSMENT_KIND_PROBATION_RISK);
  ASSERT_TRUE(Create(intake).ok());

  auto due = deadlines(60);
  ASSERT_TRUE(due.contains(v1::DEADLINE_KIND_MINUTES_UNSIGNED));
  const auto& unsigned_minutes = due[v1::DEADLINE_KIND_MINUTES_UNSIGNED];
  EXPECT_TRUE(unsigned_minutes.overdue());
  EXPECT_EQ(unsigned_minutes.due_on().month(), 6);
  EXPECT_EQ(unsigned_minutes.due_on().day(), 6) << "7 working days after Wednesday 28 May";
  EXPECT_EQ(unsigned_minutes.record_id(), minutes->id());
  ASSERT_TRUE(due.contains(v1::DEADLINE_KIND_ACTION_DUE));
  ASSERT_TRUE(due.contains(v1::DEADLINE_KIND_PROBATION_RISK_ASSESSMENT));
  const auto& probation = due[v1::DEADLINE_KIND_PROBATION_RISK_ASSESSMENT];
  EXPECT_FALSE(probation.overdue());
  EXPECT_EQ(probation.due_on().year(), 2027);
  EXPECT_EQ(probation.due_on().month(), 1);
  EXPECT_EQ(probation.due_on().day(), 3) << "6 weeks after the case opened on 22 November";
  EXPECT_FALSE(deadlines(14).contains(v1::DEADLINE_KIND_PROBATION_RISK_ASSESSMENT))
      << "not yet due within two weeks";

  ASSERT_TRUE(Sign(*minutes, "minute_taker", "p2").ok());
  ASSERT_TRUE(Sign(*minutes, "participant", "p1").ok());
  ASSERT_TRUE(Create(examples_["probation_supervision_plan"]).ok());
  due = deadlines(60);
  EXPECT_FALSE(due.contains(v1::DEADLINE_KIND_MINUTES_UNSIGNED));
  EXPECT_FALSE(due.contains(v1::DEADLINE_KIND_PROBATION_RISK_ASSESSMENT));
}

// Item 7.
TEST_F(Records, ClientsAreFoundByNameWithinTheProjectsTheCallerSees) {
  v1::CreateClientRequest req;
  req.mutable_client()->set_organization_id(org_);
  req.mutable_client()->add_project_ids(project_);
  req.mutable_client()->set_given_name("Õnne");
  req.mutable_client()->set_family_name("Ämarik");
  req.mutable_client()->set_no_personal_code_reason("not yet known");
  const std::string onne = Must(Connect(head_)->CreateClient(req)).id();
  auto find = [&](VaultClient* as, const std::string& name) {
    v1::ListClientsRequest q;
    q.set_organization_id(org_);
    q.set_name(name);
    std::vector<std::string> ids;
    auto r = as->ListClients(q);
    EXPECT_TRUE(r.ok()) << r.status();
    if (r.ok()) {
      for (const auto& c : r->clients()) ids.push_back(c.id());
    }
    return ids;
  };
  EXPECT_EQ(find(cw_.get(), "õnne"), std::vector<std::string>{onne});
  EXPECT_EQ(find(cw_.get(), "ÄMARIK"), std::vector<std::string>{onne});
  EXPECT_EQ(find(cw_.get(), "õnne ämarik"), std::vector<std::string>{onne});
  EXPECT_EQ(find(cw_.get(), "maasik"), std::vector<std::string>{client_});
  EXPECT_TRUE(find(cw_.get(), "kask").empty());
  // Another project's worker finds nobody of this project.
  v1::CreateProjectRequest preq;
  preq.mutable_project()->set_organization_id(org_);
  preq.mutable_project()->set_name("Tööklubi");
  const std::string other = Must(admin_->CreateProject(preq)).id();
  auto outsider = Connect(Token(Person(v1::PRINCIPAL_KIND_STAFF, org_, "case_worker", other)));
  EXPECT_TRUE(find(outsider.get(), "õnne").empty());
  v1::ListClientsRequest q;
  q.set_organization_id(org_);
  q.set_name("x");
  EXPECT_EQ(cw_->ListClients(q).status().code(), absl::StatusCode::kInvalidArgument);
}

// Scenario 7.
TEST_F(Records, ASubjectAccessExportHoldsEverythingButWhatTheLawProtects) {
  // A case opened from a neighbour's report, with records, a document, a
  // consent and a disclosure; then closed.
  v1::CreateCaseRequest creq;
  creq.mutable_case_()->set_project_id(project_);
  creq.mutable_case_()->set_client_id(client_);
  creq.mutable_case_()->set_title("Teade");
  creq.mutable_case_()->set_origin(v1::CASE_ORIGIN_THIRD_PARTY_REPORT);
  creq.mutable_case_()->set_reporter_name("Naaber Nele");
  creq.mutable_case_()->set_reporter_contact("+372 5000 0000");
  auto reported = cw_->CreateCase(creq);
  ASSERT_TRUE(reported.ok()) << reported.status();
  v1::RecordContent intake = examples_["intake_assessment"];
  intake.mutable_intake_assessment()->mutable_first_assessment()->set_decision(
      v1::DECISION_SINGLE_SERVICE);
  auto a = Create(intake, reported->id());
  ASSERT_TRUE(a.ok()) << a.status();
  v1::UpdateRecordRequest upd;
  upd.set_id(a->id());
  upd.set_expected_version(1);
  *upd.mutable_content() = intake;
  upd.mutable_content()->mutable_intake_assessment()->mutable_client()->set_other_info("uuendatud");
  ASSERT_TRUE(cw_->UpdateRecord(upd).ok());
  v1::Document h;
  h.set_project_id(project_);
  h.set_client_id(client_);
  h.set_case_id(reported->id());
  h.set_title("kodukülastus");
  h.set_kind("home_visit");
  h.set_content_type("text/plain");
  std::istringstream content("märkmed");
  auto doc = cw_->UploadDocument(h, content);
  ASSERT_TRUE(doc.ok()) << doc.status();
  v1::RecordConsentRequest consent;
  *consent.mutable_consent() = SignedConsent(labour_, "intake_assessment");
  ASSERT_TRUE(cw_->RecordConsent(consent).ok());
  v1::DiscloseWithoutConsentRequest disclose;
  auto* d = disclose.mutable_disclosure();
  d->set_client_id(client_);
  d->set_recipient_organization_id(labour_);
  d->set_legal_basis(v1::LEGAL_BASIS_DANGER_TO_CLIENT);
  d->set_justification("Kliendi enda elu on ohus, vaja kiiret abi.");
  d->add_item_ids(doc->id());
  d->set_valid_hours(24);
  ASSERT_TRUE(cw_->DiscloseWithoutConsent(disclose).ok());
  v1::CloseCaseRequest close;
  close.set_id(reported->id());
  close.set_reason(v1::CLOSING_REASON_TERMINATED_BY_CLIENT);
  ASSERT_TRUE(cw_->CloseCase(close).ok());

  // The client's own account: the client signs in with the public
  // identity provider.
  const std::string token = SubjectToken(kClientCode);
  ASSERT_FALSE(token.empty());

  auto stub = std::make_unique<testing::ApiStub>(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + token);
  v1::ExportSubjectDataRequest req;
  req.set_client_id(client_);
  v1::SubjectDataExport out;
  ASSERT_TRUE(testing::ReadMerged(stub->ExportSubjectData(&c, req), &out).ok());
  EXPECT_EQ(out.client().given_name(), "Mari");
  ASSERT_EQ(out.cases_size(), 2);
  bool closed_case = false;
  for (const auto& k : out.cases()) {
    if (k.id() == reported->id()) {
      closed_case = k.status() == v1::CASE_STATUS_CLOSED;
      EXPECT_EQ(k.reporter_name(), "[withheld]");
      EXPECT_EQ(k.reporter_contact(), "");
    }
  }
  EXPECT_TRUE(closed_case) << "closed cases are part of it";
  EXPECT_EQ(out.records_size(), 2) << "both versions of the intake";
  for (const auto& r : out.records()) EXPECT_TRUE(r.third_parties_withheld());
  ASSERT_EQ(out.documents_size(), 1);
  EXPECT_EQ(out.documents(0).id(), doc->id());
  EXPECT_EQ(out.consents_size(), 1);
  EXPECT_EQ(out.disclosures_size(), 1);
  bool disclosure_logged = false;
  for (const auto& e : out.accesses()) {
    disclosure_logged |=
        e.action() == "disclose_without_consent" && e.legal_basis().ends_with(":danger_to_client");
  }
  EXPECT_TRUE(disclosure_logged);
  const std::string bytes = out.SerializeAsString();
  for (const char* protected_text : {"Naaber Nele", "5000 0000", "Kati Kask", "49403136526"}) {
    EXPECT_EQ(bytes.find(protected_text), std::string::npos) << protected_text;
  }
  // Another client's data is not theirs to export.
  grpc::ClientContext c2;
  c2.AddMetadata("authorization", "Bearer " + token);
  req.set_client_id(NewClient());
  EXPECT_EQ(testing::ReadMerged(stub->ExportSubjectData(&c2, req), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// Item 1: an organisation's own instrument, without a new release.
TEST_F(Records, ACustomRecordFollowsTheInstrumentVersionItNames) {
  auto stub = std::make_unique<testing::ApiStub>(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  v1::RegisterInstrumentRequest ireq;
  auto* ins = ireq.mutable_instrument();
  ins->set_organization_id(org_);
  ins->set_name("care_action_plan");
  ins->set_description("CARe individuaalne tegevusplaan");
  auto* f = ins->add_fields();
  f->set_name("quality_of_life");
  f->set_type(v1::INSTRUMENT_FIELD_TYPE_CHOICE);
  f->set_required(true);
  for (const char* o : {"halb", "rahuldav", "hea"}) f->add_options(o);
  f = ins->add_fields();
  f->set_name("goal");
  f->set_type(v1::INSTRUMENT_FIELD_TYPE_TEXT);
  f->set_required(true);
  f = ins->add_fields();
  f->set_name("review_on");
  f->set_type(v1::INSTRUMENT_FIELD_TYPE_DATE);
  v1::Instrument v1i;
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + head_);
    ASSERT_TRUE(stub->RegisterInstrument(&c, ireq, &v1i).ok());
  }
  EXPECT_EQ(v1i.version(), 1u);
  v1::RecordContent content;
  auto* custom = content.mutable_custom();
  custom->set_instrument_id(v1i.id());
  custom->set_instrument_version(1);
  (*custom->mutable_values())["quality_of_life"] = "rahuldav";
  (*custom->mutable_values())["goal"] = "Leida töö";
  (*custom->mutable_values())["review_on"] = "2027-02-30";
  auto bad = Create(content);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(bad.status().message(), "record.content.custom.values[review_on]"))
      << bad.status();
  (*custom->mutable_values())["review_on"] = "2027-02-28";
  (*custom->mutable_values())["mood"] = "hea";
  EXPECT_TRUE(StartsWith(Create(content).status().message(), "record.content.custom.values[mood]"));
  custom->mutable_values()->erase("mood");
  auto made = Create(content);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->kind(), "custom.care_action_plan");

  // Version 2 adds a required field: old records keep version 1.
  f = ins->add_fields();
  f->set_name("supporter");
  f->set_type(v1::INSTRUMENT_FIELD_TYPE_TEXT);
  f->set_required(true);
  v1::Instrument v2i;
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + head_);
    ASSERT_TRUE(stub->RegisterInstrument(&c, ireq, &v2i).ok());
  }
  EXPECT_EQ(v2i.id(), v1i.id());
  EXPECT_EQ(v2i.version(), 2u);
  custom->set_instrument_version(2);
  EXPECT_TRUE(
      StartsWith(Create(content).status().message(), "record.content.custom.values[supporter]"));
  (*custom->mutable_values())["supporter"] = "tugiisik";
  EXPECT_TRUE(Create(content).ok());
  v1::GetRecordRequest get;
  get.set_id(made->id());
  EXPECT_EQ(Must(cw_->GetRecord(get)).content().custom().instrument_version(), 1u);
}

TEST_F(Records, AReportedConcernOpensACaseWhoseReporterTheClientNeverSees) {
  auto stub = std::make_unique<testing::ApiStub>(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  v1::ReportConcernRequest report;
  report.set_organization_id(org_);
  report.set_project_id(project_);
  report.set_given_name("Jaan");
  report.set_family_name("Jõgi");
  report.set_personal_code("38001085718");
  report.set_concern("Lapsed on üksi kodus");
  report.set_reporter_contact("kool@example.ee");
  v1::ReportConcernResponse opened;
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + partner_token_);
    ASSERT_TRUE(stub->ReportConcern(&c, report, &opened).ok());
  }
  // Staff see the case and who reported.
  v1::GetCaseRequest get;
  get.set_id(opened.report_id());
  auto kase = Connect(head_)->GetCase(get);
  ASSERT_TRUE(kase.ok()) << kase.status();
  EXPECT_EQ(kase->origin(), v1::CASE_ORIGIN_THIRD_PARTY_REPORT);
  EXPECT_EQ(kase->reporter_name(), "partner_worker (Töötukassa)");
  EXPECT_EQ(kase->reporter_contact(), "kool@example.ee");
  // A second report about the same person finds the same client.
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + partner_token_);
    v1::ReportConcernResponse again;
    ASSERT_TRUE(stub->ReportConcern(&c, report, &again).ok());
    get.set_id(again.report_id());
    EXPECT_EQ(Connect(head_)->GetCase(get)->client_id(), kase->client_id());
  }
  // Staff cannot report; the reporter reads nothing of the client.
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + head_);
    v1::ReportConcernResponse none;
    EXPECT_EQ(stub->ReportConcern(&c, report, &none).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // The client's report and export withhold the reporter. The client (the
  // one the report opened, by the reported personal code) signs in with the
  // public identity provider.
  const std::string token = SubjectToken(report.personal_code());
  ASSERT_FALSE(token.empty());
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + token);
  v1::ExportSubjectDataRequest ereq;
  ereq.set_client_id(kase->client_id());
  v1::SubjectDataExport out;
  ASSERT_TRUE(testing::ReadMerged(stub->ExportSubjectData(&c, ereq), &out).ok());
  int withheld = 0;
  for (const auto& e : out.accesses()) {
    if (e.action() == "report_concern") {
      EXPECT_TRUE(e.actor().withheld());
      EXPECT_EQ(e.actor().principal_id(), "");
      ++withheld;
    }
  }
  EXPECT_EQ(withheld, 2);
  const std::string bytes = out.SerializeAsString();
  EXPECT_EQ(bytes.find("Töötukassa"), std::string::npos);
  EXPECT_EQ(bytes.find("kool@example.ee"), std::string::npos);
  get.set_id(opened.report_id());
  EXPECT_EQ(Connect(partner_token_, "child_protection")->GetCase(get).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(Records, ACaseOpenedFromAReportKeepsTheReporterForStaff) {
  v1::CreateCaseRequest req;
  req.mutable_case_()->set_project_id(project_);
  req.mutable_case_()->set_client_id(NewClient());
  req.mutable_case_()->set_title("Teade");
  req.mutable_case_()->set_origin(v1::CASE_ORIGIN_THIRD_PARTY_REPORT);
  auto missing = cw_->CreateCase(req);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(missing.status().message(), "case.reporter_name"));
  req.mutable_case_()->set_reporter_name("Naaber Nele");
  auto opened = cw_->CreateCase(req);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->origin(), v1::CASE_ORIGIN_THIRD_PARTY_REPORT);
  EXPECT_EQ(opened->reporter_name(), "Naaber Nele");
}

}  // namespace
}  // namespace hoidla
