// Disposal's cost, in one run, on RocksDB in a temporary folder, with a
// fake clock (doc/retention.md):
//   1. the sweep when nothing is due, on a store of N records (tracked,
//      none due), next to one full scan of the same store's index space
//      (what a sweep without a due index would at least cost), and next to
//      the same sweep on a store of N/100 records;
//   2. destroying the N records once due (runs of 2,000, synced, each with
//      its certificate and audit-free commit), in records per second, next
//      to RocksDB deleting the same number of keys in synced batches of
//      2,000 (the engine alone).
// Records are loaded with fsync off (only the sweeps are timed, synced).
// Usage: disposal_bench [--records N]   (default 100000)
#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "base/limits.h"
#include "keys/crypto.h"
#include "tests/fakes/fake_clock.h"
#include "tests/integration/test_support.h"
#include "vault/access/policy.h"
#include "vault/consent/consents.h"
#include "vault/records/instruments.h"
#include "vault/records/records.h"
#include "vault/retention/retention.h"
#include "vault/sealing/kv_key_store.h"
#include "vault/storage/blob_store.h"
#include "vault/storage/layout.h"
#include "vault/storage/rocksdb_store.h"

namespace {

using Steady = std::chrono::steady_clock;
using hoidla::storage::Space;
namespace core = ::hoidla::core;
namespace v1 = ::hoidla::v1;

constexpr int64_t kDay = int64_t{86'400} * 1'000'000;
constexpr int64_t kStart = 1'748'851'200'000'000;  // 2025-06-02T08:00:00Z

double Seconds(Steady::time_point a, Steady::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

[[noreturn]] void Fail(const std::string& what) {
  std::cerr << "disposal_bench: " << what << "\n";
  std::exit(1);
}

template <typename T>
T Must(absl::StatusOr<T> r, const char* what) {
  if (!r.ok()) Fail(std::string(what) + ": " + std::string(r.status().message()));
  return std::move(*r);
}

// Writes unsynced while `fast` is set (loading), synced otherwise.
class LoadingStore : public hoidla::storage::KvStore {
 public:
  explicit LoadingStore(hoidla::storage::KvStore* base) : base_(base) {}
  absl::StatusOr<std::string> Get(Space space, std::string_view key,
                                  const hoidla::storage::Snapshot* snapshot) override {
    return base_->Get(space, key, snapshot);
  }
  absl::Status Write(const hoidla::storage::WriteBatch& batch,
                     const hoidla::storage::WriteOptions& options) override {
    hoidla::storage::WriteOptions o = options;
    if (fast) o.sync = false;
    return base_->Write(batch, o);
  }
  std::shared_ptr<const hoidla::storage::Snapshot> NewSnapshot() override {
    return base_->NewSnapshot();
  }
  std::unique_ptr<hoidla::storage::Iterator> Scan(
      Space space, std::string_view prefix, std::string_view start,
      const hoidla::storage::Snapshot* snapshot) override {
    return base_->Scan(space, prefix, start, snapshot);
  }
  bool fast = true;

 private:
  hoidla::storage::KvStore* base_;
};

// A vault core with `n` records of one client's case, tracked under a
// DESTROY schedule of 30 days from creation.
struct World {
  World(const std::string& dir, int n) {
    rocks = Must(hoidla::storage::RocksDbStore::Open(dir + "/db"), "open store");
    store = std::make_unique<LoadingStore>(rocks.get());
    blobs = Must(hoidla::storage::FileBlobStore::Open(dir + "/blobs"), "open blobs");
    keyring = Must(hoidla::sealing::OpenKeyring(store.get(), hoidla::keys::NewKey(),
                                                hoidla::keys::MasterKeyMode::kDev, &clock),
                   "keyring");
    registry =
        std::make_unique<core::Registry>(store.get(), keyring.get(), &clock, &policy, limits);
    documents = std::make_unique<core::Documents>(store.get(), blobs.get(), keyring.get(), &clock,
                                                  &policy, registry.get(), limits);
    consents = std::make_unique<core::Consents>(store.get(), keyring.get(), &clock, &policy,
                                                registry.get(), documents.get(), "bench");
    instruments = std::make_unique<core::Instruments>(store.get(), keyring.get(), &clock, &policy,
                                                      registry.get());
    records = std::make_unique<core::Records>(store.get(), keyring.get(), &clock, &policy,
                                              registry.get(), consents.get(), instruments.get());
    retention = std::make_unique<core::Retention>(store.get(), keyring.get(), &clock, &policy,
                                                  registry.get(), documents.get(), consents.get(),
                                                  records.get(), "bench");
    registry->SetLifecycle(retention.get());
    documents->SetLifecycle(retention.get());
    records->SetLifecycle(retention.get());
    consents->SetLifecycle(retention.get());
    admin.principal = {.id = "prn_0000000000000000000000000a",
                       .display_name = "operator",
                       .memberships = {{core::Role::kSystemAdministrator, "", ""}}};

    v1::CreateOrganizationRequest oreq;
    oreq.mutable_organization()->set_name("Tugikeskus");
    org = Must(registry->CreateOrganization(admin, oreq), "organisation").id();
    admin.principal.memberships.push_back({core::Role::kHeadOfOrganization, org, ""});
    v1::CreateProjectRequest preq;
    preq.mutable_project()->set_organization_id(org);
    preq.mutable_project()->set_name("Tugiisik");
    const std::string project = Must(registry->CreateProject(admin, preq), "project").id();
    v1::CreateRetentionScheduleRequest sreq;
    auto* s = sreq.mutable_schedule();
    s->set_organization_id(org);
    s->set_item_type(v1::RETENTION_ITEM_TYPE_RECORD);
    s->set_trigger(v1::RETENTION_TRIGGER_CREATED);
    s->mutable_period()->set_days(30);
    s->set_action(v1::RETENTION_ACTION_DESTROY);
    Must(retention->CreateSchedule(admin, sreq), "schedule");
    Sweep();  // applies the schedule

    v1::RecordContent content;
    if (!google::protobuf::util::JsonStringToMessage(
             R"json({"initialDecision": {"clientName": "Mari Maasikas",
               "needs": "Võlanõustamine, töö leidmine.",
               "actions": [{"action": "Suunata võlanõustajale.", "provider": "Mati Mets", "scheduledOn": {"year": 2025, "month": 6, "day": 15}}],
               "decidedOn": {"year": 2025, "month": 5, "day": 20}}})json",
             &content)
             .ok()) {
      Fail("content");
    }
    std::string kase;
    for (int i = 0; i < n; ++i) {
      if (i % 100 == 0) {  // a client with a case per 100 records
        v1::CreateClientRequest creq;
        creq.mutable_client()->set_organization_id(org);
        creq.mutable_client()->add_project_ids(project);
        creq.mutable_client()->set_given_name("Mari");
        creq.mutable_client()->set_family_name("Maasikas");
        creq.mutable_client()->set_no_personal_code_reason("foreign national, no code");
        const std::string client = Must(registry->CreateClient(admin, creq), "client").id();
        v1::CreateCaseRequest kreq;
        kreq.mutable_case_()->set_project_id(project);
        kreq.mutable_case_()->set_client_id(client);
        kreq.mutable_case_()->set_title("Toetus");
        kase = Must(registry->CreateCase(admin, kreq), "case").id();
      }
      clock.Advance(1000);
      v1::CreateRecordRequest rreq;
      rreq.mutable_record()->set_case_id(kase);
      *rreq.mutable_record()->mutable_content() = content;
      Must(records->CreateRecord(admin, rreq), "record");
    }
    store->fast = false;
  }

