// End-to-end tests of the foundation: a real vaultd on a loopback port with
// a temporary data folder, driven by the real vaultctl and the C++ client
// library.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "base/strings.h"
#include "client/vault_client.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "keys/crypto.h"
#include "tests/integration/test_support.h"
#include "vault/documents/documents.h"
#include "vault/storage/rocksdb_store.h"

namespace hoidla {
namespace {

using ::hoidla::testing::CommandResult;
using ::hoidla::testing::FilesContaining;
using ::hoidla::testing::FreePort;
using ::hoidla::testing::ReadFileOrDie;
using ::hoidla::testing::Run;
using ::hoidla::testing::TempDir;
using ::hoidla::testing::VaultdProcess;
using ::hoidla::testing::WriteFileOrDie;
namespace v1 = ::hoidla::v1;

constexpr char kPersonalCode[] = "37605030299";
constexpr char kGivenName[] = "Marjeliisa";
constexpr char kFamilyName[] = "Saarepuu-Kivisild";
constexpr char kMarker[] = "PLAINTEXT-MARKER-b7e1c4";

// Exit code vaultctl uses for an RPC that failed with `code`.
int ExitFor(grpc::StatusCode code) { return 10 + static_cast<int>(code); }

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The value of the first "id: ..." line of vaultctl's output.
std::string IdFrom(const CommandResult& r) {
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("id: ", 0) == 0) return Trim(line.substr(4));
  }
  return "";
}

// Content whose every KiB starts with kMarker, the rest random.
std::string MakeContent(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>(rng());
  for (size_t off = 0; off + sizeof(kMarker) < size; off += 1024) {
    std::memcpy(&s[off], kMarker, sizeof(kMarker) - 1);
  }
  return s;
}

std::string Sha256Hex(const std::string& data) {
  keys::Sha256 h;
  h.Update(data);
  return keys::ToHex(h.Finish());
}

// A running dev-mode vault with its data folder, a client and vaultctl.
class Vault {
 public:
  explicit Vault(std::string dir) : dir_(std::move(dir)), port_(FreePort()) {}

  std::string data_dir() const { return dir_ + "/data"; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // The token calls use: the administrator's until UseToken().
  const std::string& token() const { return token_; }
  const std::string& admin_token() const { return admin_token_; }

  void Start(std::vector<std::string> extra = {"--dev"}) {
    std::vector<std::string> args{
        "--data-dir",    data_dir(),    "--listen", address(), "--bootstrap-token-file",
        dir_ + "/token", "--log-level", "warn"};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_TRUE(process_.Start(args)) << process_.output();
    admin_token_ = Trim(ReadFileOrDie(dir_ + "/token"));
    if (token_.empty()) token_ = admin_token_;
    Connect();
  }

  // The issuer under which organisation `org` trusts the development
  // identity provider (`vaultd dev-idp`).
  static std::string IssuerFor(const std::string& org) {
    return "https://dev-idp.hoidla.invalid/" + org;
  }

  // Makes `org` trust the development identity provider, the way the README
  // does: `vaultctl org set-idp` with the JWKS `vaultd dev-idp jwks` prints.
  // Applied at once only while `org` has no head, so call it right after
  // creating the organisation.
  void TrustDevIdp(const std::string& org) {
    auto jwks = Run({VAULTD_PATH, "dev-idp", "jwks", "--data-dir", data_dir()});
    ASSERT_EQ(jwks.exit_code, 0) << jwks.err;
    const std::string file = dir_ + "/dev-idp.jwks";
    WriteFileOrDie(file, jwks.out);
    auto set = Ctl({"org", "set-idp", org, "--issuer", IssuerFor(org), "--audience", "hoidla",
                    "--jwks-file", file},
                   admin_token_);
    ASSERT_EQ(set.exit_code, 0) << set.err;
  }

  // An ID token from the development identity provider: for a principal of
  // `org` (its id as the subject) or, with `org` empty, for a data subject
  // ("EE" and a personal code, the data subjects' development issuer).
  std::string DevIdToken(const std::string& subject, const std::string& org = "") {
    std::vector<std::string> argv{VAULTD_PATH, "dev-idp",   "token", "--data-dir",
                                  data_dir(),  "--subject", subject};
    if (!org.empty()) argv.insert(argv.end(), {"--issuer", IssuerFor(org)});
    auto token = Run(argv);
    EXPECT_EQ(token.exit_code, 0) << token.err;
    return Trim(token.out);
  }

  // Signs in with `id_token` through `vaultctl login` (no other credential)
  // and returns the session token, or "" (a test failure).
  std::string Login(const std::string& id_token) {
    auto login = Ctl({"login", "--id-token", id_token, "--ttl", "1h"}, "");
    EXPECT_EQ(login.exit_code, 0) << login.err;
    return TokenFrom(login);
  }

  // The value of the "token: ..." line of vaultctl's output.
  static std::string TokenFrom(const CommandResult& r) {
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("token: ", 0) == 0) return Trim(line.substr(7));
    }
    return "";
  }

  // Creates the first head of `org` (which must trust the development
  // identity provider and have no head and no clients yet: the one grant
  // that needs no second person), signs them in and makes their session the
  // token calls use. Client data needs such a role: the administrator sees
  // none.
  void BecomeStaff(const std::string& org) {
    auto head =
        Ctl({"principal", "create", "--name", "Staff member", "--kind", "staff", "--org", org},
            admin_token_);
    ASSERT_EQ(head.exit_code, 0) << head.err;
    head_id_ = IdFrom(head);
    auto role =
        Ctl({"principal", "add-role", head_id_, "--role", "head_of_organization", "--org", org},
            admin_token_);
    ASSERT_EQ(role.exit_code, 0) << role.err;
    token_ = Login(DevIdToken(head_id_, org));
    ASSERT_FALSE(token_.empty());
    Connect();
  }
  // The head BecomeStaff made.
  const std::string& head_id() const { return head_id_; }

  // A client library connection with the administrator's token.
  std::unique_ptr<client::VaultClient> Admin() {
    client::ConnectOptions opts;
    opts.address = address();
    opts.token = admin_token_;
    auto c = client::VaultClient::Connect(opts);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::move(*c) : nullptr;
  }

  int Stop() {
    client_.reset();
    return process_.Stop();
  }

  client::VaultClient& client() { return *client_; }

  void Connect() {
    client::ConnectOptions opts;
    opts.address = address();
    opts.token = token_;
    auto c = client::VaultClient::Connect(opts);
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = std::move(*c);
  }
  VaultdProcess& process() { return process_; }

  CommandResult Ctl(std::vector<std::string> args, const std::string& token_override = "-") {
    std::vector<std::string> argv{VAULTCTL_PATH, "--server", address()};
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv, {{"HOIDLA_TOKEN", token_override == "-" ? token_ : token_override}});
  }

 private:
  std::string dir_;
  int port_;
  std::string token_;
  std::string admin_token_;
  std::string head_id_;
  VaultdProcess process_;
  std::unique_ptr<client::VaultClient> client_;
};

struct Fixture {
  std::string org, project, client, kase;
};

