// Disposal (vault/retention/disposal.cc): the due index kept by the rooms'
// writes, the sweep, the due list, holds, and signed certificates, over
// the domain wired as vaultd wires it, with a fake clock on a
// fault-injecting store.
#include <google/protobuf/util/json_util.h>

#include <memory>
#include <set>

#include "base/timestamps.h"
#include "gtest/gtest.h"
#include "keys/signed_note.h"
#include "tests/unit/core_fixture.h"
#include "tests/unit/test_util.h"
#include "vault/retention/retention.h"
#include "vault/storage/layout.h"

namespace hoidla::core {
namespace {

using ::hoidla::testing::DumpStore;

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kDay = 86'400 * kSecond;
// Monday 2025-06-02T08:00:00Z.
constexpr int64_t kMonday = 1'748'851'200 * kSecond;
constexpr char kOrigin[] = "test.hoidla/audit";

v1::RecordContent Decision() {
  v1::RecordContent c;
  auto s = google::protobuf::util::JsonStringToMessage(R"json({"initialDecision": {
    "clientName": "Mari Maasikas",
    "needs": "Võlanõustamine.",
    "actions": [{"action": "Suunata võlanõustajale.",
                 "scheduledOn": {"year": 2025, "month": 6, "day": 15},
                 "provider": "Mati Mets"}],
    "decidedOn": {"year": 2025, "month": 5, "day": 20}}})json",
                                                       &c);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return c;
}

class DisposalTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    clock_.Set(kMonday);
    consents_ = std::make_unique<Consents>(&faulty_, keyring_.get(), &clock_, &policy_,
                                           registry_.get(), documents_.get(), kOrigin);
    documents_->SetReleaseSource(consents_.get());
    instruments_ =
        std::make_unique<Instruments>(&faulty_, keyring_.get(), &clock_, &policy_, registry_.get());
    records_ = std::make_unique<Records>(&faulty_, keyring_.get(), &clock_, &policy_,
                                         registry_.get(), consents_.get(), instruments_.get());
    retention_ =
        std::make_unique<Retention>(&faulty_, keyring_.get(), &clock_, &policy_, registry_.get(),
                                    documents_.get(), consents_.get(), records_.get(), kOrigin);
    registry_->SetLifecycle(retention_.get());
    documents_->SetLifecycle(retention_.get());
    records_->SetLifecycle(retention_.get());
    consents_->SetLifecycle(retention_.get());
    org_ = MakeOrg();
    project_ = MakeProject(org_.id());
    client_ = MakeClient(org_.id(), project_.id());
    case_ = MakeCase(project_.id(), client_.id());
  }

  void Schedule(v1::RetentionItemType type, std::string kind, v1::RetentionTrigger trigger,
                int days, v1::RetentionAction action) {
    Tick();
    v1::CreateRetentionScheduleRequest req;
    auto* s = req.mutable_schedule();
    s->set_organization_id(org_.id());
    s->set_item_type(type);
    s->set_kind(kind);
    s->set_trigger(trigger);
    s->mutable_period()->set_days(days);
    s->set_action(action);
    auto made = retention_->CreateSchedule(admin_, req);
    ASSERT_TRUE(made.ok()) << made.status();
    schedule_ = *made;
  }

  absl::StatusOr<v1::Record> CreateRecord(const std::string& case_id) {
    Tick();
    v1::CreateRecordRequest req;
    req.mutable_record()->set_case_id(case_id);
    *req.mutable_record()->mutable_content() = Decision();
    return records_->CreateRecord(admin_, req);
  }
  absl::StatusCode GetRecordCode(const std::string& id) {
    v1::GetRecordRequest req;
    req.set_id(id);
    return records_->GetRecord(admin_, req).status().code();
  }

  absl::StatusOr<v1::Document> Upload(const std::string& data) {
    Tick();
    v1::Document h;
    h.set_project_id(project_.id());
    h.set_client_id(client_.id());
    h.set_case_id(case_.id());
    h.set_title("Kodukülastuse protokoll");
    h.set_kind("home_visit_report");
    h.set_content_type("application/pdf");
    auto up = documents_->BeginUpload(admin_, h);
    if (!up.ok()) return up.status();
    if (absl::Status s = (*up)->Append(data); !s.ok()) return s;
    return (*up)->Commit();
  }

  absl::Status CloseCase() {
    Tick();
    v1::CloseCaseRequest req;
    req.set_id(case_.id());
    req.set_reason(v1::CLOSING_REASON_GOALS_MET);
    return registry_->CloseCase(admin_, req).status();
  }
  absl::Status ReopenCase() {
    Tick();
    v1::ReopenCaseRequest req;
    req.set_id(case_.id());
    return registry_->ReopenCase(admin_, req).status();
  }

  absl::StatusOr<v1::RunDisposalResponse> Sweep(const RequestContext* ctx = nullptr) {
    Tick();
    v1::RunDisposalRequest req;
    req.set_organization_id(org_.id());
    return retention_->RunDisposal(ctx ? *ctx : admin_, req);
  }

  absl::StatusOr<v1::ListDueDisposalsResponse> DueList() {
    v1::ListDueDisposalsRequest req;
    req.set_organization_id(org_.id());
    return retention_->ListDueDisposals(admin_, req);
  }

  absl::StatusOr<v1::DueDisposal> Approve(const std::string& id) {
    Tick();
    v1::ApproveDisposalRequest req;
    req.set_item_id(id);
    req.set_reason("reviewed: nothing further needs it");
    return retention_->ApproveDisposal(admin_, req);
  }

  absl::StatusOr<v1::LegalHold> HoldClient() {
    Tick();
    v1::PlaceLegalHoldRequest req;
    req.mutable_hold()->set_client_id(client_.id());
    req.mutable_hold()->set_reason("court request 2-26-1");
    return retention_->PlaceHold(admin_, req);
  }

  // A head of this organisation only: a consent never names its
  // recorder's own other organisation.
  RequestContext Recorder() const {
    RequestContext recorder;
    recorder.principal = {.id = "prn_recorder",
                          .display_name = "recorder",
                          .memberships = {{Role::kHeadOfOrganization, org_.id(), ""}}};
    return recorder;
  }
  // The client's case plan to a labour office, for a year; its id.
  absl::StatusOr<std::string> RecordConsent() {
    const v1::Organization labour = MakeOrg("Töötukassa");
    Tick();
    v1::RecordConsentRequest rec;
    v1::Consent* c = rec.mutable_consent();
    c->set_client_id(client_.id());
    c->set_project_id(project_.id());
    c->mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
    c->set_form(v1::CONSENT_FORM_ORAL);
    c->set_witness("juhtumikorraldaja");
    c->set_note("suuline kokkulepe vastuvõtul");
    c->set_cooperation_agreed(true);
    c->set_processing_agreed(true);
    c->set_given_voluntarily(true);
    *c->mutable_given_at() = ToTimestamp(clock_.NowMicros());
    auto* p = c->add_provisions();
    auto* r = p->add_recipients();
    r->set_kind(v1::RECIPIENT_KIND_ORGANIZATION);
    r->set_organization_id(labour.id());
    p->add_kinds("case_plan");
    p->add_purposes("employment_support");
    *p->mutable_valid_from() = ToTimestamp(clock_.NowMicros());
    *p->mutable_valid_until() = ToTimestamp(clock_.NowMicros() + 365 * kDay);
    auto receipt = consents_->RecordConsent(Recorder(), rec);
    if (!receipt.ok()) return receipt.status();
    return receipt->consent().id();
  }

  keys::NoteVerifier Verifier() {
    auto key = keyring_->ActiveSigningKey();
    EXPECT_TRUE(key.ok()) << key.status();
    auto v = keys::ParseVerifierKey(keys::VerifierKeyString(kOrigin, key->public_key));
    EXPECT_TRUE(v.ok()) << v.status();
    return *v;
  }

  std::unique_ptr<Consents> consents_;
  std::unique_ptr<Instruments> instruments_;
  std::unique_ptr<Records> records_;
  std::unique_ptr<Retention> retention_;
  v1::Organization org_;
  v1::Project project_;
  v1::Client client_;
  v1::Case case_;
  v1::RetentionSchedule schedule_;
};

