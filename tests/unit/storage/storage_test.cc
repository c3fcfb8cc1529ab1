// The KvStore contract, checked against every engine (MemoryStore and a real
// RocksDbStore in a temporary directory), plus RocksDbStore's own behaviour
// and FaultInjectingStore.
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/fakes/fault_injecting_store.h"
#include "tests/unit/test_util.h"
#include "vault/storage/kv_store.h"
#include "vault/storage/memory_store.h"
#include "vault/storage/rocksdb_store.h"

namespace hoidla::storage {
namespace {

using ::hoidla::testing::DumpStore;
using ::hoidla::testing::TempDir;

// The engines' overrides do not repeat the interface's default arguments:
// call through the interface.
KvStore& Kv(const std::unique_ptr<RocksDbStore>& s) { return *s; }

// Engines under test. Each owns whatever its store needs.
struct MemoryEngine {
  static constexpr const char* kName = "Memory";
  std::unique_ptr<KvStore> Make() { return std::make_unique<MemoryStore>(); }
};

struct RocksEngine {
  static constexpr const char* kName = "RocksDb";
  TempDir dir;
  std::unique_ptr<KvStore> Make() {
    auto s = RocksDbStore::Open(dir.File("db"));
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return nullptr;
    return std::move(*s);
  }
};

template <typename Engine>
class KvStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = engine_.Make();
    ASSERT_NE(store_, nullptr);
  }
  void Put(Space space, std::string_view key, std::string value) {
    WriteBatch b;
    b.Put(space, key, std::move(value));
    HOIDLA_ASSERT_OK(store_->Write(b));
  }
  std::vector<std::string> ScanKeys(Space space, std::string_view prefix,
                                    std::string_view start = {}, const Snapshot* snap = nullptr) {
    std::vector<std::string> out;
    auto it = store_->Scan(space, prefix, start, snap);
    for (; it->Valid(); it->Next()) out.emplace_back(it->key());
    EXPECT_TRUE(it->status().ok()) << it->status();
    return out;
  }

  Engine engine_;
  std::unique_ptr<KvStore> store_;
};

struct EngineNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};
using Engines = ::testing::Types<MemoryEngine, RocksEngine>;
TYPED_TEST_SUITE(KvStoreContract, Engines, EngineNames);

TYPED_TEST(KvStoreContract, GetOfMissingKeyIsNotFound) {
  auto v = this->store_->Get(Space::kMeta, "nothing-here");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kNotFound);
}

TYPED_TEST(KvStoreContract, PutValueReadsBackIncludingEmptyValue) {
  this->Put(Space::kMeta, "k", "value");
  this->Put(Space::kIndex, "empty", "");
  auto v = this->store_->Get(Space::kMeta, "k");
  HOIDLA_ASSERT_OK(v);
  EXPECT_EQ(*v, "value");
  auto e = this->store_->Get(Space::kIndex, "empty");
  HOIDLA_ASSERT_OK(e);
  EXPECT_EQ(*e, "");
}

