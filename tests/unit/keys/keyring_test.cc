// The key hierarchy: KEKs under the master key, subject keys under KEKs, data
// keys under subject keys; rotation, rewrap and retirement.
#include "keys/keyring.h"

#include <functional>
#include <memory>
#include <string>

#include "base/clock.h"
#include "gtest/gtest.h"
#include "keys/crypto.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fault_injecting_store.h"
#include "tests/unit/test_util.h"
#include "vault/sealing/kv_key_store.h"
#include "vault/storage/memory_store.h"
#include "vault/storage/rocksdb_store.h"

namespace hoidla::keys {
namespace {

using ::hoidla::testing::DumpStore;
using ::hoidla::testing::KeysWithPrefix;
using ::hoidla::testing::TempDir;
using storage::Space;

constexpr int64_t kStart = 1'700'000'000'000'000;  // 2023-11-14, in micros

class KeyringTest : public ::testing::Test {
 protected:
  std::unique_ptr<Keyring> Open(storage::KvStore* store = nullptr) {
    auto k = sealing::OpenKeyring(store ? store : &store_, master_.Clone(), MasterKeyMode::kDev,
                                  &clock_);
    EXPECT_TRUE(k.ok()) << k.status();
    return k.ok() ? std::move(*k) : nullptr;
  }
  // Adds a subject key and commits it.
  void AddSubject(Keyring& k, std::string_view subject, storage::KvStore* store = nullptr) {
    KeyChanges b;
    HOIDLA_ASSERT_OK(k.AddSubjectKey(subject, &b));
    HOIDLA_ASSERT_OK((store ? store : &store_)->Write(sealing::ToBatch(b)));
  }
  std::string SubjectEnvelope(std::string_view subject) {
    auto v = kv().Get(Space::kKeys, std::string("subj/") + std::string(subject));
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::string();
  }
  uint32_t SubjectKekVersion(std::string_view subject) {
    auto h = ParseKeyEnvelope(SubjectEnvelope(subject));
    EXPECT_TRUE(h.ok()) << h.status();
    EXPECT_EQ(h->key_id, "kek");
    return h.ok() ? h->key_version : 0;
  }
  KekInfo Info(Keyring& k, uint32_t version) {
    auto list = k.ListKeks();
    EXPECT_TRUE(list.ok()) << list.status();
    for (const auto& i : *list) {
      if (i.version == version) return i;
    }
    ADD_FAILURE() << "no KEK version " << version;
    return {};
  }

  FakeClock clock_{kStart};
  storage::MemoryStore store_;
  // The engines' overrides lack the interface's default arguments.
  storage::KvStore& kv() { return store_; }
  SecureBuffer master_ = NewKey();
};

TEST_F(KeyringTest, FreshStoreGetsKekVersionOneAndSystemKey) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->mode(), MasterKeyMode::kDev);
  auto list = k->ListKeks();
  HOIDLA_ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].version, 1u);
  EXPECT_TRUE((*list)[0].active);
  EXPECT_EQ((*list)[0].created_at_micros, kStart);
  EXPECT_EQ((*list)[0].wrapped_keys, 1);  // the system subject
  EXPECT_EQ(KeysWithPrefix(store_, Space::kKeys, "subj/"), std::vector<std::string>{"subj/system"});
  EXPECT_EQ(SubjectKekVersion(kSystemSubject), 1u);
  // The master key itself is never stored.
  for (const auto& [k2, v] : DumpStore(store_)) {
    EXPECT_EQ(v.find(master_.view()), std::string::npos) << k2.second;
  }
}

TEST_F(KeyringTest, ReopenWithSameMasterKeyReadsExistingKeys) {
  SecureBuffer dk = NewKey();
  std::string wrapped;
  {
    auto k = Open();
    ASSERT_NE(k, nullptr);
    AddSubject(*k, "cli_a");
    auto w = k->WrapDataKey("cli_a", dk, "ctx");
    HOIDLA_ASSERT_OK(w);
    wrapped = *w;
  }
  auto before = DumpStore(store_);
  auto k = Open();
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(DumpStore(store_), before) << "reopening must not write";
  auto u = k->UnwrapDataKey("cli_a", wrapped, "ctx");
  HOIDLA_ASSERT_OK(u);
  EXPECT_EQ(u->view(), dk.view());
}