TEST_F(DisposalTest, AReviewedRecordIsDestroyedAfterApprovalWithASignedCertificate) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "initial_decision", v1::RETENTION_TRIGGER_CASE_CLOSED,
           30, v1::RETENTION_ACTION_REVIEW);
  auto rec = CreateRecord(case_.id());
  ASSERT_TRUE(rec.ok()) << rec.status();
  ASSERT_TRUE(CloseCase().ok());

  // Not due before the period has run.
  clock_.Advance(29 * kDay);
  auto early = Sweep();
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_EQ(early->awaiting_review(), 0);
  EXPECT_EQ(early->destroyed(), 0);

  clock_.Advance(2 * kDay);
  auto due = Sweep();
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->awaiting_review(), 1);
  EXPECT_EQ(due->destroyed(), 0);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kOk);  // kept until approved
  auto list = DueList();
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->items_size(), 1);
  EXPECT_EQ(list->items(0).item_id(), rec->id());
  EXPECT_EQ(list->items(0).state(), v1::DISPOSAL_STATE_AWAITING_REVIEW);
  EXPECT_EQ(list->items(0).schedule_id(), schedule_.id());
  EXPECT_EQ(list->items(0).kind(), "initial_decision");

  // A second sweep changes nothing while the decision is open.
  auto again = Sweep();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->destroyed(), 0);

  auto approved = Approve(rec->id());
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->state(), v1::DISPOSAL_STATE_APPROVED);
  EXPECT_EQ(approved->decided_by(), admin_.principal.id);
  auto run = Sweep();
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->destroyed(), 1);
  EXPECT_FALSE(run->more_due());
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kNotFound);
  EXPECT_EQ(DueList()->items_size(), 0);

  v1::GetDisposalCertificateRequest get;
  get.set_id(run->certificate_id());
  auto cert = retention_->GetDisposalCertificate(admin_, get);
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_EQ(cert->cause(), v1::DISPOSAL_CAUSE_SCHEDULE);
  EXPECT_EQ(cert->run_by(), admin_.principal.id);
  ASSERT_EQ(cert->items_size(), 1);
  EXPECT_EQ(cert->items(0).item_id(), rec->id());
  EXPECT_EQ(cert->items(0).schedule_id(), schedule_.id());
  EXPECT_EQ(cert->items(0).schedule_version(), 1u);
  EXPECT_EQ(cert->items(0).approved_by(), admin_.principal.id);
  ASSERT_EQ(cert->counts_size(), 1);
  EXPECT_EQ(cert->counts(0).count(), 1);

  // The note verifies offline, and says what the certificate says.
  auto text = keys::OpenNote(cert->signed_note(), Verifier());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_TRUE(text->starts_with(StrCat(kCertificateHeader, "\n")));
  EXPECT_NE(text->find(rec->id()), std::string::npos);
  EXPECT_NE(text->find(schedule_.id()), std::string::npos);
  std::string altered = cert->signed_note();
  const size_t at = altered.find(rec->id());
  altered[at + 5] = altered[at + 5] == 'a' ? 'b' : 'a';
  EXPECT_EQ(keys::OpenNote(altered, Verifier()).status().code(), absl::StatusCode::kDataLoss);

  v1::ListDisposalCertificatesRequest list_certs;
  list_certs.set_organization_id(org_.id());
  auto certs = retention_->ListDisposalCertificates(admin_, list_certs);
  ASSERT_TRUE(certs.ok()) << certs.status();
  ASSERT_EQ(certs->certificates_size(), 1);
  EXPECT_EQ(certs->certificates(0).id(), cert->id());
  EXPECT_EQ(certs->certificates(0).items_size(), 0);
  EXPECT_TRUE(certs->certificates(0).signed_note().empty());  // Get has it
}

TEST_F(DisposalTest, NothingOfADestroyedRecordStaysButItsTombstone) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 1,
           v1::RETENTION_ACTION_DESTROY);
  auto rec = CreateRecord(case_.id());
  ASSERT_TRUE(rec.ok()) << rec.status();
  clock_.Advance(2 * kDay);
  auto run = Sweep();
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->destroyed(), 1);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kNotFound);
  // No key of any space names the record but its tombstone and the
  // certificate (whose sealed bytes do not show it).
  int named = 0;
  for (const auto& [where, value] : DumpStore(base())) {
    if (where.second.find(rec->id()) == std::string::npos) continue;
    ++named;
    EXPECT_EQ(where.first, static_cast<int>(storage::Space::kIndex));
    EXPECT_EQ(where.second, storage::layout::retention::kTombstone.Key(rec->id()));
    EXPECT_EQ(value, run->certificate_id());
  }
  EXPECT_EQ(named, 1);
}

TEST_F(DisposalTest, AHeldRecordSurvivesTheSweepAndGoesAfterTheHoldIsLifted) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 1,
           v1::RETENTION_ACTION_DESTROY);
  auto rec = CreateRecord(case_.id());
  ASSERT_TRUE(rec.ok()) << rec.status();
  auto hold = HoldClient();
  ASSERT_TRUE(hold.ok()) << hold.status();
  clock_.Advance(3 * kDay);
  auto held = Sweep();
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->held(), 1);
  EXPECT_EQ(held->destroyed(), 0);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kOk);

  Tick();
  v1::LiftLegalHoldRequest lift;
  lift.set_id(hold->id());
  lift.set_reason("proceedings ended");
  ASSERT_TRUE(retention_->LiftHold(admin_, lift).ok());
  auto run = Sweep();
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->destroyed(), 1);
  EXPECT_EQ(run->held(), 0);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kNotFound);
}

