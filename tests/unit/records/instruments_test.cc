// Instruments (vault/records/instruments.h) over the unit core
// (MemoryStore behind a FaultInjectingStore, FakeClock): registering
// version 1 and further versions of a name, field errors, who may register
// and read, Get by version and List of the newest versions, a failed write
// leaving nothing behind, and CheckRecord: a custom record against the
// version it names (fields, required values, types, the organisation), and
// through Records, that a record stays valid against its own version.
#include "vault/records/instruments.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/timestamps.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/unit/core_fixture.h"
#include "tests/unit/test_util.h"
#include "vault/consent/consents.h"
#include "vault/records/records.h"

namespace hoidla::core {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::hoidla::testing::DumpStore;
using ::hoidla::testing::IsInvalidArgumentFor;

constexpr char kUnknownInstrument[] = "ins_00000000000000000000000000";
constexpr char kPrefix[] = "record.content.custom";

v1::InstrumentField Field(const std::string& name, v1::InstrumentFieldType type,
                          bool required = false) {
  v1::InstrumentField f;
  f.set_name(name);
  f.set_type(type);
  f.set_required(required);
  return f;
}

// The CARe individual action plan: a field of every type.
v1::RegisterInstrumentRequest CarePlan(const std::string& org_id) {
  v1::RegisterInstrumentRequest req;
  auto* ins = req.mutable_instrument();
  ins->set_organization_id(org_id);
  ins->set_name("care_action_plan");
  ins->set_description("CARe individuaalne tegevusplaan");
  auto* choice = ins->add_fields();
  *choice = Field("quality_of_life", v1::INSTRUMENT_FIELD_TYPE_CHOICE, true);
  for (const char* o : {"halb", "rahuldav", "hea"}) choice->add_options(o);
  auto* goal = ins->add_fields();
  *goal = Field("goal", v1::INSTRUMENT_FIELD_TYPE_TEXT, true);
  goal->set_max_length(20);
  goal->set_description("Kliendi eesmärk oma sõnadega.");
  *ins->add_fields() = Field("review_on", v1::INSTRUMENT_FIELD_TYPE_DATE);
  *ins->add_fields() = Field("score", v1::INSTRUMENT_FIELD_TYPE_NUMBER);
  *ins->add_fields() = Field("consented", v1::INSTRUMENT_FIELD_TYPE_BOOLEAN);
  return req;
}

v1::CustomRecord Values(const v1::Instrument& ins, uint32_t version) {
  v1::CustomRecord r;
  r.set_instrument_id(ins.id());
  r.set_instrument_version(version);
  (*r.mutable_values())["quality_of_life"] = "rahuldav";
  (*r.mutable_values())["goal"] = "Leida töö";
  (*r.mutable_values())["review_on"] = "2024-02-29";
  (*r.mutable_values())["score"] = "6.5";
  (*r.mutable_values())["consented"] = "true";
  return r;
}

class InstrumentsTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
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
  }

  static RequestContext As(const std::string& id, std::vector<Membership> memberships) {
    RequestContext ctx;
    ctx.principal = {.id = id, .display_name = "someone", .memberships = std::move(memberships)};
    ctx.request_id = "req-test";
    return ctx;
  }

  absl::StatusOr<v1::Instrument> Register(const v1::RegisterInstrumentRequest& req,
                                          const RequestContext* ctx = nullptr) {
    Tick();
    return instruments_->Register(ctx ? *ctx : admin_, req);
  }
  absl::StatusOr<v1::Instrument> Get(const std::string& id, uint32_t version = 0,
                                     const RequestContext* ctx = nullptr) {
    v1::GetInstrumentRequest req;
    req.set_id(id);
    req.set_version(version);
    return instruments_->Get(ctx ? *ctx : admin_, req);
  }
  absl::StatusOr<v1::ListInstrumentsResponse> List(const std::string& org_id,
                                                   const RequestContext* ctx = nullptr) {
    v1::ListInstrumentsRequest req;
    req.set_organization_id(org_id);
    return instruments_->List(ctx ? *ctx : admin_, req);
  }

  std::unique_ptr<Consents> consents_;
  std::unique_ptr<Instruments> instruments_;
  std::unique_ptr<Records> records_;
  v1::Organization org_;
  v1::Project prj_;
};

// ---------------------------------------------------------------------------
// Register

