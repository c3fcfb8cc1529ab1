// Retention schedules and legal holds (vault/retention/retention.h) over
// the domain wired as vaultd wires it, on a fault-injecting store.
#include "vault/retention/retention.h"

#include <memory>

#include "gtest/gtest.h"
#include "tests/unit/core_fixture.h"
#include "tests/unit/test_util.h"
#include "vault/storage/layout.h"

namespace hoidla::core {
namespace {

class RetentionTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    consents_ = std::make_unique<Consents>(&faulty_, keyring_.get(), &clock_, &policy_,
                                           registry_.get(), documents_.get(), "test.hoidla");
    documents_->SetReleaseSource(consents_.get());
    instruments_ =
        std::make_unique<Instruments>(&faulty_, keyring_.get(), &clock_, &policy_, registry_.get());
    records_ = std::make_unique<Records>(&faulty_, keyring_.get(), &clock_, &policy_,
                                         registry_.get(), consents_.get(), instruments_.get());
    retention_ = std::make_unique<Retention>(&faulty_, keyring_.get(), &clock_, &policy_,
                                             registry_.get(), documents_.get(), consents_.get(),
                                             records_.get(), "test.hoidla");
    org_ = MakeOrg();
    project_ = MakeProject(org_.id());
    other_project_ = MakeProject(org_.id(), "Teine");
    client_ = MakeClient(org_.id(), project_.id());
    case_ = MakeCase(project_.id(), client_.id());
  }

  v1::RetentionSchedule Rule(std::string project, std::string kind, int years) {
    v1::RetentionSchedule s;
    s.set_organization_id(org_.id());
    s.set_project_id(project);
    s.set_item_type(v1::RETENTION_ITEM_TYPE_RECORD);
    s.set_kind(kind);
    s.set_trigger(v1::RETENTION_TRIGGER_CASE_CLOSED);
    s.mutable_period()->set_years(years);
    s.set_action(v1::RETENTION_ACTION_REVIEW);
    s.set_basis("the organisation's records policy");
    return s;
  }
  absl::StatusOr<v1::RetentionSchedule> Create(const v1::RetentionSchedule& s) {
    Tick();
    v1::CreateRetentionScheduleRequest req;
    *req.mutable_schedule() = s;
    return retention_->CreateSchedule(admin_, req);
  }
  absl::StatusOr<v1::RetentionSchedule> Resolve(std::string project, std::string kind) {
    v1::ResolveRetentionScheduleRequest req;
    req.set_organization_id(org_.id());
    req.set_project_id(project);
    req.set_item_type(v1::RETENTION_ITEM_TYPE_RECORD);
    req.set_kind(kind);
    return retention_->ResolveSchedule(admin_, req);
  }
  absl::StatusOr<v1::LegalHold> HoldClient(const std::string& client) {
    Tick();
    v1::PlaceLegalHoldRequest req;
    req.mutable_hold()->set_client_id(client);
    req.mutable_hold()->set_reason("court request 2-26-1");
    return retention_->PlaceHold(admin_, req);
  }

  std::unique_ptr<Consents> consents_;
  std::unique_ptr<Instruments> instruments_;
  std::unique_ptr<Records> records_;
  std::unique_ptr<Retention> retention_;
  v1::Organization org_;
  v1::Project project_, other_project_;
  v1::Client client_;
  v1::Case case_;
};

TEST_F(RetentionTest, TheMostSpecificScheduleDecides) {
  EXPECT_EQ(Resolve(project_.id(), "case_plan").status().code(), absl::StatusCode::kNotFound);
  auto org_wide = Create(Rule("", "", 5));
  ASSERT_TRUE(org_wide.ok()) << org_wide.status();
  EXPECT_EQ(Resolve(project_.id(), "case_plan")->id(), org_wide->id());
  auto org_kind = Create(Rule("", "case_plan", 7));
  ASSERT_TRUE(org_kind.ok()) << org_kind.status();
  EXPECT_EQ(Resolve(project_.id(), "case_plan")->id(), org_kind->id());
  EXPECT_EQ(Resolve(project_.id(), "initial_decision")->id(), org_wide->id());
  auto project_wide = Create(Rule(project_.id(), "", 9));
  ASSERT_TRUE(project_wide.ok()) << project_wide.status();
  // The narrower container wins first, then the narrower kind.
  EXPECT_EQ(Resolve(project_.id(), "case_plan")->id(), project_wide->id());
  EXPECT_EQ(Resolve(other_project_.id(), "case_plan")->id(), org_kind->id());
  auto project_kind = Create(Rule(project_.id(), "case_plan", 11));
  ASSERT_TRUE(project_kind.ok()) << project_kind.status();
  EXPECT_EQ(Resolve(project_.id(), "case_plan")->id(), project_kind->id());
  EXPECT_EQ(Resolve("", "case_plan")->id(), org_kind->id());
}