TEST_F(DisposalTest, ReopeningACaseStopsItsClock) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CASE_CLOSED, 30,
           v1::RETENTION_ACTION_DESTROY);
  auto rec = CreateRecord(case_.id());
  ASSERT_TRUE(rec.ok()) << rec.status();
  ASSERT_TRUE(CloseCase().ok());
  clock_.Advance(20 * kDay);
  ASSERT_TRUE(ReopenCase().ok());
  clock_.Advance(20 * kDay);  // 40 days after the first closing
  auto open = Sweep();
  ASSERT_TRUE(open.ok()) << open.status();
  EXPECT_EQ(open->destroyed(), 0);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kOk);

  ASSERT_TRUE(CloseCase().ok());
  clock_.Advance(29 * kDay);
  EXPECT_EQ(Sweep()->destroyed(), 0);
  clock_.Advance(2 * kDay);
  EXPECT_EQ(Sweep()->destroyed(), 1);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kNotFound);
}

TEST_F(DisposalTest, ADueDocumentIsDestroyedWithItsContent) {
  Schedule(v1::RETENTION_ITEM_TYPE_DOCUMENT, "home_visit_report", v1::RETENTION_TRIGGER_CREATED, 7,
           v1::RETENTION_ACTION_DESTROY);
  auto doc = Upload(std::string(100'000, 'x'));
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(blobs_.Count(), 1u);
  clock_.Advance(8 * kDay);
  auto run = Sweep();
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->destroyed(), 1);
  EXPECT_EQ(blobs_.Count(), 0u);
  v1::GetDocumentRequest get;
  get.set_id(doc->id());
  auto gone = documents_->GetDocument(admin_, get);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(gone.status().message(), "id: not found");
  // No pending marker is left for the start-up clean-up.
  EXPECT_EQ(documents_->RecoverPendingUploads().value_or(-1), 0);
}

TEST_F(DisposalTest, APostponedItemReturnsToReviewAtItsDate) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 1,
           v1::RETENTION_ACTION_REVIEW);
  auto rec = CreateRecord(case_.id());
  ASSERT_TRUE(rec.ok());
  clock_.Advance(2 * kDay);
  ASSERT_EQ(Sweep()->awaiting_review(), 1);
  Tick();
  v1::PostponeDisposalRequest req;
  req.set_item_id(rec->id());
  req.set_reason("an appeal may still come");
  *req.mutable_until() = ToTimestamp(clock_.NowMicros() + 10 * kDay);
  auto postponed = retention_->PostponeDisposal(admin_, req);
  ASSERT_TRUE(postponed.ok()) << postponed.status();
  EXPECT_EQ(postponed->state(), v1::DISPOSAL_STATE_POSTPONED);
  EXPECT_EQ(DueList()->items(0).state(), v1::DISPOSAL_STATE_POSTPONED);

  clock_.Advance(5 * kDay);
  EXPECT_EQ(Sweep()->awaiting_review(), 0);
  clock_.Advance(6 * kDay);
  EXPECT_EQ(Sweep()->awaiting_review(), 1);
  EXPECT_EQ(DueList()->items(0).state(), v1::DISPOSAL_STATE_AWAITING_REVIEW);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kOk);

  // The past, and more than 100 years ahead, are refused by name.
  *req.mutable_until() = ToTimestamp(clock_.NowMicros() - kDay);
  EXPECT_EQ(retention_->PostponeDisposal(admin_, req).status().message(),
            "until: must be after now");
  req.set_reason("");
  EXPECT_EQ(retention_->PostponeDisposal(admin_, req).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(DisposalTest, ANewScheduleAppliesToWhatIsAlreadyHeld) {
  auto rec = CreateRecord(case_.id());
  ASSERT_TRUE(rec.ok());
  clock_.Advance(10 * kDay);
  EXPECT_EQ(Sweep()->destroyed(), 0);  // no schedule: kept
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 5,
           v1::RETENTION_ACTION_DESTROY);
  EXPECT_EQ(Sweep()->destroyed(), 1);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kNotFound);
}

TEST_F(DisposalTest, KeepAndNoScheduleNeverDispose) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 0,
           v1::RETENTION_ACTION_KEEP);
  auto rec = CreateRecord(case_.id());
  ASSERT_TRUE(rec.ok());
  auto doc = Upload("kept");  // no document schedule
  ASSERT_TRUE(doc.ok());
  clock_.Advance(3650 * kDay);
  auto run = Sweep();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->destroyed(), 0);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kOk);
}

