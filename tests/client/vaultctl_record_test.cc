// Tests of vaultctl's record and case lifecycle commands: record content
// files in protobuf JSON, the enumeration options, record and case output,
// the VaultClient calls of the records API and case lifecycle, and the
// vaultctl binary against a fake vault on a loopback port (argument mapping
// and output).
#include "client/vaultctl_record.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl_format.h"
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

constexpr char kRecordId[] = "rec_01hq3v0000000000000000000r";
constexpr char kCaseId[] = "cas_01hq3v0000000000000000000c";

struct Result {
  int code = -1;
  std::string output;  // stdout and stderr
};

// Runs vaultctl with `args` (already shell-quoted where needed).
Result Vaultctl(const std::string& args) {
  const std::string command = StrCat(VAULTCTL_PATH, " ", args, " 2>&1");
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

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr char kPlanJson[] = R"({"casePlan": {
  "problems": "Töötus, üürivõlg.",
  "goals": [{"goal": "Tööle saamine.",
             "subGoals": [{"subGoal": "Töötukassa teenused.",
                           "activities": [{"activity": "Registreeruda töötuks.",
                                           "schedule": {"from": {"year": 2025, "month": 6, "day": 1}},
                                           "provider": "Mari Maasikas"}]}]}]
}})";

v1::RecordContent PlanContent() {
  v1::RecordContent c;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(kPlanJson, &c).ok());
  return c;
}

// A vault that answers the record and case calls from a fixed script,
// remembering the last request of each.
class FakeRecordVault final {
 public:
  template <typename T>
  T Last(const T& field) {
    std::lock_guard<std::mutex> lock(mu_);
    return field;
  }
  v1::CreateRecordRequest last_create() { return Last(last_create_); }
  v1::UpdateRecordRequest last_update() { return Last(last_update_); }
  v1::GetRecordRequest last_get() { return Last(last_get_); }
  v1::ListRecordsRequest last_list() { return Last(last_list_); }
  v1::SignRecordRequest last_sign() { return Last(last_sign_); }
  v1::CloseCaseRequest last_close() { return Last(last_close_); }
  v1::ReopenCaseRequest last_reopen() { return Last(last_reopen_); }
  v1::CreateCaseRequest last_create_case() { return Last(last_create_case_); }
  int calls() { return Last(calls_); }

  grpc::Status CreateRecord(grpc::ServerContext*, const v1::CreateRecordRequest* request,
                            v1::Record* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_create_ = *request;
    if (request->record().case_id() == "cas_closed") {
      return {grpc::StatusCode::FAILED_PRECONDITION,
              "record.case_id: the case is closed and read-only; reopen it "
              "first"};
    }
    *response = Stored(request->record().content(), 1);
    response->set_case_id(request->record().case_id());
    response->set_change_note(request->record().change_note());
    return grpc::Status::OK;
  }

  grpc::Status UpdateRecord(grpc::ServerContext*, const v1::UpdateRecordRequest* request,
                            v1::Record* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_update_ = *request;
    if (request->expected_version() != 1)
      return {grpc::StatusCode::ABORTED, "record_id: changed meanwhile"};
    *response = Stored(request->content(), 2);
    response->set_id(request->id());
    response->set_change_note(request->change_note());
    return grpc::Status::OK;
  }

  grpc::Status GetRecord(grpc::ServerContext*, const v1::GetRecordRequest* request,
                         v1::Record* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_get_ = *request;
    if (request->version() > 2) return {grpc::StatusCode::NOT_FOUND, "version: not found"};
    *response = Stored(PlanContent(), request->version() == 0 ? 2 : request->version());
    response->set_id(request->id());
    return grpc::Status::OK;
  }

  grpc::Status ListRecordVersions(grpc::ServerContext*,
                                  const v1::ListRecordVersionsRequest* request,
                                  v1::ListRecordVersionsResponse* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    for (uint32_t v = 1; v <= 2; ++v) {
      v1::Record* r = response->add_versions();
      *r = Stored(PlanContent(), v);
      r->set_id(request->id());
      if (v == 2) {
        r->set_change_note("goals revised");
        *r->add_signatures() = PaperSignature();
      }
    }
    return grpc::Status::OK;
  }

