// The cost of rollback detection for sealed records, in one run, on RocksDB
// in a temporary folder (fsync off for the loads, as only reads are timed):
//   1. read: SealedRecords::Get (a snapshot, the envelope, its version
//      beside it, open at that version) next to the baseline of the same
//      envelope read and opened at a version known in advance (what every
//      read cost when all records were bound to version 1);
//   2. write: SealedRecords::Put (reads the current version, seals the
//      next, puts both) committed in batches of 100, next to sealing and
//      putting the envelope alone.
// Usage: sealed_bench [--records N] [--rounds R]   (defaults 20000, 3)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "google/protobuf/empty.pb.h"
#include "hoidla/storage/v1/records.pb.h"
#include "keys/crypto.h"
#include "keys/envelope.h"
#include "keys/keyring.h"
#include "tests/integration/test_support.h"
#include "vault/sealing/kv_key_store.h"
#include "vault/sealing/sealed_records.h"
#include "vault/storage/rocksdb_store.h"

namespace {

using Steady = std::chrono::steady_clock;
using hoidla::storage::Space;
namespace rec = ::hoidla::storage::v1;

double Seconds(Steady::time_point a, Steady::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

[[noreturn]] void Fail(const std::string& what) {
  std::cerr << "sealed_bench: " << what << "\n";
  std::exit(1);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int records = 20000;
  int rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--records") == 0) records = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
  }
  if (!hoidla::keys::InitCrypto().ok()) Fail("crypto init");
  hoidla::testing::TempDir dir;
  auto opened = hoidla::storage::RocksDbStore::Open(dir.path() + "/kv");
  if (!opened.ok()) Fail(std::string(opened.status().message()));
  hoidla::storage::KvStore* store = opened->get();
  auto keyring = hoidla::sealing::OpenKeyring(
      store, hoidla::keys::NewKey(), hoidla::keys::MasterKeyMode::kDev, hoidla::Clock::System());
  if (!keyring.ok()) Fail(std::string(keyring.status().message()));
  hoidla::core::SealedRecords sealed(store, keyring->get());

  // A principal record of typical size.
  rec::PrincipalRecord r;
  r.set_display_name("Juhtumikorraldaja Mari Maasikas");
  r.set_organization_id("org_01m8yaevt6yefwpq59c6ex7fq9");
  for (int i = 0; i < 3; ++i) {
    auto* m = r.add_memberships();
    m->set_organization_id("org_01m8yaevt6yefwpq59c6ex7fq9");
    m->set_project_id("prj_01m8yaevt6yefwpq59c6ex7fq9");
    m->set_role("case_worker");
  }
  auto id = [](int i) { return "prn_" + std::to_string(1000000 + i); };

  std::vector<double> put_new, put_base, get_new, get_base;
  for (int round = 0; round < rounds; ++round) {
    // Writes: versioned puts (each reads the current version) ...
    auto t0 = Steady::now();
    for (int i = 0; i < records; i += 100) {
      hoidla::storage::WriteBatch batch;
      for (int j = i; j < std::min(records, i + 100); ++j) {
        r.set_id(id(j));
        if (!sealed.Put("prn", id(j), hoidla::keys::kSystemSubject, r, &batch).ok()) Fail("put");
      }
      if (!store->Write(batch, {.sync = false}).ok()) Fail("write");
    }
    auto t1 = Steady::now();
    // ... against sealing and putting the envelope alone (other keys).
    for (int i = 0; i < records; i += 100) {
      hoidla::storage::WriteBatch batch;
      for (int j = i; j < std::min(records, i + 100); ++j) {
        r.set_id(id(j));
        auto env = hoidla::keys::SealRecord(
            **keyring, {"raw", id(j), 1, hoidla::keys::kSystemSubject}, r.SerializeAsString());
        if (!env.ok()) Fail("seal");
        batch.Put(Space::kMeta, "raw/" + id(j), *env);
      }
      if (!store->Write(batch, {.sync = false}).ok()) Fail("write");
    }
    auto t2 = Steady::now();
    // Reads, in the same order.
    for (int i = 0; i < records; ++i) {
      rec::PrincipalRecord out;
      if (!sealed.Get("prn", id(i), hoidla::keys::kSystemSubject, &out).ok()) Fail("get");
    }
    auto t3 = Steady::now();
    for (int i = 0; i < records; ++i) {
      auto env = store->Get(Space::kMeta, "raw/" + id(i));
      if (!env.ok()) Fail("raw get");
      auto plain = hoidla::keys::OpenRecord(**keyring,
                                            {"raw", id(i), 1, hoidla::keys::kSystemSubject}, *env);
      rec::PrincipalRecord out;
      if (!plain.ok() || !out.ParseFromString(*plain)) Fail("raw open");
    }
    auto t4 = Steady::now();
    put_new.push_back(records / Seconds(t0, t1));
    put_base.push_back(records / Seconds(t1, t2));
    get_new.push_back(records / Seconds(t2, t3));
    get_base.push_back(records / Seconds(t3, t4));
  }
  const double pn = Median(put_new), pb = Median(put_base);
  const double gn = Median(get_new), gb = Median(get_base);
  std::printf(
      "Hoidla sealed records: rollback detection (%d records, %d rounds, RocksDB; medians)\n",
      records, rounds);
  std::printf("  read:  versioned %9.0f /s, unversioned %9.0f /s: %5.1f%%\n", gn, gb,
              100.0 * gn / gb);
  std::printf("  write: versioned %9.0f /s, unversioned %9.0f /s: %5.1f%%\n", pn, pb,
              100.0 * pn / pb);
  return 0;
}
