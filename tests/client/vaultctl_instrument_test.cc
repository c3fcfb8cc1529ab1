// Tests of vaultctl's instrument, deadline and subject access commands:
// instrument files in protobuf JSON, deadline, instrument and export output,
// the VaultClient calls RegisterInstrument, GetInstrument, ListInstruments,
// ListDeadlines and ExportSubjectData, and the vaultctl binary against a fake
// vault on a loopback port (argument mapping and output of `case deadlines`,
// `instrument register|get|list` and `client export`).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl_format.h"
#include "client/vaultctl_record.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/grpcpp.h"
#include "tests/client/fake_services.h"

#ifndef VAULTCTL_PATH
#error "VAULTCTL_PATH must name the vaultctl binary"
#endif

namespace hoidla::vaultctl {
namespace {

namespace v1 = ::hoidla::v1;
using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;

constexpr char kInstrumentId[] = "ins_01hq3v0000000000000000000i";
constexpr char kCaseId[] = "cas_01hq3v0000000000000000000c";
constexpr char kClientId[] = "cli_01hq3v0000000000000000000k";

struct Result {
  int code = -1;
  std::string output;  // stdout and stderr
};

// Runs vaultctl with `args` (already shell-quoted where needed); with
// `stdout_only`, stderr is discarded.
Result Vaultctl(const std::string& args, bool stdout_only = false) {
  const std::string command =
      StrCat(VAULTCTL_PATH, " ", args, stdout_only ? " 2>/dev/null" : " 2>&1");
  Result result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string Quote(const std::string& s) { return StrCat("'", s, "'"); }

void WriteFile(const std::filesystem::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr char kInstrumentJson[] = R"({
  "organizationId": "org_x",
  "name": "care_action_plan",
  "description": "CARe tegevusplaan",
  "fields": [
    {"name": "goal", "type": "INSTRUMENT_FIELD_TYPE_TEXT", "required": true,
     "maxLength": 500},
    {"name": "due", "type": "INSTRUMENT_FIELD_TYPE_DATE"},
    {"name": "phase", "type": "INSTRUMENT_FIELD_TYPE_CHOICE",
     "options": ["start", "middle", "end"], "description": "Faas"}
  ]
})";

v1::Instrument InstrumentFromJson() {
  v1::Instrument i;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(kInstrumentJson, &i).ok());
  return i;
}

v1::Date MakeDate(int year, int month, int day) {
  v1::Date d;
  d.set_year(year);
  d.set_month(month);
  d.set_day(day);
  return d;
}

// A vault that answers the instrument, deadline and export calls from a
// fixed script, remembering the last request of each.
class FakeInstrumentVault final {
 public:
  template <typename T>
  T Last(const T& field) {
    std::lock_guard<std::mutex> lock(mu_);
    return field;
  }
  v1::RegisterInstrumentRequest last_register() { return Last(last_register_); }
  v1::GetInstrumentRequest last_get() { return Last(last_get_); }
  v1::ListInstrumentsRequest last_list() { return Last(last_list_); }
  v1::ListDeadlinesRequest last_deadlines() { return Last(last_deadlines_); }
  v1::ExportSubjectDataRequest last_export() { return Last(last_export_); }
  int calls() { return Last(calls_); }

  grpc::Status RegisterInstrument(grpc::ServerContext*,
                                  const v1::RegisterInstrumentRequest* request,
                                  v1::Instrument* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_register_ = *request;
    if (request->instrument().fields_size() == 0)
      return {grpc::StatusCode::INVALID_ARGUMENT, "instrument.fields: 1 to 200 required"};
    *response = Stored(request->instrument(), 1);
    return grpc::Status::OK;
  }

  grpc::Status GetInstrument(grpc::ServerContext*, const v1::GetInstrumentRequest* request,
                             v1::Instrument* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_get_ = *request;
    if (request->version() > 2) return {grpc::StatusCode::NOT_FOUND, "version: not found"};
    *response = Stored(InstrumentFromJson(), request->version() == 0 ? 2 : request->version());
    response->set_id(request->id());
    return grpc::Status::OK;
  }