TYPED_TEST(KvStoreContract, SpacesAreSeparate) {
  this->Put(Space::kMeta, "same", "meta");
  this->Put(Space::kAudit, "same", "audit");
  EXPECT_EQ(*this->store_->Get(Space::kMeta, "same"), "meta");
  EXPECT_EQ(*this->store_->Get(Space::kAudit, "same"), "audit");
  EXPECT_EQ(this->store_->Get(Space::kKeys, "same").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(this->ScanKeys(Space::kIndex, ""), std::vector<std::string>{});
}

TYPED_TEST(KvStoreContract, BatchAppliesEveryOperationAcrossSpaces) {
  this->Put(Space::kMeta, "old", "x");
  WriteBatch b;
  b.Put(Space::kMeta, "a", "1");
  b.Put(Space::kIndex, "b", "2");
  b.Put(Space::kKeys, "c", "3");
  b.Put(Space::kAudit, "d", std::string(100000, 'z'));
  b.Delete(Space::kMeta, "old");
  HOIDLA_ASSERT_OK(this->store_->Write(b));
  EXPECT_EQ(*this->store_->Get(Space::kMeta, "a"), "1");
  EXPECT_EQ(*this->store_->Get(Space::kIndex, "b"), "2");
  EXPECT_EQ(*this->store_->Get(Space::kKeys, "c"), "3");
  EXPECT_EQ(*this->store_->Get(Space::kAudit, "d"), std::string(100000, 'z'));
  EXPECT_EQ(this->store_->Get(Space::kMeta, "old").status().code(), absl::StatusCode::kNotFound);
}

TYPED_TEST(KvStoreContract, BatchOperationsApplyInOrder) {
  WriteBatch b;
  b.Put(Space::kMeta, "put-then-delete", "1");
  b.Delete(Space::kMeta, "put-then-delete");
  b.Delete(Space::kMeta, "delete-then-put");
  b.Put(Space::kMeta, "delete-then-put", "2");
  b.Put(Space::kMeta, "twice", "first");
  b.Put(Space::kMeta, "twice", "second");
  HOIDLA_ASSERT_OK(this->store_->Write(b));
  EXPECT_EQ(this->store_->Get(Space::kMeta, "put-then-delete").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(*this->store_->Get(Space::kMeta, "delete-then-put"), "2");
  EXPECT_EQ(*this->store_->Get(Space::kMeta, "twice"), "second");
}

TYPED_TEST(KvStoreContract, ReadersNeverSeeHalfABatch) {
  // A writer keeps replacing two keys in one batch with equal values; every
  // snapshot must show them equal.
  this->Put(Space::kMeta, "left", "0");
  this->Put(Space::kIndex, "right", "0");
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 1; i <= 300; ++i) {
      WriteBatch b;
      b.Put(Space::kMeta, "left", std::to_string(i));
      b.Put(Space::kIndex, "right", std::to_string(i));
      ASSERT_TRUE(this->store_->Write(b, {.sync = false}).ok());
    }
    stop.store(true);
  });
  int checks = 0;
  while (!stop.load() || checks < 10) {
    auto snap = this->store_->NewSnapshot();
    auto l = this->store_->Get(Space::kMeta, "left", snap.get());
    auto r = this->store_->Get(Space::kIndex, "right", snap.get());
    ASSERT_TRUE(l.ok() && r.ok());
    ASSERT_EQ(*l, *r) << "a snapshot saw half a batch";
    ++checks;
  }
  writer.join();
  EXPECT_EQ(*this->store_->Get(Space::kMeta, "left"), "300");
}

TYPED_TEST(KvStoreContract, DeleteRemovesKeyAndDeletingMissingKeyIsOk) {
  this->Put(Space::kKeys, "k", "v");
  WriteBatch b;
  b.Delete(Space::kKeys, "k");
  b.Delete(Space::kKeys, "never-existed");
  HOIDLA_ASSERT_OK(this->store_->Write(b));
  EXPECT_EQ(this->store_->Get(Space::kKeys, "k").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(this->ScanKeys(Space::kKeys, "").empty());
}

TYPED_TEST(KvStoreContract, EmptyBatchIsOk) {
  WriteBatch b;
  HOIDLA_EXPECT_OK(this->store_->Write(b));
}

TYPED_TEST(KvStoreContract, ScanReturnsExactlyThePrefixInOrder) {
  for (const char* k : {"a", "a/", "a/2", "a/1", "a/10", "a0", "a.", "b", "a/\xff"}) {
    this->Put(Space::kIndex, k, k);
  }
  EXPECT_EQ(this->ScanKeys(Space::kIndex, "a/"),
            (std::vector<std::string>{"a/", "a/1", "a/10", "a/2", "a/\xff"}));
  EXPECT_EQ(this->ScanKeys(Space::kIndex, "a/1"), (std::vector<std::string>{"a/1", "a/10"}));
  EXPECT_EQ(this->ScanKeys(Space::kIndex, "c"), std::vector<std::string>{});
  EXPECT_EQ(this->ScanKeys(Space::kIndex, "").size(), 9u);
  // Values travel with keys.
  auto it = this->store_->Scan(Space::kIndex, "a/1");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->value(), "a/1");
}

TYPED_TEST(KvStoreContract, ScanStartKeyIsInclusiveAndClampedToPrefix) {
  for (const char* k : {"p/1", "p/2", "p/3", "q/1"}) this->Put(Space::kMeta, k, "");
  EXPECT_EQ(this->ScanKeys(Space::kMeta, "p/", "p/2"), (std::vector<std::string>{"p/2", "p/3"}));
  EXPECT_EQ(this->ScanKeys(Space::kMeta, "p/", "p/15"), (std::vector<std::string>{"p/2", "p/3"}));
  // A start before the prefix begins at the prefix.
  EXPECT_EQ(this->ScanKeys(Space::kMeta, "p/", "a"),
            (std::vector<std::string>{"p/1", "p/2", "p/3"}));
  // A start past the prefix's range yields nothing (not q/1).
  EXPECT_EQ(this->ScanKeys(Space::kMeta, "p/", "p0"), std::vector<std::string>{});
  EXPECT_EQ(this->ScanKeys(Space::kMeta, "p/", "p/4"), std::vector<std::string>{});
  // Start just after a key (key + '\0') skips exactly that key.
  EXPECT_EQ(this->ScanKeys(Space::kMeta, "p/", std::string("p/1\0", 4)),
            (std::vector<std::string>{"p/2", "p/3"}));
}