TEST_F(KeyringTest, WrongMasterKeyIsRefused) {
  ASSERT_NE(Open(), nullptr);
  auto before = DumpStore(store_);
  auto k = sealing::OpenKeyring(&store_, NewKey(), MasterKeyMode::kDev, &clock_);
  EXPECT_EQ(k.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(DumpStore(store_), before);
}

TEST_F(KeyringTest, WrongSizedMasterKeyIsInvalidArgument) {
  SecureBuffer short_key(master_.data(), 16);
  auto k = sealing::OpenKeyring(&store_, std::move(short_key), MasterKeyMode::kDev, &clock_);
  EXPECT_TRUE(::hoidla::testing::IsInvalidArgumentFor(k, "master key"));
  EXPECT_TRUE(DumpStore(store_).empty());
}

TEST_F(KeyringTest, FailedFirstWriteLeavesStoreEmpty) {
  storage::FaultInjectingStore faulty(&store_);
  faulty.FailWritesAfter(0);
  auto k = sealing::OpenKeyring(&faulty, master_.Clone(), MasterKeyMode::kDev, &clock_);
  EXPECT_EQ(k.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(DumpStore(store_).empty());
  faulty.Heal();
  HOIDLA_EXPECT_OK(sealing::OpenKeyring(&faulty, master_.Clone(), MasterKeyMode::kDev, &clock_));
}

TEST_F(KeyringTest, MissingActivePointerIsDataLossNotANewKeyring) {
  // If the "kek-active" record is lost while KEKs exist, opening must fail
  // closed; it must never generate a fresh KEK v1 over the real one (that
  // would make every stored object unreadable for good).
  auto k = Open();
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_a");
  SecureBuffer dk = NewKey();
  auto wrapped = k->WrapDataKey("cli_a", dk, "ctx");
  HOIDLA_ASSERT_OK(wrapped);
  k.reset();
  const std::string kek1 = *kv().Get(Space::kKeys, "kek/00000001");
  storage::WriteBatch b;
  b.Delete(Space::kKeys, "kek-active");
  HOIDLA_ASSERT_OK(kv().Write(b));

  auto reopened = sealing::OpenKeyring(&store_, master_.Clone(), MasterKeyMode::kDev, &clock_);
  auto kek1_after = kv().Get(Space::kKeys, "kek/00000001");
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(kek1_after.ok());
  EXPECT_EQ(*kek1_after, kek1);
}

TEST_F(KeyringTest, CorruptActivePointerIsDataLoss) {
  ASSERT_NE(Open(), nullptr);
  ASSERT_TRUE(store_.Overwrite(Space::kKeys, "kek-active", "xyz"));
  auto k = sealing::OpenKeyring(&store_, master_.Clone(), MasterKeyMode::kDev, &clock_);
  EXPECT_EQ(k.status().code(), absl::StatusCode::kDataLoss);
  // Pointing at a version that does not exist.
  ASSERT_TRUE(store_.Overwrite(Space::kKeys, "kek-active", std::string("\0\0\0\x07", 4)));
  k = sealing::OpenKeyring(&store_, master_.Clone(), MasterKeyMode::kDev, &clock_);
  EXPECT_EQ(k.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(KeyringTest, DataKeyWrapsAndUnwrapsForItsSubjectAndContext) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_a");
  SecureBuffer dk = NewKey();
  auto w = k->WrapDataKey("cli_a", dk, "data|doc_1");
  HOIDLA_ASSERT_OK(w);
  auto h = ParseKeyEnvelope(*w);
  HOIDLA_ASSERT_OK(h);
  EXPECT_EQ(h->key_id, "subject:cli_a");
  auto u = k->UnwrapDataKey("cli_a", *w, "data|doc_1");
  HOIDLA_ASSERT_OK(u);
  EXPECT_EQ(u->view(), dk.view());
  // A second keyring over the same store (cold cache) reads it too.
  auto k2 = Open();
  ASSERT_NE(k2, nullptr);
  auto u2 = k2->UnwrapDataKey("cli_a", *w, "data|doc_1");
  HOIDLA_ASSERT_OK(u2);
  EXPECT_EQ(u2->view(), dk.view());
}

TEST_F(KeyringTest, UnwrapWithAnotherSubjectIsDataLoss) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_a");
  AddSubject(*k, "cli_b");
  auto w = k->WrapDataKey("cli_a", NewKey(), "ctx");
  HOIDLA_ASSERT_OK(w);
  EXPECT_EQ(k->UnwrapDataKey("cli_b", *w, "ctx").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(k->UnwrapDataKey("cli_c", *w, "ctx").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(KeyringTest, UnwrapWithAnotherContextOrAlteredBytesIsDataLoss) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_a");
  auto w = k->WrapDataKey("cli_a", NewKey(), "ctx");
  HOIDLA_ASSERT_OK(w);
  EXPECT_EQ(k->UnwrapDataKey("cli_a", *w, "ctx2").status().code(), absl::StatusCode::kDataLoss);
  for (size_t i = 0; i < w->size(); ++i) {
    std::string bad = *w;
    bad[i] ^= 0x01;
    EXPECT_EQ(k->UnwrapDataKey("cli_a", bad, "ctx").status().code(), absl::StatusCode::kDataLoss)
        << "byte " << i;
  }
  EXPECT_EQ(k->UnwrapDataKey("cli_a", "", "ctx").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(KeyringTest, SubjectWithoutKeyIsNotFound) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->WrapDataKey("cli_nobody", NewKey(), "ctx").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(KeyringTest, AddingASubjectKeyTwiceIsAlreadyExists) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_a");
  KeyChanges b;
  EXPECT_EQ(k->AddSubjectKey("cli_a", &b).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(k->AddSubjectKey(kSystemSubject, &b).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(KeyringTest, AddSubjectKeyOnlyAddsToTheBatch) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  auto before = DumpStore(store_);
  KeyChanges b;
  HOIDLA_ASSERT_OK(k->AddSubjectKey("cli_a", &b));
  EXPECT_EQ(DumpStore(store_), before);
  ASSERT_EQ(b.ops().size(), 1u);
  EXPECT_TRUE(b.ops()[0].value.has_value());
  EXPECT_EQ(b.ops()[0].key, "subj/cli_a");
}

TEST_F(KeyringTest, DestroyedSubjectKeyIsNotFoundAfterwards) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_a");
  auto w = k->WrapDataKey("cli_a", NewKey(), "ctx");
  HOIDLA_ASSERT_OK(w);
  HOIDLA_ASSERT_OK(k->DestroySubjectKey("cli_a"));
  EXPECT_EQ(k->UnwrapDataKey("cli_a", *w, "ctx").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(k->WrapDataKey("cli_a", NewKey(), "ctx").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(kv().Get(Space::kKeys, "subj/cli_a").status().code(), absl::StatusCode::kNotFound);
  // Idempotent.
  HOIDLA_EXPECT_OK(k->DestroySubjectKey("cli_a"));
  // Also after reopening (no cache).
  auto k2 = Open();
  ASSERT_NE(k2, nullptr);
  EXPECT_EQ(k2->UnwrapDataKey("cli_a", *w, "ctx").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(KeyringTest, SystemKeyCannotBeDestroyed) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->DestroySubjectKey(kSystemSubject).code(), absl::StatusCode::kFailedPrecondition);
  HOIDLA_EXPECT_OK(k->WrapDataKey(kSystemSubject, NewKey(), "ctx"));
}

TEST_F(KeyringTest, DestroyThatFailsToWriteKeepsTheKey) {
  storage::FaultInjectingStore faulty(&store_);
  auto k = Open(&faulty);
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_a", &faulty);
  auto w = k->WrapDataKey("cli_a", NewKey(), "ctx");
  HOIDLA_ASSERT_OK(w);
  faulty.FailWritesAfter(0);
  EXPECT_EQ(k->DestroySubjectKey("cli_a").code(), absl::StatusCode::kUnavailable);
  HOIDLA_EXPECT_OK(k->UnwrapDataKey("cli_a", *w, "ctx"));
}

TEST_F(KeyringTest, RotateMakesNewSubjectKeysUseNewVersionAndOldOnesStayReadable) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_old");
  SecureBuffer dk_old = NewKey();
  auto w_old = k->WrapDataKey("cli_old", dk_old, "ctx");
  HOIDLA_ASSERT_OK(w_old);

  clock_.Advance(1000);
  auto v = k->RotateKek();
  HOIDLA_ASSERT_OK(v);
  EXPECT_EQ(*v, 2u);
  AddSubject(*k, "cli_new");
  EXPECT_EQ(SubjectKekVersion("cli_old"), 1u);
  EXPECT_EQ(SubjectKekVersion("cli_new"), 2u);

  KekInfo v1 = Info(*k, 1), v2 = Info(*k, 2);
  EXPECT_FALSE(v1.active);
  EXPECT_TRUE(v2.active);
  EXPECT_EQ(v1.wrapped_keys, 2);  // system + cli_old
  EXPECT_EQ(v2.wrapped_keys, 1);  // cli_new
  EXPECT_EQ(v2.created_at_micros, kStart + 1000);

  // Old data stays readable, also from a fresh keyring.
  auto k2 = Open();
  ASSERT_NE(k2, nullptr);
  auto u = k2->UnwrapDataKey("cli_old", *w_old, "ctx");
  HOIDLA_ASSERT_OK(u);
  EXPECT_EQ(u->view(), dk_old.view());
  // The reopened keyring also wraps new subjects with v2.
  AddSubject(*k2, "cli_newer");
  EXPECT_EQ(SubjectKekVersion("cli_newer"), 2u);
}

TEST_F(KeyringTest, RewrapMovesEveryOldSubjectKeyToActiveAndReturnsCount) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_a");
  AddSubject(*k, "cli_b");
  SecureBuffer dk = NewKey();
  auto w = k->WrapDataKey("cli_a", dk, "ctx");
  HOIDLA_ASSERT_OK(w);
  HOIDLA_ASSERT_OK(k->RotateKek());
  AddSubject(*k, "cli_c");

  auto n = k->RewrapSubjectKeys();
  HOIDLA_ASSERT_OK(n);
  EXPECT_EQ(*n, 3);  // system, cli_a, cli_b
  for (const char* s : {"system", "cli_a", "cli_b", "cli_c"}) {
    EXPECT_EQ(SubjectKekVersion(s), 2u) << s;
  }
  EXPECT_EQ(Info(*k, 1).wrapped_keys, 0);
  EXPECT_EQ(Info(*k, 2).wrapped_keys, 4);
  // Nothing left to do.
  auto again = k->RewrapSubjectKeys();
  HOIDLA_ASSERT_OK(again);
  EXPECT_EQ(*again, 0);
  // The data key wrapped before rewrap still opens (subject key unchanged).
  auto k2 = Open();
  ASSERT_NE(k2, nullptr);
  auto u = k2->UnwrapDataKey("cli_a", *w, "ctx");
  HOIDLA_ASSERT_OK(u);
  EXPECT_EQ(u->view(), dk.view());
}

TEST_F(KeyringTest, RewrapHandlesMoreKeysThanOneBatch) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  KeyChanges b;
  for (int i = 0; i < 600; ++i) HOIDLA_ASSERT_OK(k->AddSubjectKey("cli_" + std::to_string(i), &b));
  HOIDLA_ASSERT_OK(kv().Write(sealing::ToBatch(b)));
  HOIDLA_ASSERT_OK(k->RotateKek());
  auto n = k->RewrapSubjectKeys();
  HOIDLA_ASSERT_OK(n);
  EXPECT_EQ(*n, 601);
  EXPECT_EQ(Info(*k, 1).wrapped_keys, 0);
}

TEST_F(KeyringTest, RetireRefusesTheActiveVersion) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->RetireKek(1).code(), absl::StatusCode::kFailedPrecondition);
  HOIDLA_ASSERT_OK(k->RotateKek());
  EXPECT_EQ(k->RetireKek(2).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(KeyringTest, RetireRefusesAVersionStillInUse) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_a");
  HOIDLA_ASSERT_OK(k->RotateKek());
  auto before = DumpStore(store_);
  absl::Status s = k->RetireKek(1);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(::hoidla::testing::StartsWith(std::string(s.message()), "version:")) << s;
  EXPECT_EQ(DumpStore(store_), before);
}

TEST_F(KeyringTest, RetireOfUnknownVersionIsNotFound) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->RetireKek(9).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(k->RetireKek(0).code(), absl::StatusCode::kNotFound);
}

TEST_F(KeyringTest, RetireSucceedsAfterRewrapAndDataStillReadsAfterReopen) {
  auto k = Open();
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_a");
  SecureBuffer dk = NewKey();
  auto w = k->WrapDataKey("cli_a", dk, "ctx");
  HOIDLA_ASSERT_OK(w);
  auto sys_w = k->WrapDataKey(kSystemSubject, dk, "sys");
  HOIDLA_ASSERT_OK(sys_w);
  HOIDLA_ASSERT_OK(k->RotateKek());
  HOIDLA_ASSERT_OK(k->RewrapSubjectKeys());
  HOIDLA_ASSERT_OK(k->RetireKek(1));
  EXPECT_EQ(kv().Get(Space::kKeys, "kek/00000001").status().code(), absl::StatusCode::kNotFound);
  auto list = k->ListKeks();
  HOIDLA_ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].version, 2u);
  EXPECT_EQ(k->RetireKek(1).code(), absl::StatusCode::kNotFound);

  k.reset();
  auto k2 = Open();
  ASSERT_NE(k2, nullptr);
  auto u = k2->UnwrapDataKey("cli_a", *w, "ctx");
  HOIDLA_ASSERT_OK(u);
  EXPECT_EQ(u->view(), dk.view());
  HOIDLA_EXPECT_OK(k2->UnwrapDataKey(kSystemSubject, *sys_w, "sys"));
  // Rotation continues from the highest version.
  auto v = k2->RotateKek();
  HOIDLA_ASSERT_OK(v);
  EXPECT_EQ(*v, 3u);
}

TEST_F(KeyringTest, KeyringWorksOverRocksDbAcrossReopen) {
  TempDir dir;
  SecureBuffer dk = NewKey();
  std::string w;
  {
    auto db = storage::RocksDbStore::Open(dir.File("db"));
    HOIDLA_ASSERT_OK(db);
    auto k = Open(db->get());
    ASSERT_NE(k, nullptr);
    AddSubject(*k, "cli_a", db->get());
    auto wrapped = k->WrapDataKey("cli_a", dk, "ctx");
    HOIDLA_ASSERT_OK(wrapped);
    w = *wrapped;
    HOIDLA_ASSERT_OK(k->RotateKek());
    HOIDLA_ASSERT_OK(k->RewrapSubjectKeys());
    HOIDLA_ASSERT_OK(k->RetireKek(1));
  }
  auto db = storage::RocksDbStore::Open(dir.File("db"));
  HOIDLA_ASSERT_OK(db);
  auto k = Open(db->get());
  ASSERT_NE(k, nullptr);
  auto u = k->UnwrapDataKey("cli_a", w, "ctx");
  HOIDLA_ASSERT_OK(u);
  EXPECT_EQ(u->view(), dk.view());
  EXPECT_EQ(sealing::OpenKeyring(db->get(), NewKey(), MasterKeyMode::kDev, &clock_).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(KeyringTest, DerivedKeysDependOnlyOnMasterKey) {
  auto k1 = Open();
  ASSERT_NE(k1, nullptr);
  storage::MemoryStore other;
  auto k2 = Open(&other);
  ASSERT_NE(k2, nullptr);
  EXPECT_EQ(k1->blind_index_key().view(), k2->blind_index_key().view());
  EXPECT_NE(k1->blind_index_key().view(), k1->token_key().view());
  storage::MemoryStore third;
  auto k3 = sealing::OpenKeyring(&third, NewKey(), MasterKeyMode::kDev, &clock_);
  HOIDLA_ASSERT_OK(k3);
  EXPECT_NE((*k3)->blind_index_key().view(), k1->blind_index_key().view());
}

// A store that runs a hook right after a snapshot is taken: lets a test put
// another operation between a reader's snapshot and its write, as a
// concurrent caller could.
class HookAfterSnapshotStore : public storage::KvStore {
 public:
  explicit HookAfterSnapshotStore(storage::KvStore* base) : base_(base) {}
  std::function<void()> after_snapshot;
  absl::StatusOr<std::string> Get(Space space, std::string_view key,
                                  const storage::Snapshot* snapshot) override {
    return base_->Get(space, key, snapshot);
  }
  absl::Status Write(const storage::WriteBatch& batch,
                     const storage::WriteOptions& options) override {
    return base_->Write(batch, options);
  }
  std::shared_ptr<const storage::Snapshot> NewSnapshot() override {
    auto s = base_->NewSnapshot();
    if (after_snapshot) {
      auto hook = std::move(after_snapshot);
      after_snapshot = nullptr;
      hook();
    }
    return s;
  }
  std::unique_ptr<storage::Iterator> Scan(Space space, std::string_view prefix,
                                          std::string_view start,
                                          const storage::Snapshot* snapshot) override {
    return base_->Scan(space, prefix, start, snapshot);
  }

 private:
  storage::KvStore* base_;
};

TEST_F(KeyringTest, RewrapDoesNotResurrectASubjectKeyDestroyedMeanwhile) {
  HookAfterSnapshotStore hooked(&store_);
  auto k = Open(&hooked);
  ASSERT_NE(k, nullptr);
  AddSubject(*k, "cli_erased", &hooked);
  auto w = k->WrapDataKey("cli_erased", NewKey(), "ctx");
  HOIDLA_ASSERT_OK(w);
  HOIDLA_ASSERT_OK(k->RotateKek());
  // The erasure lands after rewrap took its snapshot, before it writes.
  hooked.after_snapshot = [&] { ASSERT_TRUE(k->DestroySubjectKey("cli_erased").ok()); };
  HOIDLA_ASSERT_OK(k->RewrapSubjectKeys());
  auto still = kv().Get(Space::kKeys, "subj/cli_erased");
  EXPECT_EQ(still.status().code(), absl::StatusCode::kNotFound);
  auto k2 = Open();
  ASSERT_NE(k2, nullptr);
  EXPECT_EQ(k2->UnwrapDataKey("cli_erased", *w, "ctx").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(KeyEnvelope, RoundTripsAndNamesItsWrappingKey) {
  SecureBuffer kek = NewKey();
  SecureBuffer secret = NewKey();
  std::string env = SealKeyEnvelope(kek, "kek", 7, "subject|cli_a", secret.view());
  auto h = ParseKeyEnvelope(env);
  HOIDLA_ASSERT_OK(h);
  EXPECT_EQ(h->key_id, "kek");
  EXPECT_EQ(h->key_version, 7u);
  auto opened = OpenKeyEnvelope(kek, "subject|cli_a", env);
  HOIDLA_ASSERT_OK(opened);
  EXPECT_EQ(opened->view(), secret.view());
  EXPECT_EQ(OpenKeyEnvelope(kek, "subject|cli_b", env).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseKeyEnvelope("HK").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseKeyEnvelope("XX\x01\x00").status().code(), absl::StatusCode::kDataLoss);
  // The header (key id, version) is authenticated.
  for (size_t i = 0; i < h->header_size; ++i) {
    std::string bad = env;
    bad[i] ^= 0x01;
    EXPECT_EQ(OpenKeyEnvelope(kek, "subject|cli_a", bad).status().code(),
              absl::StatusCode::kDataLoss)
        << i;
  }
}

}  // namespace
}  // namespace hoidla::keys
