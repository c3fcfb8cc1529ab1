// Tests of VaultClient against an in-process fake Vault service: credentials
// and deadlines on every call, status conversion, chunked uploads, streamed
// and verified downloads, the all-or-nothing file download, and the
// principal, token and case assignment calls, the audit calls and the
// streamed audit export; plus vaultctl's output formatting of principals,
// memberships, tokens, checkpoints and verifier keys.
#include "client/vault_client.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "client/vaultctl_format.h"
#include "grpcpp/grpcpp.h"
#include "tests/client/fake_services.h"

namespace hoidla::client {
namespace {

namespace v1 = ::hoidla::v1;

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

std::string Pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return s;
}

// The authorization metadata of a call, or "" when there is none.
std::string Authorization(const grpc::ServerContext* context) {
  auto it = context->client_metadata().find("authorization");
  if (it == context->client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

class FakeVault final {
 public:
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest*,
                      v1::WhoAmIResponse* response) {
    const std::string auth = Authorization(context);
    if (auth.empty()) return {grpc::StatusCode::UNAUTHENTICATED, "missing credential"};
    response->set_principal_id("prn_test");
    response->set_display_name(auth);  // echoed for the test
    return grpc::Status::OK;
  }

  // Principals, kept in principals_ (ids prn_0, prn_1, ...).
  grpc::Status CreatePrincipal(grpc::ServerContext* context,
                               const v1::CreatePrincipalRequest* request, v1::Principal* response) {
    if (!request->principal().id().empty())
      return {grpc::StatusCode::INVALID_ARGUMENT, "principal.id: output only"};
    std::lock_guard<std::mutex> lock(mu_);
    v1::Principal principal = request->principal();
    principal.set_id("prn_" + std::to_string(principals_.size()));
    principal.set_created_by(Authorization(context));
    principals_[principal.id()] = principal;
    *response = principal;
    return grpc::Status::OK;
  }

  grpc::Status GetPrincipal(grpc::ServerContext*, const v1::GetPrincipalRequest* request,
                            v1::Principal* response) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = principals_.find(request->id());
    if (it == principals_.end()) return {grpc::StatusCode::NOT_FOUND, "principal not found"};
    *response = it->second;
    return grpc::Status::OK;
  }

  // Pages by position: the page token is the index of the next principal.
  grpc::Status ListPrincipals(grpc::ServerContext*, const v1::ListPrincipalsRequest* request,
                              v1::ListPrincipalsResponse* response) {
    std::lock_guard<std::mutex> lock(mu_);
    const size_t start = request->page_token().empty() ? 0 : std::stoul(request->page_token());
    const size_t page = request->page_size() > 0 ? static_cast<size_t>(request->page_size()) : 100;
    size_t index = 0;
    for (const auto& [id, principal] : principals_) {
      if (!request->organization_id().empty() &&
          principal.organization_id() != request->organization_id()) {
        continue;
      }
      if (index >= start) {
        if (static_cast<size_t>(response->principals_size()) == page) {
          response->set_next_page_token(std::to_string(index));
          break;
        }
        *response->add_principals() = principal;
      }
      ++index;
    }
    return grpc::Status::OK;
  }

  grpc::Status AddMembership(grpc::ServerContext*, const v1::AddMembershipRequest* request,
                             v1::Principal* response) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = principals_.find(request->id());
    if (it == principals_.end()) return {grpc::StatusCode::NOT_FOUND, "principal not found"};
    if (FindMembership(it->second, request->membership()) >= 0)
      return {grpc::StatusCode::ALREADY_EXISTS, "membership exists"};
    *it->second.add_memberships() = request->membership();
    *response = it->second;
    return grpc::Status::OK;
  }