  grpc::Status ListInstruments(grpc::ServerContext*, const v1::ListInstrumentsRequest* request,
                               v1::ListInstrumentsResponse* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_list_ = *request;
    *response->add_instruments() = Stored(InstrumentFromJson(), 2);
    v1::Instrument* other = response->add_instruments();
    other->set_id("ins_01hq3v0000000000000000000j");
    other->set_organization_id(request->organization_id());
    other->set_name("home_visit");
    other->set_version(1);
    other->add_fields()->set_name("notes");
    return grpc::Status::OK;
  }

  grpc::Status ListDeadlines(grpc::ServerContext*, const v1::ListDeadlinesRequest* request,
                             v1::ListDeadlinesResponse* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_deadlines_ = *request;
    if (request->within_days() < 0 || request->within_days() > 366)
      return {grpc::StatusCode::INVALID_ARGUMENT, "within_days: 0 to 366"};
    *response = Deadlines();
    return grpc::Status::OK;
  }

  grpc::Status ExportSubjectData(grpc::ServerContext*, const v1::ExportSubjectDataRequest* request,
                                 grpc::ServerWriter<v1::SubjectDataExport>* writer) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_export_ = *request;
    if (request->client_id() != kClientId)
      return {grpc::StatusCode::NOT_FOUND, "client_id: not found"};
    // In two parts, as the vault streams it: the client first, then the
    // lists; the client merges them.
    v1::SubjectDataExport all = Export();
    v1::SubjectDataExport head;
    *head.mutable_exported_at() = all.exported_at();
    *head.mutable_client() = all.client();
    all.clear_exported_at();
    all.clear_client();
    writer->Write(head);
    writer->Write(all);
    return grpc::Status::OK;
  }

  // The instrument as the vault would return it.
  static v1::Instrument Stored(const v1::Instrument& in, uint32_t version) {
    v1::Instrument i = in;
    i.set_id(kInstrumentId);
    i.set_version(version);
    *i.mutable_created_at() = TimeUtil::SecondsToTimestamp(1790000000 + 60 * (version - 1));
    i.set_created_by("prn_head");
    return i;
  }

  static v1::ListDeadlinesResponse Deadlines() {
    v1::ListDeadlinesResponse r;
    v1::Deadline* minutes = r.add_deadlines();
    minutes->set_kind(v1::DEADLINE_KIND_MINUTES_UNSIGNED);
    minutes->set_case_id(kCaseId);
    minutes->set_record_id("rec_01hq3v0000000000000000000m");
    *minutes->mutable_due_on() = MakeDate(2026, 9, 3);
    minutes->set_overdue(true);
    minutes->set_detail("meeting 2026-08-25");
    v1::Deadline* probation = r.add_deadlines();
    probation->set_kind(v1::DEADLINE_KIND_PROBATION_RISK_ASSESSMENT);
    probation->set_case_id(kCaseId);
    *probation->mutable_due_on() = MakeDate(2026, 9, 30);
    v1::Deadline* action = r.add_deadlines();
    action->set_kind(v1::DEADLINE_KIND_ACTION_DUE);
    action->set_case_id(kCaseId);
    action->set_record_id("rec_01hq3v0000000000000000000a");
    *action->mutable_due_on() = MakeDate(2026, 10, 1);
    action->set_detail("Registreeruda\ttöötuks\n");
    v1::Deadline* validity = r.add_deadlines();
    validity->set_kind(v1::DEADLINE_KIND_ASSESSMENT_VALIDITY_ENDS);
    validity->set_case_id("cas_01hq3v0000000000000000000d");
    validity->set_record_id("rec_01hq3v0000000000000000000v");
    *validity->mutable_due_on() = MakeDate(2026, 10, 5);
    validity->set_detail("care_need_assessment");
    return r;
  }