TEST_F(InstrumentsTest, RegisterMakesVersionOneOfANewName) {
  const auto req = CarePlan(org_.id());
  auto ins = Register(req);
  HOIDLA_ASSERT_OK(ins);
  EXPECT_TRUE(ins->id().starts_with("ins_")) << ins->id();
  EXPECT_EQ(ins->version(), 1u);
  EXPECT_EQ(ins->organization_id(), org_.id());
  EXPECT_EQ(ins->name(), "care_action_plan");
  EXPECT_EQ(ins->description(), "CARe individuaalne tegevusplaan");
  ASSERT_EQ(ins->fields_size(), req.instrument().fields_size());
  for (int i = 0; i < ins->fields_size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(ins->fields(i), req.instrument().fields(i))) << i;
  }
  EXPECT_EQ(Micros(ins->created_at()), clock_.NowMicros());
  EXPECT_EQ(ins->created_by(), admin_.principal.id);
  auto back = Get(ins->id());
  HOIDLA_ASSERT_OK(back);
  EXPECT_TRUE(MessageDifferencer::Equals(*back, *ins));
}

TEST_F(InstrumentsTest, RegisteringTheNameAgainAddsAVersionAndTheOldOneNeverChanges) {
  auto req = CarePlan(org_.id());
  auto first = Register(req);
  HOIDLA_ASSERT_OK(first);
  *req.mutable_instrument()->add_fields() =
      Field("supporter", v1::INSTRUMENT_FIELD_TYPE_TEXT, true);
  req.mutable_instrument()->set_description("teine väljaanne");
  auto second = Register(req);
  HOIDLA_ASSERT_OK(second);
  EXPECT_EQ(second->id(), first->id());
  EXPECT_EQ(second->version(), 2u);
  EXPECT_EQ(second->fields_size(), first->fields_size() + 1);
  auto third = Register(req);
  HOIDLA_ASSERT_OK(third);
  EXPECT_EQ(third->version(), 3u);

  auto v1i = Get(first->id(), 1);
  HOIDLA_ASSERT_OK(v1i);
  EXPECT_TRUE(MessageDifferencer::Equals(*v1i, *first)) << "version 1 stays as registered";
  auto v2i = Get(first->id(), 2);
  HOIDLA_ASSERT_OK(v2i);
  EXPECT_TRUE(MessageDifferencer::Equals(*v2i, *second));
  auto newest = Get(first->id(), 0);
  HOIDLA_ASSERT_OK(newest);
  EXPECT_EQ(newest->version(), 3u) << "version 0 reads the newest";
}

TEST_F(InstrumentsTest, TheSameNameInAnotherOrganisationIsAnotherInstrument) {
  auto other = MakeOrg("Teine");
  auto here = Register(CarePlan(org_.id()));
  auto there = Register(CarePlan(other.id()));
  HOIDLA_ASSERT_OK(here);
  HOIDLA_ASSERT_OK(there);
  EXPECT_NE(here->id(), there->id());
  EXPECT_EQ(there->version(), 1u);
  EXPECT_EQ(there->organization_id(), other.id());
}