TEST_F(DisposalTest, AChangeBeforeTheDueDateMovesALastActivityClock) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_LAST_ACTIVITY, 10,
           v1::RETENTION_ACTION_DESTROY);
  auto rec = CreateRecord(case_.id());
  ASSERT_TRUE(rec.ok());
  clock_.Advance(8 * kDay);
  Tick();
  v1::UpdateRecordRequest up;
  up.set_id(rec->id());
  up.set_expected_version(1);
  *up.mutable_content() = Decision();
  up.set_change_note("needs updated");
  ASSERT_TRUE(records_->UpdateRecord(admin_, up).ok());
  clock_.Advance(8 * kDay);  // 16 days after creation, 8 after the change
  EXPECT_EQ(Sweep()->destroyed(), 0);
  clock_.Advance(3 * kDay);
  EXPECT_EQ(Sweep()->destroyed(), 1);
}

TEST_F(DisposalTest, ASweepThatCannotWriteLeavesEverythingAsItWas) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 1,
           v1::RETENTION_ACTION_DESTROY);
  ASSERT_TRUE(Sweep().ok());  // applies the new schedule
  auto rec = CreateRecord(case_.id());
  ASSERT_TRUE(rec.ok());
  clock_.Advance(2 * kDay);
  const auto before = DumpStore(base());
  faulty_.FailWritesAfter(0);
  auto failed = Sweep();
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  faulty_.Heal();
  EXPECT_EQ(DumpStore(base()), before);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kOk);
  EXPECT_EQ(Sweep()->destroyed(), 1);
}

TEST_F(DisposalTest, ASweepWithNothingDueWritesNothing) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 30,
           v1::RETENTION_ACTION_DESTROY);
  ASSERT_TRUE(CreateRecord(case_.id()).ok());
  ASSERT_TRUE(Sweep().ok());  // applies the new schedule
  const auto before = DumpStore(base());
  clock_.Advance(kDay);
  auto run = Sweep();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->destroyed(), 0);
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(DisposalTest, OnlyHeadsAndDataProtectionOfficersDispose) {
  RequestContext worker;
  worker.principal = {.id = "prn_worker",
                      .display_name = "worker",
                      .memberships = {{Role::kCaseWorker, org_.id(), project_.id()}}};
  EXPECT_EQ(Sweep(&worker).status().code(), absl::StatusCode::kPermissionDenied);
  RequestContext auditor;
  auditor.principal = {.id = "prn_auditor",
                       .display_name = "auditor",
                       .memberships = {{Role::kAuditor, org_.id(), ""}}};
  EXPECT_EQ(Sweep(&auditor).status().code(), absl::StatusCode::kPermissionDenied);
  v1::ListDueDisposalsRequest list;
  list.set_organization_id(org_.id());
  EXPECT_TRUE(retention_->ListDueDisposals(auditor, list).ok());
  // The head of another organisation learns nothing of this one.
  const v1::Organization other = MakeOrg("Teine");
  RequestContext outsider;
  outsider.principal = {.id = "prn_out",
                        .display_name = "outsider",
                        .memberships = {{Role::kHeadOfOrganization, other.id(), ""}}};
  auto hidden = Sweep(&outsider);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), "organization_id: not found");
}

TEST_F(DisposalTest, HeldItemsAreParkedUntilTheLiftAndDoNotCrowdTheSweep) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 1,
           v1::RETENTION_ACTION_DESTROY);
  auto held_rec = CreateRecord(case_.id());
  ASSERT_TRUE(held_rec.ok());
  const v1::Client other = MakeClient(org_.id(), project_.id());
  const v1::Case other_case = MakeCase(project_.id(), other.id());
  auto free_rec = CreateRecord(other_case.id());
  ASSERT_TRUE(free_rec.ok());
  auto hold = HoldClient();
  ASSERT_TRUE(hold.ok());
  clock_.Advance(2 * kDay);
  auto first = Sweep();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->held(), 1);
  EXPECT_EQ(first->destroyed(), 1);
  EXPECT_FALSE(first->more_due());
  // Parked: the next sweep does not look at it again.
  auto second = Sweep();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->held(), 0);
  EXPECT_EQ(second->destroyed(), 0);
  EXPECT_EQ(GetRecordCode(held_rec->id()), absl::StatusCode::kOk);
  EXPECT_EQ(GetRecordCode(free_rec->id()), absl::StatusCode::kNotFound);
  Tick();
  v1::LiftLegalHoldRequest lift;
  lift.set_id(hold->id());
  lift.set_reason("proceedings ended");
  ASSERT_TRUE(retention_->LiftHold(admin_, lift).ok());
  EXPECT_EQ(Sweep()->destroyed(), 1);
  EXPECT_EQ(GetRecordCode(held_rec->id()), absl::StatusCode::kNotFound);
}

