// Record envelopes and document chunks: every sealed object is bound to its
// kind, id, version and owner; anything moved or altered is DATA_LOSS.
#include "keys/envelope.h"

#include <memory>
#include <string>

#include "base/clock.h"
#include "gtest/gtest.h"
#include "keys/crypto.h"
#include "keys/keyring.h"
#include "tests/fakes/fake_clock.h"
#include "tests/unit/test_util.h"
#include "vault/sealing/kv_key_store.h"
#include "vault/storage/memory_store.h"

namespace hoidla::keys {
namespace {

class EnvelopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto k = sealing::OpenKeyring(&store_, NewKey(), MasterKeyMode::kDev, &clock_);
    ASSERT_TRUE(k.ok()) << k.status();
    keyring_ = std::move(*k);
    KeyChanges b;
    HOIDLA_ASSERT_OK(keyring_->AddSubjectKey("cli_a", &b));
    HOIDLA_ASSERT_OK(keyring_->AddSubjectKey("cli_b", &b));
    HOIDLA_ASSERT_OK(kv().Write(sealing::ToBatch(b)));
  }

  FakeClock clock_{1'700'000'000'000'000};
  storage::MemoryStore store_;
  // The engines' overrides lack the interface's default arguments.
  storage::KvStore& kv() { return store_; }
  std::unique_ptr<Keyring> keyring_;
};

const ObjectBinding kClientRec{"client", "cli_a", 1, "cli_a"};

TEST_F(EnvelopeTest, SealRecordThenOpenRoundTrips) {
  for (std::string plain : {std::string(), std::string("x"), std::string(100000, 'p')}) {
    auto env = SealRecord(*keyring_, kClientRec, plain);
    HOIDLA_ASSERT_OK(env);
    auto opened = OpenRecord(*keyring_, kClientRec, *env);
    HOIDLA_ASSERT_OK(opened);
    EXPECT_EQ(*opened, plain);
  }
}

TEST_F(EnvelopeTest, SealingTwiceGivesDifferentBytes) {
  auto a = SealRecord(*keyring_, kClientRec, "same");
  auto b = SealRecord(*keyring_, kClientRec, "same");
  HOIDLA_ASSERT_OK(a);
  HOIDLA_ASSERT_OK(b);
  EXPECT_NE(*a, *b);
}

TEST_F(EnvelopeTest, PlaintextIsNotVisibleInEnvelope) {
  auto env = SealRecord(*keyring_, kClientRec, "Kristiina Põldmäe 49403136526");
  HOIDLA_ASSERT_OK(env);
  EXPECT_EQ(env->find("Kristiina"), std::string::npos);
  EXPECT_EQ(env->find("49403136526"), std::string::npos);
}

TEST_F(EnvelopeTest, OpenWithAnotherIdVersionOwnerOrKindIsDataLoss) {
  auto env = SealRecord(*keyring_, kClientRec, "record");
  HOIDLA_ASSERT_OK(env);
  const ObjectBinding others[] = {
      {"client", "cli_x", 1, "cli_a"},   // other id
      {"client", "cli_a", 2, "cli_a"},   // other version
      {"client", "cli_a", 1, "cli_b"},   // other owner (has a key)
      {"case", "cli_a", 1, "cli_a"},     // other kind
      {"client", "cli_a", 1, "system"},  // system owner
  };
  for (const auto& b : others) {
    auto opened = OpenRecord(*keyring_, b, *env);
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss)
        << b.kind << " " << b.id << " " << b.version << " " << b.owner;
  }
}

TEST_F(EnvelopeTest, EveryFlippedByteIsDataLoss) {
  auto env = SealRecord(*keyring_, kClientRec, "small record");
  HOIDLA_ASSERT_OK(env);
  for (size_t i = 0; i < env->size(); ++i) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}}) {
      std::string bad = *env;
      bad[i] = static_cast<char>(static_cast<uint8_t>(bad[i]) ^ mask);
      auto opened = OpenRecord(*keyring_, kClientRec, bad);
      EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss)
          << "byte " << i << " mask " << int{mask};
    }
  }
}