  static v1::SubjectDataExport Export() {
    v1::SubjectDataExport e;
    *e.mutable_exported_at() = TimeUtil::SecondsToTimestamp(1790000000);
    e.mutable_client()->set_id(kClientId);
    e.mutable_client()->set_given_name("Mari");
    e.mutable_client()->set_family_name("Maasikas");
    e.add_cases()->set_id(kCaseId);
    e.add_cases()->set_id("cas_01hq3v0000000000000000000d");
    for (int i = 0; i < 3; ++i) {
      v1::Record* r = e.add_records();
      r->set_id("rec_01hq3v0000000000000000000r");
      r->set_version(static_cast<uint32_t>(i + 1));
      r->set_kind("case_plan");
    }
    e.add_documents()->set_id("doc_01hq3v0000000000000000000d");
    e.add_consents()->set_id("cns_01hq3v0000000000000000000c");
    e.add_consents()->set_id("cns_01hq3v0000000000000000000c");
    for (int i = 0; i < 5; ++i) {
      v1::AccessReportEntry* a = e.add_accesses();
      a->set_seq(static_cast<uint64_t>(10 - i));
      a->set_action("GetClient");
    }
    return e;
  }

 private:
  std::mutex mu_;
  int calls_ = 0;
  v1::RegisterInstrumentRequest last_register_;
  v1::GetInstrumentRequest last_get_;
  v1::ListInstrumentsRequest last_list_;
  v1::ListDeadlinesRequest last_deadlines_;
  v1::ExportSubjectDataRequest last_export_;
};

// Commands that must not connect: an unreachable --server and an unreadable
// --token-file would fail any command that reads its credential or connects.
constexpr char kOffline[] = "--server 127.0.0.1:1 --token-file /nonexistent/token ";

// PrintInstrument of FakeInstrumentVault::Stored(InstrumentFromJson(), v).
std::string InstrumentText(uint32_t version, const std::string& created_at) {
  return StrCat("id: ", kInstrumentId,
                "\norganization_id: org_x\nname: care_action_plan\nversion: ", version,
                "\ndescription: CARe tegevusplaan\n"
                "field: goal type=text; required; max_length=500\n"
                "field: due type=date\n"
                "field: phase type=choice; options=start, middle, end; "
                "description=Faas\n"
                "created_at: ",
                created_at, "\ncreated_by: prn_head\n");
}

constexpr char kDeadlinesText[] =
    "2026-09-03\tminutes_unsigned\toverdue\tcas_01hq3v0000000000000000000c\t"
    "rec_01hq3v0000000000000000000m\tmeeting 2026-08-25\n"
    "2026-09-30\tprobation_risk_assessment\tdue\t"
    "cas_01hq3v0000000000000000000c\t-\t-\n"
    "2026-10-01\taction_due\tdue\tcas_01hq3v0000000000000000000c\t"
    "rec_01hq3v0000000000000000000a\tRegistreeruda\\ttöötuks\\n\n"
    "2026-10-05\tassessment_validity_ends\tdue\t"
    "cas_01hq3v0000000000000000000d\trec_01hq3v0000000000000000000v\t"
    "care_need_assessment\n";

constexpr char kExportSummary[] =
    "client_id: cli_01hq3v0000000000000000000k\n"
    "exported_at: 2026-09-21T14:13:20Z\n"
    "cases: 2\nrecords: 3\ndocuments: 1\nconsents: 2\ndisclosures: 0\n"
    "accesses: 5\n";

class VaultctlInstrumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    for (grpc::Service* s : services_.all()) builder.RegisterService(s);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    dir_ = std::filesystem::temp_directory_path() /
           StrCat("vaultctl_instrument_test_", ::getpid(), "_",
                  std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
    instrument_file_ = dir_ / "instrument.json";
    WriteFile(instrument_file_, kInstrumentJson);
  }
  void TearDown() override {
    server_->Shutdown();
    std::filesystem::remove_all(dir_);
  }

  std::string Address() const { return StrCat("127.0.0.1:", port_); }

  // vaultctl with the fake's address and a token.
  Result Online(const std::string& args, bool stdout_only = false) {
    return Vaultctl(StrCat("--server ", Address(), " --token t ", args), stdout_only);
  }

  std::unique_ptr<client::VaultClient> Client() {
    client::ConnectOptions options;
    options.address = Address();
    options.token = "t";
    auto vault = client::VaultClient::Connect(options);
    EXPECT_TRUE(vault.ok()) << vault.status();
    return vault.ok() ? std::move(*vault) : nullptr;
  }

  FakeInstrumentVault service_;
  testing::FakeServices<FakeInstrumentVault> services_{&service_};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::filesystem::path dir_;
  std::filesystem::path instrument_file_;
};

// --- the library parts -----------------------------------------------------