  grpc::Status ListRecords(grpc::ServerContext*, const v1::ListRecordsRequest* request,
                           v1::ListRecordsResponse* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_list_ = *request;
    *response->add_records() = Stored(PlanContent(), 1);
    v1::Record* minutes = response->add_records();
    minutes->set_id("rec_01hq3v0000000000000000000m");
    minutes->set_version(3);
    minutes->set_kind("meeting_minutes");
    minutes->set_case_id(kCaseId);
    minutes->set_locked(true);
    if (request->page_size() == 2) response->set_next_page_token("more");
    return grpc::Status::OK;
  }

  grpc::Status SignRecord(grpc::ServerContext*, const v1::SignRecordRequest* request,
                          v1::Record* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_sign_ = *request;
    if (request->version() != 1)
      return {grpc::StatusCode::ABORTED, "version: not the current version"};
    *response = Stored(PlanContent(), 1);
    response->set_id(request->id());
    v1::Signature* s = response->add_signatures();
    *s = request->signature();
    *s->mutable_signed_at() = TimeUtil::SecondsToTimestamp(1790000100);
    s->set_recorded_by("prn_test");
    return grpc::Status::OK;
  }

  grpc::Status CreateCase(grpc::ServerContext*, const v1::CreateCaseRequest* request,
                          v1::Case* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_create_case_ = *request;
    *response = request->case_();
    response->set_id(kCaseId);
    response->set_status(v1::CASE_STATUS_OPEN);
    return grpc::Status::OK;
  }

  grpc::Status CloseCase(grpc::ServerContext*, const v1::CloseCaseRequest* request,
                         v1::Case* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_close_ = *request;
    if (request->id() == "cas_closed")
      return {grpc::StatusCode::FAILED_PRECONDITION, "case_id: closed already"};
    *response = ClosedCase(*request);
    return grpc::Status::OK;
  }

  grpc::Status ReopenCase(grpc::ServerContext*, const v1::ReopenCaseRequest* request,
                          v1::Case* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_reopen_ = *request;
    v1::CloseCaseRequest closing;
    closing.set_id(request->id());
    closing.set_reason(v1::CLOSING_REASON_GOALS_MET);
    *response = ClosedCase(closing);
    response->set_status(v1::CASE_STATUS_OPEN);
    response->clear_retention_clock_started_at();
    v1::CaseEvent* e = response->add_events();
    e->set_kind(v1::CaseEvent::KIND_REOPENED);
    *e->mutable_at() = TimeUtil::SecondsToTimestamp(1790000300);
    e->set_by("prn_test");
    e->set_note(request->note());
    return grpc::Status::OK;
  }

  static v1::Signature PaperSignature() {
    v1::Signature s;
    s.set_role("client");
    s.set_signer_name("Mari Maasikas");
    s.set_method(v1::SIGNATURE_METHOD_PAPER);
    s.set_scan_document_id("doc_scan");
    *s.mutable_signed_at() = TimeUtil::SecondsToTimestamp(1790000100);
    s.set_recorded_by("prn_test");
    return s;
  }

  // The record as the vault would return it.
  static v1::Record Stored(const v1::RecordContent& content, uint32_t version) {
    v1::Record r;
    r.set_id(kRecordId);
    r.set_version(version);
    r.set_case_id(kCaseId);
    r.set_client_id("cli_x");
    r.set_project_id("prj_x");
    r.set_organization_id("org_x");
    r.set_kind("case_plan");
    *r.mutable_content() = content;
    *r.mutable_created_at() = TimeUtil::SecondsToTimestamp(1790000000);
    r.set_created_by("prn_test");
    *r.mutable_updated_at() = TimeUtil::SecondsToTimestamp(1790000000 + 60 * (version - 1));
    r.set_updated_by("prn_test");
    return r;
  }

 private:
  static v1::Case ClosedCase(const v1::CloseCaseRequest& request) {
    v1::Case c;
    c.set_id(request.id());
    c.set_project_id("prj_x");
    c.set_client_id("cli_x");
    c.set_title("Juhtum");
    c.set_status(v1::CASE_STATUS_CLOSED);
    c.set_origin(v1::CASE_ORIGIN_APPLICATION);
    v1::CaseEvent* e = c.add_events();
    e->set_kind(v1::CaseEvent::KIND_CLOSED);
    *e->mutable_at() = TimeUtil::SecondsToTimestamp(1790000200);
    e->set_by("prn_test");
    e->set_reason(request.reason());
    e->set_referred_to_organization_id(request.referred_to_organization_id());
    e->set_follow_up_record_id(request.follow_up_record_id());
    e->set_note(request.note());
    *c.mutable_retention_clock_started_at() = TimeUtil::SecondsToTimestamp(1790000200);
    return c;
  }

