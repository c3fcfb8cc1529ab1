// Tests of vaultctl's consent commands: consent files in protobuf JSON, the
// offline check of signed consent receipts (the library and the `vaultctl
// consent verify` binary, which must not need a server), and the consent,
// disclosure and existence commands of the vaultctl binary against a fake
// vault on a loopback port, including the x-hoidla-purpose header that
// ConnectOptions::purpose and --purpose send.
#include "client/vaultctl_consent.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl_audit.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/grpcpp.h"
#include "keys/crypto.h"
#include "keys/signed_note.h"
#include "tests/client/fake_services.h"

#ifndef VAULTCTL_PATH
#error "VAULTCTL_PATH must name the vaultctl binary"
#endif

namespace hoidla::vaultctl {
namespace {

namespace v1 = ::hoidla::v1;
using ::google::protobuf::util::TimeUtil;

const bool kCryptoReady = [] {
  if (!keys::InitCrypto().ok()) std::abort();
  return true;
}();

constexpr char kOrigin[] = "test.example.org/audit";
constexpr char kReceiptJson[] =
    R"({"consent_id":"cns_01hq3v0000000000000000000a","version":1,)"
    R"("client_id":"cli_01hq3v0000000000000000000b","withdrawn":false,)"
    R"("purposes":["employment_support"],"recorded_at":"2026-11-22T10:00:00Z"})";

keys::SecureBuffer NewSeed() { return keys::NewKey(); }

std::string VerifierKeyOf(const keys::SecureBuffer& seed) {
  return keys::VerifierKeyString(kOrigin, keys::Ed25519PublicKey(seed));
}

// A note of `text` signed with `seed` under kOrigin.
std::string Signed(const std::string& text, const keys::SecureBuffer& seed) {
  auto note = keys::SignNote(text, kOrigin, seed);
  EXPECT_TRUE(note.ok()) << note.status();
  return note.ok() ? *note : "";
}

std::string ReceiptNote(const keys::SecureBuffer& seed, const std::string& json = kReceiptJson) {
  return Signed(StrCat(kConsentReceiptHeader, "\n", json, "\n"), seed);
}

std::vector<keys::NoteVerifier> VerifiersOf(const std::string& text) {
  auto v = ParseVerifierKeys(text);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : std::vector<keys::NoteVerifier>{};
}

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

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteFile(const std::filesystem::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

// The value of metadata `key` of a call, or "" when there is none.
std::string Metadata(const grpc::ServerContext* context, const char* key) {
  auto it = context->client_metadata().find(key);
  if (it == context->client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// A vault that answers the consent calls from a fixed script, remembering
// the last request and the purpose header of the last call.
class FakeConsentVault final {
 public:
  explicit FakeConsentVault(const keys::SecureBuffer* seed) : seed_(seed) {}

  std::string purpose() {
    std::lock_guard<std::mutex> lock(mu_);
    return purpose_;
  }
  bool purpose_sent() {
    std::lock_guard<std::mutex> lock(mu_);
    return purpose_sent_;
  }
  v1::Consent last_consent() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_consent_;
  }
  v1::Disclosure last_disclosure() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_disclosure_;
  }
  v1::ListConsentsRequest last_list() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_list_;
  }
  v1::ReviewDisclosureRequest last_review() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_review_;
  }
  v1::QueryRecordExistenceRequest last_query() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_query_;
  }

  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest*,
                      v1::WhoAmIResponse* response) {
    Remember(context);
    response->set_principal_id("prn_test");
    return grpc::Status::OK;
  }

  grpc::Status RecordConsent(grpc::ServerContext* context, const v1::RecordConsentRequest* request,
                             v1::ConsentReceipt* response) {
    Remember(context);
    std::lock_guard<std::mutex> lock(mu_);
    last_consent_ = request->consent();
    *response->mutable_consent() = Stored(request->consent(), 1);
    response->set_receipt(ReceiptNote(*seed_));
    return grpc::Status::OK;
  }

  grpc::Status ReviseConsent(grpc::ServerContext* context, const v1::ReviseConsentRequest* request,
                             v1::ConsentReceipt* response) {
    Remember(context);
    if (request->expected_version() != 1)
      return {grpc::StatusCode::ABORTED, "consent revised meanwhile"};
    std::lock_guard<std::mutex> lock(mu_);
    last_consent_ = request->consent();
    *response->mutable_consent() = Stored(request->consent(), 2);
    response->mutable_consent()->set_id(request->id());
    response->set_receipt(ReceiptNote(*seed_));
    return grpc::Status::OK;
  }

  grpc::Status WithdrawConsent(grpc::ServerContext* context,
                               const v1::WithdrawConsentRequest* request, v1::Consent* response) {
    Remember(context);
    *response = Stored(v1::Consent(), 1);
    response->set_id(request->id());
    response->set_status(v1::CONSENT_STATUS_WITHDRAWN);
    *response->mutable_withdrawn_at() = TimeUtil::SecondsToTimestamp(1800000000);
    response->set_withdrawn_by("prn_test");
    response->set_withdrawal_note(request->note());
    return grpc::Status::OK;
  }

  grpc::Status GetConsent(grpc::ServerContext* context, const v1::GetConsentRequest* request,
                          v1::Consent* response) {
    Remember(context);
    if (request->version() > 1) return {grpc::StatusCode::NOT_FOUND, "no such version"};
    *response = Stored(v1::Consent(), 1);
    response->set_id(request->id());
    return grpc::Status::OK;
  }

  grpc::Status ListConsents(grpc::ServerContext* context, const v1::ListConsentsRequest* request,
                            v1::ListConsentsResponse* response) {
    Remember(context);
    std::lock_guard<std::mutex> lock(mu_);
    last_list_ = *request;
    *response->add_consents() = Stored(v1::Consent(), 1);
    return grpc::Status::OK;
  }

  grpc::Status DiscloseWithoutConsent(grpc::ServerContext* context,
                                      const v1::DiscloseWithoutConsentRequest* request,
                                      v1::Disclosure* response) {
    Remember(context);
    std::lock_guard<std::mutex> lock(mu_);
    last_disclosure_ = request->disclosure();
    *response = request->disclosure();
    response->set_id("dsc_01hq3v0000000000000000000d");
    response->set_review(v1::DISCLOSURE_REVIEW_PENDING);
    return grpc::Status::OK;
  }

  grpc::Status ListDisclosures(grpc::ServerContext* context,
                               const v1::ListDisclosuresRequest* request,
                               v1::ListDisclosuresResponse* response) {
    Remember(context);
    v1::Disclosure* d = response->add_disclosures();
    d->set_id("dsc_01hq3v0000000000000000000d");
    d->set_review(v1::DISCLOSURE_REVIEW_PENDING);
    d->set_legal_basis(v1::LEGAL_BASIS_CRIME);
    d->set_client_id("cli_x");
    d->set_recipient_organization_id("org_police");
    d->add_item_ids("doc_1");
    d->add_item_ids("doc_2");
    d->set_created_by("prn_test");
    if (request->pending_only()) response->set_next_page_token("next");
    return grpc::Status::OK;
  }

  grpc::Status ReviewDisclosure(grpc::ServerContext* context,
                                const v1::ReviewDisclosureRequest* request,
                                v1::Disclosure* response) {
    Remember(context);
    std::lock_guard<std::mutex> lock(mu_);
    last_review_ = *request;
    response->set_id(request->id());
    response->set_review(request->review());
    response->set_review_note(request->note());
    return grpc::Status::OK;
  }

  // Answers yes only for the purpose employment_support.
  grpc::Status QueryRecordExistence(grpc::ServerContext* context,
                                    const v1::QueryRecordExistenceRequest* request,
                                    v1::QueryRecordExistenceResponse* response) {
    Remember(context);
    std::lock_guard<std::mutex> lock(mu_);
    last_query_ = *request;
    if (purpose_ == "employment_support") {
      response->set_exists(true);
      response->add_organization_ids("org_a");
      response->add_organization_ids("org_b");
      response->add_client_ids("cli_a");
    }
    return grpc::Status::OK;
  }

 private:
  void Remember(const grpc::ServerContext* context) {
    std::lock_guard<std::mutex> lock(mu_);
    purpose_ = Metadata(context, "x-hoidla-purpose");
    purpose_sent_ = context->client_metadata().count("x-hoidla-purpose") > 0;
  }

  // `consent` as the vault would store it.
  static v1::Consent Stored(const v1::Consent& consent, uint32_t version) {
    v1::Consent c = consent;
    c.set_id("cns_01hq3v0000000000000000000a");
    c.set_version(version);
    if (c.client_id().empty()) c.set_client_id("cli_x");
    if (c.project_id().empty()) c.set_project_id("prj_x");
    c.set_organization_id("org_x");
    c.set_status(v1::CONSENT_STATUS_IN_FORCE);
    *c.mutable_recorded_at() = TimeUtil::SecondsToTimestamp(1790000000);
    c.set_recorded_by("prn_test");
    return c;
  }

  const keys::SecureBuffer* seed_;
  std::mutex mu_;
  std::string purpose_;
  bool purpose_sent_ = false;
  v1::Consent last_consent_;
  v1::Disclosure last_disclosure_;
  v1::ListConsentsRequest last_list_;
  v1::ReviewDisclosureRequest last_review_;
  v1::QueryRecordExistenceRequest last_query_;
};

