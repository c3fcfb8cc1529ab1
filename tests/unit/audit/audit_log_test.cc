// AuditLog over a MemoryStore (and a FaultInjectingStore): gap-free
// numbering under concurrency, atomicity with effects, the tree head, and
// failing closed.
#include "vault/audit/audit_log.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fault_injecting_store.h"
#include "vault/audit/merkle.h"
#include "vault/storage/memory_store.h"

namespace hoidla::audit {
namespace {

using storage::Space;

Entry MakeEntry(std::string_view method, std::string_view actor) {
  Entry e;
  e.set_method(std::string(method));
  e.set_actor(std::string(actor));
  e.set_status("OK");
  return e;
}

TEST(AuditLog, ConcurrentCommitsGetEveryNumberOnceAndTheRootOfTheirEntries) {
  storage::MemoryStore memory;
  storage::KvStore& store = memory;  // the interface carries the defaults
  FakeClock clock(1'700'000'000'000'000);
  auto log = AuditLog::Open(&store, &clock);
  ASSERT_TRUE(log.ok()) << log.status();
  constexpr int kThreads = 8, kEach = 50;
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto s = (*log)->Commit(MakeEntry("GetCase", "prn_" + std::to_string(t)));
        ASSERT_TRUE(s.ok()) << s.status();
        seqs[t].push_back(*s);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<uint64_t> all;
  for (const auto& v : seqs) all.insert(v.begin(), v.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*all.begin(), 0u);
  EXPECT_EQ(*all.rbegin(), static_cast<uint64_t>(kThreads * kEach - 1));
  EXPECT_EQ((*log)->size(), static_cast<uint64_t>(kThreads * kEach));

  // The head is the RFC 6962 root of the stored entries, in order.
  std::vector<std::string> entries;
  for (uint64_t i = 0; i < (*log)->size(); ++i) {
    auto raw = store.Get(Space::kAudit, AuditLog::EntryKey(i));
    ASSERT_TRUE(raw.ok());
    entries.push_back(*raw);
    auto e = (*log)->Get(i);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->seq(), i);
  }
  auto root = RootHash(VectorLeafHashes::FromEntries(entries), entries.size());
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, (*log)->root());
  // The tree head survives reopening.
  auto reopened = AuditLog::Open(&store, &clock);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->size(), (*log)->size());
  EXPECT_EQ((*reopened)->root(), (*log)->root());
}

TEST(AuditLog, StoredNodesGiveTheReferenceProofsAndLocaliseAnAlteredEntry) {
  storage::MemoryStore memory;
  storage::KvStore& store = memory;
  FakeClock clock(1);
  auto log = AuditLog::Open(&store, &clock);
  ASSERT_TRUE(log.ok());
  constexpr int kEntries = 77;
  std::vector<std::string> entries;
  for (int i = 0; i < kEntries; ++i) {
    ASSERT_TRUE((*log)->Commit(MakeEntry("GetCase", "prn_" + std::to_string(i))).ok());
    entries.push_back(*store.Get(Space::kAudit, AuditLog::EntryKey(i)));
  }
  VectorLeafHashes reference = VectorLeafHashes::FromEntries(entries);
  const std::string root = (*log)->root();
  for (uint64_t size : {1u, 2u, 33u, 64u, 77u}) {
    for (uint64_t i = 0; i < size; i += 7) {
      auto got = InclusionProof((*log)->leaves(), i, size);
      auto want = InclusionProof(reference, i, size);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(*got, *want) << i << "/" << size;
    }
    auto got = ConsistencyProof((*log)->leaves(), size / 2, size);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, *ConsistencyProof(reference, size / 2, size));
  }
  // Alter entry 40 in the store: its own proof fails, every other still
  // verifies against the signed-era root, which names the altered entry.
  std::string altered = entries[40];
  altered[altered.size() / 2] ^= 0x01;
  ASSERT_TRUE(memory.Overwrite(Space::kAudit, AuditLog::EntryKey(40), altered));
  for (uint64_t i = 0; i < kEntries; ++i) {
    auto proof = InclusionProof((*log)->leaves(), i, kEntries);
    ASSERT_TRUE(proof.ok());
    auto leaf = store.Get(Space::kAudit, AuditLog::EntryKey(i));
    absl::Status v = VerifyInclusion(LeafHash(*leaf), i, kEntries, *proof, root);
    if (i == 40) {
      EXPECT_EQ(v.code(), absl::StatusCode::kDataLoss);
    } else {
      EXPECT_TRUE(v.ok()) << i;
    }
  }
}

