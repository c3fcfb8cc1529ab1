// C2SP signed notes, checked against the reference vector of Go's
// golang.org/x/mod/sumdb/note (its package example and note_test.go).
#include "keys/signed_note.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"

namespace hoidla::keys {
namespace {

constexpr char kGoVerifierKey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
// "PRIVATE+KEY+PeterNeumann+c74f20a3+" followed by base64(0x01 || seed).
constexpr char kGoSignerKeyData[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr char kGoText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kGoNote[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

SecureBuffer GoSeed() {
  std::string typed;
  EXPECT_TRUE(absl::Base64Unescape(kGoSignerKeyData, &typed));
  EXPECT_EQ(typed.size(), 33u);
  return SecureBuffer(reinterpret_cast<const uint8_t*>(typed.data()) + 1, 32);
}

TEST(SignedNote, SigningTheGoExampleGivesTheGoNoteByteForByte) {
  SecureBuffer seed = GoSeed();
  EXPECT_EQ(VerifierKeyString("PeterNeumann", Ed25519PublicKey(seed)), kGoVerifierKey);
  auto note = SignNote(kGoText, "PeterNeumann", seed);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(*note, kGoNote);
}

TEST(SignedNote, TheGoNoteOpensWithTheGoVerifierKey) {
  auto v = ParseVerifierKey(kGoVerifierKey);
  ASSERT_TRUE(v.ok()) << v.status();
  auto text = OpenNote(kGoNote, *v);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, kGoText);
}

TEST(SignedNote, AnyAlteredByteOfTheTextIsDataLoss) {
  auto v = ParseVerifierKey(kGoVerifierKey);
  ASSERT_TRUE(v.ok());
  const std::string note = kGoNote;
  for (size_t i = 0; i < sizeof(kGoText) - 2; ++i) {
    std::string bad = note;
    bad[i] ^= 0x01;
    EXPECT_EQ(OpenNote(bad, *v).status().code(), absl::StatusCode::kDataLoss) << i;
  }
}

TEST(SignedNote, AnotherKeysNoteIsDataLoss) {
  SecureBuffer other = NewKey();
  auto note = SignNote(kGoText, "PeterNeumann", other);
  ASSERT_TRUE(note.ok());
  auto v = ParseVerifierKey(kGoVerifierKey);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(OpenNote(*note, *v).status().code(), absl::StatusCode::kDataLoss);
}

TEST(SignedNote, MalformedVerifierKeysAreInvalidArgument) {
  for (const char* k : {"", "PeterNeumann", "PeterNeumann+c74f20a3",
                        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                        "Other+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"}) {
    EXPECT_EQ(ParseVerifierKey(k).status().code(), absl::StatusCode::kInvalidArgument) << k;
  }
}

TEST(SignedNote, TextThatCannotBeANoteIsInvalidArgument) {
  SecureBuffer seed = NewKey();
  EXPECT_EQ(SignNote("", "n", seed).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignNote("no newline", "n", seed).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignNote("a\n\nb\n", "n", seed).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignNote("a\n", "bad name", seed).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hoidla::keys