  std::mutex mu_;
  int calls_ = 0;
  v1::CreateRecordRequest last_create_;
  v1::UpdateRecordRequest last_update_;
  v1::GetRecordRequest last_get_;
  v1::ListRecordsRequest last_list_;
  v1::SignRecordRequest last_sign_;
  v1::CloseCaseRequest last_close_;
  v1::ReopenCaseRequest last_reopen_;
  v1::CreateCaseRequest last_create_case_;
};

// Commands that must not connect: an unreachable --server and an unreadable
// --token-file would fail any command that reads its credential or connects.
constexpr char kOffline[] = "--server 127.0.0.1:1 --token-file /nonexistent/token ";

class VaultctlRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    for (grpc::Service* s : services_.all()) builder.RegisterService(s);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    dir_ = std::filesystem::temp_directory_path() /
           StrCat("vaultctl_record_test_", ::getpid(), "_",
                  std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
    plan_file_ = dir_ / "plan.json";
    WriteFile(plan_file_, kPlanJson);
  }
  void TearDown() override {
    server_->Shutdown();
    std::filesystem::remove_all(dir_);
  }

  std::string Address() const { return StrCat("127.0.0.1:", port_); }

  // vaultctl with the fake's address and a token.
  Result Online(const std::string& args) {
    return Vaultctl(StrCat("--server ", Address(), " --token t ", args));
  }

  std::unique_ptr<client::VaultClient> Client() {
    client::ConnectOptions options;
    options.address = Address();
    options.token = "t";
    auto vault = client::VaultClient::Connect(options);
    EXPECT_TRUE(vault.ok()) << vault.status();
    return vault.ok() ? std::move(*vault) : nullptr;
  }

  FakeRecordVault service_;
  testing::FakeServices<FakeRecordVault> services_{&service_};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::filesystem::path dir_;
  std::filesystem::path plan_file_;
};

// --- the library parts -----------------------------------------------------

TEST(RecordJsonTest, ParsesTheProtobufJsonMapping) {
  auto content = ParseRecordContentJson(kPlanJson);
  ASSERT_TRUE(content.ok()) << content.status();
  ASSERT_TRUE(content->has_case_plan());
  EXPECT_EQ(content->case_plan().goals(0).sub_goals(0).activities(0).provider(), "Mari Maasikas");
  // Proto field names work as well as lowerCamelCase.
  auto snake = ParseRecordContentJson(
      R"({"plan_evaluation": {"sequence_number": 2,
          "evaluation_type": "EVALUATION_TYPE_INTERIM"}})");
  ASSERT_TRUE(snake.ok()) << snake.status();
  EXPECT_EQ(snake->plan_evaluation().sequence_number(), 2);

  for (const char* bad : {"{", "[]", R"({"casePlann": {}})", R"({"casePlan": {"problem": "x"}})",
                          R"({"planEvaluation": {"evaluationType": "EVALUATION_TYPE_NONE"}})",
                          R"({"planEvaluation": {"sequenceNumber": "one"}})"}) {
    auto parsed = ParseRecordContentJson(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(std::string(parsed.status().message())
                    .starts_with("not a hoidla.v1.RecordContent in protobuf JSON: "))
        << parsed.status();
  }
  auto empty = ParseRecordContentJson("{}");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::string(empty.status().message())
                  .starts_with("no form part: expected one of "
                               "intakeAssessment, initialDecision, casePlan"))
      << empty.status();
}

TEST(RecordJsonTest, EnumerationOptions) {
  EXPECT_EQ(ParseClosingReason("referral"), v1::CLOSING_REASON_REFERRAL);
  EXPECT_EQ(ParseClosingReason("transfer"), v1::CLOSING_REASON_TRANSFER);
  EXPECT_EQ(ParseClosingReason("terminated_by_client"), v1::CLOSING_REASON_TERMINATED_BY_CLIENT);
  EXPECT_EQ(ParseClosingReason("time_limit"), v1::CLOSING_REASON_TIME_LIMIT);
  EXPECT_EQ(ParseClosingReason("goals_met"), v1::CLOSING_REASON_GOALS_MET);
  EXPECT_EQ(ParseClosingReason("impossible"), v1::CLOSING_REASON_IMPOSSIBLE);
  EXPECT_EQ(ParseClosingReason("REFERRAL"), v1::CLOSING_REASON_UNSPECIFIED);
  EXPECT_EQ(ParseCaseOrigin("application"), v1::CASE_ORIGIN_APPLICATION);
  EXPECT_EQ(ParseCaseOrigin("third_party_report"), v1::CASE_ORIGIN_THIRD_PARTY_REPORT);
  EXPECT_EQ(ParseCaseOrigin(""), v1::CASE_ORIGIN_UNSPECIFIED);
  // The printed names are the option values.
  EXPECT_EQ(ClosingReasonName(v1::CLOSING_REASON_TERMINATED_BY_CLIENT), "terminated_by_client");
  EXPECT_EQ(CaseOriginName(v1::CASE_ORIGIN_THIRD_PARTY_REPORT), "third_party_report");
}