TYPED_TEST(KvStoreContract, SnapshotDoesNotSeeLaterWrites) {
  this->Put(Space::kMeta, "k1", "before");
  this->Put(Space::kMeta, "gone", "x");
  auto snap = this->store_->NewSnapshot();
  WriteBatch b;
  b.Put(Space::kMeta, "k1", "after");
  b.Put(Space::kMeta, "k2", "new");
  b.Delete(Space::kMeta, "gone");
  HOIDLA_ASSERT_OK(this->store_->Write(b));

  EXPECT_EQ(*this->store_->Get(Space::kMeta, "k1", snap.get()), "before");
  EXPECT_EQ(this->store_->Get(Space::kMeta, "k2", snap.get()).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(*this->store_->Get(Space::kMeta, "gone", snap.get()), "x");
  EXPECT_EQ(this->ScanKeys(Space::kMeta, "", {}, snap.get()),
            (std::vector<std::string>{"gone", "k1"}));
  auto it = this->store_->Scan(Space::kMeta, "k1", {}, snap.get());
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->value(), "before");

  // Without the snapshot: the current state.
  EXPECT_EQ(*this->store_->Get(Space::kMeta, "k1"), "after");
  EXPECT_EQ(this->ScanKeys(Space::kMeta, ""), (std::vector<std::string>{"k1", "k2"}));
}

TYPED_TEST(KvStoreContract, OpenIteratorKeepsItsViewWhileStoreChanges) {
  for (const char* k : {"i/1", "i/2", "i/3"}) this->Put(Space::kMeta, k, "v");
  auto snap = this->store_->NewSnapshot();
  auto it = this->store_->Scan(Space::kMeta, "i/", {}, snap.get());
  WriteBatch b;
  b.Delete(Space::kMeta, "i/2");
  b.Put(Space::kMeta, "i/25", "new");
  HOIDLA_ASSERT_OK(this->store_->Write(b));
  std::vector<std::string> seen;
  for (; it->Valid(); it->Next()) seen.emplace_back(it->key());
  EXPECT_EQ(seen, (std::vector<std::string>{"i/1", "i/2", "i/3"}));
}

TYPED_TEST(KvStoreContract, BinaryKeysWithFfAndNulBytesWork) {
  const std::string ff2("\xff\xff", 2);
  const std::string aff("a\xff", 2);
  const std::string aff0("a\xff\x00", 3);
  const std::string affff("a\xff\xff", 3);
  const std::string b0("b\x00", 2);
  for (const auto& k : {ff2, aff, aff0, affff, b0, std::string("b")}) {
    this->Put(Space::kAudit, k, k);
  }
  EXPECT_EQ(this->ScanKeys(Space::kAudit, aff), (std::vector<std::string>{aff, aff0, affff}));
  EXPECT_EQ(this->ScanKeys(Space::kAudit, std::string("\xff", 1)), std::vector<std::string>{ff2});
  // A prefix of only 0xff bytes has no successor: the scan runs to the end.
  EXPECT_EQ(this->ScanKeys(Space::kAudit, ff2), std::vector<std::string>{ff2});
  EXPECT_EQ(this->ScanKeys(Space::kAudit, "b"), (std::vector<std::string>{"b", b0}));
  auto v = this->store_->Get(Space::kAudit, aff0);
  HOIDLA_ASSERT_OK(v);
  EXPECT_EQ(*v, aff0);
  EXPECT_EQ(this->store_->Get(Space::kAudit, std::string("a\xff\x00\x00", 4)).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(PrefixSuccessor, IncrementsLastByteAndDropsTrailingFf) {
  EXPECT_EQ(PrefixSuccessor("abc"), "abd");
  EXPECT_EQ(PrefixSuccessor("a/"), "a0");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xfe", 2)), std::string("a\xff", 2));
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff\xff", 3)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\x00", 1)), std::string("\x01", 1));
}