  grpc::Status RemoveMembership(grpc::ServerContext*, const v1::RemoveMembershipRequest* request,
                                v1::Principal* response) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = principals_.find(request->id());
    if (it == principals_.end()) return {grpc::StatusCode::NOT_FOUND, "principal not found"};
    const int index = FindMembership(it->second, request->membership());
    if (index < 0) return {grpc::StatusCode::NOT_FOUND, "membership not found"};
    it->second.mutable_memberships()->DeleteSubrange(index, 1);
    *response = it->second;
    return grpc::Status::OK;
  }

  grpc::Status IssueToken(grpc::ServerContext*, const v1::IssueTokenRequest* request,
                          v1::IssueTokenResponse* response) {
    if (request->ttl_seconds() < 1 || request->ttl_seconds() > 31536000)
      return {grpc::StatusCode::INVALID_ARGUMENT, "ttl_seconds: out of range"};
    std::lock_guard<std::mutex> lock(mu_);
    if (principals_.count(request->id()) == 0)
      return {grpc::StatusCode::NOT_FOUND, "principal not found"};
    const std::string id = "tok_" + std::to_string(tokens_.size());
    tokens_[id] = false;
    response->set_token("hdl_secret_" + request->id());
    response->set_token_id(id);
    response->mutable_expires_at()->set_seconds(1700000000 + request->ttl_seconds());
    return grpc::Status::OK;
  }

  grpc::Status RevokeToken(grpc::ServerContext*, const v1::RevokeTokenRequest* request,
                           v1::RevokeTokenResponse*) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tokens_.find(request->id());
    if (it == tokens_.end()) return {grpc::StatusCode::NOT_FOUND, "token not found"};
    it->second = true;
    return grpc::Status::OK;
  }

  grpc::Status AssignCase(grpc::ServerContext*, const v1::AssignCaseRequest* request,
                          v1::Case* response) {
    std::lock_guard<std::mutex> lock(mu_);
    if (principals_.count(request->worker_id()) == 0)
      return {grpc::StatusCode::FAILED_PRECONDITION, "worker_id: not a worker"};
    response->set_id(request->id());
    response->set_assigned_worker_id(request->worker_id());
    return grpc::Status::OK;
  }

  grpc::Status GetOrganization(grpc::ServerContext*, const v1::GetOrganizationRequest* request,
                               v1::Organization*) {
    return {grpc::StatusCode::NOT_FOUND, "organization " + request->id() + " not found"};
  }

  grpc::Status GetKeyStatus(grpc::ServerContext* context, const v1::GetKeyStatusRequest*,
                            v1::KeyStatus* response) {
    // Slow: long enough to exceed a short deadline; reports whether a
    // deadline was set.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const bool has_deadline =
        context->deadline() < std::chrono::system_clock::now() + std::chrono::hours(1);
    response->set_master_key_mode(has_deadline ? "deadline" : "none");
    return grpc::Status::OK;
  }

  grpc::Status UploadDocument(grpc::ServerContext* context,
                              grpc::ServerReader<v1::UploadDocumentRequest>* reader,
                              v1::Document* response) {
    v1::UploadDocumentRequest message;
    if (!reader->Read(&message) || !message.has_header()) {
      return {grpc::StatusCode::INVALID_ARGUMENT, "header: required"};
    }
    v1::Document document = message.header();
    if (document.kind() == "reject") {
      return {grpc::StatusCode::INVALID_ARGUMENT, "header.kind: not allowed"};
    }
    std::string content;
    size_t messages = 0, largest = 0;
    while (reader->Read(&message)) {
      ++messages;
      largest = std::max(largest, message.data().size());
      content += message.data();
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (context->IsCancelled()) {
      ++cancelled_uploads_;
      return {grpc::StatusCode::CANCELLED, "cancelled"};
    }
    document.set_id("doc_" + std::to_string(documents_.size()));
    document.set_size(static_cast<int64_t>(content.size()));
    document.set_sha256(Sha256Hex(content));
    documents_[document.id()] = {document, content};
    last_data_messages_ = messages;
    last_largest_message_ = largest;
    *response = document;
    return grpc::Status::OK;
  }

  grpc::Status DownloadDocument(grpc::ServerContext*, const v1::DownloadDocumentRequest* request,
                                grpc::ServerWriter<v1::DownloadDocumentResponse>* writer) {
    Stored stored;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = documents_.find(request->id());
      if (it == documents_.end()) return {grpc::StatusCode::NOT_FOUND, "document not found"};
      stored = it->second;
    }
    const int64_t size = static_cast<int64_t>(stored.content.size());
    if (request->offset() > size) return {grpc::StatusCode::OUT_OF_RANGE, "offset: past the end"};
    int64_t end =
        request->length() == 0 ? size : std::min(size, request->offset() + request->length());
    bool first = true;
    int64_t pos = request->offset();
    do {
      v1::DownloadDocumentResponse message;
      if (first) *message.mutable_document() = stored.document;
      first = false;
      const int64_t n = std::min<int64_t>(65536, end - pos);
      message.set_data(stored.content.substr(static_cast<size_t>(pos), static_cast<size_t>(n)));
      pos += n;
      if (stored.fail_after_first && pos < end) {
        writer->Write(message);
        return {grpc::StatusCode::DATA_LOSS, "chunk 1: authentication failed"};
      }
      if (!writer->Write(message)) return {grpc::StatusCode::CANCELLED, "client went away"};
    } while (pos < end);
    return grpc::Status::OK;
  }

  // Audit RPCs. The fake's log holds kAuditEntries entries "entry-<i>"; the
  // export streams them in parts of two entries, the first part carrying the
  // header fields. first_seq 99 fails after the first part.
  static constexpr int kAuditEntries = 5;

  grpc::Status GetCheckpoint(grpc::ServerContext* context, const v1::GetCheckpointRequest* request,
                             v1::Checkpoint* response) {
    if (Authorization(context).empty())
      return {grpc::StatusCode::UNAUTHENTICATED, "missing credential"};
    response->set_note(request->fresh() ? "fresh\n" : "newest\n");
    response->set_tree_size(kAuditEntries);
    response->set_root_hash(std::string(32, 'r'));
    return grpc::Status::OK;
  }

  grpc::Status GetInclusionProof(grpc::ServerContext*, const v1::GetInclusionProofRequest* request,
                                 v1::InclusionProof* response) {
    if (request->seq() >= request->tree_size())
      return {grpc::StatusCode::INVALID_ARGUMENT, "seq: not below tree_size"};
    response->set_seq(request->seq());
    response->set_tree_size(request->tree_size());
    response->set_entry("entry-" + std::to_string(request->seq()));
    response->add_hashes(std::string(32, 'h'));
    return grpc::Status::OK;
  }

  grpc::Status GetConsistencyProof(grpc::ServerContext*,
                                   const v1::GetConsistencyProofRequest* request,
                                   v1::ConsistencyProof* response) {
    response->set_old_size(request->old_size());
    response->set_new_size(request->new_size());
    response->add_hashes(std::string(32, 'c'));
    return grpc::Status::OK;
  }

  grpc::Status GetAuditPublicKeys(grpc::ServerContext*, const v1::GetAuditPublicKeysRequest*,
                                  v1::AuditPublicKeys* response) {
    std::lock_guard<std::mutex> lock(mu_);
    response->set_origin("test/audit");
    for (int i = 0; i <= audit_key_rotations_; ++i)
      response->add_verifier_keys("test/audit+0000000" + std::to_string(i) + "+AQ==");
    return grpc::Status::OK;
  }

  grpc::Status RotateAuditSigningKey(grpc::ServerContext* context,
                                     const v1::RotateAuditSigningKeyRequest*,
                                     v1::AuditPublicKeys* response) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++audit_key_rotations_;
    }
    return GetAuditPublicKeys(context, nullptr, response);
  }

  grpc::Status ExportAudit(grpc::ServerContext* context, const v1::ExportAuditRequest* request,
                           grpc::ServerWriter<v1::AuditBundle>* writer) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_export_had_deadline_ =
          context->deadline() < std::chrono::system_clock::now() + std::chrono::hours(1);
    }
    const bool fail = request->first_seq() == 99;
    const uint64_t first = fail ? 0 : request->first_seq();
    v1::AuditBundle part;
    part.set_format("hoidla-audit-bundle/v1");
    part.set_origin("test/audit");
    part.add_verifier_keys("test/audit+00000000+AQ==");
    part.set_checkpoint(request->fresh_checkpoint() ? "fresh\n" : "newest\n");
    part.set_tree_size(kAuditEntries);
    part.set_first_seq(first);
    for (uint64_t seq = first; seq < kAuditEntries; ++seq) {
      v1::AuditBundleEntry* entry = part.add_entries();
      entry->set_entry("entry-" + std::to_string(seq));
      entry->add_proof(std::string(32, static_cast<char>('a' + seq)));
      if (part.entries_size() == 2 || seq + 1 == kAuditEntries) {
        if (!writer->Write(part)) return {grpc::StatusCode::CANCELLED, "client went away"};
        if (fail) return {grpc::StatusCode::DATA_LOSS, "entry 2: unreadable"};
        part.Clear();
      }
    }
    return grpc::Status::OK;
  }

  bool last_export_had_deadline() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_export_had_deadline_;
  }

  // Stores a document directly (for downloads).
  void Put(const v1::Document& document, const std::string& content, bool fail_after_first) {
    std::lock_guard<std::mutex> lock(mu_);
    documents_[document.id()] = {document, content, fail_after_first};
  }
  std::string Content(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    return documents_.count(id) ? documents_[id].content : "";
  }
  size_t document_count() {
    std::lock_guard<std::mutex> lock(mu_);
    return documents_.size();
  }
  bool revoked(const std::string& token_id) {
    std::lock_guard<std::mutex> lock(mu_);
    return tokens_.count(token_id) != 0 && tokens_[token_id];
  }
  size_t last_data_messages() { return last_data_messages_; }
  size_t last_largest_message() { return last_largest_message_; }

 private:
  struct Stored {
    v1::Document document;
    std::string content;
    bool fail_after_first = false;
  };
  // Index of `m` among the principal's memberships, or -1.
  static int FindMembership(const v1::Principal& principal, const v1::Membership& m) {
    for (int i = 0; i < principal.memberships_size(); ++i) {
      const v1::Membership& have = principal.memberships(i);
      if (have.role() == m.role() && have.organization_id() == m.organization_id() &&
          have.project_id() == m.project_id()) {
        return i;
      }
    }
    return -1;
  }

  std::mutex mu_;
  std::map<std::string, Stored> documents_;
  std::map<std::string, v1::Principal> principals_;
  std::map<std::string, bool> tokens_;  // id -> revoked
  size_t last_data_messages_ = 0;
  size_t last_largest_message_ = 0;
  int cancelled_uploads_ = 0;
  int audit_key_rotations_ = 0;
  bool last_export_had_deadline_ = true;
};

class VaultClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    for (grpc::Service* s : services_.all()) builder.RegisterService(s);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    client_ = MakeClient("s3cret");
    dir_ = std::filesystem::temp_directory_path() /
           ("vault_client_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    client_.reset();
    server_->Shutdown();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<VaultClient> MakeClient(
      std::string token, std::chrono::milliseconds timeout = kDefaultUnaryTimeout) {
    return VaultClient::FromChannel(server_->InProcessChannel(grpc::ChannelArguments()),
                                    std::move(token), timeout);
  }

  v1::Document StoreDocument(const std::string& id, const std::string& content,
                             bool fail_after_first = false, std::string sha256 = "") {
    v1::Document d;
    d.set_id(id);
    d.set_size(static_cast<int64_t>(content.size()));
    d.set_sha256(sha256.empty() ? Sha256Hex(content) : sha256);
    service_.Put(d, content, fail_after_first);
    return d;
  }

  FakeVault service_;
  testing::FakeServices<FakeVault> services_{&service_};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<VaultClient> client_;
  std::filesystem::path dir_;
};

TEST(ToAbslStatusTest, KeepsCodeAndMessage) {
  EXPECT_TRUE(ToAbslStatus(grpc::Status::OK).ok());
  absl::Status s = ToAbslStatus(grpc::Status(grpc::StatusCode::DATA_LOSS, "bad chunk"));
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "bad chunk");
  EXPECT_EQ(ToAbslStatus(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "x")).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ToAbslStatus(grpc::Status(static_cast<grpc::StatusCode>(99), "x")).code(),
            absl::StatusCode::kUnknown);
}

