// The master key: passphrase-sealed files, raw key files and the development
// key. Argon2 runs with KdfStrength::kInteractive to keep tests fast.
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "keys/crypto.h"
#include "keys/master.h"
#include "tests/unit/test_util.h"

namespace hoidla::keys {
namespace {

using ::hoidla::testing::IsInvalidArgumentFor;
using ::hoidla::testing::TempDir;

constexpr std::string_view kPass = "correct horse battery staple";
constexpr KdfStrength kFast = KdfStrength::kInteractive;

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
}
mode_t ModeOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

TEST(SealedMasterKey, CreateThenUnsealReturnsTheSameKey) {
  TempDir dir;
  const std::string path = dir.File("master.sealed");
  auto created = CreateSealedMasterKey(path, kPass, kFast);
  HOIDLA_ASSERT_OK(created);
  EXPECT_EQ(created->size(), kKeyBytes);
  EXPECT_EQ(ModeOf(path), 0600u);
  // The key is not in the file in plaintext.
  std::string file = ReadAll(path);
  EXPECT_EQ(file.find(created->view()), std::string::npos);
  EXPECT_EQ(file.find(ToHex(created->view())), std::string::npos);

  auto unsealed = UnsealMasterKey(path, kPass);
  HOIDLA_ASSERT_OK(unsealed);
  EXPECT_EQ(unsealed->view(), created->view());
}

TEST(SealedMasterKey, WrongPassphraseIsPermissionDenied) {
  TempDir dir;
  const std::string path = dir.File("master.sealed");
  HOIDLA_ASSERT_OK(CreateSealedMasterKey(path, kPass, kFast));
  auto s = UnsealMasterKey(path, "correct horse battery stapler");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(SealedMasterKey, ShortPassphraseIsInvalidArgumentAndWritesNothing) {
  TempDir dir;
  const std::string path = dir.File("master.sealed");
  auto s = CreateSealedMasterKey(path, "elevenbytes", kFast);
  EXPECT_TRUE(IsInvalidArgumentFor(s, "passphrase"));
  EXPECT_EQ(ModeOf(path), 0u) << "file must not exist";
  // Twelve bytes is enough.
  HOIDLA_EXPECT_OK(CreateSealedMasterKey(path, "twelve bytes", kFast));
}

TEST(SealedMasterKey, CreatingOverAnExistingFileIsAlreadyExistsAndKeepsIt) {
  TempDir dir;
  const std::string path = dir.File("master.sealed");
  auto first = CreateSealedMasterKey(path, kPass, kFast);
  HOIDLA_ASSERT_OK(first);
  std::string before = ReadAll(path);
  auto second = CreateSealedMasterKey(path, kPass, kFast);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadAll(path), before);
}

TEST(SealedMasterKey, MissingFileIsNotFound) {
  TempDir dir;
  EXPECT_EQ(UnsealMasterKey(dir.File("nope"), kPass).status().code(), absl::StatusCode::kNotFound);
}

TEST(SealedMasterKey, FileThatIsNotASealedKeyIsDataLoss) {
  TempDir dir;
  const std::string path = dir.File("master.sealed");
  WriteAll(path, "this is not a sealed master key file at all, just some text....");
  EXPECT_EQ(UnsealMasterKey(path, kPass).status().code(), absl::StatusCode::kDataLoss);
  WriteAll(path, "");
  EXPECT_EQ(UnsealMasterKey(path, kPass).status().code(), absl::StatusCode::kDataLoss);
}

TEST(SealedMasterKey, AlteredSaltOrCiphertextIsPermissionDenied) {
  TempDir dir;
  const std::string path = dir.File("master.sealed");
  HOIDLA_ASSERT_OK(CreateSealedMasterKey(path, kPass, kFast));
  const std::string good = ReadAll(path);
  // Layout: magic(10) opslimit(8) memlimit(8) salt(16) nonce(24) ct+tag.
  for (size_t pos : {size_t{10 + 16 + 3}, size_t{10 + 16 + 16 + 5}, good.size() - 1}) {
    std::string bad = good;
    bad[pos] ^= 0x01;
    WriteAll(path, bad);
    EXPECT_EQ(UnsealMasterKey(path, kPass).status().code(), absl::StatusCode::kPermissionDenied)
        << "byte " << pos;
  }
}

TEST(SealedMasterKey, ImplausibleKdfParametersInFileAreDataLoss) {
  // A damaged header must not make the vault report a bad argument (or run
  // Argon2 with absurd costs): the file is not a sealed key this software
  // wrote.
  TempDir dir;
  const std::string path = dir.File("master.sealed");
  HOIDLA_ASSERT_OK(CreateSealedMasterKey(path, kPass, kFast));
  std::string bad = ReadAll(path);
  bad[10] ^= 0x01;  // most significant byte of opslimit: far beyond any preset
  WriteAll(path, bad);
  auto s = UnsealMasterKey(path, kPass);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss);
}