TEST_F(DisposalTest, AStrayOrMalformedDueEntryIsDroppedAndTheSweepGoesOn) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 1,
           v1::RETENTION_ACTION_DESTROY);
  auto rec = CreateRecord(case_.id());
  ASSERT_TRUE(rec.ok());
  // Someone with write access to the data folder plants entries.
  namespace lt = storage::layout::retention;
  storage::WriteBatch planted;
  planted.Put(storage::Space::kIndex, lt::kDue.Key(org_.id(), "zzzzzzzzzzzzzzzz", "x"), "");
  planted.Put(storage::Space::kIndex, lt::kDue.Key(org_.id(), "0000000000000001", "short"), "");
  const v1::Organization other = MakeOrg("Teine");
  planted.Put(storage::Space::kIndex, lt::kDue.Key(other.id(), "0000000000000001", rec->id()), "");
  ASSERT_TRUE(base().Write(planted, {}).ok());
  clock_.Advance(2 * kDay);
  // The other organisation's sweep drops the entry naming this one's item,
  // and destroys nothing.
  v1::RunDisposalRequest req;
  req.set_organization_id(other.id());
  auto foreign = retention_->RunDisposal(admin_, req);
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  EXPECT_EQ(foreign->destroyed(), 0);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kOk);
  auto run = Sweep();
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->destroyed(), 1);
  EXPECT_TRUE(
      ::hoidla::testing::KeysWithPrefix(base(), storage::Space::kIndex, lt::kDue.Prefix()).empty());
}

TEST_F(DisposalTest, TheVaultsOwnSweepStopsWhenAskedTo) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 1,
           v1::RETENTION_ACTION_DESTROY);
  auto rec = CreateRecord(case_.id());
  ASSERT_TRUE(rec.ok());
  clock_.Advance(2 * kDay);
  auto stopped = retention_->SweepAll(nullptr, [] { return false; });
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(*stopped, 0);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kOk);
  auto swept = retention_->SweepAll(nullptr);
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 1);
  EXPECT_EQ(GetRecordCode(rec->id()), absl::StatusCode::kNotFound);
}

TEST_F(DisposalTest, AWithdrawnConsentGoesWhenItsPeriodHasRun) {
  Schedule(v1::RETENTION_ITEM_TYPE_CONSENT, "", v1::RETENTION_TRIGGER_CONSENT_ENDED, 30,
           v1::RETENTION_ACTION_DESTROY);
  auto consent = RecordConsent();
  ASSERT_TRUE(consent.ok()) << consent.status();
  const std::string id = *consent;

  // In force: never due, however long it runs.
  clock_.Advance(100 * kDay);
  EXPECT_EQ(Sweep()->destroyed(), 0);
  Tick();
  v1::WithdrawConsentRequest withdraw;
  withdraw.set_id(id);
  ASSERT_TRUE(consents_->WithdrawConsent(Recorder(), withdraw).ok());
  clock_.Advance(29 * kDay);
  EXPECT_EQ(Sweep()->destroyed(), 0);
  clock_.Advance(2 * kDay);
  auto run = Sweep();
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->destroyed(), 1);
  v1::GetConsentRequest get;
  get.set_id(id);
  EXPECT_EQ(consents_->GetConsent(admin_, get).status().code(), absl::StatusCode::kNotFound);
  v1::ListConsentsRequest list;
  list.set_client_id(client_.id());
  auto listed = consents_->ListConsents(admin_, list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->consents_size(), 0);
}

// ---------------------------------------------------------------------------
// Erasure

class ErasureTest : public DisposalTest {
 protected:
  void SetUp() override {
    DisposalTest::SetUp();
    admin_.principal.memberships.push_back({Role::kDataProtectionOfficer, org_.id(), ""});
    // A client with a personal code, a record and a document.
    coded_ = MakeClient(org_.id(), project_.id(), "37605030299");
    coded_case_ = MakeCase(project_.id(), coded_.id());
    case_ = coded_case_;
    client_ = coded_;
    auto rec = CreateRecord(coded_case_.id());
    ASSERT_TRUE(rec.ok()) << rec.status();
    record_ = rec->id();
    auto doc = Upload("Hindamise märkmed");
    ASSERT_TRUE(doc.ok()) << doc.status();
    document_ = doc->id();
  }
  absl::StatusOr<v1::DisposalCertificate> Erase(const RequestContext* ctx = nullptr) {
    Tick();
    v1::EraseClientRequest req;
    req.set_client_id(coded_.id());
    req.set_reason("written request of 2026-12-01, identity checked in person");
    return retention_->EraseClient(ctx ? *ctx : admin_, req);
  }