TEST_F(InstrumentsTest, RegisterNamesTheFieldItRefusesAndStoresNothing) {
  const auto good = CarePlan(org_.id());
  const auto before = DumpStore(base());
  auto none = Register(v1::RegisterInstrumentRequest());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(none.status().message(), "instrument: required");
  struct Spoil {
    std::string message;
    std::function<void(v1::Instrument*)> spoil;
  };
  const std::vector<Spoil> cases = {
      {"instrument.id: output only; must not be set",
       [](v1::Instrument* i) { i->set_id(kUnknownInstrument); }},
      {"instrument.version: output only; must not be set",
       [](v1::Instrument* i) { i->set_version(1); }},
      {"instrument.organization_id: required",
       [](v1::Instrument* i) { i->clear_organization_id(); }},
      {"instrument.name: 1-64 characters required", [](v1::Instrument* i) { i->clear_name(); }},
      {"instrument.name: 1-64 characters required",
       [](v1::Instrument* i) { i->set_name(std::string(65, 'a')); }},
      {"instrument.name: only lowercase letters, digits and '_'",
       [](v1::Instrument* i) { i->set_name("Care-Plan"); }},
      {"instrument.description: longer than 1000 bytes",
       [](v1::Instrument* i) { i->set_description(std::string(1001, 'a')); }},
      {"instrument.fields: 1 to 200 required", [](v1::Instrument* i) { i->clear_fields(); }},
      {"instrument.fields: 1 to 200 required",
       [](v1::Instrument* i) {
         i->clear_fields();
         for (int n = 0; n < 201; ++n) {
           // Appended, not "f" + std::to_string(n): GCC 12 -O3 reports a false
           // -Wrestrict inside std::string's insert for the latter.
           std::string name = "f";
           name += std::to_string(n);
           *i->add_fields() = Field(name, v1::INSTRUMENT_FIELD_TYPE_TEXT);
         }
       }},
      {"instrument.fields[0].name: only lowercase letters, digits and '_'",
       [](v1::Instrument* i) { i->mutable_fields(0)->set_name("Quality"); }},
      {"instrument.fields[1].name: used twice",
       [](v1::Instrument* i) { i->mutable_fields(1)->set_name("quality_of_life"); }},
      {"instrument.fields[2].type: required: text, date, number, boolean or choice",
       [](v1::Instrument* i) { i->mutable_fields(2)->clear_type(); }},
      {"instrument.fields[2].type: required: text, date, number, boolean or choice",
       [](v1::Instrument* i) {
         i->mutable_fields(2)->set_type(static_cast<v1::InstrumentFieldType>(99));
       }},
      {"instrument.fields[0].options: 1 to 100 required for a choice",
       [](v1::Instrument* i) { i->mutable_fields(0)->clear_options(); }},
      {"instrument.fields[0].options[1]: required",
       [](v1::Instrument* i) { i->mutable_fields(0)->set_options(1, ""); }},
      {"instrument.fields[1].options: only for a choice",
       [](v1::Instrument* i) { i->mutable_fields(1)->add_options("hea"); }},
      {"instrument.fields[1].max_length: 0 (default 10000) to 10000",
       [](v1::Instrument* i) { i->mutable_fields(1)->set_max_length(10001); }},
      {"instrument.fields[1].max_length: 0 (default 10000) to 10000",
       [](v1::Instrument* i) { i->mutable_fields(1)->set_max_length(-1); }},
      {"instrument.fields[1].description: longer than 1000 bytes",
       [](v1::Instrument* i) { i->mutable_fields(1)->set_description(std::string(1001, 'a')); }},
  };
  for (const auto& c : cases) {
    auto bad = good;
    c.spoil(bad.mutable_instrument());
    auto s = Register(bad);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(s.status().message(), c.message);
  }
  auto malformed = good;
  malformed.mutable_instrument()->set_organization_id("org_x");
  EXPECT_TRUE(IsInvalidArgumentFor(Register(malformed), "instrument.organization_id"));
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(InstrumentsTest, OnlyAHeadOfTheOrganisationRegisters) {
  auto other = MakeOrg("Teine");
  const RequestContext manager =
      As("prn_0000000000000000000000000c", {{Role::kProjectManager, org_.id(), prj_.id()}});
  const RequestContext other_head =
      As("prn_0000000000000000000000000d", {{Role::kHeadOfOrganization, other.id(), ""}});
  const auto before = DumpStore(base());
  const std::string no_role = "permission denied: no role of the caller may manage_instruments";
  for (const RequestContext* ctx : {static_cast<const RequestContext*>(&nobody_), &manager}) {
    auto s = Register(CarePlan(org_.id()), ctx);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kPermissionDenied) << ctx->principal.id;
    EXPECT_EQ(s.status().message(), no_role);
  }
  auto foreign = Register(CarePlan(org_.id()), &other_head);
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(foreign.status().message(), "instrument.organization_id: not found");
  auto unknown = Register(CarePlan("org_00000000000000000000000000"));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "instrument.organization_id: not found");
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(InstrumentsTest, RegisterWhoseWriteFailsLeavesTheNewestVersionAsItWas) {
  const auto before_any = DumpStore(base());
  faulty_.FailWritesAfter(0);
  EXPECT_EQ(Register(CarePlan(org_.id())).status().code(), absl::StatusCode::kUnavailable);
  faulty_.Heal();
  EXPECT_EQ(DumpStore(base()), before_any) << "no version 1, name or index may remain";

  auto first = Register(CarePlan(org_.id()));
  HOIDLA_ASSERT_OK(first);
  const auto before = DumpStore(base());
  faulty_.FailWritesAfter(0);
  EXPECT_EQ(Register(CarePlan(org_.id())).status().code(), absl::StatusCode::kUnavailable);
  faulty_.Heal();
  EXPECT_EQ(DumpStore(base()), before);
  auto newest = Get(first->id());
  HOIDLA_ASSERT_OK(newest);
  EXPECT_EQ(newest->version(), 1u);
  auto second = Register(CarePlan(org_.id()));
  HOIDLA_ASSERT_OK(second);
  EXPECT_EQ(second->version(), 2u) << "the failed attempt used no version number";
}