TEST(RecordFormatTest, ContentIsOneLineOfJsonThatParsesBack) {
  v1::RecordContent content = PlanContent();
  content.mutable_case_plan()->set_resources("rida\nteine\t\x7f \xc2\x85 \\ \"lõpp\"");
  auto json = RecordContentJson(content);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->find('\n'), std::string::npos) << *json;
  EXPECT_EQ(json->find('\x7f'), std::string::npos) << *json;
  EXPECT_EQ(json->find("\xc2\x85"), std::string::npos) << *json;
  EXPECT_TRUE(json->starts_with(R"({"case_plan":{"problems":"Töötus)")) << *json;
  v1::RecordContent back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &back).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(back, content)) << back.DebugString();

  std::ostringstream out;
  v1::Record record = FakeRecordVault::Stored(content, 1);
  *record.add_signatures() = FakeRecordVault::PaperSignature();
  PrintRecord(record, out);
  EXPECT_TRUE(out.str().starts_with(
      StrCat("id: ", kRecordId, "\nversion: 1\nkind: case_plan\ncase_id: ", kCaseId, "\n")))
      << out.str();
  EXPECT_TRUE(out.str().ends_with(StrCat("content: ", *json, "\n"))) << out.str();
  EXPECT_TRUE(Contains(out.str(),
                       "\nsignature: role=client; signer_name=Mari Maasikas; "
                       "method=paper; scan_document_id=doc_scan; "
                       "signed_at=2026-09-21T14:15:00Z; recorded_by=prn_test\n"))
      << out.str();
}

TEST_F(VaultctlRecordTest, ClientCallsEveryRecordAndLifecycleRpc) {
  auto vault = Client();
  ASSERT_NE(vault, nullptr);
  v1::CreateRecordRequest create;
  create.mutable_record()->set_case_id(kCaseId);
  *create.mutable_record()->mutable_content() = PlanContent();
  auto created = vault->CreateRecord(create);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->id(), kRecordId);
  EXPECT_TRUE(MessageDifferencer::Equals(created->content(), PlanContent()));
  create.mutable_record()->set_case_id("cas_closed");
  EXPECT_EQ(vault->CreateRecord(create).status().code(), absl::StatusCode::kFailedPrecondition);

  v1::UpdateRecordRequest update;
  update.set_id(kRecordId);
  update.set_expected_version(1);
  *update.mutable_content() = PlanContent();
  auto updated = vault->UpdateRecord(update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->version(), 2u);
  update.set_expected_version(5);
  auto stale = vault->UpdateRecord(update);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(stale.status().message(), "record_id: changed meanwhile");

  v1::GetRecordRequest get;
  get.set_id(kRecordId);
  get.set_version(1);
  auto got = vault->GetRecord(get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->version(), 1u);
  get.set_version(9);
  EXPECT_EQ(vault->GetRecord(get).status().code(), absl::StatusCode::kNotFound);

  v1::ListRecordVersionsRequest versions;
  versions.set_id(kRecordId);
  auto all = vault->ListRecordVersions(versions);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->versions_size(), 2);

  v1::ListRecordsRequest list;
  list.set_case_id(kCaseId);
  list.set_page_size(2);
  auto listed = vault->ListRecords(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->records_size(), 2);
  EXPECT_EQ(listed->next_page_token(), "more");

  v1::SignRecordRequest sign;
  sign.set_id(kRecordId);
  sign.set_version(1);
  *sign.mutable_signature() = FakeRecordVault::PaperSignature();
  auto signed_record = vault->SignRecord(sign);
  ASSERT_TRUE(signed_record.ok()) << signed_record.status();
  EXPECT_EQ(signed_record->signatures_size(), 1);

  v1::CloseCaseRequest close;
  close.set_id(kCaseId);
  close.set_reason(v1::CLOSING_REASON_GOALS_MET);
  auto closed = vault->CloseCase(close);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->status(), v1::CASE_STATUS_CLOSED);
  close.set_id("cas_closed");
  EXPECT_EQ(vault->CloseCase(close).status().code(), absl::StatusCode::kFailedPrecondition);
  v1::ReopenCaseRequest reopen;
  reopen.set_id(kCaseId);
  auto reopened = vault->ReopenCase(reopen);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->status(), v1::CASE_STATUS_OPEN);
  EXPECT_EQ(reopened->events_size(), 2);
}

