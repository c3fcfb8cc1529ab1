// Records (vault/records/records.h) over the unit core (MemoryStore behind a
// FaultInjectingStore, FakeClock), wired as vault/server/server.cc wires it:
// version 1 and its ids, the version chain and ABORTED conflicts, field
// errors, the closed case, the rules across records (case plan
// preconditions, evaluation numbers, the append-only activity log),
// signatures and the locking of minutes, reading and listing by case,
// client, kind and time (and a partner's masked view), deadlines, the
// core's own queries (Locate, IsRecordOfCase, ClientHasKind) and that a
// failed write leaves nothing behind.
#include "vault/records/records.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/timestamps.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/unit/core_fixture.h"
#include "tests/unit/test_util.h"
#include "vault/consent/consents.h"
#include "vault/records/instruments.h"

namespace hoidla::core {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::hoidla::testing::DumpStore;
using ::hoidla::testing::IsInvalidArgumentFor;

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kDay = 86'400 * kSecond;
// Monday 2025-06-02T08:00:00Z: after every date the examples record as past.
constexpr int64_t kMonday = 1'748'851'200 * kSecond;
constexpr char kUnknownRecord[] = "rec_00000000000000000000000000";
constexpr char kUnknownCase[] = "cas_00000000000000000000000000";

v1::RecordContent Content(std::string_view json) {
  v1::RecordContent c;
  auto s = google::protobuf::util::JsonStringToMessage(std::string(json), &c);
  EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << json;
  return c;
}

// The examples of doc/records-forms.md.
v1::RecordContent Decision() {
  return Content(R"json({"initialDecision": {
    "clientName": "Mari Maasikas",
    "needs": "Võlanõustamine, töö leidmine.",
    "actions": [{"action": "Suunata võlanõustajale.",
                 "scheduledOn": {"year": 2025, "month": 6, "day": 15},
                 "provider": "Mati Mets"}],
    "decidedOn": {"year": 2025, "month": 5, "day": 20}}})json");
}

// First assessment: case management.
v1::RecordContent Intake() {
  return Content(R"json({"intakeAssessment": {
    "localGovernment": "Tartu linn",
    "filledOn": {"year": 2025, "month": 5, "day": 2},
    "client": {
      "firstName": "Mari", "surname": "Maasikas",
      "personalCode": "37605030299",
      "citizenship": "CITIZENSHIP_ESTONIAN",
      "identityDocument": "IDENTITY_DOCUMENT_ID_CARD",
      "registeredAddress": "Tartu mnt 1, Tallinn",
      "phone": "+372 5555 5555",
      "socialStatus": "SOCIAL_STATUS_UNEMPLOYED",
      "maritalStatus": "MARITAL_STATUS_SINGLE",
      "healthInsurance": "HEALTH_INSURANCE_INSURED",
      "otherInfo": "Elab koos pojaga.",
      "familyMembers": [{"name": "Juhan Maasikas", "relationToClient": "poeg"}]
    },
    "problemDescription": {
      "statements": [
        {"source": "PROBLEM_SOURCE_CLIENT", "reasonForContact": "võlad",
         "description": "Üür maksmata kolm kuud."},
        {"source": "PROBLEM_SOURCE_NEED_NOTICER", "conveyorName": "Kati Kask",
         "reasonForContact": "lapse puudumised", "description": "Poeg puudub koolist."}
      ]
    },
    "needNoticer": {
      "firstName": "Kati", "surname": "Kask",
      "contactDate": {"year": 2025, "month": 4, "day": 28},
      "contactMode": "telefon", "relationToClient": "sotsiaalpedagoog"
    },
    "network": {
      "informal": [{"firstName": "Liis", "surname": "Maasikas", "relationToClient": "õde",
                    "personalCode": "49403136526", "socialStatus": "SOCIAL_STATUS_EMPLOYED"}]
    },
    "firstAssessment": {
      "caseDescription": "Üksikvanem, töötu, võlad.",
      "problemsToSolve": ["töötus", "üürivõlg"],
      "decision": "DECISION_CASE_MANAGEMENT",
      "legalBasis": "Sotsiaalhoolekande seadus"
    }}})json");
}

v1::RecordContent CasePlan() {
  return Content(R"json({"casePlan": {
    "problems": "Töötus, üürivõlg.",
    "resources": "Motiveeritud, õe tugi.",
    "hinderingFactors": "Puudub autojuhiluba.",
    "goals": [{"goal": "Tööle saamine.",
               "subGoals": [{"subGoal": "Töötukassa teenused.",
                             "activities": [{"activity": "Registreeruda töötuks.",
                                             "schedule": {"from": {"year": 2025, "month": 6,
                                                                   "day": 1}},
                                             "provider": "Mari Maasikas"}]}]}]}})json");
}

v1::RecordContent Evaluation(int64_t sequence_number) {
  v1::RecordContent c = Content(R"json({"planEvaluation": {
    "evaluationType": "EVALUATION_TYPE_INTERIM",
    "evaluatedPeriod": {"from": {"year": 2025, "month": 1, "day": 1},
                        "until": {"year": 2025, "month": 4, "day": 30}},
    "sequenceNumber": 1,
    "overallAssessment": "Plaan täidetud osaliselt.",
    "recommendations": "Jätkata võlanõustamist.",
    "evaluatedOn": {"year": 2025, "month": 5, "day": 10}}})json");
  c.mutable_plan_evaluation()->set_sequence_number(sequence_number);
  return c;
}

v1::RecordContent LogEntry(const std::string& corrects = "") {
  v1::RecordContent c = Content(R"json({"activityLogEntry": {
    "date": {"year": 2025, "month": 5, "day": 30},
    "action": "Kodukülastus.",
    "executor": "Mati Mets",
    "comment": "Klient oli kodus."}})json");
  c.mutable_activity_log_entry()->set_corrects_record_id(corrects);
  return c;
}

// Met on Wednesday 2025-05-28; minute-taker p2; p1 and p2 present, p3 not.
v1::RecordContent Minutes() {
  return Content(R"json({"meetingMinutes": {
    "meetingNumber": 1,
    "meetingDate": {"year": 2025, "month": 5, "day": 28},
    "time": {"from": "10:00", "until": "11:40"},
    "chair": "Mati Mets",
    "venueInstitution": "Tartu Sotsiaalmaja",
    "venueAddress": "Tähe 1, Tartu",
    "minuteTaker": {"participantId": "p2", "name": "Kaja Kuusk"},
    "participants": [
      {"participantId": "p1", "name": "Mari Maasikas", "present": true},
      {"participantId": "p2", "name": "Kaja Kuusk", "roleOrOrganisation": "sotsiaaltöötaja",
       "present": true},
      {"participantId": "p3", "name": "Tõnu Tamm", "roleOrOrganisation": "perearst",
       "present": false, "note": "haige"}],
    "purpose": "Juhtumiplaani kokkulepped.",
    "items": [{"number": 1, "item": "Olukorra ülevaade.", "speaker": "Mati Mets"}],
    "decisions": [{"number": 1, "decision": "Klient registreerub töötuks.",
                   "dueOn": {"year": 2025, "month": 6, "day": 15},
                   "responsible": "Mari Maasikas"}]}})json");
}