TEST(AuditLog, EntryAndEffectAreCommittedTogether) {
  storage::MemoryStore memory;
  storage::KvStore& store = memory;
  FakeClock clock(1);
  auto log = AuditLog::Open(&store, &clock);
  ASSERT_TRUE(log.ok());
  storage::WriteBatch effect;
  effect.Put(Space::kMeta, "org/x", "sealed");
  auto seq = (*log)->Commit(MakeEntry("CreateOrganization", "prn_a"), std::move(effect));
  ASSERT_TRUE(seq.ok());
  EXPECT_TRUE(store.Get(Space::kMeta, "org/x").ok());
  EXPECT_TRUE(store.Get(Space::kAudit, AuditLog::EntryKey(*seq)).ok());
}

TEST(AuditLog, FailedWriteAppliesNothingFailsClosedAndRecovers) {
  storage::MemoryStore memory;
  storage::KvStore& base = memory;
  storage::FaultInjectingStore store(&memory);
  FakeClock clock(1);
  auto log = AuditLog::Open(&store, &clock);
  ASSERT_TRUE(log.ok());
  std::vector<bool> health_events;
  (*log)->SetHealthListener([&](bool healthy) { health_events.push_back(healthy); });
  ASSERT_TRUE((*log)->Commit(MakeEntry("WhoAmI", "prn_a")).ok());
  const std::string root_before = (*log)->root();

  store.FailWritesAfter(0);
  storage::WriteBatch effect;
  effect.Put(Space::kMeta, "org/y", "sealed");
  auto failed = (*log)->Commit(MakeEntry("CreateOrganization", "prn_a"), std::move(effect));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE((*log)->healthy());
  EXPECT_EQ(base.Get(Space::kMeta, "org/y").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*log)->size(), 1u);
  EXPECT_EQ((*log)->root(), root_before);
  EXPECT_EQ((*log)->Probe().code(), absl::StatusCode::kUnavailable);

  store.Heal();
  EXPECT_TRUE((*log)->Probe().ok());
  EXPECT_TRUE((*log)->healthy());
  auto next = (*log)->Commit(MakeEntry("CreateOrganization", "prn_a"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, 1u) << "no gap where the failed entry was";
  EXPECT_EQ(health_events, (std::vector<bool>{false, true}));
}

TEST(AuditLog, CommitEffectWithoutALogWritesOnlyTheEffect) {
  storage::MemoryStore memory;
  storage::KvStore& store = memory;
  storage::WriteBatch effect;
  effect.Put(Space::kMeta, "k", "v");
  ASSERT_TRUE(CommitEffect(nullptr, &store, std::move(effect)).ok());
  EXPECT_TRUE(store.Get(Space::kMeta, "k").ok());
  EXPECT_FALSE(store.Scan(Space::kAudit, "")->Valid());
}

}  // namespace
}  // namespace hoidla::audit

namespace hoidla::audit {
namespace {

TEST(AuditLog, IndexesFindAClientsAndAnActorsEntriesNewestFirst) {
  storage::MemoryStore memory;
  FakeClock clock(1);
  auto log = AuditLog::Open(&memory, &clock);
  ASSERT_TRUE(log.ok()) << log.status();
  // 0..9: even entries about cli_a by prn_x, odd ones about cli_ab (an id
  // with cli_a as a prefix) by prn_y.
  for (int i = 0; i < 10; ++i) {
    Entry e;
    e.set_client_id(i % 2 == 0 ? "cli_a" : "cli_ab");
    e.set_actor(i % 2 == 0 ? "prn_x" : "prn_y");
    ASSERT_TRUE((*log)->Commit(e).ok());
  }
  using K = AuditLog::IndexKind;
  EXPECT_EQ(*(*log)->Indexed(K::kClient, "cli_a", 10, 100), (std::vector<uint64_t>{8, 6, 4, 2, 0}));
  EXPECT_EQ(*(*log)->Indexed(K::kClient, "cli_ab", 10, 2), (std::vector<uint64_t>{9, 7}));
  EXPECT_EQ(*(*log)->Indexed(K::kClient, "cli_ab", 7, 100), (std::vector<uint64_t>{5, 3, 1}));
  EXPECT_EQ(*(*log)->Indexed(K::kActor, "prn_x", 5, 100), (std::vector<uint64_t>{4, 2, 0}));
  EXPECT_TRUE((*log)->Indexed(K::kActor, "prn_z", 10, 100)->empty());
  EXPECT_TRUE((*log)->Indexed(K::kActor, "prn_x", 0, 100)->empty());
}

}  // namespace
}  // namespace hoidla::audit