TEST(ConnectTest, ValidatesOptionsAndNamesThem) {
  ConnectOptions o;
  EXPECT_EQ(VaultClient::Connect(o).status().message(), "address: required");
  o.address = "127.0.0.1:1";
  o.token = "has space";
  auto bad_token = VaultClient::Connect(o);
  EXPECT_EQ(bad_token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(bad_token.status().message()).find("has space"), std::string::npos);
  o.token = "tok";
  o.client_cert_file = "/c.pem";
  EXPECT_EQ(VaultClient::Connect(o).status().code(), absl::StatusCode::kInvalidArgument);
  o.client_key_file = "/k.pem";
  EXPECT_TRUE(absl::StartsWith(VaultClient::Connect(o).status().message(), "client_cert_file"));
  o.client_cert_file = o.client_key_file = "";
  o.ca_cert_file = "/nonexistent/ca.pem";
  auto missing = VaultClient::Connect(o);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(missing.status().message(), "ca_cert_file: cannot read"))
      << missing.status();
  o.ca_cert_file = "";
  EXPECT_TRUE(VaultClient::Connect(o).ok());
}

TEST(ConnectTest, UnreachableServerIsUnavailable) {
  ConnectOptions o;
  o.address = "127.0.0.1:1";
  auto client = VaultClient::Connect(o);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->WhoAmI().status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(VaultClientTest, SendsBearerToken) {
  auto who = client_->WhoAmI();
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->display_name(), "Bearer s3cret");
  EXPECT_EQ(MakeClient("")->WhoAmI().status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(VaultClientTest, ServerErrorsKeepCodeAndMessage) {
  v1::GetOrganizationRequest req;
  req.set_id("org_x");
  auto org = client_->GetOrganization(req);
  EXPECT_EQ(org.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(org.status().message(), "organization org_x not found");
}

TEST_F(VaultClientTest, UnaryCallsHaveADeadline) {
  auto status = client_->GetKeyStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->master_key_mode(), "deadline");
  auto slow = MakeClient("t", std::chrono::milliseconds(50))->GetKeyStatus();
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded);
  auto unlimited = MakeClient("t", std::chrono::milliseconds(0))->GetKeyStatus();
  ASSERT_TRUE(unlimited.ok());
  EXPECT_EQ(unlimited->master_key_mode(), "none");
}

TEST_F(VaultClientTest, UploadSendsHeaderThenOneMebibyteChunks) {
  const std::string content = Pattern(3 * kUploadChunkSize + 12345);
  std::istringstream in(content);
  v1::Document header;
  header.set_title("t");
  auto doc = client_->UploadDocument(header, in);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->size(), static_cast<int64_t>(content.size()));
  EXPECT_EQ(doc->title(), "t");
  EXPECT_TRUE(service_.Content(doc->id()) == content);
  EXPECT_EQ(service_.last_data_messages(), 4u);
  EXPECT_EQ(service_.last_largest_message(), kUploadChunkSize);

  std::istringstream empty("");
  auto none = client_->UploadDocument(header, empty);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->size(), 0);
  EXPECT_EQ(service_.last_data_messages(), 0u);
}

TEST_F(VaultClientTest, UploadReportsServerRejection) {
  const std::string content = Pattern(5 * kUploadChunkSize);
  std::istringstream in(content);
  v1::Document header;
  header.set_kind("reject");
  auto doc = client_->UploadDocument(header, in);
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(doc.status().message(), "header.kind: not allowed");
}