TEST(InstrumentJsonTest, ParsesTheProtobufJsonMapping) {
  auto instrument = ParseInstrumentJson(kInstrumentJson);
  ASSERT_TRUE(instrument.ok()) << instrument.status();
  EXPECT_EQ(instrument->organization_id(), "org_x");
  EXPECT_EQ(instrument->name(), "care_action_plan");
  ASSERT_EQ(instrument->fields_size(), 3);
  EXPECT_EQ(instrument->fields(0).type(), v1::INSTRUMENT_FIELD_TYPE_TEXT);
  EXPECT_TRUE(instrument->fields(0).required());
  EXPECT_EQ(instrument->fields(0).max_length(), 500);
  EXPECT_EQ(instrument->fields(2).options_size(), 3);
  // Proto field names work as well as lowerCamelCase.
  auto snake = ParseInstrumentJson(
      R"({"organization_id": "org_y", "fields": [{"name": "a",
          "type": "INSTRUMENT_FIELD_TYPE_BOOLEAN", "max_length": 0}]})");
  ASSERT_TRUE(snake.ok()) << snake.status();
  EXPECT_EQ(snake->organization_id(), "org_y");
  EXPECT_EQ(snake->fields(0).type(), v1::INSTRUMENT_FIELD_TYPE_BOOLEAN);

  for (const char* bad : {"{", "[]", R"({"organisationId": "org_x"})",
                          R"({"fields": [{"name": "a", "type": "INSTRUMENT_FIELD_TYPE_LIST"}]})",
                          R"({"fields": "goal"})", R"({"version": -1})"}) {
    auto parsed = ParseInstrumentJson(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(std::string(parsed.status().message())
                    .starts_with("not a hoidla.v1.Instrument in protobuf "
                                 "JSON: "))
        << parsed.status();
  }
  // The record content parser still names its own type.
  EXPECT_TRUE(std::string(ParseRecordContentJson("{").status().message())
                  .starts_with("not a hoidla.v1.RecordContent in protobuf "
                               "JSON: "));
}

TEST(InstrumentFormatTest, NamesFieldsAndObjects) {
  EXPECT_EQ(DeadlineKindName(v1::DEADLINE_KIND_MINUTES_UNSIGNED), "minutes_unsigned");
  EXPECT_EQ(DeadlineKindName(v1::DEADLINE_KIND_PROBATION_RISK_ASSESSMENT),
            "probation_risk_assessment");
  EXPECT_EQ(DeadlineKindName(v1::DEADLINE_KIND_ACTION_DUE), "action_due");
  EXPECT_EQ(DeadlineKindName(v1::DEADLINE_KIND_ASSESSMENT_VALIDITY_ENDS),
            "assessment_validity_ends");
  EXPECT_EQ(DeadlineKindName(static_cast<v1::DeadlineKind>(42)), "42");
  EXPECT_EQ(InstrumentFieldTypeName(v1::INSTRUMENT_FIELD_TYPE_NUMBER), "number");

  v1::InstrumentField field;
  field.set_name("score");
  field.set_type(v1::INSTRUMENT_FIELD_TYPE_NUMBER);
  EXPECT_EQ(InstrumentFieldString(field), "score type=number");

  std::ostringstream instrument;
  PrintInstrument(FakeInstrumentVault::Stored(InstrumentFromJson(), 1), instrument);
  EXPECT_EQ(instrument.str(), InstrumentText(1, "2026-09-21T14:13:20Z"));

  std::ostringstream deadlines, note;
  PrintDeadlines(FakeInstrumentVault::Deadlines(), deadlines, note);
  EXPECT_EQ(deadlines.str(), kDeadlinesText);
  EXPECT_EQ(note.str(), "");

  std::ostringstream summary;
  PrintSubjectDataExportSummary(FakeInstrumentVault::Export(), summary);
  EXPECT_EQ(summary.str(), kExportSummary);
}