v1::RecordContent CareNeed() {
  return Content(R"json({"careNeedAssessment": {
    "assessedOn": {"year": 2025, "month": 5, "day": 5},
    "validUntil": {"year": 2026, "month": 5, "day": 5},
    "areas": [{"area": "CARE_AREA_DAILY_ACTIVITIES", "level": "CARE_NEED_LEVEL_PARTIAL",
               "findings": "Vajab abi pesemisel."},
              {"area": "CARE_AREA_SAFETY", "level": "CARE_NEED_LEVEL_GUIDANCE"}],
    "outcome": "CARE_NEED_OUTCOME_CARE_PLAN",
    "carePlan": "Koduhooldus 3 korda nädalas."}})json");
}

v1::RecordContent SupervisionPlan() {
  return Content(R"json({"probationSupervisionPlan": {
    "riskAssessmentDate": {"year": 2025, "month": 4, "day": 1},
    "supervisionPeriod": {"from": {"year": 2025, "month": 3, "day": 1},
                          "until": {"year": 2027, "month": 2, "day": 28}},
    "riskIndicators": [
      {"indicator": "RISK_INDICATOR_ADDICTIONS",
       "level": "RISK_INDICATOR_LEVEL_SIGNIFICANT_PROBLEM"},
      {"indicator": "RISK_INDICATOR_ACCOMMODATION", "level": "RISK_INDICATOR_LEVEL_NO_PROBLEM"}],
    "dangerousness": [{"target": "DANGER_TARGET_PUBLIC", "level": "DANGER_LEVEL_LOW"}],
    "riskSummary": "Retsidiivsusrisk seotud alkoholiga.",
    "planItems": [{"goal": "Alkoholi tarvitamise lõpetamine.",
                   "activity": "Sõltuvusnõustamine.",
                   "expectedResult": "10 nõustamiskorda läbitud.",
                   "whoWith": "klient, nõustaja",
                   "how": "osalemistõendid",
                   "byWhen": {"year": 2025, "month": 12, "day": 31}}]}})json");
}

class RecordsTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    clock_.Set(kMonday);
    // As vault/server/server.cc wires them.
    consents_ = std::make_unique<Consents>(&faulty_, keyring_.get(), &clock_, &policy_,
                                           registry_.get(), documents_.get(), "test.hoidla");
    documents_->SetReleaseSource(consents_.get());
    instruments_ =
        std::make_unique<Instruments>(&faulty_, keyring_.get(), &clock_, &policy_, registry_.get());
    records_ = std::make_unique<Records>(&faulty_, keyring_.get(), &clock_, &policy_,
                                         registry_.get(), consents_.get(), instruments_.get());
    consents_->SetRecordLocator(
        [records =
             records_.get()](std::string_view id) -> absl::StatusOr<Consents::RecordLocation> {
          auto found = records->Locate(id);
          if (!found.ok()) return found.status();
          return Consents::RecordLocation{std::move(found->target), std::move(found->kind)};
        });
    registry_->SetRecordOfCaseCheck(
        [records = records_.get()](std::string_view case_id, std::string_view record_id) {
          return records->IsRecordOfCase(case_id, record_id);
        });
    consents_->SetRecordKindCheck([records = records_.get()](std::string_view client,
                                                             std::string_view kind,
                                                             std::string_view project) {
      return records->ClientHasKind(client, kind, project);
    });
    org_ = MakeOrg();
    prj_ = MakeProject(org_.id());
    cli_ = MakeClient(org_.id(), prj_.id(), "37605030299");
    case_ = MakeCase(prj_.id(), cli_.id());
    Tick();
  }

  static RequestContext As(const std::string& id, std::vector<Membership> memberships,
                           const std::string& purpose = "") {
    RequestContext ctx;
    ctx.principal = {.id = id, .display_name = "someone", .memberships = std::move(memberships)};
    ctx.request_id = "req-test";
    ctx.purpose = purpose;
    return ctx;
  }

  absl::StatusOr<v1::Record> Create(const v1::RecordContent& content, const std::string& case_id,
                                    const RequestContext* ctx = nullptr) {
    Tick();
    v1::CreateRecordRequest req;
    req.mutable_record()->set_case_id(case_id);
    *req.mutable_record()->mutable_content() = content;
    return records_->CreateRecord(ctx ? *ctx : admin_, req);
  }
  absl::StatusOr<v1::Record> Create(const v1::RecordContent& content) {
    return Create(content, case_.id());
  }
  absl::StatusOr<v1::Record> Update(const std::string& id, uint32_t expected,
                                    const v1::RecordContent& content,
                                    const std::string& note = "") {
    Tick();
    v1::UpdateRecordRequest req;
    req.set_id(id);
    req.set_expected_version(expected);
    *req.mutable_content() = content;
    req.set_change_note(note);
    return records_->UpdateRecord(admin_, req);
  }
  static v1::SignRecordRequest SignRequest(const std::string& id, uint32_t version,
                                           const std::string& role,
                                           const std::string& participant_id = "") {
    v1::SignRecordRequest req;
    req.set_id(id);
    req.set_version(version);
    req.mutable_signature()->set_role(role);
    req.mutable_signature()->set_signer_name("Kaja Kuusk");
    req.mutable_signature()->set_participant_id(participant_id);
    req.mutable_signature()->set_method(v1::SIGNATURE_METHOD_DIGITAL);
    req.mutable_signature()->set_signature_reference("asice:" + role + participant_id);
    return req;
  }
  absl::StatusOr<v1::Record> Sign(const std::string& id, uint32_t version, const std::string& role,
                                  const std::string& participant_id = "") {
    Tick();
    return records_->SignRecord(admin_, SignRequest(id, version, role, participant_id));
  }
  absl::StatusOr<v1::Record> Get(const std::string& id, uint32_t version = 0,
                                 const RequestContext* ctx = nullptr) {
    v1::GetRecordRequest req;
    req.set_id(id);
    req.set_version(version);
    return records_->GetRecord(ctx ? *ctx : admin_, req);
  }
  std::vector<std::string> ListedIds(const v1::ListRecordsRequest& req,
                                     const RequestContext* ctx = nullptr) {
    auto r = records_->ListRecords(ctx ? *ctx : admin_, req);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> ids;
    if (r.ok()) {
      for (const auto& rec : r->records()) ids.push_back(rec.id());
    }
    return ids;
  }
  void Close(const std::string& case_id) {
    v1::CloseCaseRequest req;
    req.set_id(case_id);
    req.set_reason(v1::CLOSING_REASON_GOALS_MET);
    auto closed = registry_->CloseCase(admin_, req);
    ASSERT_TRUE(closed.ok()) << closed.status();
  }
  // A signed cooperation agreement (A2) of the client for the project,
  // releasing `kind` to organisation `recipient` for employment support.
  void RecordSignedConsent(const std::string& recipient, const std::string& kind) {
    v1::RecordConsentRequest req;
    auto* c = req.mutable_consent();
    c->set_client_id(cli_.id());
    c->set_project_id(prj_.id());
    c->mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
    c->set_form(v1::CONSENT_FORM_DIGITAL_SIGNATURE);
    c->set_signature_reference("asice:a2");
    c->set_cooperation_agreed(true);
    c->set_processing_agreed(true);
    c->set_given_voluntarily(true);
    *c->mutable_given_at() = ToTimestamp(clock_.NowMicros());
    auto* p = c->add_provisions();
    auto* r = p->add_recipients();
    r->set_kind(v1::RECIPIENT_KIND_ORGANIZATION);
    r->set_organization_id(recipient);
    p->add_kinds(kind);
    p->add_purposes("employment_support");
    *p->mutable_valid_from() = ToTimestamp(clock_.NowMicros());
    *p->mutable_valid_until() = ToTimestamp(clock_.NowMicros() + 30 * kDay);
    // Recorded by a head of the client's organisation alone (admin_ heads
    // the recipient too, and a consent never widens its recorder's reach).
    const RequestContext recorder =
        As("prn_0000000000000000000000000f", {{Role::kHeadOfOrganization, org_.id(), ""}});
    auto receipt = consents_->RecordConsent(recorder, req);
    ASSERT_TRUE(receipt.ok()) << receipt.status();
    Tick();
  }
  absl::StatusOr<v1::ListDeadlinesResponse> CaseDeadlines(const std::string& case_id,
                                                          int within_days = 0) {
    v1::ListDeadlinesRequest req;
    req.set_case_id(case_id);
    req.set_within_days(within_days);
    return records_->ListDeadlines(admin_, req);
  }

  std::unique_ptr<Consents> consents_;
  std::unique_ptr<Instruments> instruments_;
  std::unique_ptr<Records> records_;
  v1::Organization org_;
  v1::Project prj_;
  v1::Client cli_;
  v1::Case case_;
};

