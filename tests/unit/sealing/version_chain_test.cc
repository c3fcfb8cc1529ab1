// VersionChain (vault/sealing/version_chain.h): a chain of sealed versions
// over a real keyring and an in-memory store.
#include "vault/sealing/version_chain.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "hoidla/storage/v1/records.pb.h"
#include "keys/crypto.h"
#include "keys/master.h"
#include "tests/fakes/fake_clock.h"
#include "vault/sealing/kv_key_store.h"
#include "vault/storage/layout.h"
#include "vault/storage/memory_store.h"

namespace hoidla::core {
namespace {

using storage::Space;
using Record = hoidla::storage::v1::InstrumentRecord;
constexpr std::string_view kKind = storage::layout::records::kInstrument;

class VersionChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto k = sealing::OpenKeyring(&store_, keys::NewKey(), keys::MasterKeyMode::kDev, &clock_);
    ASSERT_TRUE(k.ok()) << k.status();
    keyring_ = std::move(*k);
    records_ = std::make_unique<SealedRecords>(&store_, keyring_.get());
    chain_ = std::make_unique<VersionChain<Record>>(&store_, records_.get(), kKind, "instrument");
  }

  // Writes version `v` of `id` in a batch of its own.
  void PutVersion(std::string_view id, uint32_t v) {
    Record r;
    r.set_id(std::string(id));
    r.set_version(v);
    r.set_name("v" + std::to_string(v));
    storage::WriteBatch batch;
    ASSERT_TRUE(chain_->Put(r, keys::kSystemSubject, &batch).ok());
    ASSERT_TRUE(store_.Write(batch).ok());
  }

  std::string KeyOf(std::string_view id, uint32_t v) const {
    return storage::layout::RecordKey(kKind, storage::layout::VersionedId(id, v));
  }

  FakeClock clock_{1000000000000000};
  storage::MemoryStore memory_;
  storage::KvStore& store_ = memory_;
  std::unique_ptr<keys::Keyring> keyring_;
  std::unique_ptr<SealedRecords> records_;
  std::unique_ptr<VersionChain<Record>> chain_;
};

TEST_F(VersionChainTest, VersionsLoadOldestFirst) {
  for (uint32_t v = 1; v <= 3; ++v) PutVersion("ins_a", v);
  auto all = chain_->Load("ins_a", keys::kSystemSubject);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  for (uint32_t v = 1; v <= 3; ++v) {
    EXPECT_EQ((*all)[v - 1].version(), v);
    EXPECT_EQ((*all)[v - 1].name(), "v" + std::to_string(v));
  }
  auto two = chain_->Get("ins_a", 2, keys::kSystemSubject);
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->name(), "v2");
}

TEST_F(VersionChainTest, ChainsOfIdsSharingAPrefixStayApart) {
  PutVersion("ins_a", 1);
  PutVersion("ins_ab", 1);
  PutVersion("ins_ab", 2);
  auto a = chain_->Load("ins_a", keys::kSystemSubject);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->size(), 1u);
  auto ab = chain_->Load("ins_ab", keys::kSystemSubject);
  ASSERT_TRUE(ab.ok()) << ab.status();
  EXPECT_EQ(ab->size(), 2u);
}

TEST_F(VersionChainTest, AChainWithNoVersionIsDataLoss) {
  EXPECT_EQ(chain_->Load("ins_none", keys::kSystemSubject).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(VersionChainTest, AnAbsentVersionIsNotFound) {
  PutVersion("ins_a", 1);
  EXPECT_EQ(chain_->Get("ins_a", 2, keys::kSystemSubject).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(VersionChainTest, ARemovedMiddleVersionIsDataLoss) {
  for (uint32_t v = 1; v <= 3; ++v) PutVersion("ins_a", v);
  storage::WriteBatch cut;
  cut.Delete(Space::kMeta, KeyOf("ins_a", 2));
  ASSERT_TRUE(store_.Write(cut).ok());
  auto all = chain_->Load("ins_a", keys::kSystemSubject);
  EXPECT_EQ(all.status().code(), absl::StatusCode::kDataLoss) << all.status();
}

TEST_F(VersionChainTest, AVersionCopiedUnderAnotherNumberIsDataLoss) {
  PutVersion("ins_a", 1);
  PutVersion("ins_a", 2);
  auto v1 = store_.Get(Space::kMeta, KeyOf("ins_a", 1));
  ASSERT_TRUE(v1.ok());
  storage::WriteBatch replay;
  replay.Put(Space::kMeta, KeyOf("ins_a", 2), *v1);
  ASSERT_TRUE(store_.Write(replay).ok());
  EXPECT_EQ(chain_->Load("ins_a", keys::kSystemSubject).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(chain_->Get("ins_a", 2, keys::kSystemSubject).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(VersionChainTest, AVersionMovedToAnotherIdIsDataLoss) {
  PutVersion("ins_a", 1);
  PutVersion("ins_b", 1);
  auto a = store_.Get(Space::kMeta, KeyOf("ins_a", 1));
  ASSERT_TRUE(a.ok());
  storage::WriteBatch move;
  move.Put(Space::kMeta, KeyOf("ins_b", 1), *a);
  ASSERT_TRUE(store_.Write(move).ok());
  EXPECT_EQ(chain_->Get("ins_b", 1, keys::kSystemSubject).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hoidla::core