// --- the vaultctl binary ---------------------------------------------------

TEST_F(VaultctlRecordTest, CreateWithMalformedFileFailsBeforeConnecting) {
  const std::filesystem::path file = dir_ / "bad.json";
  WriteFile(file, R"({"casePlan": {"goals": [)");
  Result bad =
      Vaultctl(StrCat(kOffline, "record create --case ", kCaseId, " --file ", Quote(file)));
  EXPECT_EQ(bad.code, 1) << bad.output;
  EXPECT_TRUE(bad.output.starts_with(StrCat("error: INVALID_ARGUMENT: --file: '", file.string(),
                                            "': not a hoidla.v1.RecordContent in protobuf JSON: ")))
      << bad.output;

  WriteFile(file, R"({"casePlan": {"problem": "x"}})");
  Result unknown =
      Vaultctl(StrCat(kOffline, "record update rec_x --expected-version 1 --file ", Quote(file)));
  EXPECT_EQ(unknown.code, 1) << unknown.output;
  EXPECT_TRUE(Contains(unknown.output, file.string())) << unknown.output;

  WriteFile(file, "{}");
  Result empty =
      Vaultctl(StrCat(kOffline, "record create --case ", kCaseId, " --file ", Quote(file)));
  EXPECT_EQ(empty.code, 1) << empty.output;
  EXPECT_TRUE(Contains(empty.output, "': no form part: expected one of ")) << empty.output;

  Result missing = Vaultctl(
      StrCat(kOffline, "record create --case ", kCaseId, " --file ", Quote(dir_ / "none.json")));
  EXPECT_EQ(missing.code, 1) << missing.output;
  EXPECT_TRUE(Contains(missing.output, "--file: cannot read")) << missing.output;

  // A good file gets as far as the credential.
  Result good =
      Vaultctl(StrCat(kOffline, "record create --case ", kCaseId, " --file ", Quote(plan_file_)));
  EXPECT_EQ(good.code, 1) << good.output;
  EXPECT_TRUE(Contains(good.output, "--token-file")) << good.output;

  Result no_case = Vaultctl(StrCat(kOffline, "record create --file ", Quote(plan_file_)));
  EXPECT_EQ(no_case.code, 1) << no_case.output;
  EXPECT_EQ(service_.calls(), 0);
}

TEST_F(VaultctlRecordTest, CreatePrintsTheRecordAndItsContent) {
  Result printed = Online(StrCat("record create --case ", kCaseId, " --file ", Quote(plan_file_),
                                 " --change-note 'esimene'"));
  ASSERT_EQ(printed.code, 0) << printed.output;
  auto json = RecordContentJson(PlanContent());
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(printed.output,
            StrCat("id: ", kRecordId, "\nversion: 1\nkind: case_plan\ncase_id: ", kCaseId,
                   "\nclient_id: cli_x\nproject_id: prj_x\norganization_id: "
                   "org_x\nlocked: false\nchange_note: esimene\n"
                   "created_at: 2026-09-21T14:13:20Z\ncreated_by: prn_test\n"
                   "updated_at: 2026-09-21T14:13:20Z\nupdated_by: prn_test\n"
                   "content: ",
                   *json, "\n"));
  const v1::CreateRecordRequest sent = service_.last_create();
  EXPECT_EQ(sent.record().case_id(), kCaseId);
  EXPECT_EQ(sent.record().change_note(), "esimene");
  EXPECT_TRUE(MessageDifferencer::Equals(sent.record().content(), PlanContent()));

  // The content line parses back to what was sent.
  const size_t at = printed.output.find("\ncontent: ");
  ASSERT_NE(at, std::string::npos);
  v1::RecordContent back;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(printed.output.substr(at + 10), &back).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(back, PlanContent()));

  // --json: the whole Record, content included.
  Result json_out =
      Online(StrCat("record create --json --case ", kCaseId, " --file ", Quote(plan_file_)));
  ASSERT_EQ(json_out.code, 0) << json_out.output;
  v1::Record record;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json_out.output, &record).ok())
      << json_out.output;
  EXPECT_EQ(record.id(), kRecordId);
  EXPECT_EQ(record.kind(), "case_plan");
  EXPECT_TRUE(MessageDifferencer::Equals(record.content(), PlanContent()));

  Result closed = Online(StrCat("record create --case cas_closed --file ", Quote(plan_file_)));
  EXPECT_EQ(closed.code, 19) << closed.output;
  EXPECT_EQ(closed.output,
            "error: FAILED_PRECONDITION: record.case_id: the case is closed "
            "and read-only; reopen it first\n");
}