// ---------------------------------------------------------------------------
// Get and List

TEST_F(InstrumentsTest, GetOfAnUnknownInstrumentOrVersionIsNotFound) {
  auto ins = Register(CarePlan(org_.id()));
  HOIDLA_ASSERT_OK(ins);
  auto beyond = Get(ins->id(), 2);
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(beyond.status().message(), "version: not found");
  EXPECT_EQ(Get(kUnknownInstrument).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(IsInvalidArgumentFor(Get("ins_x"), "id"));
  EXPECT_TRUE(IsInvalidArgumentFor(Get(""), "id"));
}

TEST_F(InstrumentsTest, StaffOfTheOrganisationReadItsInstrumentsAndNoOneElse) {
  auto ins = Register(CarePlan(org_.id()));
  HOIDLA_ASSERT_OK(ins);
  auto other = MakeOrg("Teine");
  const RequestContext worker =
      As("prn_0000000000000000000000000c", {{Role::kCaseWorker, org_.id(), prj_.id()}});
  const RequestContext other_head =
      As("prn_0000000000000000000000000d", {{Role::kHeadOfOrganization, other.id(), ""}});
  auto read = Get(ins->id(), 0, &worker);
  HOIDLA_ASSERT_OK(read);
  EXPECT_TRUE(MessageDifferencer::Equals(*read, *ins));
  auto listed = List(org_.id(), &worker);
  HOIDLA_ASSERT_OK(listed);
  EXPECT_EQ(listed->instruments_size(), 1);

  auto hidden = Get(ins->id(), 0, &other_head);
  auto missing = Get(kUnknownInstrument, 0, &other_head);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), missing.status().message())
      << "another organisation's instrument looks like none";
  auto foreign_list = List(org_.id(), &other_head);
  EXPECT_EQ(foreign_list.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(foreign_list.status().message(), "organization_id: not found");

  auto denied = Get(ins->id(), 0, &nobody_);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.status().message(),
            "permission denied: no role of the caller may read_instruments");
  EXPECT_EQ(List(org_.id(), &nobody_).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(IsInvalidArgumentFor(List("org_x"), "organization_id"));
}

TEST_F(InstrumentsTest, ListInstrumentsHoldsTheNewestVersionOfEachNameOfTheOrganisation) {
  auto req = CarePlan(org_.id());
  auto care = Register(req);
  HOIDLA_ASSERT_OK(care);
  HOIDLA_ASSERT_OK(Register(req));  // version 2
  auto other_req = CarePlan(org_.id());
  other_req.mutable_instrument()->set_name("job_readiness");
  auto job = Register(other_req);
  HOIDLA_ASSERT_OK(job);
  auto other = MakeOrg("Teine");
  HOIDLA_ASSERT_OK(Register(CarePlan(other.id())));

  auto listed = List(org_.id());
  HOIDLA_ASSERT_OK(listed);
  ASSERT_EQ(listed->instruments_size(), 2);
  std::map<std::string, uint32_t> versions;
  for (const auto& i : listed->instruments()) {
    EXPECT_EQ(i.organization_id(), org_.id());
    versions[i.id()] = i.version();
  }
  EXPECT_EQ(versions, (std::map<std::string, uint32_t>{{care->id(), 2u}, {job->id(), 1u}}));
}

// ---------------------------------------------------------------------------
// CheckRecord