Fixture CreateFixture(Vault& vault) {
  Fixture f;
  auto org = vault.Ctl({"org", "create", "--name", "Tugikeskus MTÜ"});
  EXPECT_EQ(org.exit_code, 0) << org.err;
  f.org = IdFrom(org);
  // People sign in with the organisation's identity provider; it is set
  // before the organisation has a head (afterwards it needs four eyes).
  vault.TrustDevIdp(f.org);
  vault.BecomeStaff(f.org);
  auto prj = vault.Ctl({"project", "create", "--org", f.org, "--name", "Tugiisikuteenus"});
  EXPECT_EQ(prj.exit_code, 0) << prj.err;
  f.project = IdFrom(prj);
  auto cli =
      vault.Ctl({"client", "create", "--org", f.org, "--project", f.project, "--given-name",
                 kGivenName, "--family-name", kFamilyName, "--personal-code", kPersonalCode});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  f.client = IdFrom(cli);
  v1::CreateCaseRequest req;
  req.mutable_case_()->set_project_id(f.project);
  req.mutable_case_()->set_client_id(f.client);
  req.mutable_case_()->set_title("Juhtum: toimetulek");
  auto c = vault.client().CreateCase(req);
  EXPECT_TRUE(c.ok()) << c.status();
  if (c.ok()) f.kase = c->id();
  return f;
}

v1::Document Header(const Fixture& f, const std::string& title) {
  v1::Document h;
  h.set_project_id(f.project);
  h.set_client_id(f.client);
  h.set_case_id(f.kase);
  h.set_title(title);
  h.set_kind("home_visit");
  h.set_content_type("application/octet-stream");
  return h;
}

// The file holding a document's sealed content (FileBlobStore layout).
std::string BlobPath(const std::string& data_dir, const std::string& doc_id) {
  return data_dir + "/blobs/" + doc_id.substr(doc_id.size() - 2) + "/" + doc_id;
}

// Overwrites bytes of a stopped vault's document object.
void EditBlob(const std::string& data_dir, const std::string& doc_id,
              const std::function<void(std::string&)>& edit) {
  std::string path = BlobPath(data_dir, doc_id);
  std::string bytes = ReadFileOrDie(path);
  edit(bytes);
  WriteFileOrDie(path, bytes);
}

// Overwrites one stored value of a stopped vault's store.
void EditStore(const std::string& data_dir, const std::function<void(storage::KvStore&)>& edit) {
  auto store = storage::RocksDbStore::Open(data_dir + "/db");
  ASSERT_TRUE(store.ok()) << store.status();
  edit(**store);
}