TEST_F(VaultctlRecordTest, UpdateGetVersions) {
  Result updated = Online(StrCat("record update ", kRecordId, " --expected-version 1 --file ",
                                 Quote(plan_file_), " --change-note 'parandus'"));
  ASSERT_EQ(updated.code, 0) << updated.output;
  EXPECT_TRUE(updated.output.starts_with(StrCat("id: ", kRecordId, "\nversion: 2\n")))
      << updated.output;
  EXPECT_TRUE(Contains(updated.output, "\nchange_note: parandus\n")) << updated.output;
  const v1::UpdateRecordRequest sent = service_.last_update();
  EXPECT_EQ(sent.id(), kRecordId);
  EXPECT_EQ(sent.expected_version(), 1u);
  EXPECT_EQ(sent.change_note(), "parandus");
  EXPECT_TRUE(MessageDifferencer::Equals(sent.content(), PlanContent()));

  Result stale = Online(
      StrCat("record update ", kRecordId, " --expected-version 4 --file ", Quote(plan_file_)));
  EXPECT_EQ(stale.code, 20) << stale.output;
  EXPECT_EQ(stale.output, "error: ABORTED: record_id: changed meanwhile\n");
  Result no_version = Online(StrCat("record update ", kRecordId, " --file ", Quote(plan_file_)));
  EXPECT_EQ(no_version.code, 1) << no_version.output;

  Result current = Online(StrCat("record get ", kRecordId));
  ASSERT_EQ(current.code, 0) << current.output;
  EXPECT_EQ(service_.last_get().version(), 0u);
  EXPECT_TRUE(
      current.output.starts_with(StrCat("id: ", kRecordId, "\nversion: 2\nkind: case_plan\n")))
      << current.output;
  Result first = Online(StrCat("record get ", kRecordId, " --version 1"));
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_EQ(service_.last_get().version(), 1u);
  Result none = Online(StrCat("record get ", kRecordId, " --version 7"));
  EXPECT_EQ(none.code, 15) << none.output;

  Result versions = Online(StrCat("record versions ", kRecordId));
  ASSERT_EQ(versions.code, 0) << versions.output;
  EXPECT_EQ(versions.output,
            StrCat(kRecordId, "\t1\t2026-09-21T14:13:20Z\tprn_test\t0\t-\t-\n", kRecordId,
                   "\t2\t2026-09-21T14:14:20Z\tprn_test\t1\t-\tgoals revised\n"));
}