TEST_F(RetentionTest, AScopeHasOneScheduleAndAChangeIsANewVersion) {
  auto s = Create(Rule("", "case_plan", 10));
  ASSERT_TRUE(s.ok()) << s.status();
  auto again = Create(Rule("", "case_plan", 3));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(std::string(again.status().message()).starts_with("schedule: ")) << again.status();

  v1::UpdateRetentionScheduleRequest up;
  up.set_id(s->id());
  up.set_expected_version(1);
  *up.mutable_schedule() = Rule("", "", 12);
  auto v2 = retention_->UpdateSchedule(admin_, up);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version(), 2u);
  EXPECT_EQ(v2->period().years(), 12);
  EXPECT_EQ(v2->kind(), "case_plan");  // the scope stays
  // A change based on the old version conflicts.
  EXPECT_EQ(retention_->UpdateSchedule(admin_, up).status().code(), absl::StatusCode::kAborted);
  // Both versions stay readable: a disposal can name the one that decided.
  v1::GetRetentionScheduleRequest get;
  get.set_id(s->id());
  get.set_version(1);
  EXPECT_EQ(retention_->GetSchedule(admin_, get)->period().years(), 10);
  get.set_version(0);
  EXPECT_EQ(retention_->GetSchedule(admin_, get)->version(), 2u);
  get.set_version(3);
  EXPECT_EQ(retention_->GetSchedule(admin_, get).status().message(), "version: not found");
  // The scope is fixed.
  up.set_expected_version(2);
  up.mutable_schedule()->set_kind("initial_decision");
  EXPECT_TRUE(testing::IsInvalidArgumentFor(retention_->UpdateSchedule(admin_, up).status(),
                                            "schedule.kind"));
}

TEST_F(RetentionTest, ABadRuleNamesItsField) {
  v1::RetentionSchedule s = Rule("", "", 10);
  s.clear_period();
  EXPECT_TRUE(testing::IsInvalidArgumentFor(Create(s).status(), "schedule.period"));
  s = Rule("", "", 101);
  EXPECT_TRUE(testing::IsInvalidArgumentFor(Create(s).status(), "schedule.period"));
  s = Rule("", "", 100);
  s.mutable_period()->set_days(1);  // a day past a hundred years
  EXPECT_TRUE(testing::IsInvalidArgumentFor(Create(s).status(), "schedule.period"));
  s = Rule("", "", 0);
  s.mutable_period()->set_days(36600);
  EXPECT_TRUE(testing::IsInvalidArgumentFor(Create(s).status(), "schedule.period"));
  s = Rule("", "", 10);
  s.set_action(v1::RETENTION_ACTION_KEEP);
  EXPECT_TRUE(testing::IsInvalidArgumentFor(Create(s).status(), "schedule.period"));
  s = Rule("", "", 10);
  s.set_trigger(v1::RETENTION_TRIGGER_CONSENT_ENDED);
  EXPECT_TRUE(testing::IsInvalidArgumentFor(Create(s).status(), "schedule.trigger"));
  s = Rule("", "Case Plan", 10);
  EXPECT_TRUE(testing::IsInvalidArgumentFor(Create(s).status(), "schedule.kind"));
  s = Rule("", "", 10);
  s.set_item_type(v1::RETENTION_ITEM_TYPE_CONSENT);
  s.set_trigger(v1::RETENTION_TRIGGER_CONSENT_ENDED);
  s.set_kind("x");
  EXPECT_TRUE(testing::IsInvalidArgumentFor(Create(s).status(), "schedule.kind"));
  s.clear_kind();
  EXPECT_TRUE(Create(s).ok());
}

TEST_F(RetentionTest, AProjectOfAnotherOrganisationIsNotFound) {
  const v1::Organization other = MakeOrg("Teine Keskus");
  const v1::Project theirs = MakeProject(other.id());
  auto s = Create(Rule(theirs.id(), "", 5));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.status().message(), "schedule.project_id: not found");
}

TEST_F(RetentionTest, AHoldCoversItsTargetUntilLifted) {
  auto hold = HoldClient(client_.id());
  ASSERT_TRUE(hold.ok()) << hold.status();
  EXPECT_TRUE(hold->active());
  EXPECT_EQ(hold->organization_id(), org_.id());
  EXPECT_EQ(hold->placed_by(), admin_.principal.id);
  auto held = retention_->HoldsOn({case_.id(), client_.id(), project_.id()});
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(*held, std::vector<std::string>{hold->id()});
  EXPECT_TRUE(retention_->HoldsOn({case_.id(), project_.id()})->empty());

  v1::LiftLegalHoldRequest lift;
  lift.set_id(hold->id());
  lift.set_reason("the court decided");
  auto lifted = retention_->LiftHold(admin_, lift);
  ASSERT_TRUE(lifted.ok()) << lifted.status();
  EXPECT_FALSE(lifted->active());
  EXPECT_EQ(lifted->lift_reason(), "the court decided");
  EXPECT_TRUE(retention_->HoldsOn({client_.id()})->empty());
  auto twice = retention_->LiftHold(admin_, lift);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(std::string(twice.status().message()).starts_with("id: ")) << twice.status();

  v1::ListLegalHoldsRequest list;
  list.set_organization_id(org_.id());
  EXPECT_EQ(retention_->ListHolds(admin_, list)->holds_size(), 1);
  list.set_active_only(true);
  EXPECT_EQ(retention_->ListHolds(admin_, list)->holds_size(), 0);
}