TEST(Foundation, DocumentsRoundTripAreSealedAtRestAndTamperingIsDataLoss) {
  TempDir dir;
  Vault vault(dir.path());
  vault.Start();
  Fixture f = CreateFixture(vault);
  ASSERT_FALSE(f.kase.empty());

  // Health is served without a credential.
  {
    auto channel = grpc::CreateChannel(vault.address(), grpc::InsecureChannelCredentials());
    auto health = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext ctx;
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    ASSERT_TRUE(health->Check(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }

  // Upload 50 MiB with vaultctl, streaming from a file.
  const std::string content = MakeContent(50 << 20, 1);
  const std::string src = dir.path() + "/visit.bin";
  WriteFileOrDie(src, content);
  auto up = vault.Ctl({"doc", "upload", src, "--project", f.project, "--client", f.client, "--case",
                       f.kase, "--title", "Kodukülastus", "--kind", "home_visit", "--content-type",
                       "video/mp4"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  const std::string doc1 = IdFrom(up);
  ASSERT_FALSE(doc1.empty()) << up.out;

  // Download with the client library: byte-identical, digest as stored.
  const std::string dst = dir.path() + "/visit.out";
  v1::DownloadDocumentRequest dreq;
  dreq.set_id(doc1);
  auto meta = vault.client().DownloadDocumentToFile(dreq, dst);
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->size(), static_cast<int64_t>(content.size()));
  EXPECT_EQ(meta->sha256(), Sha256Hex(content));
  EXPECT_TRUE(ReadFileOrDie(dst) == content);

  // A byte range across chunk boundaries, through the library and vaultctl.
  {
    v1::DownloadDocumentRequest r;
    r.set_id(doc1);
    r.set_offset(1000000);
    r.set_length(200000);
    std::ostringstream out;
    auto m = vault.client().DownloadDocument(r, out);
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_TRUE(out.str() == content.substr(1000000, 200000));
    auto ctl = vault.Ctl({"doc", "download", doc1, "-o", dir.path() + "/range.out", "--offset",
                          "65530", "--length", "20"});
    ASSERT_EQ(ctl.exit_code, 0) << ctl.err;
    EXPECT_EQ(ReadFileOrDie(dir.path() + "/range.out"), content.substr(65530, 20));
  }

  // A second, small document with the library.
  const std::string small = MakeContent(150000, 2);
  std::istringstream small_in(small);
  auto doc2 = vault.client().UploadDocument(Header(f, "Hindamine"), small_in);
  ASSERT_TRUE(doc2.ok()) << doc2.status();

  // Listing by client and by case.
  {
    auto by_client = vault.Ctl({"doc", "list", "--client", f.client});
    ASSERT_EQ(by_client.exit_code, 0) << by_client.err;
    EXPECT_NE(by_client.out.find(doc1), std::string::npos);
    EXPECT_NE(by_client.out.find(doc2->id()), std::string::npos);
    v1::ListDocumentsRequest lr;
    lr.set_case_id(f.kase);
    auto by_case = vault.client().ListDocuments(lr);
    ASSERT_TRUE(by_case.ok()) << by_case.status();
    ASSERT_EQ(by_case->documents_size(), 2);
    EXPECT_EQ(by_case->documents(0).id(), doc1);
    EXPECT_EQ(by_case->documents(0).title(), "Kodukülastus");
  }

  // Nothing readable at rest: not the content, the name, the code, the token.
  ASSERT_EQ(vault.Stop(), 0);
  for (const std::string& needle :
       {std::string(kMarker), std::string(kGivenName), std::string(kFamilyName),
        std::string(kPersonalCode), std::string("Kodukülastus"), vault.token(),
        vault.admin_token()}) {
    EXPECT_EQ(FilesContaining(vault.data_dir(), needle), std::vector<std::string>{})
        << "plaintext found at rest";
  }

  // Flip one byte of one stored chunk: DATA_LOSS, never data.
  const int64_t chunk3 = core::SealedChunkOffset(doc1, 3);
  EditBlob(vault.data_dir(), doc1, [&](std::string& b) { b[chunk3 + 30000] ^= 0x01; });
  vault.Start();
  {
    std::ostringstream out;
    auto m = vault.client().DownloadDocument(dreq, out);
    EXPECT_EQ(m.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_LE(out.str().size(), size_t{3} * 65536) << "data past the bad chunk was returned";
    auto ctl = vault.Ctl({"doc", "download", doc1, "-o", dir.path() + "/tampered.out"});
    EXPECT_EQ(ctl.exit_code, ExitFor(grpc::StatusCode::DATA_LOSS)) << ctl.err;
    EXPECT_NE(ctl.err.find("DATA_LOSS"), std::string::npos);
    // Ranges that avoid the bad chunk still read: chunks stand alone.
    v1::DownloadDocumentRequest r;
    r.set_id(doc1);
    r.set_length(65536);
    std::ostringstream first;
    ASSERT_TRUE(vault.client().DownloadDocument(r, first).ok());
    EXPECT_TRUE(first.str() == content.substr(0, 65536));
  }
  ASSERT_EQ(vault.Stop(), 0);

  // Move the first chunk of doc1 onto doc2: DATA_LOSS for doc2.
  EditBlob(vault.data_dir(), doc1, [&](std::string& b) { b[chunk3 + 30000] ^= 0x01; });  // repair
  const std::string doc1_bytes = ReadFileOrDie(BlobPath(vault.data_dir(), doc1));
  const int64_t chunk1 = core::SealedChunkOffset(doc1, 1);
  EditBlob(vault.data_dir(), doc2->id(),
           [&](std::string& b) { b.replace(0, chunk1, doc1_bytes.substr(0, chunk1)); });
  vault.Start();
  {
    v1::DownloadDocumentRequest r;
    r.set_id(doc2->id());
    std::ostringstream out;
    EXPECT_EQ(vault.client().DownloadDocument(r, out).status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(out.str(), "");
  }

  // After restarts everything else is still there.
  {
    std::ostringstream out;
    auto m = vault.client().DownloadDocument(dreq, out);
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_TRUE(out.str() == content);
    v1::GetClientRequest gc;
    gc.set_id(f.client);
    auto c = vault.client().GetClient(gc);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->given_name(), kGivenName);
    EXPECT_EQ(c->personal_code(), kPersonalCode);
    EXPECT_EQ(c->date_of_birth().year(), 1976);
    auto found = vault.Ctl({"client", "find", "--org", f.org, "--personal-code", kPersonalCode});
    EXPECT_EQ(found.exit_code, 0) << found.err;
    EXPECT_NE(found.out.find(f.client), std::string::npos);
  }
  EXPECT_EQ(vault.Stop(), 0);
}

TEST(DataSubject, VaultctlShowsAClientWhoSawTheirData) {
  TempDir dir;
  Vault vault(dir.path());
  vault.Start();
  Fixture f = CreateFixture(vault);  // as a head of organisation
  ASSERT_FALSE(f.kase.empty());
  auto get = vault.Ctl({"case", "get", f.kase});
  ASSERT_EQ(get.exit_code, 0) << get.err;

  // The client signs in with the public identity provider (in dev mode the
  // vault's development one): an ID token naming their personal code. Staff
  // no longer create data-subject accounts or issue their tokens; the
  // account is made at the client's first sign-in.
  const std::string token = vault.Login(vault.DevIdToken(StrCat("EE", kPersonalCode)));
  ASSERT_FALSE(token.empty());
  auto who = vault.Ctl({"whoami"}, token);
  ASSERT_EQ(who.exit_code, 0) << who.err;
  EXPECT_NE(who.out.find("kind: data_subject"), std::string::npos) << who.out;

  auto report = vault.Ctl({"audit", "report", "--client", f.client}, token);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  // Newest first: the case read, the case, the client.
  std::vector<std::string> actions;
  std::istringstream lines(report.out);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(line.find("Staff member (staff, Tugikeskus MTÜ, head_of_organization)"),
              std::string::npos)
        << line;
    for (const char* a : {"write_client", "write_case", "read_case"}) {
      if (line.find(std::string("\t") + a + "\t") != std::string::npos) actions.push_back(a);
    }
  }
  // Staff used to create the client's account and issue its token (two
  // more write_client entries, newest first); the client now signs in
  // themselves, which is no one else's access to their data.
  EXPECT_EQ(actions, (std::vector<std::string>{"read_case", "write_case", "write_client"}))
      << report.out;
  EXPECT_EQ(report.out.find(kGivenName), std::string::npos);

  // Nothing else is theirs to read.
  auto denied = vault.Ctl({"client", "get", f.client}, token);
  EXPECT_EQ(denied.exit_code, ExitFor(grpc::StatusCode::PERMISSION_DENIED)) << denied.err;
}

// Retention through vaultctl against a real vaultd: a schedule per scope
// and its versions, resolution of the most specific one, and a legal hold
// placed, listed and released (doc/retention.md).
TEST(RetentionCli, SchedulesResolveAndAHoldIsPlacedAndReleased) {
  TempDir dir;
  Vault vault(dir.path());
  vault.Start();
  Fixture f = CreateFixture(vault);  // as a head of organisation
  ASSERT_FALSE(f.kase.empty());

  auto org_wide = vault.Ctl({"retention", "schedule", "create", "--org", f.org, "--item", "record",
                             "--trigger", "case_closed", "--years", "10", "--action", "review",
                             "--basis", "Sotsiaalhoolekande seadus"});
  ASSERT_EQ(org_wide.exit_code, 0) << org_wide.err;
  const std::string rsc = IdFrom(org_wide);
  EXPECT_NE(org_wide.out.find("period: 10y"), std::string::npos) << org_wide.out;
  EXPECT_NE(org_wide.out.find("project_id: *"), std::string::npos) << org_wide.out;
  // One schedule per scope.
  auto twice = vault.Ctl({"retention", "schedule", "create", "--org", f.org, "--item", "record",
                          "--trigger", "case_closed", "--years", "3", "--action", "destroy"});
  EXPECT_EQ(twice.exit_code, ExitFor(grpc::StatusCode::ALREADY_EXISTS)) << twice.err;
  auto project_plan =
      vault.Ctl({"retention", "schedule", "create", "--org", f.org, "--project", f.project,
                 "--item", "record", "--kind", "case_plan", "--trigger", "case_closed", "--years",
                 "5", "--months", "6", "--action", "destroy"});
  ASSERT_EQ(project_plan.exit_code, 0) << project_plan.err;
  const std::string plan_rsc = IdFrom(project_plan);

  auto resolve = [&](const std::string& kind) {
    return vault.Ctl({"retention", "schedule", "resolve", "--org", f.org, "--project", f.project,
                      "--item", "record", "--kind", kind});
  };
  auto plan = resolve("case_plan");
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_EQ(IdFrom(plan), plan_rsc);
  auto other = resolve("initial_decision");
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(IdFrom(other), rsc);

  // A new version of the rule; a stale one conflicts.
  auto v2 = vault.Ctl({"retention", "schedule", "update", rsc, "--expected-version", "1",
                       "--trigger", "case_closed", "--years", "12", "--action", "review"});
  ASSERT_EQ(v2.exit_code, 0) << v2.err;
  EXPECT_NE(v2.out.find("version: 2"), std::string::npos) << v2.out;
  auto stale = vault.Ctl({"retention", "schedule", "update", rsc, "--expected-version", "1",
                          "--trigger", "case_closed", "--years", "1", "--action", "review"});
  EXPECT_EQ(stale.exit_code, ExitFor(grpc::StatusCode::ABORTED)) << stale.err;
  auto v1 = vault.Ctl({"retention", "schedule", "get", rsc, "--version", "1"});
  ASSERT_EQ(v1.exit_code, 0) << v1.err;
  EXPECT_NE(v1.out.find("period: 10y"), std::string::npos) << v1.out;
  auto list = vault.Ctl({"retention", "schedule", "list", "--org", f.org});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(rsc + "\t2\t*\trecord\t*\tcase_closed\t12y\treview"), std::string::npos)
      << list.out;

  // A hold on the case, then released.
  auto hold = vault.Ctl(
      {"retention", "hold", "place", "--case", f.kase, "--reason", "prokuratuuri päring 2-26-1"});
  ASSERT_EQ(hold.exit_code, 0) << hold.err;
  const std::string lgh = IdFrom(hold);
  EXPECT_NE(hold.out.find("target: case " + f.kase), std::string::npos) << hold.out;
  EXPECT_NE(hold.out.find("active: true"), std::string::npos) << hold.out;
  auto active = vault.Ctl({"retention", "hold", "list", "--org", f.org, "--active"});
  ASSERT_EQ(active.exit_code, 0) << active.err;
  EXPECT_NE(active.out.find(lgh + "\tactive\tcase " + f.kase), std::string::npos) << active.out;
  auto released =
      vault.Ctl({"retention", "release", lgh, "--reason", "the prosecutor closed the matter"});
  ASSERT_EQ(released.exit_code, 0) << released.err;
  EXPECT_NE(released.out.find("active: false"), std::string::npos) << released.out;
  auto again = vault.Ctl({"retention", "release", lgh, "--reason", "again"});
  EXPECT_EQ(again.exit_code, ExitFor(grpc::StatusCode::FAILED_PRECONDITION)) << again.err;
  active = vault.Ctl({"retention", "hold", "list", "--org", f.org, "--active"});
  ASSERT_EQ(active.exit_code, 0) << active.err;
  EXPECT_EQ(active.out.find(lgh), std::string::npos) << active.out;

  // Exactly one target.
  auto two = vault.Ctl(
      {"retention", "hold", "place", "--case", f.kase, "--client", f.client, "--reason", "x"});
  EXPECT_NE(two.exit_code, 0);
  // The administrator has no part in retention.
  auto admin = vault.Ctl({"retention", "hold", "list", "--org", f.org}, vault.admin_token());
  EXPECT_EQ(admin.exit_code, ExitFor(grpc::StatusCode::PERMISSION_DENIED)) << admin.err;
}

TEST(ConsentCli, RecordFromJsonPartnerFetchAndOfflineReceiptVerification) {
  TempDir dir;
  Vault vault(dir.path());
  vault.Start();
  Fixture f = CreateFixture(vault);  // as a head of organisation
  ASSERT_FALSE(f.kase.empty());
  v1::Document h = Header(f, "Juhtumiplaan");
  h.set_kind("case_plan");
  std::istringstream plan_content("plan");
  auto plan = vault.client().UploadDocument(h, plan_content);
  ASSERT_TRUE(plan.ok()) << plan.status();

  // A labour office with a partner worker (made by the administrator).
  auto labour = vault.Ctl({"org", "create", "--name", "Töötukassa"}, vault.admin_token());
  ASSERT_EQ(labour.exit_code, 0) << labour.err;
  const std::string labour_org = IdFrom(labour);
  // Its people sign in with its identity provider, set before it has a head.
  vault.TrustDevIdp(labour_org);
  // Its first head is granted at once; every later role goes through four
  // eyes: the administrator requests it, that head approves it.
  auto labour_head = vault.Ctl(
      {"principal", "create", "--name", "Osakonnajuhataja", "--kind", "staff", "--org", labour_org},
      vault.admin_token());
  ASSERT_EQ(labour_head.exit_code, 0) << labour_head.err;
  const std::string labour_head_id = IdFrom(labour_head);
  ASSERT_EQ(vault
                .Ctl({"principal", "add-role", labour_head_id, "--role", "head_of_organization",
                      "--org", labour_org},
                     vault.admin_token())
                .exit_code,
            0);
  const std::string labour_head_token = vault.Login(vault.DevIdToken(labour_head_id, labour_org));
  ASSERT_FALSE(labour_head_token.empty());
  auto worker = vault.Ctl({"principal", "create", "--name", "Töövahendaja", "--kind",
                           "partner_worker", "--org", labour_org},
                          vault.admin_token());
  ASSERT_EQ(worker.exit_code, 0) << worker.err;
  const std::string worker_id = IdFrom(worker);
  auto requested =
      vault.Ctl({"grant", "request", "--membership", worker_id, "--role", "partner_worker", "--org",
                 labour_org, "--justification", "employment support"},
                vault.admin_token());
  ASSERT_EQ(requested.exit_code, 0) << requested.err;
  EXPECT_NE(requested.out.find("\nstate: pending\n"), std::string::npos) << requested.out;
  auto approved = vault.Ctl({"grant", "approve", IdFrom(requested)}, labour_head_token);
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_NE(approved.out.find("\nstate: approved\n"), std::string::npos) << approved.out;
  // The administrator cannot issue a person's token any more: the worker
  // signs in.
  const std::string worker_token = vault.Login(vault.DevIdToken(worker_id, labour_org));
  ASSERT_FALSE(worker_token.empty());

  // The consent, in the protobuf JSON mapping (doc/consents.md).
  const std::string json = StrCat(R"({
    "clientId": ")",
                                  f.client, R"(", "projectId": ")", f.project, R"(",
    "givenBy": {"kind": "CONSENT_GIVER_KIND_DATA_SUBJECT"},
    "form": "CONSENT_FORM_DIGITAL_SIGNATURE",
    "signatureReference": "asice:sha256:0f3a",
    "cooperationAgreed": true, "processingAgreed": true, "givenVoluntarily": true,
    "givenAt": "2026-01-01T00:00:00Z",
    "provisions": [{
      "recipients": [{"kind": "RECIPIENT_KIND_ORGANIZATION", "organizationId": ")",
                                  labour_org, R"("}],
      "kinds": ["case_plan"], "purposes": ["employment_support"],
      "validFrom": "2026-01-01T00:00:00Z", "validUntil": "2099-01-01T00:00:00Z"}]})");
  WriteFileOrDie(dir.path() + "/consent.json", json);
  auto recorded = vault.Ctl({"consent", "record", "--file", dir.path() + "/consent.json", "-o",
                             dir.path() + "/receipt.note"});
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err << recorded.out;
  EXPECT_EQ(IdFrom(recorded).rfind("cns_", 0), 0u) << recorded.out;

  // The partner fetches the plan for the stated purpose, and not without one.
  auto fetched =
      vault.Ctl({"--purpose", "employment_support", "doc", "get", plan->id()}, worker_token);
  EXPECT_EQ(fetched.exit_code, 0) << fetched.err;
  auto no_purpose = vault.Ctl({"doc", "get", plan->id()}, worker_token);
  EXPECT_EQ(no_purpose.exit_code, ExitFor(grpc::StatusCode::INVALID_ARGUMENT)) << no_purpose.err;

  // The receipt verifies offline with the exported key; an edited one does not.
  auto keys = vault.Ctl({"audit", "public-keys"}, vault.admin_token());
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  WriteFileOrDie(dir.path() + "/vault.pub", keys.out);
  vault.process().Stop();
  auto verified =
      ::hoidla::testing::Run({VAULTCTL_PATH, "consent", "verify", dir.path() + "/receipt.note",
                              "--public-key", dir.path() + "/vault.pub"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find(IdFrom(recorded)), std::string::npos) << verified.out;
  std::string note = ReadFileOrDie(dir.path() + "/receipt.note");
  note.replace(note.find("employment_support"), 18, "debt_collection___");
  WriteFileOrDie(dir.path() + "/forged.note", note);
  auto forged =
      ::hoidla::testing::Run({VAULTCTL_PATH, "consent", "verify", dir.path() + "/forged.note",
                              "--public-key", dir.path() + "/vault.pub"});
  EXPECT_EQ(forged.exit_code, ExitFor(grpc::StatusCode::DATA_LOSS)) << forged.out;
}

TEST(Foundation, MovedRecordCiphertextIsDataLoss) {
  TempDir dir;
  Vault vault(dir.path());
  vault.Start();
  Fixture f = CreateFixture(vault);
  auto other = vault.Ctl({"client", "create", "--org", f.org, "--project", f.project,
                          "--given-name", "Teine", "--family-name", "Klient", "--no-code-reason",
                          "foreign national, no code"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  const std::string other_id = IdFrom(other);
  ASSERT_EQ(vault.Stop(), 0);
  // Put client A's sealed record under client B's key.
  EditStore(vault.data_dir(), [&](storage::KvStore& store) {
    auto v = store.Get(storage::Space::kMeta, "cli/" + f.client);
    ASSERT_TRUE(v.ok());
    storage::WriteBatch b;
    b.Put(storage::Space::kMeta, "cli/" + other_id, *v);
    ASSERT_TRUE(store.Write(b).ok());
  });
  vault.Start();
  auto got = vault.Ctl({"client", "get", other_id});
  EXPECT_EQ(got.exit_code, ExitFor(grpc::StatusCode::DATA_LOSS)) << got.out << got.err;
  EXPECT_EQ(got.out.find(kGivenName), std::string::npos);
  auto still = vault.Ctl({"client", "get", f.client});
  EXPECT_EQ(still.exit_code, 0) << still.err;
}

TEST(Foundation, BadInputNamesTheFieldAndWritesNothing) {
  TempDir dir;
  Vault vault(dir.path());
  const std::string config = dir.path() + "/vaultd.json";
  WriteFileOrDie(config, R"({"limits": {"max_document_bytes": 100000}})");
  vault.Start({"--dev", "--config", config});
  Fixture f = CreateFixture(vault);

  auto bad_code =
      vault.Ctl({"client", "create", "--org", f.org, "--project", f.project, "--given-name", "A",
                 "--family-name", "B", "--personal-code", "37605030298"});
  EXPECT_EQ(bad_code.exit_code, ExitFor(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(bad_code.err.find("client.personal_code"), std::string::npos) << bad_code.err;
  EXPECT_EQ(bad_code.err.find("37605030298"), std::string::npos) << "input echoed";

  auto no_reason = vault.Ctl({"client", "create", "--org", f.org, "--project", f.project,
                              "--given-name", "A", "--family-name", "B"});
  EXPECT_EQ(no_reason.exit_code, ExitFor(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(no_reason.err.find("client.no_personal_code_reason"), std::string::npos);

  auto malformed = vault.Ctl({"case", "get", "cas_not-an-id"});
  EXPECT_EQ(malformed.exit_code, ExitFor(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(malformed.err.find("id: malformed"), std::string::npos) << malformed.err;

  auto missing = vault.Ctl({"whoami"}, "");
  EXPECT_EQ(missing.exit_code, ExitFor(grpc::StatusCode::UNAUTHENTICATED)) << missing.err;
  auto wrong = vault.Ctl({"whoami"}, "hdl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(wrong.exit_code, ExitFor(grpc::StatusCode::UNAUTHENTICATED)) << wrong.err;

  // Bad header and too-large content: rejected, and nothing is listed.
  v1::Document h = Header(f, "Skaneering");
  h.set_kind("Not A Kind!");
  std::istringstream in1("abc");
  auto r1 = vault.client().UploadDocument(h, in1);
  EXPECT_EQ(r1.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(r1.status().message(), "header.kind")) << r1.status();
  std::istringstream in2(MakeContent(200000, 3));
  auto r2 = vault.client().UploadDocument(Header(f, "Liiga suur"), in2);
  EXPECT_EQ(r2.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(r2.status().message(), "data")) << r2.status();
  v1::ListDocumentsRequest lr;
  lr.set_client_id(f.client);
  auto list = vault.client().ListDocuments(lr);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->documents_size(), 0);
  ASSERT_EQ(vault.Stop(), 0);
  EXPECT_EQ(FilesContaining(vault.data_dir() + "/blobs", ""), std::vector<std::string>{})
      << "content of a rejected upload was left behind";
  EditStore(vault.data_dir(), [&](storage::KvStore& store) {
    auto pending = store.Scan(storage::Space::kMeta, "pending/");
    EXPECT_FALSE(pending->Valid());
  });
}

TEST(MasterKey, SealedKeyStartsAndWrongPassphraseRefusesToStart) {
  TempDir dir;
  const std::string mk = dir.path() + "/master.sealed";
  WriteFileOrDie(dir.path() + "/pass", "correct horse battery staple\n");
  WriteFileOrDie(dir.path() + "/wrong", "incorrect horse battery staple\n");
  auto created = hoidla::testing::Run({VAULTD_PATH, "master-key", "create-sealed", "--file", mk,
                                       "--passphrase-file", dir.path() + "/pass", "--strength",
                                       "interactive"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  // The sealed file does not contain the key in any recognisable form and is
  // not readable by others.
  EXPECT_EQ(std::filesystem::status(mk).permissions() &
                (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);

  Vault vault(dir.path());
  const std::vector<std::string> sealed{"--master-key-mode", "sealed",
                                        "--master-key-file", mk,
                                        "--passphrase-file", dir.path() + "/pass"};
  vault.Start(sealed);
  auto org = vault.Ctl({"org", "create", "--name", "Ühing"});
  ASSERT_EQ(org.exit_code, 0) << org.err;
  ASSERT_EQ(vault.Stop(), 0);

  VaultdProcess wrong;
  EXPECT_FALSE(
      wrong.Start({"--data-dir", vault.data_dir(), "--listen", vault.address(), "--master-key-mode",
                   "sealed", "--master-key-file", mk, "--passphrase-file", dir.path() + "/wrong"}));
  EXPECT_EQ(wrong.exit_code(), 2);
  EXPECT_NE(wrong.output().find("wrong passphrase"), std::string::npos) << wrong.output();

  // Another master key (a dev key) does not open this store either.
  VaultdProcess other;
  EXPECT_FALSE(other.Start({"--data-dir", vault.data_dir(), "--listen", vault.address(), "--dev"}));
  EXPECT_EQ(other.exit_code(), 2);
  EXPECT_NE(other.output().find("master key does not open this store"), std::string::npos)
      << other.output();

  // The right passphrase still works, and the data is there.
  vault.Start(sealed);
  auto got = vault.Ctl({"org", "get", IdFrom(org)});
  EXPECT_EQ(got.exit_code, 0) << got.err;
  EXPECT_NE(got.out.find("Ühing"), std::string::npos);
}

TEST(KeyRotation, RotateRewrapRetireKeepsEverythingReadable) {
  TempDir dir;
  Vault vault(dir.path());
  vault.Start();
  Fixture f = CreateFixture(vault);
  const std::string before = MakeContent(300000, 4);
  std::istringstream in1(before);
  auto d1 = vault.client().UploadDocument(Header(f, "Enne"), in1);
  ASSERT_TRUE(d1.ok()) << d1.status();

  auto admin = vault.Admin();
  ASSERT_NE(admin, nullptr);
  auto rotated = vault.Ctl({"keys", "rotate"}, vault.admin_token());
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  auto later = vault.Ctl({"client", "create", "--org", f.org, "--project", f.project,
                          "--given-name", "Hilisem", "--family-name", "Klient", "--no-code-reason",
                          "foreign national, no code"});
  ASSERT_EQ(later.exit_code, 0) << later.err;
  Fixture g = f;
  g.client = IdFrom(later);
  g.kase.clear();
  const std::string after = MakeContent(70000, 5);
  std::istringstream in2(after);
  auto d2 = vault.client().UploadDocument(Header(g, "Pärast"), in2);
  ASSERT_TRUE(d2.ok()) << d2.status();

  auto status = admin->GetKeyStatus(v1::GetKeyStatusRequest());
  ASSERT_TRUE(status.ok()) << status.status();
  ASSERT_EQ(status->versions_size(), 2);
  EXPECT_FALSE(status->versions(0).active());
  EXPECT_EQ(status->versions(0).wrapped_keys(), 2);  // the system key and the first client
  EXPECT_TRUE(status->versions(1).active());
  EXPECT_EQ(status->versions(1).wrapped_keys(), 1);

  auto early = vault.Ctl({"keys", "retire", "1"}, vault.admin_token());
  EXPECT_EQ(early.exit_code, ExitFor(grpc::StatusCode::FAILED_PRECONDITION)) << early.err;
  auto rewrap = admin->RewrapKeys(v1::RewrapKeysRequest());
  ASSERT_TRUE(rewrap.ok()) << rewrap.status();
  EXPECT_EQ(rewrap->rewrapped(), 2);
  auto retire = vault.Ctl({"keys", "retire", "1"}, vault.admin_token());
  EXPECT_EQ(retire.exit_code, 0) << retire.err;
  admin.reset();
  ASSERT_EQ(vault.Stop(), 0);

  vault.Start();
  for (const auto& [id, content] : {std::pair{d1->id(), before}, std::pair{d2->id(), after}}) {
    v1::DownloadDocumentRequest r;
    r.set_id(id);
    std::ostringstream out;
    auto m = vault.client().DownloadDocument(r, out);
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_TRUE(out.str() == content);
  }
  auto st = vault.Admin()->GetKeyStatus(v1::GetKeyStatusRequest());
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(st->versions_size(), 1);
  EXPECT_EQ(st->versions(0).version(), 2u);
  v1::GetClientRequest gc;
  gc.set_id(f.client);
  EXPECT_TRUE(vault.client().GetClient(gc).ok());
}

// An input stream that yields `total` bytes slowly, so that an upload is in
// flight while the server is told to stop.
class SlowStreamBuf : public std::streambuf {
 public:
  SlowStreamBuf(size_t total, std::chrono::milliseconds pause) : left_(total), pause_(pause) {}

 protected:
  int_type underflow() override {
    if (left_ == 0) return traits_type::eof();
    std::this_thread::sleep_for(pause_);
    size_t n = std::min(left_, buf_.size());
    std::memset(buf_.data(), 'x', n);
    left_ -= n;
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  size_t left_;
  std::chrono::milliseconds pause_;
  std::array<char, 64 * 1024> buf_;
};

TEST(Server, GracefulShutdownFinishesAnUploadInFlight) {
  TempDir dir;
  Vault vault(dir.path());
  vault.Start();
  Fixture f = CreateFixture(vault);
  // 32 pieces of 64 KiB, 40 ms apart: ~1.3 s of upload.
  SlowStreamBuf buf(32 * 64 * 1024, std::chrono::milliseconds(40));
  std::istream slow(&buf);
  absl::StatusOr<v1::Document> result = absl::UnknownError("not run");
  std::thread uploader([&] { result = vault.client().UploadDocument(Header(f, "Pikk"), slow); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // SIGTERM while the stream is open; Stop() waits for the process.
  const int exit_code = vault.process().Stop();
  uploader.join();
  EXPECT_EQ(exit_code, 0);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->size(), 32 * 64 * 1024);
  vault.Start();
  v1::GetDocumentRequest g;
  g.set_id(result->id());
  auto got = vault.client().GetDocument(g);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->size(), 32 * 64 * 1024);
}

TEST(Server, PlaintextOutsideLoopbackIsRefused) {
  TempDir dir;
  VaultdProcess p;
  EXPECT_FALSE(
      p.Start({"--data-dir", dir.path() + "/data", "--listen", "0.0.0.0:0", "--master-key-mode",
               "key_file", "--master-key-file", dir.path() + "/none"}));
  EXPECT_EQ(p.exit_code(), 1);
  EXPECT_NE(p.output().find("listen: plaintext is allowed only on a loopback address"),
            std::string::npos)
      << p.output();
}

TEST(Server, TlsWithKeyFileServesClientsThatTrustTheCertificate) {
  TempDir dir;
  const std::string cert = dir.path() + "/server.pem", key = dir.path() + "/server.key";
  auto gen =
      hoidla::testing::Run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto mk = hoidla::testing::Run(
      {VAULTD_PATH, "master-key", "create-file", "--file", dir.path() + "/master.key"});
  ASSERT_EQ(mk.exit_code, 0) << mk.err;

  const int port = FreePort();
  const std::string address = "localhost:" + std::to_string(port);
  VaultdProcess p;
  ASSERT_TRUE(p.Start({"--data-dir", dir.path() + "/data", "--listen", address, "--master-key-mode",
                       "key_file", "--master-key-file", dir.path() + "/master.key", "--tls-cert",
                       cert, "--tls-key", key, "--bootstrap-token-file", dir.path() + "/token"}))
      << p.output();
  const std::string token = Trim(ReadFileOrDie(dir.path() + "/token"));

  client::ConnectOptions opts;
  opts.address = address;
  opts.token = token;
  opts.ca_cert_file = cert;
  auto c = client::VaultClient::Connect(opts);
  ASSERT_TRUE(c.ok()) << c.status();
  auto who = (*c)->WhoAmI(v1::WhoAmIRequest());
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->roles(0), "system_administrator");

  auto ctl = hoidla::testing::Run({VAULTCTL_PATH, "--server", address, "--ca-cert", cert, "whoami"},
                                  {{"HOIDLA_TOKEN", token}});
  EXPECT_EQ(ctl.exit_code, 0) << ctl.err;
  // A plaintext client cannot talk to a TLS server.
  auto plain = hoidla::testing::Run({VAULTCTL_PATH, "--server", address, "whoami"},
                                    {{"HOIDLA_TOKEN", token}});
  EXPECT_EQ(plain.exit_code, ExitFor(grpc::StatusCode::UNAVAILABLE)) << plain.err;
  EXPECT_EQ(p.Stop(), 0);
}

// Every built-in record kind, from its example in doc/records-forms.md (the
// protobuf JSON that `vaultctl record create --file` reads), is created
// through vaultctl and printed back by `record get --json` with the same
// content; `record list --case` shows them all; a closed case takes no
// records until it is reopened.
TEST(RecordCli, EveryRecordKindIsCreatedFromJsonAndPrintedBack) {
  TempDir dir;
  Vault vault(dir.path());
  vault.Start();
  Fixture f = CreateFixture(vault);  // as a head of organisation
  ASSERT_FALSE(f.kase.empty());

  // The examples, one ```json block per kind.
  const std::filesystem::path doc =
      std::filesystem::path(__FILE__).parent_path() / "../../doc/records-forms.md";
  std::ifstream in(doc);
  ASSERT_TRUE(in.good()) << doc;
  std::vector<std::pair<std::string, std::string>> examples;  // kind, JSON
  {
    std::string line, cur, kind, heading;
    bool inside = false;
    while (std::getline(in, line)) {
      if (line.rfind("### ", 0) == 0) {
        heading = line.substr(4, line.find(' ', 4) - 4);
      } else if (!inside && line == "```json") {
        inside = true;
        cur.clear();
      } else if (inside && line == "```") {
        inside = false;
        examples.emplace_back(heading, cur);
      } else if (inside) {
        cur += line + "\n";
      }
    }
  }
  // The server refuses `custom` (no instrument is registered). The intake
  // example chooses case management, after which a case plan needs an
  // initial decision and a signed consent: the intake goes last.
  std::erase_if(examples, [](const auto& e) { return e.first == "custom"; });
  std::stable_partition(examples.begin(), examples.end(),
                        [](const auto& e) { return e.first != "intake_assessment"; });
  ASSERT_EQ(examples.size(), 12u);

  // Creates a record from `json` and checks `record get --json` prints the
  // same content back. Returns the record's id.
  int n = 0;
  auto create_and_check = [&](const std::string& kind, const std::string& json) -> std::string {
    v1::RecordContent want;
    auto parsed = google::protobuf::util::JsonStringToMessage(json, &want);
    EXPECT_TRUE(parsed.ok()) << kind << ": " << parsed.ToString();
    const std::string file = StrCat(dir.path(), "/record", ++n, ".json");
    WriteFileOrDie(file, json);
    auto created = vault.Ctl({"record", "create", "--case", f.kase, "--file", file});
    EXPECT_EQ(created.exit_code, 0) << kind << ": " << created.err << created.out;
    const std::string id = IdFrom(created);
    EXPECT_EQ(id.rfind("rec_", 0), 0u) << kind << ": " << created.out;
    EXPECT_NE(created.out.find("\nkind: " + kind + "\n"), std::string::npos) << created.out;
    EXPECT_NE(created.out.find("\ncontent: {"), std::string::npos) << created.out;
    auto got = vault.Ctl({"record", "get", id, "--json"});
    EXPECT_EQ(got.exit_code, 0) << kind << ": " << got.err;
    v1::Record record;
    auto back = google::protobuf::util::JsonStringToMessage(got.out, &record);
    EXPECT_TRUE(back.ok()) << kind << ": " << back.ToString() << "\n" << got.out;
    EXPECT_EQ(record.id(), id);
    EXPECT_EQ(record.kind(), kind);
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(record.content(), want))
        << kind << ":\n"
        << record.content().DebugString() << "\nwant:\n"
        << want.DebugString();
    return id;
  };

  std::vector<std::string> ids;
  for (const auto& [kind, json] : examples) {
    std::string text = json;
    if (kind == "activity_log_entry") {
      // The example corrects an earlier entry: make one, then correct it.
      v1::RecordContent entry;
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(text, &entry).ok());
      entry.mutable_activity_log_entry()->clear_corrects_record_id();
      std::string first;
      ASSERT_TRUE(google::protobuf::util::MessageToJsonString(entry, &first).ok());
      const std::string corrected = create_and_check(kind, first);
      ids.push_back(corrected);
      const size_t at = text.find("rec_01HZX3");
      ASSERT_NE(at, std::string::npos) << text;
      text.replace(at, std::strlen("rec_01HZX3"), corrected);
    }
    ids.push_back(create_and_check(kind, text));
  }

  auto listed = vault.Ctl({"record", "list", "--case", f.kase});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  for (const std::string& id : ids) {
    EXPECT_NE(listed.out.find(id + "\t"), std::string::npos) << id << " in\n" << listed.out;
  }
  EXPECT_EQ(std::count(listed.out.begin(), listed.out.end(), '\n'), static_cast<long>(ids.size()))
      << listed.out;

  // A closed case is read-only until it is reopened.
  auto closed = vault.Ctl({"case", "close", f.kase, "--reason", "goals_met", "--note", "valmis"});
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  EXPECT_NE(closed.out.find("\nstatus: closed\n"), std::string::npos) << closed.out;
  EXPECT_NE(closed.out.find("\nevent: closed at="), std::string::npos) << closed.out;
  EXPECT_NE(closed.out.find("\nretention_clock_started_at: "), std::string::npos) << closed.out;
  ASSERT_EQ(examples.front().first, "initial_decision");
  WriteFileOrDie(dir.path() + "/late.json", examples.front().second);
  auto refused =
      vault.Ctl({"record", "create", "--case", f.kase, "--file", dir.path() + "/late.json"});
  EXPECT_EQ(refused.exit_code, ExitFor(grpc::StatusCode::FAILED_PRECONDITION))
      << refused.err << refused.out;
  auto again = vault.Ctl({"case", "close", f.kase, "--reason", "goals_met"});
  EXPECT_EQ(again.exit_code, ExitFor(grpc::StatusCode::FAILED_PRECONDITION)) << again.err;
  auto reopened = vault.Ctl({"case", "reopen", f.kase, "--note", "tuli tagasi"});
  ASSERT_EQ(reopened.exit_code, 0) << reopened.err;
  EXPECT_NE(reopened.out.find("\nstatus: open\n"), std::string::npos) << reopened.out;
  EXPECT_NE(reopened.out.find("\nevent: reopened at="), std::string::npos) << reopened.out;
  auto accepted =
      vault.Ctl({"record", "create", "--case", f.kase, "--file", dir.path() + "/late.json"});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err << accepted.out;
}

}  // namespace
}  // namespace hoidla

namespace hoidla {
namespace {

// Runs openssl with `args`; fails the test on error.
void OpenSsl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = hoidla::testing::Run(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// Makes a CA (key and certificate) at `prefix`.key/.pem.
void MakeCa(const std::string& prefix, const std::string& name) {
  OpenSsl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
           "-keyout", prefix + ".key", "-out", prefix + ".pem", "-days", "2", "-subj",
           "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
           "keyUsage=critical,keyCertSign,cRLSign"});
}

// Makes a client certificate for `subject`, issued by the CA at `ca`.
void MakeClientCert(const std::string& prefix, const std::string& subject, const std::string& ca,
                    const std::string& dir) {
  OpenSsl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
           prefix + ".key", "-out", prefix + ".csr", "-subj", subject});
  WriteFileOrDie(dir + "/client.ext", "extendedKeyUsage=clientAuth\n");
  OpenSsl({"x509", "-req", "-in", prefix + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
           "-CAcreateserial", "-out", prefix + ".pem", "-days", "1", "-extfile",
           dir + "/client.ext"});
}

TEST(MutualTls, MappedCertificateFromTheOrganisationsCaAuthenticates) {
  TempDir dir;
  const std::string d = dir.path();
  OpenSsl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
           "-keyout", d + "/server.key", "-out", d + "/server.pem", "-days", "1", "-subj",
           "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"});
  MakeCa(d + "/orgca", "Tootukassa CA");
  MakeCa(d + "/rogue", "Rogue CA");
  MakeClientCert(d + "/worker", "/CN=worker1/O=Tootukassa", d + "/orgca", d);
  MakeClientCert(d + "/forged", "/CN=worker1/O=Tootukassa", d + "/rogue", d);
  MakeClientCert(d + "/stranger", "/CN=stranger/O=Tootukassa", d + "/orgca", d);
  MakeClientCert(d + "/head", "/CN=head1/O=Tootukassa", d + "/orgca", d);
  auto mk =
      hoidla::testing::Run({VAULTD_PATH, "master-key", "create-file", "--file", d + "/master.key"});
  ASSERT_EQ(mk.exit_code, 0) << mk.err;

  const std::string address = "localhost:" + std::to_string(FreePort());
  VaultdProcess p;
  ASSERT_TRUE(
      p.Start({"--data-dir", d + "/data", "--listen", address, "--master-key-mode", "key_file",
               "--master-key-file", d + "/master.key", "--tls-cert", d + "/server.pem", "--tls-key",
               d + "/server.key", "--bootstrap-token-file", d + "/token"}))
      << p.output();
  const std::string admin = Trim(ReadFileOrDie(d + "/token"));
  auto ctl = [&](std::vector<std::string> args, const std::string& token,
                 const std::string& cert = "") {
    std::vector<std::string> argv{VAULTCTL_PATH, "--server", address, "--ca-cert",
                                  d + "/server.pem"};
    if (!cert.empty()) {
      argv.insert(argv.end(), {"--client-cert", cert + ".pem", "--client-key", cert + ".key"});
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return hoidla::testing::Run(argv, {{"HOIDLA_TOKEN", token}});
  };

  auto org = ctl({"org", "create", "--name", "Töötukassa"}, admin);
  ASSERT_EQ(org.exit_code, 0) << org.err;
  const std::string org_id = IdFrom(org);
  auto ca = ctl({"org", "set-client-ca", org_id, "--ca-file", d + "/orgca.pem"}, admin);
  ASSERT_EQ(ca.exit_code, 0) << ca.err;
  auto prn = ctl({"principal", "create", "--name", "Labour office worker", "--kind",
                  "partner_worker", "--org", org_id},
                 admin);
  ASSERT_EQ(prn.exit_code, 0) << prn.err;
  const std::string prn_id = IdFrom(prn);
  auto subject_of = [&](const std::string& cert) {
    auto subject = hoidla::testing::Run({"/usr/bin/openssl", "x509", "-in", cert + ".pem", "-noout",
                                         "-subject", "-nameopt", "RFC2253"});
    EXPECT_EQ(subject.exit_code, 0);
    return Trim(subject.out.substr(std::string("subject=").size()));
  };
  const std::string rfc2253 = subject_of(d + "/worker");
  // The organisation has no head yet: a staff member's certificate mapping
  // applies at once (this vault has no identity provider, so it is the
  // head-to-be's way in); a partner worker's does not.
  auto early = ctl({"principal", "map-cert", prn_id, "--subject", rfc2253}, admin);
  EXPECT_EQ(early.exit_code, ExitFor(grpc::StatusCode::FAILED_PRECONDITION)) << early.err;
  auto head =
      ctl({"principal", "create", "--name", "Head of office", "--kind", "staff", "--org", org_id},
          admin);
  ASSERT_EQ(head.exit_code, 0) << head.err;
  const std::string head_id = IdFrom(head);
  auto head_mapped =
      ctl({"principal", "map-cert", head_id, "--subject", subject_of(d + "/head")}, admin);
  ASSERT_EQ(head_mapped.exit_code, 0) << head_mapped.err;
  auto head_role = ctl(
      {"principal", "add-role", head_id, "--role", "head_of_organization", "--org", org_id}, admin);
  ASSERT_EQ(head_role.exit_code, 0) << head_role.err;
  // With a head, a mapping needs a second person's approval.
  auto late =
      ctl({"principal", "map-cert", prn_id, "--subject", subject_of(d + "/stranger")}, admin);
  EXPECT_EQ(late.exit_code, ExitFor(grpc::StatusCode::FAILED_PRECONDITION)) << late.err;
  // The worker's certificate and role are requested by the administrator
  // and approved by the head (with the head's certificate alone).
  auto approve = [&](const hoidla::testing::CommandResult& requested) {
    EXPECT_EQ(requested.exit_code, 0) << requested.err;
    EXPECT_NE(requested.out.find("\nstate: pending\n"), std::string::npos) << requested.out;
    auto approved = ctl({"grant", "approve", IdFrom(requested)}, "", d + "/head");
    EXPECT_EQ(approved.exit_code, 0) << approved.err;
    EXPECT_NE(approved.out.find("\nstate: approved\n"), std::string::npos) << approved.out;
  };
  approve(ctl({"grant", "request", "--certificate", prn_id, "--subject", rfc2253}, admin));
  approve(
      ctl({"grant", "request", "--membership", prn_id, "--role", "partner_worker", "--org", org_id},
          admin));

  // The certificate alone (no token) authenticates as the principal.
  auto who = ctl({"whoami"}, "", d + "/worker");
  EXPECT_EQ(who.exit_code, 0) << who.err;
  EXPECT_NE(who.out.find(prn_id), std::string::npos) << who.out;
  // Same subject from another CA, or a subject nobody mapped: refused.
  auto forged = ctl({"whoami"}, "", d + "/forged");
  EXPECT_EQ(forged.exit_code, ExitFor(grpc::StatusCode::UNAUTHENTICATED)) << forged.err;
  auto stranger = ctl({"whoami"}, "", d + "/stranger");
  EXPECT_EQ(stranger.exit_code, ExitFor(grpc::StatusCode::UNAUTHENTICATED)) << stranger.err;
  // The partner worker's role grants no client data yet (consents decide).
  auto clients = ctl({"client", "list", "--org", org_id}, "", d + "/worker");
  EXPECT_EQ(clients.exit_code, ExitFor(grpc::StatusCode::PERMISSION_DENIED)) << clients.err;

  // The CA revokes the worker's certificate; once the organisation's CRL
  // says so, the certificate is refused and the head's still works.
  WriteFileOrDie(d + "/index.txt", "");
  WriteFileOrDie(d + "/crlnumber", "01\n");
  WriteFileOrDie(d + "/ca.cnf", "[ca]\ndefault_ca = orgca\n[orgca]\ndatabase = " + d +
                                    "/index.txt\ncrlnumber = " + d +
                                    "/crlnumber\ndefault_md = sha256\ndefault_crl_days = 1\n");
  OpenSsl({"ca", "-config", d + "/ca.cnf", "-cert", d + "/orgca.pem", "-keyfile", d + "/orgca.key",
           "-revoke", d + "/worker.pem"});
  OpenSsl({"ca", "-config", d + "/ca.cnf", "-cert", d + "/orgca.pem", "-keyfile", d + "/orgca.key",
           "-gencrl", "-out", d + "/orgca.crl"});
  auto crl = ctl({"org", "set-crl", org_id, "--crl-file", d + "/orgca.crl"}, "", d + "/head");
  ASSERT_EQ(crl.exit_code, 0) << crl.err;
  auto revoked = ctl({"whoami"}, "", d + "/worker");
  EXPECT_EQ(revoked.exit_code, ExitFor(grpc::StatusCode::UNAUTHENTICATED)) << revoked.err;
  auto still = ctl({"whoami"}, "", d + "/head");
  EXPECT_EQ(still.exit_code, 0) << still.err;
  EXPECT_EQ(p.Stop(), 0);
}

// Found: the bootstrap token file was created with the default mode before
// a chmod, and through a symbolic link.
TEST(Server, BootstrapTokenFileIsOwnerOnlyAndNeverWrittenThroughALink) {
  TempDir dir;
  const std::string d = dir.path();
  // A link planted where the token file goes: nothing is written through it.
  WriteFileOrDie(d + "/elsewhere", "untouched\n");
  ASSERT_EQ(::symlink((d + "/elsewhere").c_str(), (d + "/linked").c_str()), 0);
  {
    VaultdProcess p;
    ASSERT_TRUE(
        p.Start({"--data-dir", d + "/data1", "--listen", "127.0.0.1:" + std::to_string(FreePort()),
                 "--bootstrap-token-file", d + "/linked"}))
        << p.output();
    EXPECT_EQ(ReadFileOrDie(d + "/elsewhere"), "untouched\n");
    EXPECT_NE(p.output().find("bootstrap_token_file: cannot create"), std::string::npos)
        << p.output();
    EXPECT_EQ(p.Stop(), 0);
  }
  // A file that exists with a wide mode is narrowed to the owner.
  WriteFileOrDie(d + "/token", "old\n");
  ASSERT_EQ(::chmod((d + "/token").c_str(), 0644), 0);
  VaultdProcess p;
  ASSERT_TRUE(
      p.Start({"--data-dir", d + "/data2", "--listen", "127.0.0.1:" + std::to_string(FreePort()),
               "--bootstrap-token-file", d + "/token"}))
      << p.output();
  EXPECT_EQ(std::filesystem::status(d + "/token").permissions() &
                (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  EXPECT_TRUE(Trim(ReadFileOrDie(d + "/token")).starts_with("hdl_"));
  EXPECT_EQ(p.Stop(), 0);
}

// Found: HOIDLA_MASTER_PASSPHRASE stayed in the process environment.
TEST(MasterKey, PassphraseFromTheEnvironmentDoesNotStayInIt) {
  TempDir dir;
  const std::string mk = dir.path() + "/master.sealed";
  const std::string passphrase = "correct horse battery staple";
  WriteFileOrDie(dir.path() + "/pass", passphrase + "\n");
  auto created = hoidla::testing::Run({VAULTD_PATH, "master-key", "create-sealed", "--file", mk,
                                       "--passphrase-file", dir.path() + "/pass", "--strength",
                                       "interactive"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  VaultdProcess p;
  ASSERT_TRUE(p.Start(
      {"--data-dir", dir.path() + "/data", "--listen", "127.0.0.1:" + std::to_string(FreePort()),
       "--master-key-mode", "sealed", "--master-key-file", mk},
      {{"HOIDLA_MASTER_PASSPHRASE", passphrase}}))
      << p.output();
  const std::string environ = ReadFileOrDie("/proc/" + std::to_string(p.pid()) + "/environ");
  EXPECT_EQ(environ.find(passphrase), std::string::npos);
  EXPECT_EQ(environ.find("HOIDLA_MASTER_PASSPHRASE=c"), std::string::npos);
  EXPECT_EQ(p.Stop(), 0);
}

}  // namespace
}  // namespace hoidla