TEST_F(VaultctlRecordTest, ListMapsScopeKindTimesAndPaging) {
  Result listed = Online(StrCat("record list --case ", kCaseId,
                                " --kind case_plan --from 2026-01-01T00:00:00Z --until "
                                "2026-12-31T00:00:00Z --page-size 2 --page-token tok"));
  ASSERT_EQ(listed.code, 0) << listed.output;
  EXPECT_EQ(listed.output, StrCat(kRecordId, "\tcase_plan\t1\t", kCaseId,
                                  "\t2026-09-21T14:13:20Z\t2026-09-21T14:13:20Z\tprn_test\t-\n"
                                  "rec_01hq3v0000000000000000000m\tmeeting_minutes\t3\t",
                                  kCaseId, "\t-\t-\t-\tlocked\nnext_page_token: more\n"));
  v1::ListRecordsRequest sent = service_.last_list();
  EXPECT_EQ(sent.case_id(), kCaseId);
  EXPECT_EQ(sent.client_id(), "");
  EXPECT_EQ(sent.kind(), "case_plan");
  EXPECT_EQ(TimeUtil::ToString(sent.created_from()), "2026-01-01T00:00:00Z");
  EXPECT_EQ(TimeUtil::ToString(sent.created_until()), "2026-12-31T00:00:00Z");
  EXPECT_EQ(sent.page_size(), 2);
  EXPECT_EQ(sent.page_token(), "tok");

  Result by_client = Online("record list --client cli_x");
  ASSERT_EQ(by_client.code, 0) << by_client.output;
  sent = service_.last_list();
  EXPECT_EQ(sent.client_id(), "cli_x");
  EXPECT_EQ(sent.case_id(), "");
  EXPECT_FALSE(sent.has_created_from());
  EXPECT_FALSE(sent.has_created_until());

  Result json = Online("record list --client cli_x --json");
  ASSERT_EQ(json.code, 0) << json.output;
  v1::ListRecordsResponse response;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json.output, &response).ok())
      << json.output;
  EXPECT_EQ(response.records_size(), 2);

  Result neither = Online("record list");
  EXPECT_EQ(neither.code, 1) << neither.output;
  Result both = Online(StrCat("record list --client cli_x --case ", kCaseId));
  EXPECT_EQ(both.code, 1) << both.output;
  Result bad_time = Online("record list --client cli_x --from yesterday");
  EXPECT_EQ(bad_time.code, 1) << bad_time.output;
  EXPECT_EQ(bad_time.output, "error: INVALID_ARGUMENT: --from: not an RFC 3339 time\n");
}

TEST_F(VaultctlRecordTest, SignMapsTheMethod) {
  Result paper = Online(StrCat("record sign ", kRecordId,
                               " --version 1 --role minute_taker --signer-name 'Kaja Kuusk' "
                               "--scan-document doc_scan --participant-id p2"));
  ASSERT_EQ(paper.code, 0) << paper.output;
  v1::SignRecordRequest sent = service_.last_sign();
  EXPECT_EQ(sent.id(), kRecordId);
  EXPECT_EQ(sent.version(), 1u);
  EXPECT_EQ(sent.signature().role(), "minute_taker");
  EXPECT_EQ(sent.signature().signer_name(), "Kaja Kuusk");
  EXPECT_EQ(sent.signature().participant_id(), "p2");
  EXPECT_EQ(sent.signature().method(), v1::SIGNATURE_METHOD_PAPER);
  EXPECT_EQ(sent.signature().scan_document_id(), "doc_scan");
  EXPECT_EQ(sent.signature().signature_reference(), "");
  EXPECT_TRUE(Contains(paper.output,
                       "\nsignature: role=minute_taker; signer_name=Kaja Kuusk; "
                       "participant_id=p2; method=paper; scan_document_id=doc_scan; "
                       "signed_at=2026-09-21T14:15:00Z; recorded_by=prn_test\n"))
      << paper.output;

  Result digital = Online(StrCat("record sign ", kRecordId,
                                 " --version 1 --role client --signer-name 'Mari Maasikas' "
                                 "--signature-reference asice:sha256:0f3a"));
  ASSERT_EQ(digital.code, 0) << digital.output;
  sent = service_.last_sign();
  EXPECT_EQ(sent.signature().method(), v1::SIGNATURE_METHOD_DIGITAL);
  EXPECT_EQ(sent.signature().signature_reference(), "asice:sha256:0f3a");
  EXPECT_EQ(sent.signature().scan_document_id(), "");

  Result stale = Online(StrCat("record sign ", kRecordId,
                               " --version 2 --role client --signer-name M "
                               "--scan-document doc_scan"));
  EXPECT_EQ(stale.code, 20) << stale.output;
  const int before = service_.calls();
  Result neither =
      Online(StrCat("record sign ", kRecordId, " --version 1 --role client --signer-name M"));
  EXPECT_EQ(neither.code, 1) << neither.output;
  Result both = Online(StrCat("record sign ", kRecordId,
                              " --version 1 --role client --signer-name M --scan-document doc_scan "
                              "--signature-reference ref"));
  EXPECT_EQ(both.code, 1) << both.output;
  Result no_version = Online(StrCat("record sign ", kRecordId,
                                    " --role client --signer-name M "
                                    "--scan-document doc_scan"));
  EXPECT_EQ(no_version.code, 1) << no_version.output;
  EXPECT_EQ(service_.calls(), before);
}

