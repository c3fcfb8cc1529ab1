// The audit log's cost, in one run:
//   1. small-document write (UploadDocument, 1 KiB) and read
//      (DownloadDocument of it) throughput with 32 concurrent clients against
//      an audited vault, next to the same operations against a vault whose
//      audit append is a no-op: this benchmark's own store wrapper drops the
//      log's writes (and skips writes left empty). The wrapper exists only
//      here, never in the shipped server. Target: audited >= 70%.
//   2. offline verification speed of an exported bundle, entries per second.
// Both vaults run in this process on RocksDB in temporary folders.
//
// Usage: audit_bench [--seconds S] [--clients N] [--rounds R]   (defaults 2, 32, 3)
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <thread>
#include <vector>

#include "keys/crypto.h"
#include "keys/signed_note.h"
#include "tests/integration/api_stub.h"
#include "tests/integration/enrol.h"
#include "tests/integration/test_support.h"
#include "vault/audit/bundle.h"
#include "vault/server/server.h"
#include "vault/storage/rocksdb_store.h"

namespace {

namespace v1 = ::hoidla::v1;
using Clock = std::chrono::steady_clock;
using hoidla::storage::Space;

// Drops the audit log's writes: the audit append as a no-op.
class NoAuditStore : public hoidla::storage::KvStore {
 public:
  explicit NoAuditStore(hoidla::storage::KvStore* base) : base_(base) {}
  absl::StatusOr<std::string> Get(Space space, std::string_view key,
                                  const hoidla::storage::Snapshot* snapshot) override {
    return base_->Get(space, key, snapshot);
  }
  absl::Status Write(const hoidla::storage::WriteBatch& batch,
                     const hoidla::storage::WriteOptions& options) override {
    hoidla::storage::WriteBatch kept;
    for (const auto& op : batch.ops()) {
      if (op.space == Space::kAudit) continue;
      if (op.type == hoidla::storage::WriteBatch::OpType::kPut) {
        kept.Put(op.space, op.key, op.value);
      } else {
        kept.Delete(op.space, op.key);
      }
    }
    if (kept.empty()) return absl::OkStatus();
    return base_->Write(kept, options);
  }
  std::shared_ptr<const hoidla::storage::Snapshot> NewSnapshot() override {
    return base_->NewSnapshot();
  }
  std::unique_ptr<hoidla::storage::Iterator> Scan(Space space, std::string_view prefix,
                                                  std::string_view start,
                                                  const hoidla::storage::Snapshot* s) override {
    return base_->Scan(space, prefix, start, s);
  }

 private:
  hoidla::storage::KvStore* base_;
};

struct Vault {
  hoidla::testing::TempDir dir;
  std::unique_ptr<hoidla::storage::RocksDbStore> rocks;
  std::unique_ptr<NoAuditStore> no_audit;
  std::unique_ptr<hoidla::service::VaultServer> server;
  std::unique_ptr<hoidla::testing::ApiStub> stub;
  std::string admin, token, project, client;
};

template <typename Resp, typename Req, typename M>
Resp Must(hoidla::testing::ApiStub* stub, M method, const std::string& token, const Req& req) {
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + token);
  Resp out;
  grpc::Status s = (stub->*method)(&c, req, &out);
  if (!s.ok()) {
    std::cerr << "setup failed: " << s.error_message() << "\n";
    std::exit(1);
  }
  return out;
}

std::unique_ptr<Vault> StartVault(bool audited) {
  auto v = std::make_unique<Vault>();
  auto rocks = hoidla::storage::RocksDbStore::Open(v->dir.path() + "/db");
  if (!rocks.ok()) std::exit(1);
  v->rocks = std::move(*rocks);
  hoidla::storage::KvStore* store = v->rocks.get();
  if (!audited) {
    v->no_audit = std::make_unique<NoAuditStore>(v->rocks.get());
    store = v->no_audit.get();
  }
  hoidla::service::ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.data_dir = v->dir.path() + "/data";
  auto s = hoidla::service::VaultServer::Start(config, hoidla::keys::NewKey(),
                                               hoidla::keys::MasterKeyMode::kDev, store);
  if (!s.ok()) {
    std::cerr << s.status() << "\n";
    std::exit(1);
  }
  v->server = std::move(*s);
  v->admin = *v->server->bootstrap_token();
  v->stub = std::make_unique<hoidla::testing::ApiStub>(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(v->server->port()), grpc::InsecureChannelCredentials()));
  auto* stub = v->stub.get();
  v1::CreateOrganizationRequest co;
  co.mutable_organization()->set_name("Bench");
  auto org =
      Must<v1::Organization>(stub, &hoidla::testing::ApiStub::CreateOrganization, v->admin, co);
  // The head signs in through a test identity provider.
  hoidla::testing::TestIdentityProvider idp;
  hoidla::testing::Enrolment enrol(stub, v->admin, &idp);
  enrol.TrustIdentityProvider(org.id());
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("Head");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  cp.mutable_principal()->set_organization_id(org.id());
  auto head = Must<v1::Principal>(stub, &hoidla::testing::ApiStub::CreatePrincipal, v->admin, cp);
  enrol.Grant(head.id(), "head_of_organization", org.id(), "");
  v->token = enrol.Login(head.id());
  if (v->token.empty()) {
    std::cerr << "setup failed: sign-in\n";
    std::exit(1);
  }
  v1::CreateProjectRequest pr;
  pr.mutable_project()->set_organization_id(org.id());
  pr.mutable_project()->set_name("P");
  v->project = Must<v1::Project>(stub, &hoidla::testing::ApiStub::CreateProject, v->token, pr).id();
  v1::CreateClientRequest cl;
  cl.mutable_client()->set_organization_id(org.id());
  cl.mutable_client()->add_project_ids(v->project);
  cl.mutable_client()->set_given_name("Mari");
  cl.mutable_client()->set_family_name("Tamm");
  cl.mutable_client()->set_no_personal_code_reason("benchmark");
  v->client = Must<v1::Client>(stub, &hoidla::testing::ApiStub::CreateClient, v->token, cl).id();
  return v;
}