TEST_F(VaultctlInstrumentTest, ClientCallsEveryRpc) {
  auto vault = Client();
  ASSERT_NE(vault, nullptr);

  v1::RegisterInstrumentRequest reg;
  *reg.mutable_instrument() = InstrumentFromJson();
  auto registered = vault->RegisterInstrument(reg);
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->id(), kInstrumentId);
  EXPECT_EQ(registered->version(), 1u);
  EXPECT_TRUE(MessageDifferencer::Equals(service_.last_register(), reg));
  reg.mutable_instrument()->clear_fields();
  auto bad = vault->RegisterInstrument(reg);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "instrument.fields: 1 to 200 required");

  v1::GetInstrumentRequest get;
  get.set_id(kInstrumentId);
  auto newest = vault->GetInstrument(get);
  ASSERT_TRUE(newest.ok()) << newest.status();
  EXPECT_EQ(newest->version(), 2u);
  get.set_version(5);
  EXPECT_EQ(vault->GetInstrument(get).status().code(), absl::StatusCode::kNotFound);

  v1::ListInstrumentsRequest list;
  list.set_organization_id("org_x");
  auto listed = vault->ListInstruments(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->instruments_size(), 2);
  EXPECT_EQ(service_.last_list().organization_id(), "org_x");

  v1::ListDeadlinesRequest deadlines;
  deadlines.set_project_id("prj_x");
  deadlines.set_within_days(30);
  auto due = vault->ListDeadlines(deadlines);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->deadlines_size(), 4);
  EXPECT_TRUE(MessageDifferencer::Equals(service_.last_deadlines(), deadlines));
  deadlines.set_within_days(400);
  EXPECT_EQ(vault->ListDeadlines(deadlines).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ExportSubjectDataRequest exp;
  exp.set_client_id(kClientId);
  auto exported = vault->ExportSubjectData(exp);
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*exported, FakeInstrumentVault::Export()));
  exp.set_client_id("cli_other");
  auto missing = vault->ExportSubjectData(exp);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "client_id: not found");
}

// --- the vaultctl binary ---------------------------------------------------

TEST_F(VaultctlInstrumentTest, DeadlinesMapScopeAndWindow) {
  Result by_project = Online("case deadlines --project prj_x --within-days 30");
  ASSERT_EQ(by_project.code, 0) << by_project.output;
  EXPECT_EQ(by_project.output, kDeadlinesText);
  v1::ListDeadlinesRequest sent = service_.last_deadlines();
  EXPECT_EQ(sent.project_id(), "prj_x");
  EXPECT_EQ(sent.case_id(), "");
  EXPECT_EQ(sent.within_days(), 30);

  Result by_case = Online(StrCat("case deadlines --case ", kCaseId));
  ASSERT_EQ(by_case.code, 0) << by_case.output;
  sent = service_.last_deadlines();
  EXPECT_EQ(sent.case_id(), kCaseId);
  EXPECT_EQ(sent.project_id(), "");
  EXPECT_EQ(sent.within_days(), 0);  // the server's default of 14

  Result json = Online(StrCat("case deadlines --json --case ", kCaseId));
  ASSERT_EQ(json.code, 0) << json.output;
  v1::ListDeadlinesResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.output, &response).ok())
      << json.output;
  EXPECT_TRUE(MessageDifferencer::Equals(response, FakeInstrumentVault::Deadlines()));
  EXPECT_TRUE(Contains(json.output, "\"kind\": \"DEADLINE_KIND_ACTION_DUE\"")) << json.output;

  Result too_far = Online("case deadlines --project prj_x --within-days 400");
  EXPECT_EQ(too_far.code, 13) << too_far.output;
  EXPECT_EQ(too_far.output, "error: INVALID_ARGUMENT: within_days: 0 to 366\n");

  const int before = service_.calls();
  Result neither = Online("case deadlines --within-days 3");
  EXPECT_EQ(neither.code, 1) << neither.output;
  Result both = Online(StrCat("case deadlines --project prj_x --case ", kCaseId));
  EXPECT_EQ(both.code, 1) << both.output;
  Result not_a_number = Online("case deadlines --project prj_x --within-days x");
  EXPECT_EQ(not_a_number.code, 1) << not_a_number.output;
  EXPECT_EQ(service_.calls(), before);
}

