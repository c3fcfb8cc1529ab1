// Tests of vaultctl's audit checks against real signed checkpoints and
// Merkle proofs: verifier key files, offline bundle verification (the
// library and the `vaultctl audit verify` binary, which must not need a
// server), and `audit watch` following a fake vault whose log grows, is
// rewritten, shrinks or is signed by another key. The fake vault listens on
// a loopback port so the vaultctl binary can talk to it.
#include "client/vaultctl_audit.h"

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
#include "grpcpp/grpcpp.h"
#include "hoidla/storage/v1/records.pb.h"
#include "keys/crypto.h"
#include "keys/signed_note.h"
#include "tests/client/fake_services.h"
#include "vault/audit/bundle.h"
#include "vault/audit/checkpoints.h"
#include "vault/audit/merkle.h"

#ifndef VAULTCTL_PATH
#error "VAULTCTL_PATH must name the vaultctl binary"
#endif

namespace hoidla::vaultctl {
namespace {

namespace v1 = ::hoidla::v1;

const bool kCryptoReady = [] {
  if (!keys::InitCrypto().ok()) std::abort();
  return true;
}();

constexpr char kOrigin[] = "test.example.org/audit";

keys::SecureBuffer NewSeed() {
  keys::SecureBuffer seed(keys::kEd25519SeedBytes);
  keys::RandomBytes(seed.data(), seed.size());
  return seed;
}

std::string VerifierKeyOf(const keys::SecureBuffer& seed) {
  return keys::VerifierKeyString(kOrigin, keys::Ed25519PublicKey(seed));
}

// A serialised AuditEntry whose method, "Method-<seq, 6 digits>", occurs
// nowhere else in a bundle (so a test can find and alter it).
std::string EntryBytes(uint64_t seq, const std::string& method = "") {
  ::hoidla::storage::v1::AuditEntry entry;
  entry.set_seq(seq);
  char name[32];
  std::snprintf(name, sizeof(name), "Method-%06llu", static_cast<unsigned long long>(seq));
  entry.set_method(method.empty() ? name : method);
  entry.set_actor("prn_test");
  entry.set_status("OK");
  return entry.SerializeAsString();
}

// An audit log in memory with its signing key.
class TestLog {
 public:
  explicit TestLog(uint64_t size) : seed_(NewSeed()) { Append(size); }

  void Append(uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) entries_.push_back(EntryBytes(entries_.size()));
  }
  uint64_t size() const { return entries_.size(); }
  std::vector<std::string>& entries() { return entries_; }
  const keys::SecureBuffer& seed() const { return seed_; }
  std::string VerifierKey() const { return VerifierKeyOf(seed_); }

  std::string Root(uint64_t size) const {
    auto root = audit::RootHash(Source(), size);
    EXPECT_TRUE(root.ok()) << root.status();
    return root.ok() ? *root : "";
  }
  // The checkpoint of the first `size` entries, signed with `seed` (default:
  // the log's own key).
  std::string Note(uint64_t size, const keys::SecureBuffer* seed = nullptr) const {
    auto note = keys::SignNote(audit::CheckpointBody(kOrigin, {size, Root(size)}), kOrigin,
                               seed != nullptr ? *seed : seed_);
    EXPECT_TRUE(note.ok()) << note.status();
    return note.ok() ? *note : "";
  }
  absl::StatusOr<std::vector<std::string>> Consistency(uint64_t old_size, uint64_t new_size) const {
    return audit::ConsistencyProof(Source(), old_size, new_size);
  }
  // The bundle of entries first_seq .. size-1 with a checkpoint of `size`.
  v1::AuditBundle Bundle(uint64_t first_seq, uint64_t size) const {
    v1::AuditBundle bundle;
    bundle.set_format(audit::kBundleFormat);
    bundle.set_origin(kOrigin);
    bundle.add_verifier_keys(VerifierKey());
    bundle.set_checkpoint(Note(size));
    bundle.set_tree_size(size);
    bundle.set_first_seq(first_seq);
    const audit::VectorLeafHashes source = Source();
    for (uint64_t seq = first_seq; seq < size; ++seq) {
      v1::AuditBundleEntry* entry = bundle.add_entries();
      entry->set_entry(entries_[seq]);
      auto proof = audit::InclusionProof(source, seq, size);
      EXPECT_TRUE(proof.ok()) << proof.status();
      for (const std::string& hash : *proof) entry->add_proof(hash);
    }
    return bundle;
  }

