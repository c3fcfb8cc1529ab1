// Cryptographic primitives: AEAD with counter nonces for both ciphers, key
// wrapping, hashes, hex and key derivation.
#include "keys/crypto.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "tests/unit/test_util.h"

namespace hoidla::keys {
namespace {

class CounterAead : public ::testing::TestWithParam<Cipher> {
 protected:
  void SetUp() override {
    if (!CheckCipherUsable(static_cast<uint32_t>(GetParam())).ok()) {
      GTEST_SKIP() << CipherName(GetParam()) << " is not usable on this CPU";
    }
  }
};

INSTANTIATE_TEST_SUITE_P(BothCiphers, CounterAead,
                         ::testing::Values(Cipher::kXChaCha20Poly1305, Cipher::kAes256Gcm),
                         [](const auto& info) { return std::string(CipherName(info.param)); });

TEST_P(CounterAead, SealThenOpenRoundTrips) {
  SecureBuffer key = NewKey();
  for (size_t n : {size_t{0}, size_t{1}, size_t{17}, size_t{65536}}) {
    std::string plain = RandomString(n);
    std::string sealed = "prefix";
    SealWithCounter(GetParam(), key, 7, "ad", plain, &sealed);
    ASSERT_EQ(sealed.size(), 6 + n + kAeadTagBytes);
    EXPECT_EQ(sealed.substr(0, 6), "prefix");  // appends
    std::string out = "junk";
    HOIDLA_ASSERT_OK(OpenWithCounter(GetParam(), key, 7, "ad", sealed.substr(6), &out));
    EXPECT_EQ(out, plain);
  }
}

TEST_P(CounterAead, CiphertextDiffersFromPlaintext) {
  SecureBuffer key = NewKey();
  const std::string plain = "Mari Maasikas 49403136526";
  std::string sealed;
  SealWithCounter(GetParam(), key, 0, "", plain, &sealed);
  EXPECT_EQ(sealed.find("Maasikas"), std::string::npos);
}

TEST_P(CounterAead, EveryFlippedByteIsDataLossAndOutputIsEmpty) {
  SecureBuffer key = NewKey();
  std::string sealed;
  SealWithCounter(GetParam(), key, 3, "ad", "some secret bytes", &sealed);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] ^= 0x01;
    std::string out = "junk";
    EXPECT_EQ(OpenWithCounter(GetParam(), key, 3, "ad", bad, &out).code(),
              absl::StatusCode::kDataLoss)
        << "byte " << i;
    EXPECT_TRUE(out.empty());
  }
}