  v1::RunDisposalResponse Sweep() {
    v1::RunDisposalRequest run;
    run.set_organization_id(org);
    return Must(retention->RunDisposal(admin, run), "sweep");
  }

  // Seconds of the median of `rounds` sweeps with nothing due.
  double IdleSweep(int rounds) {
    std::vector<double> t;
    for (int i = 0; i < rounds; ++i) {
      const auto a = Steady::now();
      const auto r = Sweep();
      t.push_back(Seconds(a, Steady::now()));
      if (r.destroyed() != 0) Fail("something was due");
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
  }

  hoidla::FakeClock clock{kStart};
  core::Policy policy;
  core::Limits limits;
  std::unique_ptr<hoidla::storage::RocksDbStore> rocks;
  std::unique_ptr<LoadingStore> store;
  std::unique_ptr<hoidla::storage::FileBlobStore> blobs;
  std::unique_ptr<hoidla::keys::Keyring> keyring;
  std::unique_ptr<core::Registry> registry;
  std::unique_ptr<core::Documents> documents;
  std::unique_ptr<core::Consents> consents;
  std::unique_ptr<core::Instruments> instruments;
  std::unique_ptr<core::Records> records;
  std::unique_ptr<core::Retention> retention;
  core::RequestContext admin;
  std::string org;
};

}  // namespace