TEST(PrefixSuccessor, IsEmptyForAllFfOrEmptyPrefix) {
  EXPECT_EQ(PrefixSuccessor(""), "");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff", 1)), "");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff\xff", 3)), "");
}

TEST(WriteBatch, TracksOperationsAndByteSize) {
  WriteBatch b;
  EXPECT_TRUE(b.empty());
  b.Put(Space::kMeta, "key", "value");
  b.Delete(Space::kIndex, "k2");
  EXPECT_EQ(b.ops().size(), 2u);
  EXPECT_EQ(b.ByteSize(), 3u + 5u + 2u);
  WriteBatch c;
  c.Put(Space::kAudit, "x", "yy");
  b.Append(c);
  EXPECT_EQ(b.ops().size(), 3u);
  EXPECT_EQ(b.ByteSize(), 13u);
  b.Clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.ByteSize(), 0u);
}

TEST(SpaceName, NamesAreStable) {
  EXPECT_EQ(SpaceName(Space::kMeta), "meta");
  EXPECT_EQ(SpaceName(Space::kIndex), "index");
  EXPECT_EQ(SpaceName(Space::kKeys), "keys");
  EXPECT_EQ(SpaceName(Space::kAudit), "audit");
}

// ---------------------------------------------------------------------------
// RocksDbStore

TEST(RocksDbStore, ReopenKeepsData) {
  TempDir dir;
  const std::string path = dir.File("db");
  {
    auto store = RocksDbStore::Open(path);
    HOIDLA_ASSERT_OK(store);
    WriteBatch b;
    b.Put(Space::kMeta, "m", "meta-value");
    b.Put(Space::kAudit, "big", std::string(200000, 'q'));  // goes to a blob file
    b.Put(Space::kKeys, std::string("\xff\x00k", 3), "key");
    HOIDLA_ASSERT_OK(Kv(*store).Write(b));
  }
  auto store = RocksDbStore::Open(path);
  HOIDLA_ASSERT_OK(store);
  EXPECT_EQ(*Kv(*store).Get(Space::kMeta, "m"), "meta-value");
  EXPECT_EQ(*Kv(*store).Get(Space::kAudit, "big"), std::string(200000, 'q'));
  EXPECT_EQ(*Kv(*store).Get(Space::kKeys, std::string("\xff\x00k", 3)), "key");
}

TEST(RocksDbStore, OpeningTheSameDirectoryTwiceIsUnavailable) {
  TempDir dir;
  auto first = RocksDbStore::Open(dir.File("db"));
  HOIDLA_ASSERT_OK(first);
  auto second = RocksDbStore::Open(dir.File("db"));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  // The first one still works.
  WriteBatch b;
  b.Put(Space::kMeta, "k", "v");
  HOIDLA_EXPECT_OK(Kv(*first).Write(b));
}

TEST(RocksDbStore, ReopenAfterCloseSucceeds) {
  TempDir dir;
  { HOIDLA_ASSERT_OK(RocksDbStore::Open(dir.File("db"))); }
  HOIDLA_EXPECT_OK(RocksDbStore::Open(dir.File("db")));
}