 private:
  audit::VectorLeafHashes Source() const { return audit::VectorLeafHashes::FromEntries(entries_); }

  keys::SecureBuffer seed_;
  std::vector<std::string> entries_;
};

// A vault serving `log`'s checkpoints, consistency proofs, keys and exports.
class FakeAuditVault final {
 public:
  explicit FakeAuditVault(TestLog* log) : log_(log) {}

  // Call with mu() held when changing the log or these settings.
  std::mutex& mu() { return mu_; }
  // The checkpoint size served (default: the whole log).
  void set_served_size(uint64_t size) { served_size_ = size; }
  // Sign checkpoints with another key.
  void set_signer(const keys::SecureBuffer* seed) { signer_ = seed; }
  // Serve consistency proofs of wrong hashes.
  void set_bad_proofs(bool bad) { bad_proofs_ = bad; }
  int consistency_calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return consistency_calls_;
  }

  grpc::Status GetCheckpoint(grpc::ServerContext*, const v1::GetCheckpointRequest*,
                             v1::Checkpoint* response) {
    std::lock_guard<std::mutex> lock(mu_);
    const uint64_t size = served_size_ > 0 ? served_size_ : log_->size();
    response->set_note(log_->Note(size, signer_));
    response->set_tree_size(size);
    response->set_root_hash(log_->Root(size));
    return grpc::Status::OK;
  }

  grpc::Status GetConsistencyProof(grpc::ServerContext*,
                                   const v1::GetConsistencyProofRequest* request,
                                   v1::ConsistencyProof* response) {
    std::lock_guard<std::mutex> lock(mu_);
    ++consistency_calls_;
    auto proof = log_->Consistency(request->old_size(), request->new_size());
    if (!proof.ok()) {
      return {grpc::StatusCode::OUT_OF_RANGE, std::string(proof.status().message())};
    }
    response->set_old_size(request->old_size());
    response->set_new_size(request->new_size());
    for (const std::string& hash : *proof) {
      response->add_hashes(bad_proofs_ ? std::string(audit::kHashSize, 'x') : hash);
    }
    return grpc::Status::OK;
  }

  grpc::Status GetAuditPublicKeys(grpc::ServerContext*, const v1::GetAuditPublicKeysRequest*,
                                  v1::AuditPublicKeys* response) {
    std::lock_guard<std::mutex> lock(mu_);
    response->set_origin(kOrigin);
    response->add_verifier_keys(VerifierKeyOf(other_));
    response->add_verifier_keys(log_->VerifierKey());
    return grpc::Status::OK;
  }

  // Streams the bundle in parts of three entries, the header in the first.
  grpc::Status ExportAudit(grpc::ServerContext*, const v1::ExportAuditRequest* request,
                           grpc::ServerWriter<v1::AuditBundle>* writer) {
    v1::AuditBundle bundle;
    {
      std::lock_guard<std::mutex> lock(mu_);
      bundle = log_->Bundle(request->first_seq(), log_->size());
    }
    v1::AuditBundle part = bundle;
    part.clear_entries();
    for (int i = 0; i < bundle.entries_size(); ++i) {
      *part.add_entries() = bundle.entries(i);
      if (part.entries_size() == 3 || i + 1 == bundle.entries_size()) {
        if (!writer->Write(part)) return {grpc::StatusCode::CANCELLED, "gone"};
        part.Clear();
      }
    }
    return grpc::Status::OK;
  }

 private:
  std::mutex mu_;
  TestLog* log_;
  keys::SecureBuffer other_ = NewSeed();  // an older key, listed first
  uint64_t served_size_ = 0;
  const keys::SecureBuffer* signer_ = nullptr;
  bool bad_proofs_ = false;
  int consistency_calls_ = 0;
};

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

class VaultctlAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(kCryptoReady);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    for (grpc::Service* s : services_.all()) builder.RegisterService(s);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    client_ =
        client::VaultClient::FromChannel(server_->InProcessChannel(grpc::ChannelArguments()), "t");
    dir_ = std::filesystem::temp_directory_path() /
           StrCat("vaultctl_audit_test_", ::getpid(), "_",
                  std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    client_.reset();
    server_->Shutdown();
    std::filesystem::remove_all(dir_);
  }

  // vaultctl with the fake's address and a token.
  Result Online(const std::string& args) {
    return Vaultctl(StrCat("--server 127.0.0.1:", port_, " --token t ", args));
  }

  std::vector<keys::NoteVerifier> Verifiers() {
    auto v = ParseVerifierKeys(log_.VerifierKey());
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::vector<keys::NoteVerifier>{};
  }

  TestLog log_{4};
  FakeAuditVault service_{&log_};
  testing::FakeServices<FakeAuditVault> services_{&service_};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<client::VaultClient> client_;
  std::filesystem::path dir_;
};

TEST(VerifierKeysTest, ParsesLinesSkippingCommentsAndBlanks) {
  const std::string a = VerifierKeyOf(NewSeed());
  const std::string b = VerifierKeyOf(NewSeed());
  auto keys = ParseVerifierKeys(StrCat("# trusted keys\n\n  ", a, " \r\n", b));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].name, kOrigin);

  auto bad = ParseVerifierKeys(StrCat(a, "\nnot a key\n"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::string(bad.status().message()).starts_with("line 2: verifier key:"))
      << bad.status();
  EXPECT_EQ(ParseVerifierKeys("# nothing\n\n").status().message(), "no verifier key");
}

TEST(VerifierKeysTest, PicksTheKeyThatSignedTheNote) {
  TestLog log(3);
  const keys::SecureBuffer other = NewSeed();
  auto keys = ParseVerifierKeys(StrCat(VerifierKeyOf(other), "\n", log.VerifierKey(), "\n"));
  ASSERT_TRUE(keys.ok());
  auto picked = VerifierForNote(*keys, log.Note(3));
  ASSERT_TRUE(picked.ok()) << picked.status();
  EXPECT_EQ(picked->key_id, (*keys)[1].key_id);
  auto head = OpenCheckpoint(*keys, log.Note(3));
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->size, 3u);
  EXPECT_EQ(head->root, log.Root(3));

  auto only_other = ParseVerifierKeys(VerifierKeyOf(other));
  EXPECT_EQ(VerifierForNote(*only_other, log.Note(3)).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(OpenCheckpoint(*only_other, log.Note(3)).status().message(),
            "checkpoint: note: not signed by any trusted key");
  // A signature line naming the key whose signature is wrong.
  std::string forged = log.Note(3);
  forged[forged.find('\n') + 1] = '9';  // the tree size, under the signature
  EXPECT_EQ(OpenCheckpoint(*keys, forged).status().code(), absl::StatusCode::kDataLoss);
}