// Yields `good` bytes, then fails.
class FailingStreamBuf : public std::streambuf {
 public:
  explicit FailingStreamBuf(size_t good) : data_(Pattern(good)) {
    setg(data_.data(), data_.data(), data_.data() + data_.size());
  }

 protected:
  int_type underflow() override { throw std::runtime_error("disk on fire"); }

 private:
  std::string data_;
};

TEST_F(VaultClientTest, UploadReadFailureCancelsAndStoresNothing) {
  FailingStreamBuf buf(kUploadChunkSize + 100);
  std::istream in(&buf);
  auto doc = client_->UploadDocument(v1::Document(), in);
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kAborted) << doc.status();
  // The server saw a cancelled call; give it a moment to finish.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(service_.document_count(), 0u);
}

TEST_F(VaultClientTest, UploadFromMissingFileIsNotFound) {
  auto doc = client_->UploadDocumentFromFile(v1::Document(), (dir_ / "missing").string());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kNotFound);
  auto dir = client_->UploadDocumentFromFile(v1::Document(), dir_.string());
  EXPECT_FALSE(dir.ok());
}

TEST_F(VaultClientTest, UploadFromFile) {
  const std::string content = Pattern(kUploadChunkSize + 1);
  const std::string path = (dir_ / "in.bin").string();
  std::ofstream(path, std::ios::binary) << content;
  auto doc = client_->UploadDocumentFromFile(v1::Document(), path);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_TRUE(service_.Content(doc->id()) == content);
}

TEST_F(VaultClientTest, DownloadWholeAndRange) {
  const std::string content = Pattern(300000);
  StoreDocument("doc_a", content);
  v1::DownloadDocumentRequest req;
  req.set_id("doc_a");
  std::ostringstream out;
  auto doc = client_->DownloadDocument(req, out);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->id(), "doc_a");
  EXPECT_TRUE(out.str() == content);

  req.set_offset(65530);
  req.set_length(100000);
  std::ostringstream range;
  ASSERT_TRUE(client_->DownloadDocument(req, range).ok());
  EXPECT_TRUE(range.str() == content.substr(65530, 100000));

  req.set_offset(300000);
  req.set_length(0);
  std::ostringstream at_end;
  ASSERT_TRUE(client_->DownloadDocument(req, at_end).ok());
  EXPECT_EQ(at_end.str(), "");

  req.set_offset(300001);
  std::ostringstream past;
  EXPECT_EQ(client_->DownloadDocument(req, past).status().code(), absl::StatusCode::kOutOfRange);
}