TEST_F(VaultctlInstrumentTest, RegisterWithMalformedFileFailsBeforeConnecting) {
  const std::filesystem::path file = dir_ / "bad.json";
  WriteFile(file, R"({"name": "x", "fields": [)");
  Result bad = Vaultctl(StrCat(kOffline, "instrument register --file ", Quote(file)));
  EXPECT_EQ(bad.code, 1) << bad.output;
  EXPECT_TRUE(bad.output.starts_with(StrCat("error: INVALID_ARGUMENT: --file: '", file.string(),
                                            "': not a hoidla.v1.Instrument in protobuf JSON: ")))
      << bad.output;

  WriteFile(file, R"({"name": "x", "field": []})");
  Result unknown = Vaultctl(StrCat(kOffline, "instrument register --file ", Quote(file)));
  EXPECT_EQ(unknown.code, 1) << unknown.output;
  EXPECT_TRUE(Contains(unknown.output, file.string())) << unknown.output;

  Result missing =
      Vaultctl(StrCat(kOffline, "instrument register --file ", Quote(dir_ / "none.json")));
  EXPECT_EQ(missing.code, 1) << missing.output;
  EXPECT_TRUE(Contains(missing.output, "--file: cannot read")) << missing.output;

  // A good file gets as far as the credential.
  Result good = Vaultctl(StrCat(kOffline, "instrument register --file ", Quote(instrument_file_)));
  EXPECT_EQ(good.code, 1) << good.output;
  EXPECT_TRUE(Contains(good.output, "--token-file")) << good.output;

  Result no_file = Vaultctl(StrCat(kOffline, "instrument register"));
  EXPECT_EQ(no_file.code, 1) << no_file.output;
  // Online too: a bad file sends nothing.
  WriteFile(file, "{");
  Result online_bad = Online(StrCat("instrument register --file ", Quote(file)));
  EXPECT_EQ(online_bad.code, 1) << online_bad.output;
  EXPECT_EQ(service_.calls(), 0);
}

TEST_F(VaultctlInstrumentTest, RegisterPrintsTheInstrument) {
  Result printed = Online(StrCat("instrument register --file ", Quote(instrument_file_)));
  ASSERT_EQ(printed.code, 0) << printed.output;
  EXPECT_EQ(printed.output, InstrumentText(1, "2026-09-21T14:13:20Z"));
  EXPECT_TRUE(
      MessageDifferencer::Equals(service_.last_register().instrument(), InstrumentFromJson()));

  Result json = Online(StrCat("instrument register --json --file ", Quote(instrument_file_)));
  ASSERT_EQ(json.code, 0) << json.output;
  v1::Instrument instrument;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.output, &instrument).ok())
      << json.output;
  EXPECT_TRUE(
      MessageDifferencer::Equals(instrument, FakeInstrumentVault::Stored(InstrumentFromJson(), 1)));

  // The server's refusal, with its code.
  const std::filesystem::path empty = dir_ / "empty.json";
  WriteFile(empty, R"({"organizationId": "org_x", "name": "empty"})");
  Result refused = Online(StrCat("instrument register --file ", Quote(empty)));
  EXPECT_EQ(refused.code, 13) << refused.output;
  EXPECT_EQ(refused.output, "error: INVALID_ARGUMENT: instrument.fields: 1 to 200 required\n");
}

TEST_F(VaultctlInstrumentTest, GetAndList) {
  Result newest = Online(StrCat("instrument get ", kInstrumentId));
  ASSERT_EQ(newest.code, 0) << newest.output;
  EXPECT_EQ(service_.last_get().id(), kInstrumentId);
  EXPECT_EQ(service_.last_get().version(), 0u);
  EXPECT_EQ(newest.output, InstrumentText(2, "2026-09-21T14:14:20Z"));

  Result first = Online(StrCat("instrument get ", kInstrumentId, " --version 1"));
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_EQ(service_.last_get().version(), 1u);
  EXPECT_EQ(first.output, InstrumentText(1, "2026-09-21T14:13:20Z"));

  Result none = Online(StrCat("instrument get ", kInstrumentId, " --version 3"));
  EXPECT_EQ(none.code, 15) << none.output;
  EXPECT_EQ(none.output, "error: NOT_FOUND: version: not found\n");

  Result listed = Online("instrument list --org org_x");
  ASSERT_EQ(listed.code, 0) << listed.output;
  EXPECT_EQ(service_.last_list().organization_id(), "org_x");
  EXPECT_EQ(listed.output, StrCat(kInstrumentId,
                                  "\tcare_action_plan\t2\t3\t2026-09-21T14:14:20Z\t"
                                  "CARe tegevusplaan\n"
                                  "ins_01hq3v0000000000000000000j\thome_visit\t1\t1\t-\t-\n"));

  Result json = Online("instrument list --org org_x --json");
  ASSERT_EQ(json.code, 0) << json.output;
  v1::ListInstrumentsResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.output, &response).ok())
      << json.output;
  EXPECT_EQ(response.instruments_size(), 2);

  const int before = service_.calls();
  Result no_org = Online("instrument list");
  EXPECT_EQ(no_org.code, 1) << no_org.output;
  Result no_id = Online("instrument get");
  EXPECT_EQ(no_id.code, 1) << no_id.output;
  EXPECT_EQ(service_.calls(), before);
}