TEST(VerifyBundleBytesTest, VerifiesAndNamesTheAlteredEntry) {
  TestLog log(8);
  auto keys = ParseVerifierKeys(log.VerifierKey());
  ASSERT_TRUE(keys.ok());
  auto report = VerifyBundleBytes(log.Bundle(0, 8).SerializeAsString(), *keys);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->verified, 8u);
  EXPECT_EQ(report->tree_size, 8u);
  EXPECT_EQ(report->root, log.Root(8));
  auto tail = VerifyBundleBytes(log.Bundle(3, 8).SerializeAsString(), *keys);
  ASSERT_TRUE(tail.ok()) << tail.status();
  EXPECT_EQ(tail->first_seq, 3u);
  EXPECT_EQ(tail->verified, 5u);

  v1::AuditBundle altered = log.Bundle(0, 8);
  altered.mutable_entries(4)->set_entry(EntryBytes(4, "Altered"));
  auto bad = VerifyBundleBytes(altered.SerializeAsString(), *keys);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(bad.status().message(), "entry 4: altered or inserted");

  EXPECT_EQ(VerifyBundleBytes("\xff\xff garbage", *keys).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::AuditBundle other_format = log.Bundle(0, 8);
  other_format.set_format("something/v9");
  EXPECT_EQ(VerifyBundleBytes(other_format.SerializeAsString(), *keys).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto stranger = ParseVerifierKeys(VerifierKeyOf(NewSeed()));
  EXPECT_EQ(VerifyBundleBytes(log.Bundle(0, 8).SerializeAsString(), *stranger).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(VaultctlAuditTest, WatchRoundTrustsFirstThenFollowsTheLog) {
  const auto keys = Verifiers();
  auto first = WatchRound(*client_, keys, std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->kind, WatchResult::Kind::kFirst);
  EXPECT_EQ(first->new_size, 4u);
  EXPECT_EQ(first->note, log_.Note(4));

  {
    std::lock_guard<std::mutex> lock(service_.mu());
    log_.Append(5);
  }
  auto grown = WatchRound(*client_, keys, first->note);
  ASSERT_TRUE(grown.ok()) << grown.status();
  EXPECT_EQ(grown->kind, WatchResult::Kind::kConsistent);
  EXPECT_EQ(grown->old_size, 4u);
  EXPECT_EQ(grown->new_size, 9u);
  EXPECT_EQ(grown->new_root, log_.Root(9));
  EXPECT_EQ(service_.consistency_calls(), 1);

  auto same = WatchRound(*client_, keys, grown->note);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->kind, WatchResult::Kind::kUnchanged);
  EXPECT_EQ(same->new_size, 9u);
  EXPECT_EQ(service_.consistency_calls(), 1);  // equal sizes: roots compared

  // From the empty tree no proof is needed.
  auto from_empty = WatchRound(*client_, keys, log_.Note(0));
  ASSERT_TRUE(from_empty.ok()) << from_empty.status();
  EXPECT_EQ(from_empty->kind, WatchResult::Kind::kConsistent);
  EXPECT_EQ(service_.consistency_calls(), 1);
}

TEST_F(VaultctlAuditTest, WatchRoundDetectsRewrites) {
  const auto keys = Verifiers();
  const std::string trusted = log_.Note(4);
  {
    // Entry 2 rewritten and the log grown past it.
    std::lock_guard<std::mutex> lock(service_.mu());
    log_.entries()[2] = EntryBytes(2, "Rewritten");
    log_.Append(3);
  }
  auto rewritten = WatchRound(*client_, keys, trusted);
  EXPECT_EQ(rewritten.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(rewritten.status().message(),
            "log rewritten: checkpoint 7 is not consistent with trusted 4");

  // Same size, another root.
  {
    std::lock_guard<std::mutex> lock(service_.mu());
    service_.set_served_size(4);
  }
  EXPECT_EQ(WatchRound(*client_, keys, trusted).status().message(),
            "log rewritten: checkpoint 4 is not consistent with trusted 4");

  // A smaller tree than trusted.
  const std::string trusted7 = log_.Note(7);
  {
    std::lock_guard<std::mutex> lock(service_.mu());
    service_.set_served_size(5);
  }
  EXPECT_EQ(WatchRound(*client_, keys, trusted7).status().message(),
            "log rewritten: checkpoint 5 is not consistent with trusted 7");
}

TEST_F(VaultctlAuditTest, WatchRoundRejectsBadProofsKeysAndState) {
  const auto keys = Verifiers();
  const std::string trusted = log_.Note(4);
  const keys::SecureBuffer stranger = NewSeed();
  {
    std::lock_guard<std::mutex> lock(service_.mu());
    log_.Append(4);
    service_.set_bad_proofs(true);
  }
  EXPECT_EQ(WatchRound(*client_, keys, trusted).status().message(),
            "log rewritten: checkpoint 8 is not consistent with trusted 4");
  {
    std::lock_guard<std::mutex> lock(service_.mu());
    service_.set_bad_proofs(false);
    service_.set_signer(&stranger);
  }
  auto unsigned_cp = WatchRound(*client_, keys, trusted);
  EXPECT_EQ(unsigned_cp.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(unsigned_cp.status().message(), "checkpoint: note: not signed by any trusted key");

  auto bad_state = WatchRound(*client_, keys, std::string("not a note\n"));
  EXPECT_EQ(bad_state.status().code(), absl::StatusCode::kFailedPrecondition);
}

// `audit verify` is offline: the unreachable --server and the unreadable
// --token-file would fail any command that connects.
constexpr char kOffline[] = "--server 127.0.0.1:1 --token-file /nonexistent/token ";

TEST_F(VaultctlAuditTest, VerifyBinaryOkThenAlteredByteExits25) {
  TestLog log(8);
  const std::filesystem::path bundle = dir_ / "audit.bundle";
  const std::filesystem::path key = dir_ / "key.txt";
  WriteFile(bundle, log.Bundle(0, 8).SerializeAsString());
  // Several keys (an older one first): the one that signed is used.
  WriteFile(key, StrCat(VerifierKeyOf(NewSeed()), "\n", log.VerifierKey(), "\n"));

  Result ok =
      Vaultctl(StrCat(kOffline, "audit verify ", Quote(bundle), " --public-key ", Quote(key)));
  EXPECT_EQ(ok.code, 0) << ok.output;
  EXPECT_EQ(ok.output, StrCat("verified: 8 entries (seq 0..7) against checkpoint of size 8, "
                              "root ",
                              HexString(log.Root(8)), "\n"));

  // One byte of entry 5 altered in the file.
  std::string bytes = ReadFile(bundle);
  const size_t at = bytes.find("Method-000005");
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(bytes.find("Method-000005", at + 1), std::string::npos);
  bytes[at] = 'N';
  WriteFile(bundle, bytes);
  Result altered =
      Vaultctl(StrCat(kOffline, "audit verify ", Quote(bundle), " --public-key ", Quote(key)));
  EXPECT_EQ(altered.code, 25) << altered.output;
  EXPECT_EQ(altered.output, "error: DATA_LOSS: entry 5: altered or inserted\n");
}

TEST_F(VaultctlAuditTest, VerifyBinaryErrors) {
  TestLog log(3);
  const std::filesystem::path bundle = dir_ / "audit.bundle";
  const std::filesystem::path key = dir_ / "key.txt";
  WriteFile(bundle, log.Bundle(1, 3).SerializeAsString());
  WriteFile(key, log.VerifierKey());
  const std::string key_arg = StrCat(" --public-key ", Quote(key));

  Result tail = Vaultctl(StrCat(kOffline, "audit verify ", Quote(bundle), key_arg));
  EXPECT_EQ(tail.code, 0) << tail.output;
  EXPECT_TRUE(
      tail.output.starts_with("verified: 2 entries (seq 1..2) against checkpoint of "
                              "size 3, root "))
      << tail.output;

  // Not signed by the trusted key: DATA_LOSS.
  const std::filesystem::path stranger = dir_ / "stranger.txt";
  WriteFile(stranger, VerifierKeyOf(NewSeed()));
  Result untrusted =
      Vaultctl(StrCat(kOffline, "audit verify ", Quote(bundle), " --public-key ", Quote(stranger)));
  EXPECT_EQ(untrusted.code, 25) << untrusted.output;
  EXPECT_EQ(untrusted.output,
            "error: DATA_LOSS: checkpoint: note: not signed by any trusted key\n");

  // Malformed bundle or key file: INVALID_ARGUMENT (10 + 3).
  const std::filesystem::path garbage = dir_ / "garbage";
  WriteFile(garbage, "\xff\xff\xff not a bundle");
  Result bad_bundle = Vaultctl(StrCat(kOffline, "audit verify ", Quote(garbage), key_arg));
  EXPECT_EQ(bad_bundle.code, 13) << bad_bundle.output;
  EXPECT_TRUE(bad_bundle.output.starts_with("error: INVALID_ARGUMENT: bundle:"))
      << bad_bundle.output;
  Result bad_key =
      Vaultctl(StrCat(kOffline, "audit verify ", Quote(bundle), " --public-key ", Quote(garbage)));
  EXPECT_EQ(bad_key.code, 13) << bad_key.output;
  EXPECT_NE(bad_key.output.find("--public-key"), std::string::npos) << bad_key.output;

  // Unreadable files: 1.
  Result missing = Vaultctl(StrCat(kOffline, "audit verify ", Quote(dir_ / "none"), key_arg));
  EXPECT_EQ(missing.code, 1) << missing.output;
  Result missing_key = Vaultctl(
      StrCat(kOffline, "audit verify ", Quote(bundle), " --public-key ", Quote(dir_ / "none")));
  EXPECT_EQ(missing_key.code, 1) << missing_key.output;
}

TEST_F(VaultctlAuditTest, ExportThenVerifyOffline) {
  {
    std::lock_guard<std::mutex> lock(service_.mu());
    log_.Append(4);  // 8 entries
  }
  const std::filesystem::path key = dir_ / "keys.txt";
  Result keys = Online("audit public-keys");
  ASSERT_EQ(keys.code, 0) << keys.output;
  EXPECT_TRUE(keys.output.ends_with(StrCat("\n", log_.VerifierKey(), "\n"))) << keys.output;
  WriteFile(key, keys.output);

  const std::filesystem::path bundle = dir_ / "export.bundle";
  Result exported = Online(StrCat("audit export -o ", Quote(bundle), " --from 2"));
  ASSERT_EQ(exported.code, 0) << exported.output;
  EXPECT_EQ(exported.output, "entries: 6\ntree_size: 8\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "export.bundle.part"));

  Result verified =
      Vaultctl(StrCat(kOffline, "audit verify ", Quote(bundle), " --public-key ", Quote(key)));
  EXPECT_EQ(verified.code, 0) << verified.output;
  EXPECT_EQ(verified.output,
            StrCat("verified: 6 entries (seq 2..7) against checkpoint of size 8, root ",
                   HexString(log_.Root(8)), "\n"));
}

TEST_F(VaultctlAuditTest, CheckpointBinary) {
  Result printed = Online("audit checkpoint");
  EXPECT_EQ(printed.code, 0) << printed.output;
  EXPECT_EQ(printed.output, log_.Note(4));

  const std::filesystem::path file = dir_ / "cp.txt";
  Result saved = Online(StrCat("audit checkpoint --fresh -o ", Quote(file)));
  EXPECT_EQ(saved.code, 0) << saved.output;
  EXPECT_EQ(saved.output, StrCat("tree_size: 4\nroot: ", HexString(log_.Root(4)), "\n"));
  EXPECT_EQ(ReadFile(file), log_.Note(4));
}

TEST_F(VaultctlAuditTest, WatchBinaryKeepsStateAndExits25OnRewrite) {
  const std::filesystem::path key = dir_ / "key.txt";
  const std::filesystem::path state = dir_ / "watch.state";
  WriteFile(key, log_.VerifierKey());
  const std::string watch =
      StrCat("audit watch --once --public-key ", Quote(key), " --state ", Quote(state));

  Result first = Online(watch);
  EXPECT_EQ(first.code, 0) << first.output;
  EXPECT_EQ(first.output,
            StrCat("trusted: 4 (first checkpoint, root ", HexString(log_.Root(4)), ")\n"));
  EXPECT_EQ(ReadFile(state), log_.Note(4));

  {
    std::lock_guard<std::mutex> lock(service_.mu());
    log_.Append(3);
  }
  Result grown = Online(watch);
  EXPECT_EQ(grown.code, 0) << grown.output;
  EXPECT_EQ(grown.output, "consistent: 4 -> 7\n");
  const std::string trusted = log_.Note(7);
  EXPECT_EQ(ReadFile(state), trusted);

  Result same = Online(watch);
  EXPECT_EQ(same.code, 0) << same.output;
  EXPECT_EQ(same.output, "unchanged: 7\n");

  {
    std::lock_guard<std::mutex> lock(service_.mu());
    log_.entries()[5] = EntryBytes(5, "Rewritten");
    log_.Append(2);
  }
  Result rewritten = Online(watch);
  EXPECT_EQ(rewritten.code, 25) << rewritten.output;
  EXPECT_EQ(rewritten.output,
            "error: DATA_LOSS: log rewritten: checkpoint 9 is not consistent with trusted 7\n");
  EXPECT_EQ(ReadFile(state), trusted);  // still the last good checkpoint

  // Without --once the watcher exits at the first rewrite as well.
  Result loop = Online(
      StrCat("audit watch --interval 1 --public-key ", Quote(key), " --state ", Quote(state)));
  EXPECT_EQ(loop.code, 25) << loop.output;

  // A smaller tree than trusted is a rewrite too.
  {
    std::lock_guard<std::mutex> lock(service_.mu());
    service_.set_served_size(6);
  }
  Result shrunk = Online(watch);
  EXPECT_EQ(shrunk.code, 25) << shrunk.output;
  EXPECT_EQ(shrunk.output,
            "error: DATA_LOSS: log rewritten: checkpoint 6 is not consistent with trusted 7\n");
}

}  // namespace
}  // namespace hoidla::vaultctl