TEST_F(VaultClientTest, DownloadDetectsDigestMismatch) {
  StoreDocument("doc_b", Pattern(1000), false, std::string(64, '0'));
  v1::DownloadDocumentRequest req;
  req.set_id("doc_b");
  std::ostringstream out;
  EXPECT_EQ(client_->DownloadDocument(req, out).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(VaultClientTest, DownloadToFileIsAllOrNothing) {
  const std::string content = Pattern(200000);
  StoreDocument("doc_c", content);
  const std::string path = (dir_ / "out.bin").string();
  v1::DownloadDocumentRequest req;
  req.set_id("doc_c");
  auto doc = client_->DownloadDocumentToFile(req, path);
  ASSERT_TRUE(doc.ok()) << doc.status();
  std::ifstream in(path, std::ios::binary);
  std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(got == content);
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // A stream that fails midway leaves neither the file nor the .part.
  StoreDocument("doc_d", content, /*fail_after_first=*/true);
  const std::string bad = (dir_ / "bad.bin").string();
  req.set_id("doc_d");
  auto failed = client_->DownloadDocumentToFile(req, bad);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(std::filesystem::exists(bad));
  EXPECT_FALSE(std::filesystem::exists(bad + ".part"));

  req.set_id("doc_missing");
  EXPECT_EQ(client_->DownloadDocumentToFile(req, bad).status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(bad + ".part"));

  req.set_id("doc_c");
  auto no_dir = client_->DownloadDocumentToFile(req, (dir_ / "no" / "such.bin").string());
  EXPECT_EQ(no_dir.status().code(), absl::StatusCode::kNotFound);
}

v1::Membership MakeMembership(const std::string& role, const std::string& org = "",
                              const std::string& project = "") {
  v1::Membership m;
  m.set_role(role);
  m.set_organization_id(org);
  m.set_project_id(project);
  return m;
}

v1::Principal CreatePrincipal(const VaultClient& client, const std::string& name,
                              const std::string& org) {
  v1::CreatePrincipalRequest req;
  req.mutable_principal()->set_display_name(name);
  req.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  req.mutable_principal()->set_organization_id(org);
  auto principal = client.CreatePrincipal(req);
  EXPECT_TRUE(principal.ok()) << principal.status();
  return principal.ok() ? *principal : v1::Principal();
}

TEST_F(VaultClientTest, PrincipalsAndMemberships) {
  const v1::Principal mari = CreatePrincipal(*client_, "Mari", "org_a");
  EXPECT_EQ(mari.id(), "prn_0");
  EXPECT_EQ(mari.kind(), v1::PRINCIPAL_KIND_STAFF);
  EXPECT_EQ(mari.created_by(), "Bearer s3cret");
  CreatePrincipal(*client_, "Jaan", "org_b");
  CreatePrincipal(*client_, "Kati", "org_a");

  v1::CreatePrincipalRequest bad;
  bad.mutable_principal()->set_id("prn_x");
  EXPECT_EQ(client_->CreatePrincipal(bad).status().code(), absl::StatusCode::kInvalidArgument);

  v1::AddMembershipRequest add;
  add.set_id(mari.id());
  *add.mutable_membership() = MakeMembership("case_worker", "org_a", "prj_1");
  auto added = client_->AddMembership(add);
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_EQ(added->memberships_size(), 1);
  EXPECT_EQ(added->memberships(0).project_id(), "prj_1");
  EXPECT_EQ(client_->AddMembership(add).status().code(), absl::StatusCode::kAlreadyExists);

  v1::GetPrincipalRequest get;
  get.set_id(mari.id());
  auto got = client_->GetPrincipal(get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->display_name(), "Mari");
  EXPECT_EQ(got->memberships_size(), 1);
  get.set_id("prn_missing");
  EXPECT_EQ(client_->GetPrincipal(get).status().code(), absl::StatusCode::kNotFound);

  v1::ListPrincipalsRequest list;
  list.set_organization_id("org_a");
  list.set_page_size(1);
  auto first = client_->ListPrincipals(list);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->principals_size(), 1);
  EXPECT_EQ(first->principals(0).display_name(), "Mari");
  ASSERT_FALSE(first->next_page_token().empty());
  list.set_page_token(first->next_page_token());
  auto second = client_->ListPrincipals(list);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->principals_size(), 1);
  EXPECT_EQ(second->principals(0).display_name(), "Kati");
  EXPECT_TRUE(second->next_page_token().empty());

  v1::RemoveMembershipRequest remove;
  remove.set_id(mari.id());
  *remove.mutable_membership() = add.membership();
  auto removed = client_->RemoveMembership(remove);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(removed->memberships_size(), 0);
  auto again = client_->RemoveMembership(remove);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(again.status().message(), "membership not found");
}

TEST_F(VaultClientTest, IssueAndRevokeToken) {
  const v1::Principal svc = CreatePrincipal(*client_, "frontend", "org_a");
  v1::IssueTokenRequest issue;
  issue.set_id(svc.id());
  issue.set_ttl_seconds(86400);
  auto token = client_->IssueToken(issue);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->token(), "hdl_secret_" + svc.id());
  EXPECT_EQ(token->token_id(), "tok_0");
  EXPECT_EQ(token->expires_at().seconds(), 1700000000 + 86400);

  issue.set_ttl_seconds(0);
  auto bad = client_->IssueToken(issue);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "ttl_seconds: out of range");

  v1::RevokeTokenRequest revoke;
  revoke.set_id(token->token_id());
  ASSERT_TRUE(client_->RevokeToken(revoke).ok());
  EXPECT_TRUE(service_.revoked(token->token_id()));
  revoke.set_id("tok_missing");
  EXPECT_EQ(client_->RevokeToken(revoke).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(VaultClientTest, AssignCase) {
  const v1::Principal worker = CreatePrincipal(*client_, "Mari", "org_a");
  v1::AssignCaseRequest req;
  req.set_id("cas_1");
  req.set_worker_id(worker.id());
  auto assigned = client_->AssignCase(req);
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  EXPECT_EQ(assigned->id(), "cas_1");
  EXPECT_EQ(assigned->assigned_worker_id(), worker.id());
  req.set_worker_id("prn_nobody");
  EXPECT_EQ(client_->AssignCase(req).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(VaultClientTest, AuditUnaryCalls) {
  v1::GetCheckpointRequest fresh;
  fresh.set_fresh(true);
  auto checkpoint = client_->GetCheckpoint(fresh);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->note(), "fresh\n");
  EXPECT_EQ(checkpoint->tree_size(), 5u);
  EXPECT_EQ(client_->GetCheckpoint()->note(), "newest\n");
  EXPECT_EQ(MakeClient("")->GetCheckpoint().status().code(), absl::StatusCode::kUnauthenticated);

  v1::GetInclusionProofRequest inclusion;
  inclusion.set_seq(3);
  inclusion.set_tree_size(5);
  auto proof = client_->GetInclusionProof(inclusion);
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_EQ(proof->entry(), "entry-3");
  EXPECT_EQ(proof->hashes_size(), 1);
  inclusion.set_seq(5);
  auto bad = client_->GetInclusionProof(inclusion);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "seq: not below tree_size");

  v1::GetConsistencyProofRequest consistency;
  consistency.set_old_size(2);
  consistency.set_new_size(5);
  auto cproof = client_->GetConsistencyProof(consistency);
  ASSERT_TRUE(cproof.ok()) << cproof.status();
  EXPECT_EQ(cproof->old_size(), 2u);
  EXPECT_EQ(cproof->new_size(), 5u);

  auto keys = client_->GetAuditPublicKeys();
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->verifier_keys_size(), 1);
  auto rotated = client_->RotateAuditSigningKey();
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_EQ(rotated->verifier_keys_size(), 2);
}