  v1::Client coded_;
  v1::Case coded_case_;
  std::string record_, document_;
};

TEST_F(ErasureTest, AnErasureIsRefusedWhileAHoldAppliesAndDoneOnceItIsLifted) {
  auto hold = HoldClient();
  ASSERT_TRUE(hold.ok()) << hold.status();
  const auto before = DumpStore(base());
  auto refused = Erase();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            StrCat("client_id: legal hold ", hold->id(), " applies; it must be lifted first"));
  EXPECT_EQ(DumpStore(base()), before);

  Tick();
  v1::LiftLegalHoldRequest lift;
  lift.set_id(hold->id());
  lift.set_reason("proceedings ended");
  ASSERT_TRUE(retention_->LiftHold(admin_, lift).ok());
  auto cert = Erase();
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_EQ(cert->cause(), v1::DISPOSAL_CAUSE_ERASURE);
  EXPECT_EQ(cert->client_id(), coded_.id());
  std::set<std::string> named;
  for (const auto& i : cert->items()) named.insert(i.item_id());
  EXPECT_TRUE(named.contains(record_));
  EXPECT_TRUE(named.contains(document_));
  EXPECT_TRUE(named.contains(coded_case_.id()));
  EXPECT_TRUE(named.contains(coded_.id()));
  auto text = keys::OpenNote(cert->signed_note(), Verifier());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_NE(text->find("\"cause\":\"ERASURE\""), std::string::npos) << *text;
}

TEST_F(ErasureTest, NothingOfAnErasedClientCanBeReadOrFound) {
  auto cert = Erase();
  ASSERT_TRUE(cert.ok()) << cert.status();
  v1::GetClientRequest get_client;
  get_client.set_id(coded_.id());
  auto client = registry_->GetClient(admin_, get_client);
  EXPECT_EQ(client.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client.status().message(), "id: not found");
  v1::FindClientByPersonalCodeRequest find;
  find.set_organization_id(org_.id());
  find.set_personal_code("37605030299");
  auto found = registry_->FindClientByPersonalCode(admin_, find);
  EXPECT_EQ(found.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(found.status().message(), "personal_code: not found");
  EXPECT_EQ(GetRecordCode(record_), absl::StatusCode::kNotFound);
  v1::GetDocumentRequest get_doc;
  get_doc.set_id(document_);
  EXPECT_EQ(documents_->GetDocument(admin_, get_doc).status().code(), absl::StatusCode::kNotFound);
  v1::GetCaseRequest get_case;
  get_case.set_id(coded_case_.id());
  EXPECT_EQ(registry_->GetCase(admin_, get_case).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(blobs_.Count(), 0u);
  // Their key is gone, and no key of the store names them but tombstones.
  EXPECT_EQ(keyring_->WrapDataKey(coded_.id(), keys::NewKey(), "x").status().code(),
            absl::StatusCode::kNotFound);
  for (const auto& [where, value] : DumpStore(base())) {
    if (where.second.find(coded_.id()) == std::string::npos) continue;
    EXPECT_EQ(where.second, storage::layout::retention::kTombstone.Key(coded_.id()));
  }
  // The personal code may be registered again, as a new client.
  auto again =
      registry_->CreateClient(admin_, ClientRequest(org_.id(), project_.id(), "37605030299"));
  EXPECT_TRUE(again.ok()) << again.status();
}

TEST_F(ErasureTest, AnErasureIsRefusedWhileAScheduleStillKeepsAnItem) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 0,
           v1::RETENTION_ACTION_KEEP);
  const std::string keep = schedule_.id();
  ASSERT_TRUE(Sweep().ok());  // applies it
  auto kept = Erase();
  EXPECT_EQ(kept.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(kept.status().message(), StrCat("client_id: retention schedule ", keep,
                                            " (version 1) keeps ", record_, " permanently"));

  Tick();
  v1::UpdateRetentionScheduleRequest up;
  up.set_id(keep);
  up.set_expected_version(1);
  up.mutable_schedule()->set_trigger(v1::RETENTION_TRIGGER_CREATED);
  up.mutable_schedule()->mutable_period()->set_days(10);
  up.mutable_schedule()->set_action(v1::RETENTION_ACTION_DESTROY);
  ASSERT_TRUE(retention_->UpdateSchedule(admin_, up).ok());
  auto until = Erase();
  EXPECT_EQ(until.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(std::string(until.status().message())
                  .starts_with(StrCat("client_id: retention schedule ", keep, " (version 2) keeps ",
                                      record_, " until ")))
      << until.status();
  EXPECT_EQ(GetRecordCode(record_), absl::StatusCode::kOk);
}

TEST_F(ErasureTest, TheDataSubjectMayEraseThemselvesAndACaseWorkerMayNot) {
  RequestContext worker;
  worker.principal = {.id = "prn_worker",
                      .display_name = "worker",
                      .memberships = {{Role::kCaseWorker, org_.id(), project_.id()}}};
  EXPECT_EQ(Erase(&worker).status().code(), absl::StatusCode::kPermissionDenied);
  RequestContext other_subject;
  other_subject.principal = {.id = "prn_other", .display_name = "someone else"};
  other_subject.principal.subject_client_id = "cli_00000000000000000000000000";
  EXPECT_EQ(Erase(&other_subject).status().code(), absl::StatusCode::kNotFound);
  RequestContext self;
  self.principal = {.id = "prn_self", .display_name = "the client"};
  self.principal.subject_client_id = coded_.id();
  auto cert = Erase(&self);
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_EQ(cert->run_by(), "prn_self");
}

TEST_F(ErasureTest, APostponedDisposalKeepsTheClientFromErasure) {
  Schedule(v1::RETENTION_ITEM_TYPE_RECORD, "", v1::RETENTION_TRIGGER_CREATED, 1,
           v1::RETENTION_ACTION_REVIEW);
  ASSERT_TRUE(Sweep().ok());
  clock_.Advance(2 * kDay);
  ASSERT_EQ(Sweep()->awaiting_review(), 1);
  Tick();
  v1::PostponeDisposalRequest req;
  req.set_item_id(record_);
  req.set_reason("an appeal may still come");
  *req.mutable_until() = ToTimestamp(clock_.NowMicros() + 30 * kDay);
  ASSERT_TRUE(retention_->PostponeDisposal(admin_, req).ok());
  auto refused = Erase();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      std::string(refused.status().message())
          .starts_with(StrCat("client_id: the disposal of ", record_, " was postponed until ")))
      << refused.status();
}

TEST_F(ErasureTest, TheDataSubjectIsNotToldTheIdsOfHoldsOrItems) {
  auto hold = HoldClient();
  ASSERT_TRUE(hold.ok());
  RequestContext self;
  self.principal = {.id = "prn_self", .display_name = "the client"};
  self.principal.subject_client_id = coded_.id();
  auto refused = Erase(&self);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(refused.status().message()).find("lgh_"), std::string::npos)
      << refused.status();
  EXPECT_TRUE(std::string(refused.status().message()).starts_with("client_id: a legal hold"));
}