int main(int argc, char** argv) {
  int n = 100000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--records") == 0) n = std::atoi(argv[i + 1]);
  }
  if (n < 100) Fail("--records: at least 100");
  if (!hoidla::keys::InitCrypto().ok()) Fail("crypto init");

  hoidla::testing::TempDir small_dir, big_dir;
  const auto load_start = Steady::now();
  World small(small_dir.path(), n / 100);
  World big(big_dir.path(), n);
  std::printf("loaded %d + %d records in %.1f s (unsynced)\n", n / 100, n,
              Seconds(load_start, Steady::now()));

  // 1. Nothing due.
  const double idle_small = small.IdleSweep(5);
  const double idle_big = big.IdleSweep(5);
  const auto scan_start = Steady::now();
  size_t keys = 0;
  {
    hoidla::storage::KvStore* kv = big.rocks.get();
    auto it = kv->Scan(Space::kIndex, "");
    for (; it->Valid(); it->Next()) ++keys;
  }
  const double scan = Seconds(scan_start, Steady::now());
  std::printf("sweep, nothing due: %.3f ms on %d records, %.3f ms on %d (ratio %.2f)\n",
              idle_big * 1e3, n, idle_small * 1e3, n / 100, idle_big / idle_small);
  std::printf("  one scan of the index space (%zu keys): %.1f ms = %.0fx the idle sweep\n", keys,
              scan * 1e3, scan / idle_big);

  // 2. Everything due.
  big.clock.Advance(31 * kDay);
  const auto run_start = Steady::now();
  int64_t destroyed = 0;
  int runs = 0;
  for (;;) {
    const auto r = big.Sweep();
    destroyed += r.destroyed();
    ++runs;
    if (!r.more_due()) break;
  }
  const double run = Seconds(run_start, Steady::now());
  if (destroyed != n) Fail("not everything was destroyed: " + std::to_string(destroyed));
  // The engine alone: the same number of keys deleted in synced batches.
  const auto del_start = Steady::now();
  for (int i = 0; i < n; i += 2000) {
    hoidla::storage::WriteBatch b;
    for (int j = i; j < std::min(n, i + 2000); ++j) {
      b.Delete(Space::kIndex, "bench-key/" + std::to_string(j));
    }
    if (!big.rocks->Write(b, {}).ok()) Fail("baseline write");
  }
  const double del = Seconds(del_start, Steady::now());
  std::printf("disposal: %lld records in %d runs, %.1f s = %.0f records/s\n",
              static_cast<long long>(destroyed), runs, run, destroyed / run);
  std::printf("  RocksDB deleting %d keys in synced batches of 2000: %.0f keys/s (ratio %.3f)\n", n,
              n / del, (destroyed / run) / (n / del));
  return 0;
}