TEST(RocksDbStore, UnwritableLocationIsUnavailable) {
  TempDir dir;
  // A regular file where the database directory should be.
  {
    FILE* f = std::fopen(dir.File("file").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  auto s = RocksDbStore::Open(dir.File("file") + "/db");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
}

// ---------------------------------------------------------------------------
// FaultInjectingStore

TEST(FaultInjectingStore, PassesThroughWhenNotArmed) {
  MemoryStore base_store;
  KvStore& base = base_store;
  FaultInjectingStore faulty(&base_store);
  KvStore& store = faulty;
  WriteBatch b;
  b.Put(Space::kMeta, "k", "v");
  HOIDLA_ASSERT_OK(store.Write(b));
  EXPECT_EQ(*store.Get(Space::kMeta, "k"), "v");
  EXPECT_EQ(*base.Get(Space::kMeta, "k"), "v");
  EXPECT_EQ(faulty.failed_writes(), 0);
}

TEST(FaultInjectingStore, WritesFailAfterNAndApplyNothing) {
  MemoryStore base_store;
  KvStore& base = base_store;
  FaultInjectingStore faulty(&base_store);
  KvStore& store = faulty;
  faulty.FailWritesAfter(2);
  for (int i = 0; i < 2; ++i) {
    WriteBatch b;
    b.Put(Space::kMeta, "ok" + std::to_string(i), "v");
    HOIDLA_ASSERT_OK(store.Write(b));
  }
  auto before = DumpStore(base);
  for (int i = 0; i < 3; ++i) {
    WriteBatch b;
    b.Put(Space::kMeta, "fail" + std::to_string(i), "v");
    b.Put(Space::kAudit, "blob", "v");
    b.Delete(Space::kMeta, "ok0");
    EXPECT_EQ(store.Write(b).code(), absl::StatusCode::kUnavailable);
  }
  EXPECT_EQ(DumpStore(base), before);
  EXPECT_EQ(faulty.failed_writes(), 3);
  // Reads still work.
  EXPECT_EQ(*store.Get(Space::kMeta, "ok0"), "v");
}

TEST(FaultInjectingStore, FailWritesAfterZeroFailsTheVeryNextWrite) {
  MemoryStore base_store;
  KvStore& base = base_store;
  FaultInjectingStore faulty(&base_store);
  KvStore& store = faulty;
  faulty.FailWritesAfter(0);
  WriteBatch b;
  b.Put(Space::kMeta, "k", "v");
  EXPECT_EQ(store.Write(b).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(base.Get(Space::kMeta, "k").status().code(), absl::StatusCode::kNotFound);
}

TEST(FaultInjectingStore, HealMakesWritesAndReadsWorkAgain) {
  MemoryStore base_store;
  KvStore& base = base_store;
  FaultInjectingStore faulty(&base_store);
  KvStore& store = faulty;
  faulty.FailWritesAfter(0);
  faulty.FailReads(true);
  WriteBatch b;
  b.Put(Space::kMeta, "k", "v");
  EXPECT_EQ(store.Write(b).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.Get(Space::kMeta, "k").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(base.Get(Space::kMeta, "k").status().code(), absl::StatusCode::kNotFound);
  faulty.Heal();
  HOIDLA_ASSERT_OK(store.Write(b));
  EXPECT_EQ(*store.Get(Space::kMeta, "k"), "v");
}

TEST(FaultInjectingStore, FailedReadsAreUnavailableForGetAndScan) {
  MemoryStore base_store;
  KvStore& base = base_store;
  FaultInjectingStore faulty(&base_store);
  KvStore& store = faulty;
  WriteBatch b;
  b.Put(Space::kMeta, "k", "v");
  HOIDLA_ASSERT_OK(store.Write(b));
  faulty.FailReads(true);
  EXPECT_EQ(store.Get(Space::kMeta, "k").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(*base.Get(Space::kMeta, "k"), "v");  // the data is fine underneath
  auto it = store.Scan(Space::kMeta, "");
  EXPECT_FALSE(it->Valid());
  EXPECT_EQ(it->status().code(), absl::StatusCode::kUnavailable);
  faulty.FailReads(false);
  EXPECT_EQ(*store.Get(Space::kMeta, "k"), "v");
}

TEST(FaultInjectingStore, WrapsRocksDbStoreToo) {
  TempDir dir;
  auto rocks = RocksDbStore::Open(dir.File("db"));
  HOIDLA_ASSERT_OK(rocks);
  FaultInjectingStore faulty(rocks->get());
  KvStore& store = faulty;
  faulty.FailWritesAfter(1);
  WriteBatch ok;
  ok.Put(Space::kMeta, "a", "1");
  HOIDLA_ASSERT_OK(store.Write(ok));
  WriteBatch fail;
  fail.Put(Space::kMeta, "b", "2");
  EXPECT_EQ(store.Write(fail).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Kv(*rocks).Get(Space::kMeta, "b").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*Kv(*rocks).Get(Space::kMeta, "a"), "1");
}

TEST(MemoryStore, OverwriteChangesOnlyExistingKeysAndSparesSnapshots) {
  MemoryStore mem;
  KvStore& store = mem;
  WriteBatch b;
  b.Put(Space::kAudit, "k", "original");
  HOIDLA_ASSERT_OK(store.Write(b));
  auto snap = store.NewSnapshot();
  EXPECT_TRUE(mem.Overwrite(Space::kAudit, "k", "tampered"));
  EXPECT_FALSE(mem.Overwrite(Space::kAudit, "absent", "x"));
  EXPECT_EQ(*store.Get(Space::kAudit, "k"), "tampered");
  EXPECT_EQ(*store.Get(Space::kAudit, "k", snap.get()), "original");
  EXPECT_EQ(store.Get(Space::kAudit, "absent").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hoidla::storage