TEST_P(CounterAead, WrongCounterIsDataLoss) {
  SecureBuffer key = NewKey();
  std::string sealed;
  SealWithCounter(GetParam(), key, 1, "ad", "chunk", &sealed);
  std::string out;
  EXPECT_EQ(OpenWithCounter(GetParam(), key, 2, "ad", sealed, &out).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(OpenWithCounter(GetParam(), key, 1ull << 32 | 1, "ad", sealed, &out).code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(CounterAead, WrongAssociatedDataIsDataLoss) {
  SecureBuffer key = NewKey();
  std::string sealed;
  SealWithCounter(GetParam(), key, 0, "doc_a", "chunk", &sealed);
  std::string out;
  EXPECT_EQ(OpenWithCounter(GetParam(), key, 0, "doc_b", sealed, &out).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(OpenWithCounter(GetParam(), key, 0, "", sealed, &out).code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(CounterAead, WrongKeyIsDataLoss) {
  SecureBuffer key = NewKey();
  std::string sealed;
  SealWithCounter(GetParam(), key, 0, "", "chunk", &sealed);
  std::string out;
  EXPECT_EQ(OpenWithCounter(GetParam(), NewKey(), 0, "", sealed, &out).code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(CounterAead, TruncatedInputIsDataLoss) {
  SecureBuffer key = NewKey();
  std::string sealed;
  SealWithCounter(GetParam(), key, 0, "", "chunk", &sealed);
  std::string out;
  for (size_t n : {size_t{0}, size_t{5}, kAeadTagBytes, sealed.size() - 1}) {
    EXPECT_EQ(OpenWithCounter(GetParam(), key, 0, "", sealed.substr(0, n), &out).code(),
              absl::StatusCode::kDataLoss)
        << n;
  }
}

TEST_P(CounterAead, OpenIntoBufferRoundTrips) {
  SecureBuffer key = NewKey();
  std::string sealed;
  SealWithCounter(GetParam(), key, 9, "x", "abcdef", &sealed);
  uint8_t buf[6];
  HOIDLA_ASSERT_OK(OpenWithCounterInto(GetParam(), key, 9, "x", sealed, buf));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 6), "abcdef");
  sealed[0] ^= 1;
  EXPECT_EQ(OpenWithCounterInto(GetParam(), key, 9, "x", sealed, buf).code(),
            absl::StatusCode::kDataLoss);
}

TEST(Aead, CiphersAreNotInterchangeable) {
  if (!CheckCipherUsable(static_cast<uint32_t>(Cipher::kAes256Gcm)).ok()) {
    GTEST_SKIP() << "no AES-NI";
  }
  SecureBuffer key = NewKey();
  std::string sealed;
  SealWithCounter(Cipher::kAes256Gcm, key, 0, "", "data", &sealed);
  std::string out;
  EXPECT_EQ(OpenWithCounter(Cipher::kXChaCha20Poly1305, key, 0, "", sealed, &out).code(),
            absl::StatusCode::kDataLoss);
}

TEST(Aead, CheckCipherUsableRejectsUnknownValues) {
  EXPECT_TRUE(CheckCipherUsable(1).ok());
  EXPECT_EQ(CheckCipherUsable(0).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(CheckCipherUsable(3).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(CheckCipherUsable(255).code(), absl::StatusCode::kDataLoss);
}

TEST(Aead, PreferredCipherIsUsable) {
  EXPECT_TRUE(CheckCipherUsable(static_cast<uint32_t>(PreferredCipher())).ok());
  EXPECT_EQ(CipherName(Cipher::kAes256Gcm), "aes256gcm");
  EXPECT_EQ(CipherName(Cipher::kXChaCha20Poly1305), "xchacha20poly1305");
}

// ---------------------------------------------------------------------------
// Key wrapping

TEST(WrapBytes, RoundTripsAndUsesFreshNonces) {
  SecureBuffer kek = NewKey();
  SecureBuffer secret = NewKey();
  std::string w1 = WrapBytes(kek, "ctx", secret.view());
  std::string w2 = WrapBytes(kek, "ctx", secret.view());
  EXPECT_EQ(w1.size(), kWrapNonceBytes + kKeyBytes + kAeadTagBytes);
  EXPECT_NE(w1, w2);
  auto u1 = UnwrapBytes(kek, "ctx", w1);
  auto u2 = UnwrapBytes(kek, "ctx", w2);
  HOIDLA_ASSERT_OK(u1);
  HOIDLA_ASSERT_OK(u2);
  EXPECT_EQ(u1->view(), secret.view());
  EXPECT_EQ(u2->view(), secret.view());
}

TEST(WrapBytes, WrongKekContextOrAlteredBytesAreDataLoss) {
  SecureBuffer kek = NewKey();
  std::string w = WrapBytes(kek, "ctx", "secret-bytes");
  EXPECT_EQ(UnwrapBytes(NewKey(), "ctx", w).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(UnwrapBytes(kek, "other", w).status().code(), absl::StatusCode::kDataLoss);
  for (size_t i = 0; i < w.size(); ++i) {
    std::string bad = w;
    bad[i] ^= 0x80;
    EXPECT_EQ(UnwrapBytes(kek, "ctx", bad).status().code(), absl::StatusCode::kDataLoss) << i;
  }
  EXPECT_EQ(
      UnwrapBytes(kek, "ctx", w.substr(0, kWrapNonceBytes + kAeadTagBytes - 1)).status().code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(UnwrapBytes(kek, "ctx", "").status().code(), absl::StatusCode::kDataLoss);
}

TEST(WrapBytes, WrongSizedKekIsDataLoss) {
  SecureBuffer kek = NewKey();
  std::string w = WrapBytes(kek, "ctx", "secret");
  SecureBuffer short_kek(kek.data(), 16);
  EXPECT_EQ(UnwrapBytes(short_kek, "ctx", w).status().code(), absl::StatusCode::kDataLoss);
}

// ---------------------------------------------------------------------------
// Hashes, hex, randomness, derivation

TEST(Sha256, MatchesKnownVectors) {
  Sha256 abc;
  abc.Update("abc");
  EXPECT_EQ(ToHex(abc.Finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 empty;
  EXPECT_EQ(ToHex(empty.Finish()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, IncrementalUpdatesEqualOneShot) {
  std::string data = RandomString(200000);
  Sha256 one;
  one.Update(data);
  Sha256 pieces;
  size_t off = 0;
  for (size_t n : {1, 63, 64, 65, 4096, 70000}) {
    pieces.Update(std::string_view(data).substr(off, n));
    off += n;
  }
  pieces.Update(std::string_view(data).substr(off));
  EXPECT_EQ(one.Finish(), pieces.Finish());
}

TEST(Hex, EncodesLowercaseAndDecodesBothCases) {
  EXPECT_EQ(ToHex(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(ToHex(""), "");
  auto lower = FromHex("0001abff");
  HOIDLA_ASSERT_OK(lower);
  EXPECT_EQ(*lower, std::string("\x00\x01\xab\xff", 4));
  auto upper = FromHex("0001ABFF");
  HOIDLA_ASSERT_OK(upper);
  EXPECT_EQ(*upper, *lower);
  auto empty = FromHex("");
  HOIDLA_ASSERT_OK(empty);
  EXPECT_EQ(*empty, "");
  std::string random = RandomString(64);
  EXPECT_EQ(*FromHex(ToHex(random)), random);
}

TEST(Hex, MalformedHexIsInvalidArgument) {
  EXPECT_EQ(FromHex("abc").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FromHex("zz").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FromHex("0g").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FromHex("00 1").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FromHex("0011\n").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KeyedHash, IsDeterministicAndKeyDependent) {
  SecureBuffer k1 = NewKey();
  SecureBuffer k2 = NewKey();
  std::string a = KeyedHash(k1, "isikukood|org|37605030299");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, KeyedHash(k1, "isikukood|org|37605030299"));
  EXPECT_NE(a, KeyedHash(k2, "isikukood|org|37605030299"));
  EXPECT_NE(a, KeyedHash(k1, "isikukood|org|37605030298"));
  // Same key bytes, different buffer: same hash.
  SecureBuffer k1_copy = k1.Clone();
  EXPECT_EQ(a, KeyedHash(k1_copy, "isikukood|org|37605030299"));
}

TEST(DeriveSubkey, DependsOnMasterContextAndId) {
  SecureBuffer master = NewKey();
  SecureBuffer a = DeriveSubkey(master, "blindidx", 1);
  EXPECT_EQ(a.size(), kKeyBytes);
  EXPECT_EQ(a.view(), DeriveSubkey(master, "blindidx", 1).view());
  EXPECT_NE(a.view(), DeriveSubkey(master, "tokenmac", 1).view());
  EXPECT_NE(a.view(), DeriveSubkey(master, "blindidx", 2).view());
  EXPECT_NE(a.view(), DeriveSubkey(NewKey(), "blindidx", 1).view());
}

TEST(RandomBytes, KeysAreFreshAndFullSize) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    SecureBuffer k = NewKey();
    ASSERT_EQ(k.size(), kKeyBytes);
    seen.insert(std::string(k.view()));
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(RandomString(0).size(), 0u);
  EXPECT_EQ(RandomString(33).size(), 33u);
}

TEST(ConstantTimeEquals, ComparesContentAndSize) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(SecureBuffer, MovesLeaveSourceEmptyAndCloneIsIndependent) {
  SecureBuffer a = NewKey();
  std::string bytes(a.view());
  SecureBuffer b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(b.view(), bytes);
  SecureBuffer c = b.Clone();
  c.data()[0] ^= 1;
  EXPECT_EQ(b.view(), bytes);
  EXPECT_NE(c.view(), bytes);
  SecureBuffer d;
  d = std::move(c);
  EXPECT_TRUE(c.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(d.size(), kKeyBytes);
}

TEST(KeyFromPassphrase, IsDeterministicPerSaltAndRejectsBadParameters) {
  KdfParams p = ParamsFor(KdfStrength::kInteractive);
  std::string salt(kKdfSaltBytes, 's');
  auto a = KeyFromPassphrase("correct horse battery", salt, p);
  auto b = KeyFromPassphrase("correct horse battery", salt, p);
  auto c = KeyFromPassphrase("correct horse battery", std::string(kKdfSaltBytes, 't'), p);
  HOIDLA_ASSERT_OK(a);
  HOIDLA_ASSERT_OK(b);
  HOIDLA_ASSERT_OK(c);
  EXPECT_EQ(a->view(), b->view());
  EXPECT_NE(a->view(), c->view());
  EXPECT_EQ(KeyFromPassphrase("x", "short", p).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyFromPassphrase("x", salt, {0, p.memlimit}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyFromPassphrase("x", salt, {p.opslimit, 1}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Found: key buffers were not locked in memory (swap, core dumps).
TEST(SecureBufferTest, ALockedKeyKeepsItsBytesAndIsWipedWhenMoved) {
  SecureBuffer key = NewKey();
  const std::string bytes(reinterpret_cast<const char*>(key.data()), key.size());
  key.LockInMemory();
  EXPECT_TRUE(key.locked());  // 32 bytes fit any RLIMIT_MEMLOCK
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(key.data()), key.size()), bytes);
  SecureBuffer moved = std::move(key);
  EXPECT_TRUE(moved.locked());
  EXPECT_FALSE(key.locked());  // NOLINT(bugprone-use-after-move): moved-from state
  EXPECT_EQ(key.size(), 0u);   // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace hoidla::keys