TEST_F(VaultClientTest, ExportAuditWritesPartsBackToBack) {
  v1::ExportAuditRequest req;
  req.set_first_seq(1);
  req.set_fresh_checkpoint(true);
  std::ostringstream out;
  v1::AuditBundle header;
  auto entries = client_->ExportAudit(req, out, &header);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_EQ(*entries, 4);
  EXPECT_FALSE(service_.last_export_had_deadline());

  // The header fields of the first part, without entries.
  EXPECT_EQ(header.format(), "hoidla-audit-bundle/v1");
  EXPECT_EQ(header.checkpoint(), "fresh\n");
  EXPECT_EQ(header.tree_size(), 5u);
  EXPECT_EQ(header.first_seq(), 1u);
  EXPECT_EQ(header.entries_size(), 0);

  // Two parts of two entries: together one bundle with every entry in order.
  v1::AuditBundle bundle;
  ASSERT_TRUE(bundle.ParseFromString(out.str()));
  EXPECT_EQ(bundle.format(), "hoidla-audit-bundle/v1");
  EXPECT_EQ(bundle.verifier_keys_size(), 1);
  EXPECT_EQ(bundle.tree_size(), 5u);
  EXPECT_EQ(bundle.first_seq(), 1u);
  ASSERT_EQ(bundle.entries_size(), 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(bundle.entries(i).entry(), "entry-" + std::to_string(i + 1));
    EXPECT_EQ(bundle.entries(i).proof(0), std::string(32, static_cast<char>('a' + i + 1)));
  }

  // From 0: three parts (2 + 2 + 1); the header argument is optional.
  std::ostringstream all;
  auto five = client_->ExportAudit(v1::ExportAuditRequest(), all);
  ASSERT_TRUE(five.ok()) << five.status();
  EXPECT_EQ(*five, 5);
  ASSERT_TRUE(bundle.ParseFromString(all.str()));
  EXPECT_EQ(bundle.entries_size(), 5);
  EXPECT_EQ(bundle.checkpoint(), "newest\n");
  EXPECT_EQ(bundle.first_seq(), 0u);
}

TEST_F(VaultClientTest, ExportAuditFailures) {
  // The server fails after the first part: its status, not a count.
  v1::ExportAuditRequest req;
  req.set_first_seq(99);
  std::ostringstream out;
  auto failed = client_->ExportAudit(req, out);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(failed.status().message(), "entry 2: unreadable");

  // To a file: nothing is left behind.
  const std::string path = (dir_ / "bundle.bin").string();
  EXPECT_EQ(client_->ExportAuditToFile(req, path).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));

  // A failing output stream cancels the export: ABORTED.
  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  auto aborted = client_->ExportAudit(v1::ExportAuditRequest(), broken);
  EXPECT_EQ(aborted.status().code(), absl::StatusCode::kAborted) << aborted.status();

  // A good export to a file: mode 0600, the bytes ExportAudit writes.
  v1::AuditBundle header;
  auto written = client_->ExportAuditToFile(v1::ExportAuditRequest(), path, &header);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, 5);
  EXPECT_EQ(header.tree_size(), 5u);
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(path, std::ios::binary);
  std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ostringstream expected;
  ASSERT_TRUE(client_->ExportAudit(v1::ExportAuditRequest(), expected).ok());
  EXPECT_TRUE(got == expected.str());
}

TEST(VaultctlFormatTest, CheckpointAndPublicKeys) {
  v1::Checkpoint checkpoint;
  const std::string note =
      "example.org/audit\n7\nq80=\n\n\xE2\x80\x94 example.org/audit "
      "AAAAAA==\n";
  checkpoint.set_note(note);
  std::ostringstream out;
  hoidla::vaultctl::PrintCheckpoint(checkpoint, out);
  EXPECT_EQ(out.str(), note);  // byte for byte, so it can be saved
  checkpoint.set_note("origin\x1b[2J\n1\n");
  std::ostringstream escaped;
  hoidla::vaultctl::PrintCheckpoint(checkpoint, escaped);
  EXPECT_EQ(escaped.str(), "origin\\x1b[2J\n1\n");

  v1::AuditPublicKeys keys;
  keys.add_verifier_keys("a+00000000+AQ==");
  keys.add_verifier_keys("a+00000001+AQ==");
  std::ostringstream lines;
  hoidla::vaultctl::PrintAuditPublicKeys(keys, lines);
  EXPECT_EQ(lines.str(), "a+00000000+AQ==\na+00000001+AQ==\n");
}