// ---------------------------------------------------------------------------
// CreateRecord

TEST_F(RecordsTest, CreateMakesVersionOneOfTheCasesClientProjectAndOrganisation) {
  const int64_t now = clock_.NowMicros() + 1000;  // Create ticks first
  auto r = Create(Decision());
  HOIDLA_ASSERT_OK(r);
  EXPECT_TRUE(r->id().starts_with("rec_")) << r->id();
  EXPECT_EQ(r->version(), 1u);
  EXPECT_EQ(r->case_id(), case_.id());
  EXPECT_EQ(r->client_id(), cli_.id());
  EXPECT_EQ(r->project_id(), prj_.id());
  EXPECT_EQ(r->organization_id(), org_.id());
  EXPECT_EQ(r->kind(), "initial_decision");
  EXPECT_TRUE(MessageDifferencer::Equals(r->content(), Decision()));
  EXPECT_EQ(Micros(r->created_at()), now);
  EXPECT_EQ(Micros(r->updated_at()), now);
  EXPECT_EQ(r->created_by(), admin_.principal.id);
  EXPECT_EQ(r->updated_by(), admin_.principal.id);
  EXPECT_EQ(r->signatures_size(), 0);
  EXPECT_FALSE(r->locked());
  EXPECT_FALSE(r->third_parties_withheld());
  auto back = Get(r->id());
  HOIDLA_ASSERT_OK(back);
  EXPECT_TRUE(MessageDifferencer::Equals(*back, *r));
}