constexpr char kConsentJson[] = R"({
  "client_id": "cli_x",
  "project_id": "prj_x",
  "given_by": {"kind": "CONSENT_GIVER_KIND_DATA_SUBJECT"},
  "form": "CONSENT_FORM_ORAL",
  "witness": "Kati Kask",
  "note": "Given at the meeting",
  "cooperationAgreed": true,
  "processing_agreed": true,
  "given_voluntarily": true,
  "provisions": [{
    "recipients": [{"kind": "RECIPIENT_KIND_ORGANIZATION", "organization_id": "org_a"},
                   {"kind": "RECIPIENT_KIND_PROJECT", "organization_id": "org_b",
                    "project_id": "prj_b"}],
    "kinds": ["case_plan"],
    "purposes": ["employment_support"],
    "valid_from": "2026-01-01T00:00:00Z",
    "valid_until": "2027-01-01T00:00:00Z",
    "existence_queries": true
  }],
  "given_at": "2026-11-20T09:30:00Z"
})";

// Commands that must not connect: an unreachable --server and an unreadable
// --token-file would fail any command that reads its credential or connects.
constexpr char kOffline[] = "--server 127.0.0.1:1 --token-file /nonexistent/token ";

class VaultctlConsentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(kCryptoReady);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    for (grpc::Service* s : services_.all()) builder.RegisterService(s);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    dir_ = std::filesystem::temp_directory_path() /
           StrCat("vaultctl_consent_test_", ::getpid(), "_",
                  std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
    key_file_ = dir_ / "keys.txt";
    // An older key first, as `audit public-keys` lists them.
    WriteFile(key_file_, StrCat(VerifierKeyOf(NewSeed()), "\n", VerifierKeyOf(seed_), "\n"));
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

  // `consent verify` of a receipt file holding `note`, with key_file_.
  Result Verify(const std::string& note) {
    const std::filesystem::path receipt = dir_ / "receipt.note";
    WriteFile(receipt, note);
    return Vaultctl(
        StrCat(kOffline, "consent verify ", Quote(receipt), " --public-key ", Quote(key_file_)));
  }

  keys::SecureBuffer seed_ = NewSeed();
  FakeConsentVault service_{&seed_};
  testing::FakeServices<FakeConsentVault> services_{&service_};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::filesystem::path dir_;
  std::filesystem::path key_file_;
};