bool Upload(Vault& v, const std::string& data, std::string* id) {
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + v.token);
  v1::Document doc;
  auto w = v.stub->UploadDocument(&c, &doc);
  v1::UploadDocumentRequest h;
  h.mutable_header()->set_project_id(v.project);
  h.mutable_header()->set_client_id(v.client);
  h.mutable_header()->set_title("Hindamine");
  h.mutable_header()->set_kind("assessment");
  h.mutable_header()->set_content_type("application/pdf");
  v1::UploadDocumentRequest d;
  d.set_data(data);
  bool ok = w->Write(h) && w->Write(d) && w->WritesDone() && w->Finish().ok();
  if (ok && id != nullptr) *id = doc.id();
  return ok;
}

bool Download(Vault& v, const std::string& id) {
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + v.token);
  v1::DownloadDocumentRequest r;
  r.set_id(id);
  auto reader = v.stub->DownloadDocument(&c, r);
  v1::DownloadDocumentResponse part;
  while (reader->Read(&part)) {
  }
  return reader->Finish().ok();
}

template <typename Op>
double Throughput(int clients, double seconds, Op op) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> done{0};
  std::vector<std::thread> pool;
  auto t0 = Clock::now();
  for (int i = 0; i < clients; ++i) {
    pool.emplace_back([&] {
      int64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) n += op() ? 1 : 0;
      done += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : pool) t.join();
  return done / std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  int clients = 32;
  int rounds = 3;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::stod(argv[i + 1]);
    if (std::strcmp(argv[i], "--clients") == 0) clients = std::stoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::max(1, std::stoi(argv[i + 1]));
  }
  if (!hoidla::keys::InitCrypto().ok()) return 1;
  const std::string data(1024, 'x');
  // Both vaults stay up; phases alternate (unaudited, audited) over several
  // rounds and the medians of the per-round ratios are reported, so a noisy
  // moment of the shared machine does not decide the figure.
  std::unique_ptr<Vault> vaults[2] = {StartVault(false), StartVault(true)};
  std::string ids[2];
  for (int a = 0; a < 2; ++a) {
    if (!Upload(*vaults[a], data, &ids[a])) return 1;
  }
  std::vector<double> write_ratio, read_ratio, write_qps[2], read_qps[2];
  for (int round = 0; round < rounds; ++round) {
    double w[2], r[2];
    for (int a = 0; a < 2; ++a) {
      w[a] = Throughput(clients, seconds, [&] { return Upload(*vaults[a], data, nullptr); });
      r[a] = Throughput(clients, seconds, [&] { return Download(*vaults[a], ids[a]); });
      write_qps[a].push_back(w[a]);
      read_qps[a].push_back(r[a]);
    }
    write_ratio.push_back(w[1] / w[0]);
    read_ratio.push_back(r[1] / r[0]);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::unique_ptr<Vault> audited_vault = std::move(vaults[1]);
  vaults[0]->server->Shutdown(std::chrono::seconds(2));

  // Export the audited vault's log and verify it offline.
  auto& v = *audited_vault;
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + v.admin);
  v1::ExportAuditRequest er;
  er.set_fresh_checkpoint(true);
  auto reader = v.stub->ExportAudit(&c, er);
  std::string bytes;
  v1::AuditBundle part;
  while (reader->Read(&part)) bytes += part.SerializeAsString();
  if (!reader->Finish().ok()) return 1;
  v1::AuditBundle bundle;
  bundle.ParseFromString(bytes);
  auto verifier = hoidla::keys::ParseVerifierKey(bundle.verifier_keys(0));
  if (!verifier.ok()) return 1;
  auto t0 = Clock::now();
  auto report = hoidla::audit::VerifyBundle(bundle, *verifier);
  const double verify_s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!report.ok()) {
    std::cerr << report.status() << "\n";
    return 1;
  }

  std::printf(
      "Hoidla audit log cost (%d concurrent clients, %.0f s per phase, %d rounds, "
      "RocksDB, fsync on; medians)\n",
      clients, seconds, rounds);
  std::printf(
      "  1 KiB upload:   audited %8.0f /s, unaudited %8.0f /s: %5.1f%% (target >= 70%%: %s)\n",
      median(write_qps[1]), median(write_qps[0]), 100 * median(write_ratio),
      median(write_ratio) >= 0.7 ? "met" : "NOT met");
  std::printf(
      "  1 KiB download: audited %8.0f /s, unaudited %8.0f /s: %5.1f%% (target >= 70%%: %s)\n",
      median(read_qps[1]), median(read_qps[0]), 100 * median(read_ratio),
      median(read_ratio) >= 0.7 ? "met" : "NOT met");
  std::printf("  offline verification: %lu entries in %.3f s = %.0f entries/s\n",
              static_cast<unsigned long>(report->verified), verify_s, report->verified / verify_s);
  v.server->Shutdown(std::chrono::seconds(2));
  return 0;
}