TEST_F(RecordsTest, CreateNamesTheFieldItRefusesAndStoresNothing) {
  const auto before = DumpStore(base());
  EXPECT_TRUE(IsInvalidArgumentFor(records_->CreateRecord(admin_, {}), "record"));
  v1::CreateRecordRequest req;
  req.mutable_record()->set_case_id(case_.id());
  *req.mutable_record()->mutable_content() = Decision();
  struct Spoil {
    std::string field;
    std::function<void(v1::Record*)> spoil;
  };
  const std::vector<Spoil> cases = {
      {"record.id", [](v1::Record* r) { r->set_id(kUnknownRecord); }},
      {"record.version", [](v1::Record* r) { r->set_version(1); }},
      {"record.signatures", [](v1::Record* r) { r->add_signatures()->set_role("client"); }},
      {"record.case_id", [](v1::Record* r) { r->clear_case_id(); }},
      {"record.case_id", [](v1::Record* r) { r->set_case_id("cas_nope"); }},
      {"record.content", [](v1::Record* r) { r->clear_content(); }},
      {"record.content", [](v1::Record* r) { r->mutable_content()->Clear(); }},
      {"record.content.initial_decision.client_name",
       [](v1::Record* r) {
         r->mutable_content()->mutable_initial_decision()->clear_client_name();
       }},
  };
  for (const auto& c : cases) {
    v1::CreateRecordRequest bad = req;
    c.spoil(bad.mutable_record());
    EXPECT_TRUE(IsInvalidArgumentFor(records_->CreateRecord(admin_, bad), c.field)) << c.field;
  }
  v1::CreateRecordRequest empty = req;
  empty.mutable_record()->mutable_content()->Clear();
  EXPECT_EQ(records_->CreateRecord(admin_, empty).status().message(),
            "record.content: required: one part of the form");
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(RecordsTest, ACaseTheCallerCannotWriteIsNotFoundAndANoRoleCallerIsDenied) {
  auto other = MakeOrg("Teine");
  const RequestContext other_head =
      As("prn_0000000000000000000000000c", {{Role::kHeadOfOrganization, other.id(), ""}});
  const auto before = DumpStore(base());
  auto unknown = Create(Decision(), kUnknownCase);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "record.case_id: not found");
  auto foreign = Create(Decision(), case_.id(), &other_head);
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(foreign.status().message(), "record.case_id: not found");
  auto nobody = Create(Decision(), case_.id(), &nobody_);
  EXPECT_EQ(nobody.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(nobody.status().message(), "permission denied: no role of the caller may write_record");
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(RecordsTest, CreateWhoseWriteFailsLeavesNothing) {
  const auto before = DumpStore(base());
  faulty_.FailWritesAfter(0);
  EXPECT_EQ(Create(Decision()).status().code(), absl::StatusCode::kUnavailable);
  faulty_.Heal();
  EXPECT_EQ(DumpStore(base()), before) << "no version, index or location may remain";
  v1::ListRecordsRequest list;
  list.set_client_id(cli_.id());
  EXPECT_TRUE(ListedIds(list).empty());
}

// ---------------------------------------------------------------------------
// Versions

TEST_F(RecordsTest, UpdateAddsAVersionAndTheEarlierOneStaysAsItWas) {
  auto v1r = Create(Decision());
  HOIDLA_ASSERT_OK(v1r);
  v1::RecordContent changed = Decision();
  changed.mutable_initial_decision()->set_needs("Töö leidmine.");
  const RequestContext editor =
      As("prn_0000000000000000000000000d", {{Role::kHeadOfOrganization, org_.id(), ""}});
  Tick();
  v1::UpdateRecordRequest req;
  req.set_id(v1r->id());
  req.set_expected_version(1);
  *req.mutable_content() = changed;
  req.set_change_note("vajadused täpsustatud");
  auto v2r = records_->UpdateRecord(editor, req);
  HOIDLA_ASSERT_OK(v2r);
  EXPECT_EQ(v2r->id(), v1r->id());
  EXPECT_EQ(v2r->version(), 2u);
  EXPECT_EQ(v2r->change_note(), "vajadused täpsustatud");
  EXPECT_EQ(Micros(v2r->created_at()), Micros(v1r->created_at())) << "version 1's creation";
  EXPECT_EQ(v2r->created_by(), admin_.principal.id);
  EXPECT_EQ(Micros(v2r->updated_at()), clock_.NowMicros());
  EXPECT_EQ(v2r->updated_by(), editor.principal.id);
  EXPECT_TRUE(MessageDifferencer::Equals(v2r->content(), changed));

  auto first = Get(v1r->id(), 1);
  HOIDLA_ASSERT_OK(first);
  EXPECT_TRUE(MessageDifferencer::Equals(*first, *v1r));
  auto current = Get(v1r->id());
  HOIDLA_ASSERT_OK(current);
  EXPECT_EQ(current->version(), 2u);
  v1::ListRecordVersionsRequest hist;
  hist.set_id(v1r->id());
  auto versions = records_->ListRecordVersions(admin_, hist);
  HOIDLA_ASSERT_OK(versions);
  ASSERT_EQ(versions->versions_size(), 2);
  EXPECT_TRUE(MessageDifferencer::Equals(versions->versions(0), *v1r)) << "oldest first";
  EXPECT_TRUE(MessageDifferencer::Equals(versions->versions(1), *v2r));
}

TEST_F(RecordsTest, AnUpdateFromAnythingButTheCurrentVersionIsAbortedAndStoresNothing) {
  auto r = Create(Decision());
  HOIDLA_ASSERT_OK(r);
  HOIDLA_ASSERT_OK(Update(r->id(), 1, Decision(), "teine"));
  const auto before = DumpStore(base());
  for (uint32_t stale : {1u, 3u}) {
    auto lost = Update(r->id(), stale, Decision());
    EXPECT_EQ(lost.status().code(), absl::StatusCode::kAborted) << stale;
    EXPECT_EQ(lost.status().message(),
              "expected_version: the current version is 2; reload and apply the change again");
  }
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(RecordsTest, UpdateNamesTheFieldItRefuses) {
  auto r = Create(Decision());
  HOIDLA_ASSERT_OK(r);
  const auto before = DumpStore(base());
  EXPECT_TRUE(IsInvalidArgumentFor(Update("rec_x", 1, Decision()), "id"));
  auto no_version = Update(r->id(), 0, Decision());
  EXPECT_EQ(no_version.status().message(), "expected_version: required");
  EXPECT_TRUE(IsInvalidArgumentFor(no_version, "expected_version"));
  v1::UpdateRecordRequest no_content;
  no_content.set_id(r->id());
  no_content.set_expected_version(1);
  auto refused = records_->UpdateRecord(admin_, no_content);
  EXPECT_TRUE(IsInvalidArgumentFor(refused, "content"));
  EXPECT_EQ(refused.status().message(), "content: required");
  auto other_kind = Update(r->id(), 1, LogEntry());
  EXPECT_TRUE(IsInvalidArgumentFor(other_kind, "content"));
  EXPECT_EQ(other_kind.status().message(), "content: must stay a initial_decision");
  v1::RecordContent incomplete = Decision();
  incomplete.mutable_initial_decision()->clear_client_name();
  EXPECT_TRUE(
      IsInvalidArgumentFor(Update(r->id(), 1, incomplete), "content.initial_decision.client_name"));
  auto unknown = Update(kUnknownRecord, 1, Decision());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(RecordsTest, UpdateWhoseWriteFailsLeavesTheChainAsItWas) {
  auto r = Create(Decision());
  HOIDLA_ASSERT_OK(r);
  const auto before = DumpStore(base());
  faulty_.FailWritesAfter(0);
  EXPECT_EQ(Update(r->id(), 1, Decision(), "x").status().code(), absl::StatusCode::kUnavailable);
  faulty_.Heal();
  EXPECT_EQ(DumpStore(base()), before);
  auto current = Get(r->id());
  HOIDLA_ASSERT_OK(current);
  EXPECT_EQ(current->version(), 1u);
  HOIDLA_EXPECT_OK(Update(r->id(), 1, Decision(), "again"));
}

TEST_F(RecordsTest, GetOfAVersionBeyondTheChainIsNotFound) {
  auto r = Create(Decision());
  HOIDLA_ASSERT_OK(r);
  auto beyond = Get(r->id(), 2);
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(beyond.status().message(), "version: not found");
  EXPECT_TRUE(IsInvalidArgumentFor(Get("rec_x"), "id"));
}

TEST_F(RecordsTest, ARecordOutsideTheCallersScopeLooksLikeNoRecordAtAll) {
  auto r = Create(Decision());
  HOIDLA_ASSERT_OK(r);
  auto other = MakeOrg("Teine");
  const RequestContext other_head =
      As("prn_0000000000000000000000000c", {{Role::kHeadOfOrganization, other.id(), ""}});
  auto hidden = Get(r->id(), 0, &other_head);
  auto missing = Get(kUnknownRecord, 0, &other_head);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), missing.status().message());
  v1::ListRecordVersionsRequest hist;
  hist.set_id(r->id());
  EXPECT_EQ(records_->ListRecordVersions(other_head, hist).status().code(),
            absl::StatusCode::kNotFound);
  v1::UpdateRecordRequest upd;
  upd.set_id(r->id());
  upd.set_expected_version(1);
  *upd.mutable_content() = Decision();
  EXPECT_EQ(records_->UpdateRecord(other_head, upd).status().code(), absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Closed cases

TEST_F(RecordsTest, AClosedCaseIsReadOnlyUntilReopened) {
  auto r = Create(Decision());
  HOIDLA_ASSERT_OK(r);
  Close(case_.id());
  const auto before = DumpStore(base());
  auto create = Create(LogEntry());
  EXPECT_EQ(create.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(create.status().message(),
            "record.case_id: the case is closed and read-only; reopen it first");
  auto update = Update(r->id(), 1, Decision(), "x");
  EXPECT_EQ(update.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(update.status().message(), "id: the case is closed and read-only; reopen it first");
  auto sign = Sign(r->id(), 1, "case_manager");
  EXPECT_EQ(sign.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(sign.status().message(), "id: the case is closed and read-only; reopen it first");
  EXPECT_EQ(DumpStore(base()), before);
  HOIDLA_EXPECT_OK(Get(r->id()));

  v1::ReopenCaseRequest reopen;
  reopen.set_id(case_.id());
  reopen.set_note("klient pöördus tagasi");
  HOIDLA_ASSERT_OK(registry_->ReopenCase(admin_, reopen));
  HOIDLA_EXPECT_OK(Create(LogEntry()));
  HOIDLA_EXPECT_OK(Update(r->id(), 1, Decision(), "x"));
}

// ---------------------------------------------------------------------------
// Rules across records

TEST_F(RecordsTest, ACasePlanAfterCaseManagementWaitsForTheDecisionAndASignedAgreement) {
  auto labour = MakeOrg("Töötukassa");
  HOIDLA_ASSERT_OK(Create(Intake()));
  auto first = Create(CasePlan());
  EXPECT_EQ(first.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(first.status().message(),
            "record.content.case_plan: the first assessment chose case management: record the "
            "initial decision (A1) first");
  HOIDLA_ASSERT_OK(Create(Decision()));
  auto second = Create(CasePlan());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(second.status().message(),
            "record.content.case_plan: the first assessment chose case management: a signed "
            "cooperation agreement (A2, a written or digitally signed consent in force for the "
            "case) is needed first");
  RecordSignedConsent(labour.id(), "case_plan");
  auto plan = Create(CasePlan());
  HOIDLA_ASSERT_OK(plan);
  EXPECT_EQ(plan->kind(), "case_plan");
}

TEST_F(RecordsTest, ACasePlanWithoutCaseManagementNeedsNothingFirst) {
  v1::RecordContent intake = Intake();
  intake.mutable_intake_assessment()->mutable_first_assessment()->set_decision(
      v1::DECISION_SINGLE_SERVICE);
  HOIDLA_ASSERT_OK(Create(intake));
  HOIDLA_EXPECT_OK(Create(CasePlan()));
}

TEST_F(RecordsTest, EvaluationSequenceNumbersIncreaseWithinTheCase) {
  auto first = Create(Evaluation(1));
  HOIDLA_ASSERT_OK(first);
  const auto before = DumpStore(base());
  auto again = Create(Evaluation(1));
  EXPECT_TRUE(IsInvalidArgumentFor(again, "record.content.plan_evaluation.sequence_number"));
  EXPECT_EQ(again.status().message(),
            "record.content.plan_evaluation.sequence_number: must be greater than 1, the case's "
            "last evaluation");
  EXPECT_EQ(DumpStore(base()), before);
  HOIDLA_ASSERT_OK(Create(Evaluation(2)));
  // Another case counts on its own.
  auto cli2 = MakeClient(org_.id(), prj_.id(), "49403136526");
  auto case2 = MakeCase(prj_.id(), cli2.id());
  HOIDLA_EXPECT_OK(Create(Evaluation(1), case2.id()));
}

TEST_F(RecordsTest, TheLatestEvaluationIsCorrectedKeepingItsNumber) {
  auto only = Create(Evaluation(1));
  HOIDLA_ASSERT_OK(only);
  v1::RecordContent fixed = Evaluation(1);
  fixed.mutable_plan_evaluation()->set_recommendations("Jätkata.");
  auto v2 = Update(only->id(), 1, fixed, "soovitus parandatud");
  HOIDLA_ASSERT_OK(v2);
  EXPECT_EQ(v2->version(), 2u);
}

// Found in review: an update's errors named the create request's path.
TEST_F(RecordsTest, AnUpdateRefusedByARuleAcrossRecordsNamesItsOwnContentField) {
  HOIDLA_ASSERT_OK(Create(Evaluation(1)));
  auto second = Create(Evaluation(2));
  HOIDLA_ASSERT_OK(second);
  auto refused = Update(second->id(), 1, Evaluation(1), "number changed");
  EXPECT_TRUE(IsInvalidArgumentFor(refused, "content.plan_evaluation.sequence_number"))
      << refused.status();
  EXPECT_EQ(std::string(refused.status().message()),
            "content.plan_evaluation.sequence_number: must be greater than 1, the case's last "
            "evaluation");
}

TEST_F(RecordsTest, TheActivityLogIsAppendOnlyAndCorrectedByANewEntryOfTheCase) {
  auto entry = Create(LogEntry());
  HOIDLA_ASSERT_OK(entry);
  const auto before = DumpStore(base());
  v1::RecordContent edited = LogEntry();
  edited.mutable_activity_log_entry()->set_action("muudetud");
  auto refused = Update(entry->id(), 1, edited, "parandus");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "id: the activity log is append-only; add an entry that corrects this one "
            "(corrects_record_id)");
  EXPECT_EQ(DumpStore(base()), before);

  auto correction = Create(LogEntry(entry->id()));
  HOIDLA_ASSERT_OK(correction);
  EXPECT_EQ(correction->content().activity_log_entry().corrects_record_id(), entry->id());

  const std::string field = "record.content.activity_log_entry.corrects_record_id";
  const std::string not_an_entry = field + ": not an activity log entry of the case";
  auto decision = Create(Decision());
  HOIDLA_ASSERT_OK(decision);
  auto cli2 = MakeClient(org_.id(), prj_.id(), "49403136526");
  auto case2 = MakeCase(prj_.id(), cli2.id());
  auto elsewhere = Create(LogEntry(), case2.id());
  HOIDLA_ASSERT_OK(elsewhere);
  for (const std::string& target : {decision->id(), elsewhere->id(), std::string(kUnknownRecord)}) {
    auto bad = Create(LogEntry(target));
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kNotFound) << target;
    EXPECT_EQ(bad.status().message(), not_an_entry) << target;
  }
  EXPECT_TRUE(IsInvalidArgumentFor(Create(LogEntry("rec_x")), field));
  v1::ListRecordsRequest list;
  list.set_case_id(case_.id());
  list.set_kind("activity_log_entry");
  EXPECT_EQ(ListedIds(list), (std::vector<std::string>{entry->id(), correction->id()}))
      << "the original stays";
}

// ---------------------------------------------------------------------------
// Signatures

TEST_F(RecordsTest, ASignatureAttachesToTheCurrentVersionWithWhoRecordedItAndWhen) {
  auto r = Create(Decision());
  HOIDLA_ASSERT_OK(r);
  auto signed_r = Sign(r->id(), 1, "case_manager");
  HOIDLA_ASSERT_OK(signed_r);
  ASSERT_EQ(signed_r->signatures_size(), 1);
  const auto& s = signed_r->signatures(0);
  EXPECT_EQ(s.role(), "case_manager");
  EXPECT_EQ(s.signer_name(), "Kaja Kuusk");
  EXPECT_EQ(s.method(), v1::SIGNATURE_METHOD_DIGITAL);
  EXPECT_EQ(s.signature_reference(), "asice:case_manager");
  EXPECT_EQ(Micros(s.signed_at()), clock_.NowMicros());
  EXPECT_EQ(s.recorded_by(), admin_.principal.id);
  EXPECT_EQ(signed_r->version(), 1u);

  auto stale = Sign(r->id(), 2, "client");
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(stale.status().message(), "version: the current version is 1");

  auto v2 = Update(r->id(), 1, Decision(), "uus");
  HOIDLA_ASSERT_OK(v2);
  EXPECT_EQ(v2->signatures_size(), 0) << "a new version is unsigned";
  auto old = Sign(r->id(), 1, "client");
  EXPECT_EQ(old.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(old.status().message(), "version: the current version is 2");
  auto first = Get(r->id(), 1);
  HOIDLA_ASSERT_OK(first);
  EXPECT_EQ(first->signatures_size(), 1) << "version 1 keeps its signature";
}

TEST_F(RecordsTest, SignRecordNamesTheFieldItRefuses) {
  auto r = Create(Decision());
  HOIDLA_ASSERT_OK(r);
  const auto before = DumpStore(base());
  const v1::SignRecordRequest good = SignRequest(r->id(), 1, "client");
  struct Spoil {
    std::string message;
    std::function<void(v1::SignRecordRequest*)> spoil;
  };
  const std::vector<Spoil> cases = {
      {"version: required", [](v1::SignRecordRequest* q) { q->set_version(0); }},
      {"signature: required", [](v1::SignRecordRequest* q) { q->clear_signature(); }},
      {"signature.role: client, legal_representative, case_manager, network_member, "
       "minute_taker or participant",
       [](v1::SignRecordRequest* q) { q->mutable_signature()->set_role("witness"); }},
      {"signature.signer_name: required",
       [](v1::SignRecordRequest* q) { q->mutable_signature()->clear_signer_name(); }},
      {"signature.signed_at: output only",
       [](v1::SignRecordRequest* q) {
         q->mutable_signature()->mutable_signed_at()->set_seconds(1);
       }},
      {"signature.signed_at: output only",
       [](v1::SignRecordRequest* q) { q->mutable_signature()->set_recorded_by("me"); }},
      {"signature.method: required: paper or digital",
       [](v1::SignRecordRequest* q) {
         q->mutable_signature()->set_method(v1::SIGNATURE_METHOD_UNSPECIFIED);
       }},
      {"signature.scan_document_id: required",
       [](v1::SignRecordRequest* q) {
         q->mutable_signature()->set_method(v1::SIGNATURE_METHOD_PAPER);
       }},
      {"signature.signature_reference: required",
       [](v1::SignRecordRequest* q) { q->mutable_signature()->clear_signature_reference(); }},
  };
  for (const auto& c : cases) {
    v1::SignRecordRequest bad = good;
    c.spoil(&bad);
    auto s = records_->SignRecord(admin_, bad);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(s.status().message(), c.message);
  }
  v1::SignRecordRequest unknown = good;
  unknown.set_id(kUnknownRecord);
  EXPECT_EQ(records_->SignRecord(admin_, unknown).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(RecordsTest, AKindTheFormDoesNotSignTakesNoSignature) {
  auto entry = Create(LogEntry());
  HOIDLA_ASSERT_OK(entry);
  auto s = Sign(entry->id(), 1, "case_manager");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.status().message(), "id: the form does not sign a activity_log_entry");
}

TEST_F(RecordsTest, SignatureWhoseWriteFailsLeavesTheVersionUnsigned) {
  auto r = Create(Decision());
  HOIDLA_ASSERT_OK(r);
  const auto before = DumpStore(base());
  faulty_.FailWritesAfter(0);
  EXPECT_EQ(Sign(r->id(), 1, "client").status().code(), absl::StatusCode::kUnavailable);
  faulty_.Heal();
  EXPECT_EQ(DumpStore(base()), before);
  auto back = Get(r->id());
  HOIDLA_ASSERT_OK(back);
  EXPECT_EQ(back->signatures_size(), 0);
}

TEST_F(RecordsTest, MinutesLockOnceTheMinuteTakerAndEveryPresentParticipantSigned) {
  auto m = Create(Minutes());
  HOIDLA_ASSERT_OK(m);
  EXPECT_FALSE(m->locked());
  auto stranger = Sign(m->id(), 1, "participant", "p4");
  EXPECT_TRUE(IsInvalidArgumentFor(stranger, "signature.participant_id"));
  EXPECT_EQ(stranger.status().message(),
            "signature.participant_id: the minute-taker's or a participant's participant_id");
  auto taker = Sign(m->id(), 1, "minute_taker", "p2");
  HOIDLA_ASSERT_OK(taker);
  EXPECT_FALSE(taker->locked()) << "p1 is present and has not signed";
  auto twice = Sign(m->id(), 1, "participant", "p2");
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(twice.status().message(), "signature.participant_id: signed already");
  auto all = Sign(m->id(), 1, "participant", "p1");
  HOIDLA_ASSERT_OK(all);
  EXPECT_TRUE(all->locked()) << "the absent p3 need not sign";
  EXPECT_EQ(all->signatures_size(), 2);
  auto late = Sign(m->id(), 1, "participant", "p3");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().message(), "id: the minutes are signed and locked");

  v1::RecordContent fixed = Minutes();
  fixed.mutable_meeting_minutes()->set_purpose("Parandatud eesmärk.");
  const auto before = DumpStore(base());
  auto silent = Update(m->id(), 1, fixed);
  EXPECT_EQ(silent.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(silent.status().message(),
            "change_note: the minutes are signed and locked; a correction must say why");
  EXPECT_EQ(DumpStore(base()), before);
  auto v2 = Update(m->id(), 1, fixed, "eesmärgi sõnastus parandatud");
  HOIDLA_ASSERT_OK(v2);
  EXPECT_EQ(v2->version(), 2u);
  EXPECT_FALSE(v2->locked());
  EXPECT_EQ(v2->signatures_size(), 0);
  auto signed_version = Get(m->id(), 1);
  HOIDLA_ASSERT_OK(signed_version);
  EXPECT_TRUE(signed_version->locked());
  EXPECT_TRUE(MessageDifferencer::Equals(signed_version->content(), Minutes()));
}

// ---------------------------------------------------------------------------
// Listing and reading

TEST_F(RecordsTest, ListRecordsGivesACasesOrAClientsCurrentVersionsByKind) {
  auto cli2 = MakeClient(org_.id(), prj_.id(), "49403136526");
  auto case2 = MakeCase(prj_.id(), cli2.id());
  auto decision = Create(Decision());
  auto entry = Create(LogEntry());
  auto other = Create(LogEntry(), case2.id());
  HOIDLA_ASSERT_OK(decision);
  HOIDLA_ASSERT_OK(entry);
  HOIDLA_ASSERT_OK(other);
  HOIDLA_ASSERT_OK(Update(decision->id(), 1, Decision(), "v2"));

  v1::ListRecordsRequest by_case;
  by_case.set_case_id(case_.id());
  auto listed = records_->ListRecords(admin_, by_case);
  HOIDLA_ASSERT_OK(listed);
  ASSERT_EQ(listed->records_size(), 2);
  EXPECT_EQ(listed->records(0).id(), decision->id());
  EXPECT_EQ(listed->records(0).version(), 2u) << "the current version";
  EXPECT_EQ(listed->records(1).id(), entry->id());
  by_case.set_kind("initial_decision");
  EXPECT_EQ(ListedIds(by_case), std::vector<std::string>{decision->id()});
  by_case.set_kind("case_plan");
  EXPECT_TRUE(ListedIds(by_case).empty());

  v1::ListRecordsRequest by_client;
  by_client.set_client_id(cli2.id());
  EXPECT_EQ(ListedIds(by_client), std::vector<std::string>{other->id()});
  by_client.set_client_id(cli_.id());
  EXPECT_EQ(ListedIds(by_client), (std::vector<std::string>{decision->id(), entry->id()}));
}

TEST_F(RecordsTest, ListRecordsFiltersByVersionOnesCreationTime) {
  auto early = Create(Decision());
  HOIDLA_ASSERT_OK(early);
  clock_.Advance(kDay);
  const int64_t cut = clock_.NowMicros();
  auto late = Create(LogEntry());
  HOIDLA_ASSERT_OK(late);
  clock_.Advance(kDay);
  HOIDLA_ASSERT_OK(Update(early->id(), 1, Decision(), "later edit"));
  v1::ListRecordsRequest req;
  req.set_case_id(case_.id());
  *req.mutable_created_from() = ToTimestamp(cut);
  EXPECT_EQ(ListedIds(req), std::vector<std::string>{late->id()})
      << "an update does not move a record's creation";
  req.clear_created_from();
  *req.mutable_created_until() = ToTimestamp(cut);
  EXPECT_EQ(ListedIds(req), std::vector<std::string>{early->id()});
}

TEST_F(RecordsTest, ListRecordsPagesThroughEveryRecordOnce) {
  std::vector<std::string> made;
  for (int i = 0; i < 5; ++i) {
    auto r = Create(LogEntry());
    HOIDLA_ASSERT_OK(r);
    made.push_back(r->id());
  }
  v1::ListRecordsRequest req;
  req.set_case_id(case_.id());
  req.set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    auto r = records_->ListRecords(admin_, req);
    HOIDLA_ASSERT_OK(r);
    EXPECT_LE(r->records_size(), 2);
    for (const auto& rec : r->records()) seen.push_back(rec.id());
    if (r->next_page_token().empty()) break;
    req.set_page_token(r->next_page_token());
  }
  EXPECT_EQ(seen, made);
}

TEST_F(RecordsTest, ListRecordsNamesTheFieldItRefuses) {
  v1::ListRecordsRequest neither;
  auto s = records_->ListRecords(admin_, neither);
  EXPECT_TRUE(IsInvalidArgumentFor(s, "case_id"));
  EXPECT_EQ(s.status().message(), "case_id: give exactly one of case_id and client_id");
  v1::ListRecordsRequest both;
  both.set_case_id(case_.id());
  both.set_client_id(cli_.id());
  // The scope is a oneof: a request cannot name both; the last one set holds.
  EXPECT_EQ(both.scope_case(), v1::ListRecordsRequest::kClientId);
  EXPECT_TRUE(both.case_id().empty());
  v1::ListRecordsRequest req;
  req.set_case_id(case_.id());
  req.set_kind("Case Plan");
  EXPECT_TRUE(IsInvalidArgumentFor(records_->ListRecords(admin_, req), "kind"));
  req.clear_kind();
  req.set_page_size(1001);
  EXPECT_TRUE(IsInvalidArgumentFor(records_->ListRecords(admin_, req), "page_size"));
  v1::ListRecordsRequest bad_id;
  bad_id.set_client_id("cli_x");
  EXPECT_TRUE(IsInvalidArgumentFor(records_->ListRecords(admin_, bad_id), "client_id"));
}

TEST_F(RecordsTest, APartnerReadsOnlyTheReleasedKindWithThirdPartiesWithheld) {
  auto labour = MakeOrg("Töötukassa");
  auto intake = Create(Intake());
  auto entry = Create(LogEntry());
  HOIDLA_ASSERT_OK(intake);
  HOIDLA_ASSERT_OK(entry);
  const RequestContext partner =
      As("prn_0000000000000000000000000e", {{Role::kPartnerWorker, labour.id(), ""}},
         "employment_support");
  EXPECT_EQ(Get(intake->id(), 0, &partner).status().code(), absl::StatusCode::kNotFound)
      << "nothing released yet";
  RecordSignedConsent(labour.id(), "intake_assessment");

  auto seen = Get(intake->id(), 0, &partner);
  HOIDLA_ASSERT_OK(seen);
  EXPECT_TRUE(seen->third_parties_withheld());
  const auto& a = seen->content().intake_assessment();
  EXPECT_EQ(a.client().first_name(), "Mari") << "the client's own data stay";
  EXPECT_EQ(a.problem_description().statements(1).conveyor_name(), "[withheld]");
  EXPECT_EQ(a.network().informal(0).personal_code(), "");
  const std::string bytes = seen->SerializeAsString();
  EXPECT_EQ(bytes.find("Kati"), std::string::npos);
  EXPECT_EQ(bytes.find("49403136526"), std::string::npos);
  v1::ListRecordVersionsRequest hist;
  hist.set_id(intake->id());
  auto versions = records_->ListRecordVersions(partner, hist);
  HOIDLA_ASSERT_OK(versions);
  ASSERT_EQ(versions->versions_size(), 1);
  EXPECT_TRUE(versions->versions(0).third_parties_withheld());

  EXPECT_EQ(Get(entry->id(), 0, &partner).status().code(), absl::StatusCode::kNotFound)
      << "a kind the consent does not name";
  const RequestContext no_purpose =
      As(partner.principal.id, partner.principal.memberships, "child_protection");
  EXPECT_EQ(Get(intake->id(), 0, &no_purpose).status().code(), absl::StatusCode::kNotFound)
      << "a purpose the consent does not name";
  v1::ListRecordsRequest list;
  list.set_client_id(cli_.id());
  auto listed = records_->ListRecords(partner, list);
  HOIDLA_ASSERT_OK(listed);
  ASSERT_EQ(listed->records_size(), 1);
  EXPECT_EQ(listed->records(0).id(), intake->id());
  EXPECT_TRUE(listed->records(0).third_parties_withheld());

  auto staff = Get(intake->id());
  HOIDLA_ASSERT_OK(staff);
  EXPECT_FALSE(staff->third_parties_withheld());
  EXPECT_EQ(
      staff->content().intake_assessment().problem_description().statements(1).conveyor_name(),
      "Kati Kask");
}

// ---------------------------------------------------------------------------
// Deadlines

TEST_F(RecordsTest, DeadlinesComeFromTheRecordsSoonestFirst) {
  auto minutes = Create(Minutes());
  auto decision = Create(Decision());
  auto care = Create(CareNeed());
  HOIDLA_ASSERT_OK(minutes);
  HOIDLA_ASSERT_OK(decision);
  HOIDLA_ASSERT_OK(care);
  auto soon = CaseDeadlines(case_.id());
  HOIDLA_ASSERT_OK(soon);
  ASSERT_EQ(soon->deadlines_size(), 3) << soon->DebugString();
  const auto& unsigned_minutes = soon->deadlines(0);
  EXPECT_EQ(unsigned_minutes.kind(), v1::DEADLINE_KIND_MINUTES_UNSIGNED);
  EXPECT_EQ(unsigned_minutes.case_id(), case_.id());
  EXPECT_EQ(unsigned_minutes.record_id(), minutes->id());
  EXPECT_EQ(unsigned_minutes.due_on().year(), 2025);
  EXPECT_EQ(unsigned_minutes.due_on().month(), 6);
  EXPECT_EQ(unsigned_minutes.due_on().day(), 6) << "7 working days after Wednesday 28 May";
  EXPECT_FALSE(unsigned_minutes.overdue());
  for (int i : {1, 2}) {
    EXPECT_EQ(soon->deadlines(i).kind(), v1::DEADLINE_KIND_ACTION_DUE);
    EXPECT_EQ(soon->deadlines(i).due_on().day(), 15);
  }
  EXPECT_EQ(soon->deadlines(1).record_id(), minutes->id());
  EXPECT_EQ(soon->deadlines(2).record_id(), decision->id());

  auto year = CaseDeadlines(case_.id(), 366);
  HOIDLA_ASSERT_OK(year);
  ASSERT_EQ(year->deadlines_size(), 4);
  EXPECT_EQ(year->deadlines(3).kind(), v1::DEADLINE_KIND_ASSESSMENT_VALIDITY_ENDS);
  EXPECT_EQ(year->deadlines(3).record_id(), care->id());

  clock_.Advance(8 * kDay);  // Tuesday 10 June
  auto later = CaseDeadlines(case_.id());
  HOIDLA_ASSERT_OK(later);
  ASSERT_GE(later->deadlines_size(), 1);
  EXPECT_EQ(later->deadlines(0).kind(), v1::DEADLINE_KIND_MINUTES_UNSIGNED);
  EXPECT_TRUE(later->deadlines(0).overdue());

  HOIDLA_ASSERT_OK(Sign(minutes->id(), 1, "minute_taker", "p2"));
  HOIDLA_ASSERT_OK(Sign(minutes->id(), 1, "participant", "p1"));
  auto met = CaseDeadlines(case_.id());
  HOIDLA_ASSERT_OK(met);
  for (const auto& d : met->deadlines()) {
    EXPECT_NE(d.kind(), v1::DEADLINE_KIND_MINUTES_UNSIGNED) << "locked minutes are signed";
  }
}

TEST_F(RecordsTest, AProbationCaseNeedsASupervisionPlanSixWeeksAfterItOpened) {
  v1::RecordContent intake = Intake();
  intake.mutable_intake_assessment()->mutable_first_assessment()->set_decision(
      v1::DECISION_SINGLE_SERVICE);
  intake.mutable_intake_assessment()->mutable_client()->add_previous_assessments()->set_kind(
      v1::PREVIOUS_ASSESSMENT_KIND_PROBATION_RISK);
  HOIDLA_ASSERT_OK(Create(intake));
  auto due = CaseDeadlines(case_.id(), 60);
  HOIDLA_ASSERT_OK(due);
  ASSERT_EQ(due->deadlines_size(), 1) << due->DebugString();
  const auto& d = due->deadlines(0);
  EXPECT_EQ(d.kind(), v1::DEADLINE_KIND_PROBATION_RISK_ASSESSMENT);
  EXPECT_EQ(d.record_id(), "") << "the record is what is missing";
  EXPECT_EQ(d.due_on().year(), 2025);
  EXPECT_EQ(d.due_on().month(), 7);
  EXPECT_EQ(d.due_on().day(), 14) << "42 days after Monday 2 June";
  EXPECT_FALSE(d.overdue());
  auto fortnight = CaseDeadlines(case_.id());
  HOIDLA_ASSERT_OK(fortnight);
  EXPECT_EQ(fortnight->deadlines_size(), 0) << "not due within 14 days";
  HOIDLA_ASSERT_OK(Create(SupervisionPlan()));
  auto met = CaseDeadlines(case_.id(), 60);
  HOIDLA_ASSERT_OK(met);
  EXPECT_EQ(met->deadlines_size(), 0);
}

TEST_F(RecordsTest, AProjectsDeadlinesComeFromItsOpenCasesOnly) {
  auto cli2 = MakeClient(org_.id(), prj_.id(), "49403136526");
  auto case2 = MakeCase(prj_.id(), cli2.id());
  HOIDLA_ASSERT_OK(Create(Minutes()));
  auto open = Create(Decision(), case2.id());
  HOIDLA_ASSERT_OK(open);
  Close(case_.id());
  v1::ListDeadlinesRequest req;
  req.set_project_id(prj_.id());
  auto due = records_->ListDeadlines(admin_, req);
  HOIDLA_ASSERT_OK(due);
  ASSERT_EQ(due->deadlines_size(), 1) << due->DebugString();
  EXPECT_EQ(due->deadlines(0).case_id(), case2.id());
  EXPECT_EQ(due->deadlines(0).record_id(), open->id());
  auto closed = CaseDeadlines(case_.id());
  HOIDLA_ASSERT_OK(closed);
  EXPECT_EQ(closed->deadlines_size(), 0) << "closed cases have none";
}

TEST_F(RecordsTest, ListDeadlinesNamesTheFieldItRefuses) {
  v1::ListDeadlinesRequest neither;
  auto s = records_->ListDeadlines(admin_, neither);
  EXPECT_TRUE(IsInvalidArgumentFor(s, "project_id"));
  EXPECT_EQ(s.status().message(), "project_id: give exactly one of project_id and case_id");
  for (int within : {-1, 367}) {
    auto w = CaseDeadlines(case_.id(), within);
    EXPECT_TRUE(IsInvalidArgumentFor(w, "within_days")) << within;
    EXPECT_EQ(w.status().message(), "within_days: 0 to 366");
  }
  auto unknown = CaseDeadlines(kUnknownCase);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "case_id: not found");
  auto other = MakeOrg("Teine");
  const RequestContext other_head =
      As("prn_0000000000000000000000000c", {{Role::kHeadOfOrganization, other.id(), ""}});
  v1::ListDeadlinesRequest foreign;
  foreign.set_case_id(case_.id());
  auto hidden = records_->ListDeadlines(other_head, foreign);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), "case_id: not found");
}

// ---------------------------------------------------------------------------
// The core's own queries

TEST_F(RecordsTest, LocateNamesTheRecordsCaseClientAndKind) {
  auto r = Create(Minutes());
  HOIDLA_ASSERT_OK(r);
  auto where = records_->Locate(r->id());
  HOIDLA_ASSERT_OK(where);
  EXPECT_EQ(where->kind, "meeting_minutes");
  EXPECT_EQ(where->target.object_id, r->id());
  EXPECT_EQ(where->target.case_id, case_.id());
  EXPECT_EQ(where->target.client_id, cli_.id());
  EXPECT_EQ(where->target.project_id, prj_.id());
  EXPECT_EQ(where->target.organization_id, org_.id());
  EXPECT_EQ(records_->Locate(kUnknownRecord).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RecordsTest, IsRecordOfCaseAnswersForTheRecordsOwnCaseOnly) {
  auto cli2 = MakeClient(org_.id(), prj_.id(), "49403136526");
  auto case2 = MakeCase(prj_.id(), cli2.id());
  auto r = Create(Evaluation(1));
  HOIDLA_ASSERT_OK(r);
  auto own = records_->IsRecordOfCase(case_.id(), r->id());
  HOIDLA_ASSERT_OK(own);
  EXPECT_TRUE(*own);
  auto other = records_->IsRecordOfCase(case2.id(), r->id());
  HOIDLA_ASSERT_OK(other);
  EXPECT_FALSE(*other);
  auto unknown = records_->IsRecordOfCase(case_.id(), kUnknownRecord);
  HOIDLA_ASSERT_OK(unknown);
  EXPECT_FALSE(*unknown);
  // The registry asks it when a case closes with a follow-up record.
  v1::CloseCaseRequest close;
  close.set_id(case2.id());
  close.set_reason(v1::CLOSING_REASON_GOALS_MET);
  close.set_follow_up_record_id(r->id());
  auto refused = registry_->CloseCase(admin_, close);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(refused.status().message(), "follow_up_record_id: not a record of the case");
  close.set_id(case_.id());
  HOIDLA_EXPECT_OK(registry_->CloseCase(admin_, close));
}

TEST_F(RecordsTest, ClientHasKindCountsClosedCasesAndTheHoldingProject) {
  auto r = Create(Decision());
  HOIDLA_ASSERT_OK(r);
  auto other_prj = MakeProject(org_.id(), "Tööklubi");
  auto any = records_->ClientHasKind(cli_.id(), "initial_decision", "");
  HOIDLA_ASSERT_OK(any);
  EXPECT_TRUE(*any);
  auto here = records_->ClientHasKind(cli_.id(), "initial_decision", prj_.id());
  HOIDLA_ASSERT_OK(here);
  EXPECT_TRUE(*here);
  auto elsewhere = records_->ClientHasKind(cli_.id(), "initial_decision", other_prj.id());
  HOIDLA_ASSERT_OK(elsewhere);
  EXPECT_FALSE(*elsewhere);
  auto other_kind = records_->ClientHasKind(cli_.id(), "case_plan", "");
  HOIDLA_ASSERT_OK(other_kind);
  EXPECT_FALSE(*other_kind);
  Close(case_.id());
  auto closed = records_->ClientHasKind(cli_.id(), "initial_decision", prj_.id());
  HOIDLA_ASSERT_OK(closed);
  EXPECT_TRUE(*closed) << "closed cases included";
}

}  // namespace
}  // namespace hoidla::core