TEST_F(InstrumentsTest, ACustomRecordFollowingItsVersionIsOfKindCustomName) {
  auto ins = Register(CarePlan(org_.id()));
  HOIDLA_ASSERT_OK(ins);
  auto kind = instruments_->CheckRecord(Values(*ins, 1), org_.id(), kPrefix);
  HOIDLA_ASSERT_OK(kind);
  EXPECT_EQ(*kind, "custom.care_action_plan");
  v1::CustomRecord required_only;
  required_only.set_instrument_id(ins->id());
  required_only.set_instrument_version(1);
  (*required_only.mutable_values())["quality_of_life"] = "hea";
  (*required_only.mutable_values())["goal"] = "Oma kodu";
  HOIDLA_EXPECT_OK(instruments_->CheckRecord(required_only, org_.id(), kPrefix));
  (*required_only.mutable_values())["score"] = "";
  // An empty optional value is an absent one.
  HOIDLA_EXPECT_OK(instruments_->CheckRecord(required_only, org_.id(), kPrefix));
}

TEST_F(InstrumentsTest, EveryValueNamesAFieldAndHasItsType) {
  auto ins = Register(CarePlan(org_.id()));
  HOIDLA_ASSERT_OK(ins);
  struct Spoil {
    std::string message;
    std::function<void(v1::CustomRecord*)> spoil;
  };
  const std::string v = std::string(kPrefix) + ".values";
  const std::vector<Spoil> cases = {
      {v + "[goal]: required", [](v1::CustomRecord* r) { r->mutable_values()->erase("goal"); }},
      {v + "[goal]: required", [](v1::CustomRecord* r) { (*r->mutable_values())["goal"] = ""; }},
      {v + "[goal]: longer than 20 bytes",
       [](v1::CustomRecord* r) { (*r->mutable_values())["goal"] = std::string(21, 'a'); }},
      {v + "[mood]: not a field of the instrument",
       [](v1::CustomRecord* r) { (*r->mutable_values())["mood"] = "hea"; }},
      {v + "[quality_of_life]: not one of the instrument's options",
       [](v1::CustomRecord* r) { (*r->mutable_values())["quality_of_life"] = "Hea"; }},
      {v + "[review_on]: a date YYYY-MM-DD",
       [](v1::CustomRecord* r) { (*r->mutable_values())["review_on"] = "2027-02-29"; }},
      {v + "[review_on]: a date YYYY-MM-DD",
       [](v1::CustomRecord* r) { (*r->mutable_values())["review_on"] = "2027-2-28"; }},
      {v + "[review_on]: a date YYYY-MM-DD",
       [](v1::CustomRecord* r) { (*r->mutable_values())["review_on"] = "28.02.2027"; }},
      {v + "[score]: a number",
       [](v1::CustomRecord* r) { (*r->mutable_values())["score"] = "kuus"; }},
      {v + "[score]: a number",
       [](v1::CustomRecord* r) { (*r->mutable_values())["score"] = "6,5"; }},
      {v + "[consented]: true or false",
       [](v1::CustomRecord* r) { (*r->mutable_values())["consented"] = "jah"; }},
      {v + "[consented]: true or false",
       [](v1::CustomRecord* r) { (*r->mutable_values())["consented"] = "TRUE"; }},
  };
  for (const auto& c : cases) {
    v1::CustomRecord bad = Values(*ins, 1);
    c.spoil(&bad);
    auto s = instruments_->CheckRecord(bad, org_.id(), kPrefix);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(s.status().message(), c.message);
  }
}

TEST_F(InstrumentsTest, ANumberFieldHoldsOnlyAPlainDecimalNumber) {
  // Found by this test: the check took whatever strtod parses.
  auto ins = Register(CarePlan(org_.id()));
  HOIDLA_ASSERT_OK(ins);
  for (const char* good : {"6", "-2", "6.5", "1e3"}) {
    v1::CustomRecord r = Values(*ins, 1);
    (*r.mutable_values())["score"] = good;
    auto s = instruments_->CheckRecord(r, org_.id(), kPrefix);
    EXPECT_TRUE(s.ok()) << good << ": " << s.status();
  }
  for (const char* bad : {"nan", "inf", " 6", "0x10", "6.", ".5", "--1", "1e"}) {
    v1::CustomRecord r = Values(*ins, 1);
    (*r.mutable_values())["score"] = bad;
    auto s = instruments_->CheckRecord(r, org_.id(), kPrefix);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << "'" << bad << "'";
    EXPECT_EQ(s.status().message(), std::string(kPrefix) + ".values[score]: a number");
  }
}