TEST_F(ErasureTest, AnEndedConsentKeptAsProofHoldsErasureBackUntilItsPeriodHasRun) {
  Schedule(v1::RETENTION_ITEM_TYPE_CONSENT, "", v1::RETENTION_TRIGGER_CONSENT_ENDED, 30,
           v1::RETENTION_ACTION_DESTROY);
  auto consent = RecordConsent();
  ASSERT_TRUE(consent.ok()) << consent.status();
  Tick();
  v1::WithdrawConsentRequest withdraw;
  withdraw.set_id(*consent);
  ASSERT_TRUE(consents_->WithdrawConsent(Recorder(), withdraw).ok());
  auto refused = Erase();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(std::string(refused.status().message())
                  .starts_with(StrCat("client_id: retention schedule ", schedule_.id(),
                                      " (version 1) keeps ", *consent, " until ")))
      << refused.status();
  clock_.Advance(31 * kDay);
  auto cert = Erase();
  ASSERT_TRUE(cert.ok()) << cert.status();
  v1::GetConsentRequest get;
  get.set_id(*consent);
  EXPECT_EQ(consents_->GetConsent(admin_, get).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ErasureTest, AConsentInForceDoesNotStandInTheWayOfErasure) {
  Schedule(v1::RETENTION_ITEM_TYPE_CONSENT, "", v1::RETENTION_TRIGGER_CONSENT_ENDED, 30,
           v1::RETENTION_ACTION_DESTROY);
  ASSERT_TRUE(RecordConsent().ok());
  EXPECT_TRUE(Erase().ok());
}

TEST_F(ErasureTest, AnErasureThatCannotWriteLeavesEverythingAsItWas) {
  const auto before = DumpStore(base());
  faulty_.FailWritesAfter(0);
  EXPECT_EQ(Erase().status().code(), absl::StatusCode::kUnavailable);
  faulty_.Heal();
  EXPECT_EQ(DumpStore(base()), before);
  EXPECT_EQ(GetRecordCode(record_), absl::StatusCode::kOk);
  EXPECT_TRUE(Erase().ok());
}

}  // namespace
}  // namespace hoidla::core
