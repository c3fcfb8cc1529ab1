// The audit log in a running server: fail closed when it cannot be written,
// and what an entry says about a call.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "hoidla/v1/vault.grpc.pb.h"
#include "keys/crypto.h"
#include "tests/integration/test_support.h"
#include "keys/signed_note.h"
#include "vault/audit/audit_log.h"
#include "vault/audit/bundle.h"
#include "vault/audit/checkpoints.h"
#include "vault/audit/merkle.h"
#include "vault/service/server.h"
#include "vault/storage/fault_injecting_store.h"
#include "vault/storage/memory_store.h"
#include "vault/common/strings.h"

namespace hoidla {
namespace {

namespace v1 = ::hoidla::v1;
using grpc::health::v1::HealthCheckResponse;

class AuditedServer : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(keys::InitCrypto().ok());
    service::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = dir_.path() + "/data";
    auto s = service::VaultServer::Start(config, keys::NewKey(), keys::MasterKeyMode::kDev,
                                         &faulty_);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
    admin_ = *server_->bootstrap_token();
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                       grpc::InsecureChannelCredentials());
    stub_ = v1::Vault::NewStub(channel);
    health_ = grpc::health::v1::Health::NewStub(channel);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::seconds(2));
  }

  grpc::Status CreateOrg(const std::string& name, v1::Organization* out) {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + admin_);
    v1::CreateOrganizationRequest r;
    r.mutable_organization()->set_name(name);
    return stub_->CreateOrganization(&c, r, out);
  }
  grpc::Status GetOrg(const std::string& id) {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + admin_);
    v1::GetOrganizationRequest r;
    r.set_id(id);
    v1::Organization out;
    return stub_->GetOrganization(&c, r, &out);
  }
  HealthCheckResponse::ServingStatus Health() {
    grpc::ClientContext c;
    grpc::health::v1::HealthCheckRequest r;
    HealthCheckResponse out;
    if (!health_->Check(&c, r, &out).ok()) return HealthCheckResponse::UNKNOWN;
    return out.status();
  }
  audit::Entry Last() {
    auto* log = server_->audit_log();
    auto e = log->Get(log->size() - 1);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : audit::Entry();
  }

  testing::TempDir dir_;
  storage::MemoryStore memory_;
  storage::FaultInjectingStore faulty_{&memory_};
  std::unique_ptr<service::VaultServer> server_;
  std::string admin_;
  std::unique_ptr<v1::Vault::Stub> stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