constexpr char kReceiptFieldsOutput[] =
    "consent_id: cns_01hq3v0000000000000000000a\n"
    "version: 1\n"
    "client_id: cli_01hq3v0000000000000000000b\n"
    "withdrawn: false\n"
    "purposes: [\"employment_support\"]\n"
    "recorded_at: 2026-11-22T10:00:00Z\n";

TEST(ConsentReceiptTest, OpensAndListsFieldsInOrder) {
  const keys::SecureBuffer seed = NewSeed();
  auto fields = OpenConsentReceipt(VerifiersOf(VerifierKeyOf(seed)), ReceiptNote(seed));
  ASSERT_TRUE(fields.ok()) << fields.status();
  ASSERT_EQ(fields->size(), 6u);
  EXPECT_EQ((*fields)[0], ReceiptField("consent_id", "cns_01hq3v0000000000000000000a"));
  EXPECT_EQ((*fields)[1], ReceiptField("version", "1"));
  EXPECT_EQ((*fields)[3], ReceiptField("withdrawn", "false"));
  EXPECT_EQ((*fields)[4], ReceiptField("purposes", R"(["employment_support"])"));
}

TEST(ConsentReceiptTest, RejectsWhatDoesNotVerify) {
  const keys::SecureBuffer seed = NewSeed();
  const auto verifiers = VerifiersOf(VerifierKeyOf(seed));

  std::string altered = ReceiptNote(seed);
  altered[altered.find("cli_01hq3v") + 4] = '1';
  auto bad = OpenConsentReceipt(verifiers, altered);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(bad.status().message(), "receipt: note: signature does not verify");

  auto stranger = OpenConsentReceipt(VerifiersOf(VerifierKeyOf(NewSeed())), ReceiptNote(seed));
  EXPECT_EQ(stranger.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(stranger.status().message(), "receipt: note: not signed by any trusted key");

  auto header = OpenConsentReceipt(
      verifiers, Signed(StrCat("hoidla consent receipt v2\n", kReceiptJson, "\n"), seed));
  EXPECT_EQ(header.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(header.status().message(),
            "receipt: not a consent receipt: first line is 'hoidla consent "
            "receipt v2', expected 'hoidla consent receipt v1'");

  // A checkpoint signed by the same key is not a receipt.
  EXPECT_EQ(OpenConsentReceipt(verifiers, Signed("test.example.org/audit\n4\nAAAA\n", seed))
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
  auto three = OpenConsentReceipt(
      verifiers, Signed(StrCat(kConsentReceiptHeader, "\n", kReceiptJson, "\n{}\n"), seed));
  EXPECT_EQ(three.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(three.status().message(),
            "receipt: not a consent receipt: expected the line 'hoidla consent "
            "receipt v1' and one line of JSON");
  auto only_header =
      OpenConsentReceipt(verifiers, Signed(StrCat(kConsentReceiptHeader, "\n"), seed));
  EXPECT_EQ(only_header.status().code(), absl::StatusCode::kDataLoss);
  auto array = OpenConsentReceipt(verifiers, ReceiptNote(seed, "[1,2]"));
  EXPECT_EQ(array.status().message(), "receipt: the second line is not a JSON object");
  auto not_json = OpenConsentReceipt(verifiers, ReceiptNote(seed, "{oops"));
  EXPECT_EQ(not_json.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(OpenConsentReceipt(verifiers, "not a note").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(ConsentJsonTest, ParsesTheProtobufJsonMapping) {
  auto consent = ParseConsentJson(kConsentJson);
  ASSERT_TRUE(consent.ok()) << consent.status();
  EXPECT_EQ(consent->client_id(), "cli_x");
  EXPECT_EQ(consent->form(), v1::CONSENT_FORM_ORAL);
  EXPECT_TRUE(consent->cooperation_agreed());
  ASSERT_EQ(consent->provisions_size(), 1);
  EXPECT_EQ(consent->provisions(0).recipients(1).project_id(), "prj_b");
  EXPECT_EQ(TimeUtil::ToString(consent->given_at()), "2026-11-20T09:30:00Z");

  for (const char* bad :
       {"{", "[]", R"({"client_idd": "cli_x"})", R"({"form": "CONSENT_FORM_NONE"})",
        R"({"given_at": "yesterday"})", R"({"version": "one"})"}) {
    auto parsed = ParseConsentJson(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(std::string(parsed.status().message())
                    .starts_with("not a hoidla.v1.Consent in protobuf JSON: "))
        << parsed.status();
  }
}

TEST(ConnectTest, RejectsAMalformedPurpose) {
  for (const char* bad : {"Employment", "a b", "x-y", "ä",
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    client::ConnectOptions options;
    options.address = "127.0.0.1:1";
    options.purpose = bad;
    auto vault = client::VaultClient::Connect(options);
    EXPECT_EQ(vault.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(std::string(vault.status().message()).starts_with("purpose: ")) << vault.status();
  }
}

TEST_F(VaultctlConsentTest, ClientSendsThePurposeOnEveryCall) {
  client::ConnectOptions options;
  options.address = Address();
  options.token = "t";
  auto plain = client::VaultClient::Connect(options);
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_TRUE((*plain)->WhoAmI().ok());
  EXPECT_FALSE(service_.purpose_sent());

  options.purpose = "employment_support";
  auto vault = client::VaultClient::Connect(options);
  ASSERT_TRUE(vault.ok()) << vault.status();
  ASSERT_TRUE((*vault)->WhoAmI().ok());
  EXPECT_EQ(service_.purpose(), "employment_support");
  v1::QueryRecordExistenceRequest query;
  query.set_kind("case_plan");
  query.set_personal_code("49403136526");
  auto answer = (*vault)->QueryRecordExistence(query);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_TRUE(answer->exists());
  EXPECT_EQ(answer->organization_ids_size(), 2);
  auto consent = (*vault)->GetConsent(v1::GetConsentRequest());
  ASSERT_TRUE(consent.ok()) << consent.status();
  EXPECT_EQ(service_.purpose(), "employment_support");
}

TEST_F(VaultctlConsentTest, VerifyBinaryPrintsTheFields) {
  Result ok = Verify(ReceiptNote(seed_));
  EXPECT_EQ(ok.code, 0) << ok.output;
  EXPECT_EQ(ok.output, kReceiptFieldsOutput);
}

TEST_F(VaultctlConsentTest, VerifyBinaryFlippedByteExits25) {
  std::string note = ReceiptNote(seed_);
  const size_t at = note.find("employment_support");
  ASSERT_NE(at, std::string::npos);
  note[at] = 'E';
  Result altered = Verify(note);
  EXPECT_EQ(altered.code, 25) << altered.output;
  EXPECT_EQ(altered.output, "error: DATA_LOSS: receipt: note: signature does not verify\n");
}

TEST_F(VaultctlConsentTest, VerifyBinaryOtherKeyExits25) {
  Result other = Verify(ReceiptNote(NewSeed()));
  EXPECT_EQ(other.code, 25) << other.output;
  EXPECT_EQ(other.output, "error: DATA_LOSS: receipt: note: not signed by any trusted key\n");
}

TEST_F(VaultctlConsentTest, VerifyBinaryWrongFirstLineExits25) {
  Result header = Verify(Signed(StrCat("hoidla checkpoint\n", kReceiptJson, "\n"), seed_));
  EXPECT_EQ(header.code, 25) << header.output;
  EXPECT_EQ(header.output,
            "error: DATA_LOSS: receipt: not a consent receipt: first line is "
            "'hoidla checkpoint', expected 'hoidla consent receipt v1'\n");

  Result garbage = Verify("hoidla consent receipt v1\n{}\n");  // unsigned
  EXPECT_EQ(garbage.code, 25) << garbage.output;
  EXPECT_TRUE(garbage.output.starts_with("error: DATA_LOSS: receipt: ")) << garbage.output;
}

TEST_F(VaultctlConsentTest, VerifyBinaryUsageErrors) {
  const std::filesystem::path receipt = dir_ / "receipt.note";
  WriteFile(receipt, ReceiptNote(seed_));
  Result missing = Vaultctl(StrCat(kOffline, "consent verify ", Quote(dir_ / "none"),
                                   " --public-key ", Quote(key_file_)));
  EXPECT_EQ(missing.code, 1) << missing.output;
  EXPECT_NE(missing.output.find("RECEIPT_FILE: cannot read"), std::string::npos) << missing.output;
  Result missing_key = Vaultctl(
      StrCat(kOffline, "consent verify ", Quote(receipt), " --public-key ", Quote(dir_ / "none")));
  EXPECT_EQ(missing_key.code, 1) << missing_key.output;
  Result no_key = Vaultctl(StrCat(kOffline, "consent verify ", Quote(receipt)));
  EXPECT_EQ(no_key.code, 1) << no_key.output;
  // A malformed key file is INVALID_ARGUMENT, as for `audit verify`.
  const std::filesystem::path garbage = dir_ / "garbage";
  WriteFile(garbage, "not a key\n");
  Result bad_key = Vaultctl(
      StrCat(kOffline, "consent verify ", Quote(receipt), " --public-key ", Quote(garbage)));
  EXPECT_EQ(bad_key.code, 13) << bad_key.output;
}

TEST_F(VaultctlConsentTest, RecordWithMalformedFileFailsBeforeConnecting) {
  const std::filesystem::path file = dir_ / "consent.json";
  WriteFile(file, R"({"client_id": "cli_x", "provisions": [)");
  Result bad = Vaultctl(StrCat(kOffline, "consent record --file ", Quote(file)));
  EXPECT_EQ(bad.code, 1) << bad.output;
  EXPECT_TRUE(bad.output.starts_with(StrCat("error: INVALID_ARGUMENT: --file: '", file.string(),
                                            "': not a hoidla.v1.Consent in protobuf JSON: ")))
      << bad.output;

  WriteFile(file, R"({"client": "cli_x"})");
  Result unknown = Vaultctl(StrCat(kOffline,
                                   "consent revise cns_x "
                                   "--expected-version 1 --file ",
                                   Quote(file)));
  EXPECT_EQ(unknown.code, 1) << unknown.output;
  EXPECT_NE(unknown.output.find(file.string()), std::string::npos) << unknown.output;

  Result missing = Vaultctl(StrCat(kOffline, "consent record --file ", Quote(dir_ / "none.json")));
  EXPECT_EQ(missing.code, 1) << missing.output;
  EXPECT_NE(missing.output.find("--file: cannot read"), std::string::npos) << missing.output;

  // A good file gets as far as the credential.
  WriteFile(file, kConsentJson);
  Result good = Vaultctl(StrCat(kOffline, "consent record --file ", Quote(file)));
  EXPECT_EQ(good.code, 1) << good.output;
  EXPECT_NE(good.output.find("--token-file"), std::string::npos) << good.output;
}

TEST_F(VaultctlConsentTest, RecordPrintsConsentAndReceipt) {
  const std::filesystem::path file = dir_ / "consent.json";
  WriteFile(file, kConsentJson);
  Result printed = Online(StrCat("consent record --file ", Quote(file)));
  ASSERT_EQ(printed.code, 0) << printed.output;
  EXPECT_TRUE(printed.output.starts_with(
      "id: cns_01hq3v0000000000000000000a\nversion: 1\nstatus: in_force\n"
      "client_id: cli_x\nproject_id: prj_x\n"))
      << printed.output;
  for (const char* line :
       {"\ngiven_by: data_subject\n", "\nform: oral\n", "\nwitness: Kati Kask\n",
        "\ncooperation_agreed: true\n",
        "\nprovision: recipients=org_a, org_b/prj_b; kinds=case_plan; "
        "purposes=employment_support; valid_from=2026-01-01T00:00:00Z; "
        "valid_until=2027-01-01T00:00:00Z; existence_queries\n",
        "\ngiven_at: 2026-11-20T09:30:00Z\n", "\nreceipt: hoidla consent receipt v1\n"}) {
    EXPECT_NE(printed.output.find(line), std::string::npos) << line << " in\n" << printed.output;
  }
  EXPECT_EQ(service_.last_consent().witness(), "Kati Kask");
  EXPECT_EQ(service_.last_consent().provisions(0).purposes(0), "employment_support");

  // -o saves the receipt byte for byte, and `consent verify` checks it.
  const std::filesystem::path receipt = dir_ / "saved.note";
  Result saved = Online(StrCat("consent record --file ", Quote(file), " -o ", Quote(receipt)));
  ASSERT_EQ(saved.code, 0) << saved.output;
  EXPECT_EQ(saved.output.find("receipt: "), std::string::npos) << saved.output;
  EXPECT_TRUE(saved.output.ends_with(StrCat("receipt_output: ", receipt.string(), "\n")))
      << saved.output;
  EXPECT_EQ(ReadFile(receipt), ReceiptNote(seed_));
  EXPECT_EQ(std::filesystem::status(receipt).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  Result verified = Vaultctl(
      StrCat(kOffline, "consent verify ", Quote(receipt), " --public-key ", Quote(key_file_)));
  EXPECT_EQ(verified.code, 0) << verified.output;
  EXPECT_EQ(verified.output, kReceiptFieldsOutput);

  Result json = Online(StrCat("consent record --json --file ", Quote(file)));
  ASSERT_EQ(json.code, 0) << json.output;
  EXPECT_NE(json.output.find("\"receipt\": \"hoidla consent receipt v1\\n"), std::string::npos)
      << json.output;
}

TEST_F(VaultctlConsentTest, ReviseWithdrawGetList) {
  const std::filesystem::path file = dir_ / "consent.json";
  WriteFile(file, kConsentJson);
  Result revised =
      Online(StrCat("consent revise cns_y --expected-version 1 "
                    "--file ",
                    Quote(file)));
  ASSERT_EQ(revised.code, 0) << revised.output;
  EXPECT_TRUE(revised.output.starts_with("id: cns_y\nversion: 2\n")) << revised.output;
  Result stale =
      Online(StrCat("consent revise cns_y --expected-version 3 "
                    "--file ",
                    Quote(file)));
  EXPECT_EQ(stale.code, 20) << stale.output;
  EXPECT_EQ(stale.output, "error: ABORTED: consent revised meanwhile\n");
  Result no_version = Online(StrCat("consent revise cns_y --file ", Quote(file)));
  EXPECT_EQ(no_version.code, 1) << no_version.output;

  Result withdrawn = Online("consent withdraw cns_y --note 'by phone'");
  ASSERT_EQ(withdrawn.code, 0) << withdrawn.output;
  EXPECT_TRUE(
      withdrawn.output.starts_with("id: cns_y\nversion: 1\nstatus: "
                                   "withdrawn\n"))
      << withdrawn.output;
  EXPECT_NE(withdrawn.output.find("\nwithdrawal_note: by phone\n"), std::string::npos)
      << withdrawn.output;

  Result got = Online("consent get cns_y");
  EXPECT_EQ(got.code, 0) << got.output;
  Result no_such = Online("consent get cns_y --version 7");
  EXPECT_EQ(no_such.code, 15) << no_such.output;

  Result listed = Online("consent list --client cli_x --at 2026-12-01T00:00:00Z");
  ASSERT_EQ(listed.code, 0) << listed.output;
  EXPECT_EQ(listed.output,
            "cns_01hq3v0000000000000000000a\t1\tin_force\tprj_x\t-\t"
            "unspecified\tunspecified\t-\n");
  EXPECT_EQ(service_.last_list().client_id(), "cli_x");
  EXPECT_EQ(TimeUtil::ToString(service_.last_list().at()), "2026-12-01T00:00:00Z");
  Result all = Online("consent list --client cli_x --all-versions");
  ASSERT_EQ(all.code, 0) << all.output;
  EXPECT_TRUE(service_.last_list().all_versions());
  EXPECT_FALSE(service_.last_list().has_at());
  Result bad_at = Online("consent list --client cli_x --at yesterday");
  EXPECT_EQ(bad_at.code, 1) << bad_at.output;
  EXPECT_EQ(bad_at.output, "error: INVALID_ARGUMENT: --at: not an RFC 3339 time\n");
  Result both = Online("consent list --client cli_x --all-versions --at 2026-12-01T00:00:00Z");
  EXPECT_EQ(both.code, 1) << both.output;
}

TEST_F(VaultctlConsentTest, Disclosures) {
  Result created = Online(
      "disclosure create --client cli_x --recipient-org org_police "
      "--legal-basis danger_to_others --justification 'Threats against a "
      "neighbour reported' --item doc_1 --item doc_2 --valid-hours 24 "
      "--case cas_x");
  ASSERT_EQ(created.code, 0) << created.output;
  EXPECT_TRUE(created.output.starts_with(
      "id: dsc_01hq3v0000000000000000000d\nclient_id: cli_x\ncase_id: cas_x\n"
      "recipient_organization_id: org_police\nlegal_basis: danger_to_others\n"
      "justification: Threats against a neighbour reported\n"
      "item_id: doc_1\nitem_id: doc_2\nvalid_hours: 24\n"))
      << created.output;
  EXPECT_NE(created.output.find("\nreview: pending\n"), std::string::npos) << created.output;
  const v1::Disclosure sent = service_.last_disclosure();
  EXPECT_EQ(sent.legal_basis(), v1::LEGAL_BASIS_DANGER_TO_OTHERS);
  EXPECT_EQ(sent.item_ids_size(), 2);
  EXPECT_EQ(sent.valid_hours(), 24);

  Result bad_basis = Online(
      "disclosure create --client cli_x --recipient-org org_police "
      "--legal-basis curiosity --justification 'x' --item doc_1 "
      "--valid-hours 24");
  EXPECT_EQ(bad_basis.code, 1) << bad_basis.output;
  Result no_item = Online(
      "disclosure create --client cli_x --recipient-org org_police "
      "--legal-basis crime --justification 'x' --valid-hours 24");
  EXPECT_EQ(no_item.code, 1) << no_item.output;

  Result listed = Online("disclosure list --org org_x --pending-only");
  ASSERT_EQ(listed.code, 0) << listed.output;
  EXPECT_EQ(listed.output,
            "dsc_01hq3v0000000000000000000d\tpending\tcrime\tcli_x\t"
            "org_police\t2\t-\tprn_test\nnext_page_token: next\n");

  Result reviewed = Online(
      "disclosure review dsc_01hq3v0000000000000000000d --outcome rejected "
      "--note 'no danger'");
  ASSERT_EQ(reviewed.code, 0) << reviewed.output;
  EXPECT_NE(reviewed.output.find("\nreview: rejected\nreview_note: no danger\n"), std::string::npos)
      << reviewed.output;
  EXPECT_EQ(service_.last_review().review(), v1::DISCLOSURE_REVIEW_REJECTED);
  Result bad_outcome = Online("disclosure review dsc_x --outcome maybe");
  EXPECT_EQ(bad_outcome.code, 1) << bad_outcome.output;
}

TEST_F(VaultctlConsentTest, ExistsSendsThePurpose) {
  Result yes = Online(
      "--purpose employment_support exists --kind case_plan --personal-code "
      "49403136526");
  ASSERT_EQ(yes.code, 0) << yes.output;
  EXPECT_EQ(yes.output,
            "exists: true\norganization_id: org_a\norganization_id: org_b\n"
            "client_id: cli_a\n");
  EXPECT_EQ(service_.purpose(), "employment_support");
  EXPECT_EQ(service_.last_query().personal_code(), "49403136526");
  EXPECT_EQ(service_.last_query().kind(), "case_plan");

  // Global options may follow the command.
  Result no = Online("exists --kind case_plan --client cli_a --purpose other");
  ASSERT_EQ(no.code, 0) << no.output;
  EXPECT_EQ(no.output, "exists: false\n");
  EXPECT_EQ(service_.last_query().client_id(), "cli_a");

  Result none = Online("exists --kind case_plan");
  EXPECT_EQ(none.code, 1) << none.output;
  Result both = Online("exists --kind case_plan --client cli_a --personal-code 49403136526");
  EXPECT_EQ(both.code, 1) << both.output;

  Result bad = Online("--purpose 'Not Valid' exists --kind case_plan --client cli_a");
  EXPECT_EQ(bad.code, 1) << bad.output;
  EXPECT_TRUE(bad.output.starts_with("error: INVALID_ARGUMENT: --purpose: ")) << bad.output;
}

}  // namespace
}  // namespace hoidla::vaultctl