TEST_F(EnvelopeTest, TruncatedOrExtendedEnvelopeIsDataLoss) {
  auto env = SealRecord(*keyring_, kClientRec, "small record");
  HOIDLA_ASSERT_OK(env);
  for (size_t n = 0; n < env->size(); ++n) {
    EXPECT_EQ(OpenRecord(*keyring_, kClientRec, env->substr(0, n)).status().code(),
              absl::StatusCode::kDataLoss)
        << n;
  }
  EXPECT_EQ(OpenRecord(*keyring_, kClientRec, *env + "x").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(EnvelopeTest, OwnerWithoutKeyIsNotFound) {
  EXPECT_EQ(SealRecord(*keyring_, {"client", "cli_z", 1, "cli_z"}, "x").status().code(),
            absl::StatusCode::kNotFound);
  auto env = SealRecord(*keyring_, kClientRec, "record");
  HOIDLA_ASSERT_OK(env);
  HOIDLA_ASSERT_OK(keyring_->DestroySubjectKey("cli_a"));
  EXPECT_EQ(OpenRecord(*keyring_, kClientRec, *env).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(EnvelopeTest, RecordOwnerNamesTheSealingSubject) {
  auto env = SealRecord(*keyring_, {"case", "cas_1", 1, "cli_b"}, "x");
  HOIDLA_ASSERT_OK(env);
  auto owner = RecordOwner(*env);
  HOIDLA_ASSERT_OK(owner);
  EXPECT_EQ(*owner, "cli_b");
  EXPECT_EQ(RecordOwner("nonsense").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(RecordOwner("").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(EnvelopeTest, DataKeyContextDiffersPerBindingField) {
  const std::string base = DataKeyContext(kClientRec);
  EXPECT_NE(base, DataKeyContext({"client", "cli_x", 1, "cli_a"}));
  EXPECT_NE(base, DataKeyContext({"client", "cli_a", 2, "cli_a"}));
  EXPECT_NE(base, DataKeyContext({"client", "cli_a", 1, "cli_b"}));
  EXPECT_NE(base, DataKeyContext({"case", "cli_a", 1, "cli_a"}));
  // Length-prefixed: shifting bytes between fields changes the context.
  EXPECT_NE(DataKeyContext({"ab", "c", 1, "o"}), DataKeyContext({"a", "bc", 1, "o"}));
}

// ---------------------------------------------------------------------------
// Chunks

class ChunkTest : public ::testing::TestWithParam<Cipher> {
 protected:
  void SetUp() override {
    if (!CheckCipherUsable(static_cast<uint32_t>(GetParam())).ok()) {
      GTEST_SKIP() << "cipher not usable here";
    }
  }
  Cipher cipher() const { return GetParam(); }
  SecureBuffer key_ = NewKey();
  ObjectBinding doc_{"document", "doc_a", 1, "cli_a"};
};

INSTANTIATE_TEST_SUITE_P(BothCiphers, ChunkTest,
                         ::testing::Values(Cipher::kXChaCha20Poly1305, Cipher::kAes256Gcm),
                         [](const auto& info) { return std::string(CipherName(info.param)); });

TEST_P(ChunkTest, SealThenOpenRoundTrips) {
  std::string sealed;
  SealChunk(cipher(), key_, doc_, 5, false, "chunk five", &sealed);
  EXPECT_EQ(sealed.size(), 10 + ChunkOverhead(doc_));
  std::string out;
  HOIDLA_ASSERT_OK(OpenChunk(cipher(), key_, doc_, 5, false, sealed, &out));
  EXPECT_EQ(out, "chunk five");
  std::string empty;
  SealChunk(cipher(), key_, doc_, 0, true, "", &empty);
  HOIDLA_ASSERT_OK(OpenChunk(cipher(), key_, doc_, 0, true, empty, &out));
  EXPECT_EQ(out, "");
}

TEST_P(ChunkTest, WrongIndexIsDataLoss) {
  std::string sealed;
  SealChunk(cipher(), key_, doc_, 1, false, "data", &sealed);
  std::string out = "junk";
  EXPECT_EQ(OpenChunk(cipher(), key_, doc_, 0, false, sealed, &out).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(OpenChunk(cipher(), key_, doc_, 2, false, sealed, &out).code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(ChunkTest, WrongFinalFlagIsDataLoss) {
  std::string last, middle;
  SealChunk(cipher(), key_, doc_, 3, true, "data", &last);
  SealChunk(cipher(), key_, doc_, 3, false, "data", &middle);
  std::string out;
  EXPECT_EQ(OpenChunk(cipher(), key_, doc_, 3, false, last, &out).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(OpenChunk(cipher(), key_, doc_, 3, true, middle, &out).code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(ChunkTest, ChunkOfAnotherDocumentOrOwnerIsDataLoss) {
  std::string sealed;
  SealChunk(cipher(), key_, doc_, 0, true, "data", &sealed);
  std::string out;
  // Even with the same key, another document id or owner does not open it.
  EXPECT_EQ(
      OpenChunk(cipher(), key_, {"document", "doc_b", 1, "cli_a"}, 0, true, sealed, &out).code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      OpenChunk(cipher(), key_, {"document", "doc_a", 1, "cli_b"}, 0, true, sealed, &out).code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      OpenChunk(cipher(), key_, {"document", "doc_a", 2, "cli_a"}, 0, true, sealed, &out).code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(OpenChunk(cipher(), NewKey(), doc_, 0, true, sealed, &out).code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(ChunkTest, EveryFlippedByteIsDataLossAndYieldsNothing) {
  std::string sealed;
  SealChunk(cipher(), key_, doc_, 2, false, "chunk payload bytes", &sealed);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] ^= 0x01;
    std::string out = "junk";
    EXPECT_EQ(OpenChunk(cipher(), key_, doc_, 2, false, bad, &out).code(),
              absl::StatusCode::kDataLoss)
        << "byte " << i;
    EXPECT_TRUE(out.empty());
  }
}

TEST_P(ChunkTest, TruncatedChunkIsDataLoss) {
  std::string sealed;
  SealChunk(cipher(), key_, doc_, 0, true, "payload", &sealed);
  std::string out;
  for (size_t n = 0; n < sealed.size(); ++n) {
    EXPECT_EQ(OpenChunk(cipher(), key_, doc_, 0, true, sealed.substr(0, n), &out).code(),
              absl::StatusCode::kDataLoss)
        << n;
  }
}

TEST_P(ChunkTest, OpeningWithTheOtherCipherIsDataLoss) {
  Cipher other = cipher() == Cipher::kAes256Gcm ? Cipher::kXChaCha20Poly1305 : Cipher::kAes256Gcm;
  if (!CheckCipherUsable(static_cast<uint32_t>(other)).ok()) GTEST_SKIP();
  std::string sealed;
  SealChunk(cipher(), key_, doc_, 0, true, "payload", &sealed);
  std::string out;
  EXPECT_EQ(OpenChunk(other, key_, doc_, 0, true, sealed, &out).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hoidla::keys