TEST_F(AuditedServer, UnwritableLogRefusesCallsReportsNotServingAndRecovers) {
  v1::Organization org;
  ASSERT_TRUE(CreateOrg("Enne", &org).ok());
  EXPECT_EQ(Health(), HealthCheckResponse::SERVING);
  const uint64_t size_before = server_->audit_log()->size();

  faulty_.FailWritesAfter(0);
  v1::Organization lost;
  // A write is refused and leaves nothing; a read is not served unaudited.
  EXPECT_EQ(CreateOrg("Ajal", &lost).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(GetOrg(org.id()).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Health(), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(server_->audit_log()->size(), size_before);

  faulty_.Heal();
  // The prober notices within a few seconds.
  for (int i = 0; i < 50 && Health() != HealthCheckResponse::SERVING; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(Health(), HealthCheckResponse::SERVING);
  EXPECT_TRUE(GetOrg(org.id()).ok());
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + admin_);
  v1::ListOrganizationsResponse all;
  ASSERT_TRUE(stub_->ListOrganizations(&c, v1::ListOrganizationsRequest(), &all).ok());
  EXPECT_EQ(all.organizations_size(), 1) << "the refused write left nothing";
  EXPECT_EQ(server_->audit_log()->size(), size_before + 2);
}

TEST_F(AuditedServer, AnEntryNamesCallerActionTargetDecisionAndOutcomeButNoContent) {
  v1::Organization org;
  ASSERT_TRUE(CreateOrg("Tugikeskus Päikesekiir", &org).ok());
  audit::Entry created = Last();
  EXPECT_EQ(created.method(), "CreateOrganization");
  EXPECT_EQ(created.action(), "write_organization");
  EXPECT_TRUE(created.allowed());
  EXPECT_EQ(created.reason(), "role:system_administrator");
  EXPECT_EQ(created.status(), "OK");
  EXPECT_FALSE(created.actor().empty());
  EXPECT_FALSE(created.request_id().empty());
  EXPECT_FALSE(created.peer().empty());
  EXPECT_EQ(created.SerializeAsString().find("Päikesekiir"), std::string::npos)
      << "no names in the log";

  ASSERT_TRUE(GetOrg(org.id()).ok());
  audit::Entry read = Last();
  EXPECT_EQ(read.method(), "GetOrganization");
  EXPECT_EQ(read.action(), "read_organization");
  EXPECT_EQ(read.organization_id(), org.id());
  EXPECT_EQ(read.seq(), created.seq() + 1);
  EXPECT_GE(read.time_micros(), created.time_micros());
}

TEST_F(AuditedServer, SignedCheckpointsAndProofsVerifyWithTheExportedKeyAlone) {
  auto call = [&](auto method, const auto& req, auto* resp) {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + admin_);
    return ((*stub_).*method)(&c, req, resp);
  };
  v1::AuditPublicKeys keys;
  ASSERT_TRUE(call(&v1::Vault::Stub::GetAuditPublicKeys, v1::GetAuditPublicKeysRequest(), &keys)
                  .ok());
  ASSERT_EQ(keys.verifier_keys_size(), 1);
  auto verifier = keys::ParseVerifierKey(keys.verifier_keys(0));
  ASSERT_TRUE(verifier.ok()) << verifier.status();

  // Everything below uses only the notes, the proofs and the public key.
  auto checkpoint = [&]() -> audit::TreeHead {
    v1::GetCheckpointRequest req;
    req.set_fresh(true);
    v1::Checkpoint cp;
    EXPECT_TRUE(call(&v1::Vault::Stub::GetCheckpoint, req, &cp).ok());
    auto text = keys::OpenNote(cp.note(), *verifier);
    EXPECT_TRUE(text.ok()) << text.status();
    auto head = audit::ParseCheckpointBody(text.ok() ? *text : "", keys.origin());
    EXPECT_TRUE(head.ok()) << head.status();
    return head.ok() ? *head : audit::TreeHead();
  };
  audit::TreeHead a = checkpoint();
  v1::Organization org;
  ASSERT_TRUE(CreateOrg("Kolmas", &org).ok());
  ASSERT_TRUE(GetOrg(org.id()).ok());
  audit::TreeHead b = checkpoint();
  ASSERT_GT(b.size, a.size);

  v1::GetConsistencyProofRequest creq;
  creq.set_old_size(a.size);
  creq.set_new_size(b.size);
  v1::ConsistencyProof cproof;
  ASSERT_TRUE(call(&v1::Vault::Stub::GetConsistencyProof, creq, &cproof).ok());
  std::vector<std::string> chashes(cproof.hashes().begin(), cproof.hashes().end());
  EXPECT_TRUE(audit::VerifyConsistency(a.size, b.size, a.root, b.root, chashes).ok());

  v1::GetInclusionProofRequest ireq;
  ireq.set_seq(b.size - 2);
  ireq.set_tree_size(b.size);
  v1::InclusionProof iproof;
  ASSERT_TRUE(call(&v1::Vault::Stub::GetInclusionProof, ireq, &iproof).ok());
  std::vector<std::string> ihashes(iproof.hashes().begin(), iproof.hashes().end());
  EXPECT_TRUE(audit::VerifyInclusion(audit::LeafHash(iproof.entry()), ireq.seq(), b.size,
                                     ihashes, b.root)
                  .ok());
  audit::Entry entry;
  ASSERT_TRUE(entry.ParseFromString(iproof.entry()));
  EXPECT_EQ(entry.seq(), ireq.seq());
  // An altered entry does not verify.
  std::string altered = iproof.entry();
  altered[altered.size() / 2] ^= 0x01;
  EXPECT_EQ(audit::VerifyInclusion(audit::LeafHash(altered), ireq.seq(), b.size, ihashes,
                                   b.root)
                .code(),
            absl::StatusCode::kDataLoss);
}

// Exports the whole log under the newest signed checkpoint, as one bundle.
v1::AuditBundle Export(v1::Vault::Stub* stub, const std::string& token) {
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + token);
  auto reader = stub->ExportAudit(&c, v1::ExportAuditRequest());
  std::string bytes;
  v1::AuditBundle part;
  while (reader->Read(&part)) bytes += part.SerializeAsString();
  EXPECT_TRUE(reader->Finish().ok());
  v1::AuditBundle bundle;
  EXPECT_TRUE(bundle.ParseFromString(bytes));
  return bundle;
}