TEST(SealedMasterKey, ChangePassphraseKeepsKeyAndRetiresOldPassphrase) {
  TempDir dir;
  const std::string path = dir.File("master.sealed");
  auto created = CreateSealedMasterKey(path, kPass, kFast);
  HOIDLA_ASSERT_OK(created);
  const std::string new_pass = "a brand new passphrase";
  HOIDLA_ASSERT_OK(ChangeMasterKeyPassphrase(path, kPass, new_pass, kFast));
  EXPECT_EQ(ModeOf(path), 0600u);
  auto with_new = UnsealMasterKey(path, new_pass);
  HOIDLA_ASSERT_OK(with_new);
  EXPECT_EQ(with_new->view(), created->view());
  EXPECT_EQ(UnsealMasterKey(path, kPass).status().code(), absl::StatusCode::kPermissionDenied);
  // No temporary file left behind.
  EXPECT_EQ(ModeOf(path + ".tmp"), 0u);
}

TEST(SealedMasterKey, ChangePassphraseWithWrongOldPassphraseChangesNothing) {
  TempDir dir;
  const std::string path = dir.File("master.sealed");
  HOIDLA_ASSERT_OK(CreateSealedMasterKey(path, kPass, kFast));
  const std::string before = ReadAll(path);
  EXPECT_EQ(ChangeMasterKeyPassphrase(path, "not the passphrase", "another good one", kFast).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReadAll(path), before);
}

TEST(SealedMasterKey, ChangeToShortPassphraseIsInvalidArgumentAndChangesNothing) {
  TempDir dir;
  const std::string path = dir.File("master.sealed");
  HOIDLA_ASSERT_OK(CreateSealedMasterKey(path, kPass, kFast));
  const std::string before = ReadAll(path);
  absl::Status s = ChangeMasterKeyPassphrase(path, kPass, "short", kFast);
  EXPECT_TRUE(IsInvalidArgumentFor(s, "new passphrase"));
  EXPECT_EQ(ReadAll(path), before);
}

// ---------------------------------------------------------------------------
// Key files

TEST(KeyFile, CreateThenReadReturnsTheSameKey) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  auto created = CreateKeyFile(path);
  HOIDLA_ASSERT_OK(created);
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ReadAll(path), ToHex(created->view()) + "\n");
  auto read = ReadKeyFile(path);
  HOIDLA_ASSERT_OK(read);
  EXPECT_EQ(read->view(), created->view());
  EXPECT_EQ(CreateKeyFile(path).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST(KeyFile, GroupOrWorldReadableFileIsFailedPrecondition) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  HOIDLA_ASSERT_OK(CreateKeyFile(path));
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    EXPECT_EQ(ReadKeyFile(path).status().code(), absl::StatusCode::kFailedPrecondition)
        << std::oct << mode;
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  HOIDLA_EXPECT_OK(ReadKeyFile(path));
}

TEST(KeyFile, AcceptsUppercaseAndCrLf) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  std::string hex(64, 'A');
  WriteAll(path, hex + "\r\n");
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  auto k = ReadKeyFile(path);
  HOIDLA_ASSERT_OK(k);
  EXPECT_EQ(k->view(), std::string(32, '\xaa'));
}

TEST(KeyFile, MalformedContentIsDataLoss) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  for (const std::string& content :
       {std::string(62, 'a'), std::string(66, 'a'), std::string(63, 'a') + "g", std::string()}) {
    WriteAll(path, content);
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    EXPECT_EQ(ReadKeyFile(path).status().code(), absl::StatusCode::kDataLoss) << content;
  }
}

TEST(KeyFile, MissingFileIsNotFound) {
  TempDir dir;
  EXPECT_EQ(ReadKeyFile(dir.File("missing")).status().code(), absl::StatusCode::kNotFound);
}

TEST(DevKey, IsCreatedOnceThenReadBack) {
  TempDir dir;
  const std::string path = dir.File("dev.key");
  bool created = false;
  auto first = LoadOrCreateDevKey(path, &created);
  HOIDLA_ASSERT_OK(first);
  EXPECT_TRUE(created);
  EXPECT_EQ(ModeOf(path), 0600u);
  auto second = LoadOrCreateDevKey(path, &created);
  HOIDLA_ASSERT_OK(second);
  EXPECT_FALSE(created);
  EXPECT_EQ(second->view(), first->view());
}

TEST(DevKey, UnreadableExistingFileIsNotReplaced) {
  TempDir dir;
  const std::string path = dir.File("dev.key");
  WriteAll(path, "garbage");
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  bool created = true;
  auto k = LoadOrCreateDevKey(path, &created);
  EXPECT_EQ(k.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(created);
  EXPECT_EQ(ReadAll(path), "garbage");
}

TEST(MasterKeyMode, NamesAreStable) {
  EXPECT_EQ(MasterKeyModeName(MasterKeyMode::kDev), "dev");
  EXPECT_EQ(MasterKeyModeName(MasterKeyMode::kSealed), "sealed");
  EXPECT_EQ(MasterKeyModeName(MasterKeyMode::kKeyFile), "key_file");
}

}  // namespace
}  // namespace hoidla::keys