TEST_F(VaultctlRecordTest, CaseCloseReopenAndCreateOptions) {
  Result closed = Online(StrCat("case close ", kCaseId,
                                " --reason referral --referred-to org_labour --follow-up rec_eval "
                                "--note 'suunatud Töötukassasse'"));
  ASSERT_EQ(closed.code, 0) << closed.output;
  const v1::CloseCaseRequest sent = service_.last_close();
  EXPECT_EQ(sent.id(), kCaseId);
  EXPECT_EQ(sent.reason(), v1::CLOSING_REASON_REFERRAL);
  EXPECT_EQ(sent.referred_to_organization_id(), "org_labour");
  EXPECT_EQ(sent.follow_up_record_id(), "rec_eval");
  EXPECT_EQ(sent.note(), "suunatud Töötukassasse");
  EXPECT_EQ(closed.output, StrCat("id: ", kCaseId,
                                  "\nproject_id: prj_x\nclient_id: cli_x\ntitle: Juhtum\n"
                                  "status: closed\norigin: application\n"
                                  "event: closed at=2026-09-21T14:16:40Z; by=prn_test; "
                                  "reason=referral; referred_to=org_labour; "
                                  "follow_up=rec_eval; note=suunatud Töötukassasse\n"
                                  "retention_clock_started_at: 2026-09-21T14:16:40Z\n"));

  for (const char* reason :
       {"transfer", "terminated_by_client", "time_limit", "goals_met", "impossible"}) {
    Result r = Online(StrCat("case close ", kCaseId, " --reason ", reason));
    ASSERT_EQ(r.code, 0) << reason << r.output;
    EXPECT_EQ(ClosingReasonName(service_.last_close().reason()), reason);
  }
  Result again = Online("case close cas_closed --reason goals_met");
  EXPECT_EQ(again.code, 19) << again.output;
  EXPECT_EQ(again.output, "error: FAILED_PRECONDITION: case_id: closed already\n");
  Result bad_reason = Online(StrCat("case close ", kCaseId, " --reason bored"));
  EXPECT_EQ(bad_reason.code, 1) << bad_reason.output;
  Result no_reason = Online(StrCat("case close ", kCaseId));
  EXPECT_EQ(no_reason.code, 1) << no_reason.output;

  Result reopened = Online(StrCat("case reopen ", kCaseId, " --note 'klient tuli tagasi'"));
  ASSERT_EQ(reopened.code, 0) << reopened.output;
  EXPECT_EQ(service_.last_reopen().note(), "klient tuli tagasi");
  EXPECT_TRUE(Contains(reopened.output, "\nstatus: open\n")) << reopened.output;
  EXPECT_TRUE(Contains(reopened.output,
                       "\nevent: reopened at=2026-09-21T14:18:20Z; "
                       "by=prn_test; note=klient tuli tagasi\n"))
      << reopened.output;
  EXPECT_FALSE(Contains(reopened.output, "retention_clock_started_at")) << reopened.output;

  Result created = Online(
      "case create --project prj_x --client cli_x --title Juhtum "
      "--origin third_party_report --reporter-name 'Kati Kask' "
      "--reporter-contact '+372 5555 0000' --linked-case cas_old");
  ASSERT_EQ(created.code, 0) << created.output;
  const v1::Case sent_case = service_.last_create_case().case_();
  EXPECT_EQ(sent_case.origin(), v1::CASE_ORIGIN_THIRD_PARTY_REPORT);
  EXPECT_EQ(sent_case.reporter_name(), "Kati Kask");
  EXPECT_EQ(sent_case.reporter_contact(), "+372 5555 0000");
  EXPECT_EQ(sent_case.linked_case_id(), "cas_old");
  EXPECT_EQ(created.output, StrCat("id: ", kCaseId,
                                   "\nproject_id: prj_x\nclient_id: cli_x\ntitle: Juhtum\n"
                                   "status: open\norigin: third_party_report\n"
                                   "reporter_name: Kati Kask\nreporter_contact: +372 5555 0000\n"
                                   "linked_case_id: cas_old\n"));
  Result plain = Online("case create --project prj_x --client cli_x --title Juhtum");
  ASSERT_EQ(plain.code, 0) << plain.output;
  EXPECT_EQ(service_.last_create_case().case_().origin(), v1::CASE_ORIGIN_UNSPECIFIED);
  Result bad_origin =
      Online("case create --project prj_x --client cli_x --title J --origin rumour");
  EXPECT_EQ(bad_origin.code, 1) << bad_origin.output;
}

}  // namespace
}  // namespace hoidla::vaultctl