TEST_F(RetentionTest, AHoldNeedsExactlyOneTargetAndAReason) {
  v1::PlaceLegalHoldRequest req;
  req.mutable_hold()->set_reason("why");
  EXPECT_TRUE(testing::IsInvalidArgumentFor(retention_->PlaceHold(admin_, req).status(), "hold"));
  req.mutable_hold()->set_case_id(case_.id());
  req.mutable_hold()->clear_reason();
  EXPECT_TRUE(
      testing::IsInvalidArgumentFor(retention_->PlaceHold(admin_, req).status(), "hold.reason"));
}

TEST_F(RetentionTest, ACallerWithoutARoleIsDeniedAndLearnsNothing) {
  auto hold = HoldClient(client_.id());
  ASSERT_TRUE(hold.ok());
  v1::GetLegalHoldRequest get;
  get.set_id(hold->id());
  EXPECT_EQ(retention_->GetHold(nobody_, get).status().code(), absl::StatusCode::kPermissionDenied);
  v1::PlaceLegalHoldRequest req;
  req.mutable_hold()->set_client_id(client_.id());
  req.mutable_hold()->set_reason("why");
  EXPECT_EQ(retention_->PlaceHold(nobody_, req).status().code(),
            absl::StatusCode::kPermissionDenied);
}

// Someone with write access to the data folder points an index at what
// it does not index: the answer is DATA_LOSS, never the other object.
TEST_F(RetentionTest, AnIndexPointingElsewhereIsDataLoss) {
  auto org_wide = Create(Rule("", "", 5));
  auto plan = Create(Rule("", "case_plan", 7));
  ASSERT_TRUE(org_wide.ok() && plan.ok());
  storage::WriteBatch b;
  b.Put(storage::Space::kIndex,
        storage::layout::retention::kScheduleByScope.Key(
            org_.id(), "*", std::to_string(v1::RETENTION_ITEM_TYPE_RECORD), "case_plan"),
        org_wide->id());
  ASSERT_TRUE(base().Write(b).ok());
  EXPECT_EQ(Resolve(project_.id(), "case_plan").status().code(), absl::StatusCode::kDataLoss);

  const v1::Organization other = MakeOrg("Teine Keskus");
  admin_.principal.memberships.push_back({Role::kHeadOfOrganization, other.id(), ""});
  auto hold = HoldClient(client_.id());
  ASSERT_TRUE(hold.ok()) << hold.status();
  storage::WriteBatch c;
  c.Put(storage::Space::kIndex,
        storage::layout::retention::kHoldsOfOrganization.Key(other.id(), hold->id()), "");
  ASSERT_TRUE(base().Write(c).ok());
  v1::ListLegalHoldsRequest list;
  list.set_organization_id(other.id());
  EXPECT_EQ(retention_->ListHolds(admin_, list).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(RetentionTest, AProjectManagerListsOnlyTheirProjectsAndTheOrganisations) {
  ASSERT_TRUE(Create(Rule("", "", 5)).ok());
  ASSERT_TRUE(Create(Rule(project_.id(), "", 6)).ok());
  ASSERT_TRUE(Create(Rule(other_project_.id(), "", 7)).ok());
  RequestContext pm;
  pm.principal = {.id = "prn_0000000000000000000000000p",
                  .display_name = "manager",
                  .memberships = {{Role::kProjectManager, org_.id(), project_.id()}}};
  v1::ListRetentionSchedulesRequest req;
  req.set_organization_id(org_.id());
  auto list = retention_->ListSchedules(pm, req);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->schedules_size(), 2);
  for (const auto& s : list->schedules()) EXPECT_NE(s.project_id(), other_project_.id());
  EXPECT_EQ(retention_->ListSchedules(admin_, req)->schedules_size(), 3);
}

TEST_F(RetentionTest, AFailedWriteWritesNothing) {
  const auto before = testing::DumpStore(base());
  faulty_.FailWritesAfter(0);
  EXPECT_FALSE(Create(Rule("", "case_plan", 10)).ok());
  EXPECT_FALSE(HoldClient(client_.id()).ok());
  faulty_.Heal();
  EXPECT_EQ(testing::DumpStore(base()), before);
  EXPECT_EQ(Resolve(project_.id(), "case_plan").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hoidla::core