TEST(VaultctlFormatTest, Memberships) {
  using ::hoidla::vaultctl::MembershipString;
  EXPECT_EQ(MembershipString(MakeMembership("system_administrator")), "system_administrator");
  EXPECT_EQ(MembershipString(MakeMembership("auditor", "org_a")), "auditor@org_a");
  EXPECT_EQ(MembershipString(MakeMembership("case_worker", "org_a", "prj_b")),
            "case_worker@org_a/prj_b");
  EXPECT_EQ(hoidla::vaultctl::PrincipalKindName(v1::PRINCIPAL_KIND_PARTNER_WORKER),
            "partner_worker");
  EXPECT_EQ(hoidla::vaultctl::CaseVisibilityName(v1::CASE_VISIBILITY_WHOLE_PROJECT),
            "whole_project");
  EXPECT_EQ(hoidla::vaultctl::PrincipalKindName(static_cast<v1::PrincipalKind>(42)), "42");
}

TEST(VaultctlFormatTest, PrincipalsWhoAmIAndToken) {
  v1::Principal p;
  p.set_id("prn_1");
  p.set_display_name("Mari\tMaasikas");
  p.set_kind(v1::PRINCIPAL_KIND_STAFF);
  p.set_organization_id("org_a");
  *p.add_memberships() = MakeMembership("case_worker", "org_a", "prj_b");
  *p.add_memberships() = MakeMembership("auditor", "org_a");

  std::ostringstream one;
  hoidla::vaultctl::PrintPrincipal(p, one);
  EXPECT_EQ(one.str(),
            "id: prn_1\n"
            "display_name: Mari\\tMaasikas\n"
            "kind: staff\n"
            "organization_id: org_a\n"
            "membership: case_worker@org_a/prj_b\n"
            "membership: auditor@org_a\n");

  v1::ListPrincipalsResponse list;
  *list.add_principals() = p;
  v1::Principal bare;
  bare.set_id("prn_2");
  bare.set_kind(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT);
  bare.set_display_name("frontend");
  *list.add_principals() = bare;
  list.set_next_page_token("next");
  std::ostringstream rows, note;
  hoidla::vaultctl::PrintPrincipals(list, rows, note);
  EXPECT_EQ(rows.str(),
            "prn_1\tstaff\tMari\\tMaasikas\tcase_worker@org_a/prj_b, "
            "auditor@org_a\n"
            "prn_2\tservice_account\tfrontend\t-\n");
  EXPECT_EQ(note.str(), "next_page_token: next\n");

  v1::WhoAmIResponse who;
  who.set_principal_id("prn_1");
  who.set_display_name("Mari");
  who.add_roles("case_worker");
  who.add_roles("auditor");
  *who.mutable_principal() = p;
  std::ostringstream whoami;
  hoidla::vaultctl::PrintWhoAmI(who, whoami);
  EXPECT_EQ(whoami.str(),
            "id: prn_1\n"
            "display_name: Mari\n"
            "roles: case_worker, auditor\n"
            "kind: staff\n"
            "organization_id: org_a\n"
            "membership: case_worker@org_a/prj_b\n"
            "membership: auditor@org_a\n");

  v1::IssueTokenResponse token;
  token.set_token("hdl_abc");
  token.set_token_id("tok_1");
  token.mutable_expires_at()->set_seconds(86400);
  std::ostringstream issued;
  hoidla::vaultctl::PrintIssueToken(token, issued);
  EXPECT_EQ(issued.str(),
            "token: hdl_abc\n"
            "token_id: tok_1\n"
            "expires_at: 1970-01-02T00:00:00Z\n");
}

TEST(VaultctlFormatTest, ProjectVisibilityAndCaseWorker) {
  v1::Project project;
  project.set_id("prj_1");
  project.set_organization_id("org_a");
  project.set_name("Tugi");
  std::ostringstream unset;
  hoidla::vaultctl::PrintProject(project, unset);
  EXPECT_EQ(unset.str().find("case_visibility"), std::string::npos);
  project.set_case_visibility(v1::CASE_VISIBILITY_ASSIGNED_CASES);
  std::ostringstream set;
  hoidla::vaultctl::PrintProject(project, set);
  EXPECT_NE(set.str().find("\ncase_visibility: assigned_cases\n"), std::string::npos);

  v1::Case c;
  c.set_id("cas_1");
  c.set_status(v1::CASE_STATUS_OPEN);
  c.set_assigned_worker_id("prn_1");
  std::ostringstream one;
  hoidla::vaultctl::PrintCase(c, one);
  EXPECT_NE(one.str().find("\nassigned_worker_id: prn_1\n"), std::string::npos);
}

}  // namespace
}  // namespace hoidla::client