TEST_F(VaultctlInstrumentTest, ExportToStandardOutput) {
  for (const char* extra : {"", " -o -", " --json"}) {
    Result printed = Online(StrCat("client export ", kClientId, extra), /*stdout_only=*/true);
    ASSERT_EQ(printed.code, 0) << extra << printed.output;
    EXPECT_EQ(service_.last_export().client_id(), kClientId);
    v1::SubjectDataExport exported;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(printed.output, &exported).ok())
        << printed.output;
    EXPECT_TRUE(MessageDifferencer::Equals(exported, FakeInstrumentVault::Export())) << extra;
    // Proto field names, as every --json output.
    EXPECT_TRUE(Contains(printed.output, "\"exported_at\": ")) << printed.output;
  }

  Result missing = Online("client export cli_other");
  EXPECT_EQ(missing.code, 15) << missing.output;
  EXPECT_EQ(missing.output, "error: NOT_FOUND: client_id: not found\n");
  const int before = service_.calls();
  Result no_id = Online("client export");
  EXPECT_EQ(no_id.code, 1) << no_id.output;
  EXPECT_EQ(service_.calls(), before);
}

TEST_F(VaultctlInstrumentTest, ExportToFileIsPrivateAndAtomic) {
  const std::filesystem::path out = dir_ / "export.json";
  WriteFile(out, "old");
  ::chmod(out.c_str(), 0644);
  Result written = Online(StrCat("client export ", kClientId, " -o ", Quote(out)));
  ASSERT_EQ(written.code, 0) << written.output;
  EXPECT_EQ(written.output, StrCat(kExportSummary, "output: ", out.string(), "\n"));
  EXPECT_EQ(service_.last_export().client_id(), kClientId);

  struct stat st;
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(out.string() + ".tmp"));
  const std::string json = ReadFile(out);
  v1::SubjectDataExport exported;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &exported).ok()) << json;
  EXPECT_TRUE(MessageDifferencer::Equals(exported, FakeInstrumentVault::Export()));
  std::ostringstream expected;
  ASSERT_TRUE(PrintJson(FakeInstrumentVault::Export(), expected).ok());
  EXPECT_EQ(json, expected.str());

  // --json changes nothing: the file holds the JSON, stdout the summary.
  Result with_json = Online(StrCat("client export --json ", kClientId, " --output ", Quote(out)));
  ASSERT_EQ(with_json.code, 0) << with_json.output;
  EXPECT_EQ(with_json.output, StrCat(kExportSummary, "output: ", out.string(), "\n"));

  // A failed request leaves the file as it was.
  Result missing = Online(StrCat("client export cli_other -o ", Quote(out)));
  EXPECT_EQ(missing.code, 15) << missing.output;
  EXPECT_EQ(ReadFile(out), json);

  // A file that cannot be written: the errno-derived code, naming it.
  const std::filesystem::path nowhere = dir_ / "no" / "export.json";
  Result unwritable = Online(StrCat("client export ", kClientId, " -o ", Quote(nowhere)));
  EXPECT_EQ(unwritable.code, 15) << unwritable.output;
  EXPECT_TRUE(unwritable.output.starts_with(
      StrCat("error: NOT_FOUND: --output: cannot create '", nowhere.string(), ".tmp'")))
      << unwritable.output;
  EXPECT_FALSE(std::filesystem::exists(nowhere));
}

}  // namespace
}  // namespace hoidla::vaultctl