TEST_F(InstrumentsTest, AnotherOrganisationsInstrumentOrAnUnknownVersionIsRefused) {
  auto ins = Register(CarePlan(org_.id()));
  HOIDLA_ASSERT_OK(ins);
  auto other = MakeOrg("Teine");
  const std::string not_ours =
      std::string(kPrefix) + ".instrument_id: not an instrument of the case's organisation";
  auto foreign = instruments_->CheckRecord(Values(*ins, 1), other.id(), kPrefix);
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(foreign.status().message(), not_ours);
  v1::CustomRecord unknown = Values(*ins, 1);
  unknown.set_instrument_id(kUnknownInstrument);
  EXPECT_EQ(instruments_->CheckRecord(unknown, org_.id(), kPrefix).status().message(), not_ours);
  auto later = instruments_->CheckRecord(Values(*ins, 2), org_.id(), kPrefix);
  EXPECT_EQ(later.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(later.status().message(),
            std::string(kPrefix) + ".instrument_version: no such version");
  auto zero = instruments_->CheckRecord(Values(*ins, 0), org_.id(), kPrefix);
  EXPECT_EQ(zero.status().message(), std::string(kPrefix) + ".instrument_version: required");
  v1::CustomRecord malformed = Values(*ins, 1);
  malformed.set_instrument_id("ins_x");
  EXPECT_TRUE(IsInvalidArgumentFor(instruments_->CheckRecord(malformed, org_.id(), kPrefix),
                                   std::string(kPrefix) + ".instrument_id"));
}

TEST_F(InstrumentsTest, ARecordStaysValidAgainstTheVersionItWasMadeWith) {
  auto cli = MakeClient(org_.id(), prj_.id(), "37605030299");
  auto kase = MakeCase(prj_.id(), cli.id());
  auto req = CarePlan(org_.id());
  auto ins = Register(req);
  HOIDLA_ASSERT_OK(ins);
  v1::CreateRecordRequest create;
  create.mutable_record()->set_case_id(kase.id());
  *create.mutable_record()->mutable_content()->mutable_custom() = Values(*ins, 1);
  Tick();
  auto made = records_->CreateRecord(admin_, create);
  HOIDLA_ASSERT_OK(made);
  EXPECT_EQ(made->kind(), "custom.care_action_plan");

  // Version 2 adds a required field.
  *req.mutable_instrument()->add_fields() =
      Field("supporter", v1::INSTRUMENT_FIELD_TYPE_TEXT, true);
  HOIDLA_ASSERT_OK(Register(req));
  v1::CreateRecordRequest on_v2 = create;
  on_v2.mutable_record()->mutable_content()->mutable_custom()->set_instrument_version(2);
  const auto before = DumpStore(base());
  EXPECT_TRUE(IsInvalidArgumentFor(records_->CreateRecord(admin_, on_v2),
                                   "record.content.custom.values[supporter]"));
  EXPECT_EQ(DumpStore(base()), before);
  (*on_v2.mutable_record()->mutable_content()->mutable_custom()->mutable_values())["supporter"] =
      "tugiisik";
  Tick();
  auto made_v2 = records_->CreateRecord(admin_, on_v2);
  HOIDLA_ASSERT_OK(made_v2);
  EXPECT_EQ(made_v2->kind(), "custom.care_action_plan");

  // The record made with version 1 is still updated against version 1.
  v1::UpdateRecordRequest update;
  update.set_id(made->id());
  update.set_expected_version(1);
  *update.mutable_content() = create.record().content();
  (*update.mutable_content()->mutable_custom()->mutable_values())["goal"] = "";
  EXPECT_TRUE(
      IsInvalidArgumentFor(records_->UpdateRecord(admin_, update), "content.custom.values[goal]"));
  (*update.mutable_content()->mutable_custom()->mutable_values())["goal"] = "Oma kodu";
  Tick();
  auto updated = records_->UpdateRecord(admin_, update);
  HOIDLA_ASSERT_OK(updated);
  EXPECT_EQ(updated->version(), 2u);
  EXPECT_EQ(updated->content().custom().instrument_version(), 1u);
  EXPECT_EQ(updated->kind(), "custom.care_action_plan");

  v1::ListRecordsRequest list;
  list.set_case_id(kase.id());
  list.set_kind("custom.care_action_plan");
  auto listed = records_->ListRecords(admin_, list);
  HOIDLA_ASSERT_OK(listed);
  EXPECT_EQ(listed->records_size(), 2);
}

}  // namespace
}  // namespace hoidla::core