TEST_F(AuditedServer, VerifyingAnExportNamesEveryKindOfTamperingWithStoredEntries) {
  for (int i = 0; i < 12; ++i) {
    v1::Organization org;
    ASSERT_TRUE(CreateOrg("Org " + std::to_string(i), &org).ok());
  }
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + admin_);
  v1::GetCheckpointRequest fresh;
  fresh.set_fresh(true);
  v1::Checkpoint cp;
  ASSERT_TRUE(stub_->GetCheckpoint(&c, fresh, &cp).ok());
  const uint64_t n = cp.tree_size();
  ASSERT_GE(n, 12u);
  v1::AuditPublicKeys keys;
  {
    grpc::ClientContext k;
    k.AddMetadata("authorization", "Bearer " + admin_);
    ASSERT_TRUE(stub_->GetAuditPublicKeys(&k, v1::GetAuditPublicKeysRequest(), &keys).ok());
  }
  auto verifier = keys::ParseVerifierKey(keys.verifier_keys(0));
  ASSERT_TRUE(verifier.ok());
  storage::KvStore& kv = memory_;
  auto raw = [&](uint64_t seq) { return *kv.Get(storage::Space::kAudit, audit::AuditLog::EntryKey(seq)); };
  auto put = [&](uint64_t seq, const std::string& bytes) {
    storage::WriteBatch b;
    b.Put(storage::Space::kAudit, audit::AuditLog::EntryKey(seq), bytes);
    ASSERT_TRUE(kv.Write(b).ok());
  };
  auto del = [&](uint64_t seq) {
    storage::WriteBatch b;
    b.Delete(storage::Space::kAudit, audit::AuditLog::EntryKey(seq));
    ASSERT_TRUE(kv.Write(b).ok());
  };
  std::vector<std::string> original;
  for (uint64_t i = 0; i < n; ++i) original.push_back(raw(i));
  auto restore = [&] {
    for (uint64_t i = 0; i < n; ++i) put(i, original[i]);
  };
  auto verdict = [&]() -> std::string {
    auto report = audit::VerifyBundle(Export(stub_.get(), admin_), *verifier);
    return report.ok() ? "ok" : std::string(report.status().message());
  };

  EXPECT_EQ(verdict(), "ok");

  audit::Entry e;
  ASSERT_TRUE(e.ParseFromString(original[5]));
  e.set_actor("prn_someone_else");  // change a field
  put(5, e.SerializeAsString());
  EXPECT_EQ(verdict(), "entry 5: altered or inserted");
  restore();

  del(7);  // delete one
  EXPECT_EQ(verdict(), "entry 7: missing");
  restore();

  put(3, original[4]);  // swap two
  put(4, original[3]);
  EXPECT_EQ(verdict(), "entry 3: out of order (holds entry 4)");
  restore();

  del(n - 1);  // truncate the tail
  del(n - 2);
  EXPECT_EQ(verdict(), StrCat("entries from ", n - 2, ": missing (tail cut)"));
  restore();

  audit::Entry forged;  // insert one at 9, shifting the rest
  forged.set_seq(9);
  forged.set_method("GetClient");
  forged.set_status("OK");
  for (uint64_t i = n - 1; i > 9; --i) {
    audit::Entry moved;
    ASSERT_TRUE(moved.ParseFromString(original[i - 1]));
    moved.set_seq(i);
    put(i, moved.SerializeAsString());
  }
  put(9, forged.SerializeAsString());
  EXPECT_EQ(verdict(), "entry 9: altered or inserted");
  restore();
  EXPECT_EQ(verdict(), "ok");
}

}  // namespace
}  // namespace hoidla
