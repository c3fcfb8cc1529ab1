// The BlobStore contract, checked against MemoryBlobStore and a real
// FileBlobStore in a temporary directory, plus FileBlobStore's own
// behaviour (durable files, leftover partial files).
#include "vault/storage/blob_store.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "gtest/gtest.h"
#include "tests/unit/test_util.h"

namespace hoidla::storage {
namespace {

using ::hoidla::testing::TempDir;

struct MemoryBlobs {
  static constexpr const char* kName = "Memory";
  std::unique_ptr<BlobStore> Make() { return std::make_unique<MemoryBlobStore>(); }
};

struct FileBlobs {
  static constexpr const char* kName = "File";
  TempDir dir;
  std::unique_ptr<BlobStore> Make() {
    auto s = FileBlobStore::Open(dir.File("blobs"));
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return nullptr;
    return std::move(*s);
  }
};

template <typename Engine>
class BlobStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = engine_.Make();
    ASSERT_NE(store_, nullptr);
  }
  void Put(std::string_view name, std::string_view data) {
    auto w = store_->Create(name);
    ASSERT_TRUE(w.ok()) << w.status();
    ASSERT_TRUE((*w)->Append(data).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }
  std::string ReadAll(std::string_view name) {
    auto r = store_->Open(name);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return "<missing>";
    std::string out;
    EXPECT_TRUE((*r)->ReadAt(0, (*r)->size(), &out).ok());
    return out;
  }
  bool Exists(std::string_view name) {
    return store_->Open(name).status().code() != absl::StatusCode::kNotFound;
  }

  Engine engine_;
  std::unique_ptr<BlobStore> store_;
};

struct EngineNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};
using Engines = ::testing::Types<MemoryBlobs, FileBlobs>;
TYPED_TEST_SUITE(BlobStoreContract, Engines, EngineNames);

TYPED_TEST(BlobStoreContract, CommittedObjectReadsBackAtAnyOffset) {
  std::string data;
  for (int i = 0; i < 300000; ++i) data.push_back(static_cast<char>(i * 131));
  auto w = this->store_->Create("doc_abc");
  HOIDLA_ASSERT_OK(w);
  // Pieces of assorted sizes, including one larger than any write buffer.
  size_t off = 0;
  for (size_t n : {size_t{0}, size_t{1}, size_t{70000}, size_t{2}, size_t{229997}}) {
    HOIDLA_ASSERT_OK((*w)->Append(std::string_view(data).substr(off, n)));
    off += n;
  }
  ASSERT_EQ(off, data.size());
  HOIDLA_ASSERT_OK((*w)->Commit());
  auto r = this->store_->Open("doc_abc");
  HOIDLA_ASSERT_OK(r);
  EXPECT_EQ((*r)->size(), 300000);
  std::string out;
  HOIDLA_ASSERT_OK((*r)->ReadAt(0, data.size(), &out));
  EXPECT_TRUE(out == data);
  HOIDLA_ASSERT_OK((*r)->ReadAt(65535, 3, &out));
  EXPECT_EQ(out, data.substr(65535, 3));
  HOIDLA_ASSERT_OK((*r)->ReadAt(299999, 1, &out));
  EXPECT_EQ(out, data.substr(299999, 1));
  HOIDLA_ASSERT_OK((*r)->ReadAt(300000, 0, &out));
  EXPECT_EQ(out, "");
}

TYPED_TEST(BlobStoreContract, ReadPastTheEndIsDataLoss) {
  this->Put("doc_x", "0123456789");
  auto r = this->store_->Open("doc_x");
  HOIDLA_ASSERT_OK(r);
  std::string out = "junk";
  EXPECT_EQ((*r)->ReadAt(5, 6, &out).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ((*r)->ReadAt(11, 0, &out).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ((*r)->ReadAt(-1, 1, &out).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(out, "");
}

TYPED_TEST(BlobStoreContract, EmptyObjectExistsWithSizeZero) {
  auto w = this->store_->Create("empty");
  HOIDLA_ASSERT_OK(w);
  HOIDLA_ASSERT_OK((*w)->Commit());
  auto r = this->store_->Open("empty");
  HOIDLA_ASSERT_OK(r);
  EXPECT_EQ((*r)->size(), 0);
}

TYPED_TEST(BlobStoreContract, UncommittedObjectIsInvisibleAndDiscardedWithItsWriter) {
  {
    auto w = this->store_->Create("doc_y");
    HOIDLA_ASSERT_OK(w);
    HOIDLA_ASSERT_OK((*w)->Append("not yet"));
    EXPECT_EQ(this->store_->Open("doc_y").status().code(), absl::StatusCode::kNotFound);
  }
  EXPECT_EQ(this->store_->Open("doc_y").status().code(), absl::StatusCode::kNotFound);
  // The name is free again.
  this->Put("doc_y", "now");
  EXPECT_EQ(this->ReadAll("doc_y"), "now");
}

TYPED_TEST(BlobStoreContract, CreatingAnExistingNameIsAlreadyExists) {
  this->Put("doc_z", "first");
  EXPECT_EQ(this->store_->Create("doc_z").status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(this->ReadAll("doc_z"), "first");
}

TYPED_TEST(BlobStoreContract, OpenOfMissingObjectIsNotFound) {
  EXPECT_EQ(this->store_->Open("nothing").status().code(), absl::StatusCode::kNotFound);
}

TYPED_TEST(BlobStoreContract, DeleteRemovesAndIsIdempotent) {
  this->Put("doc_d", "bytes");
  HOIDLA_ASSERT_OK(this->store_->Delete("doc_d"));
  EXPECT_EQ(this->store_->Open("doc_d").status().code(), absl::StatusCode::kNotFound);
  HOIDLA_EXPECT_OK(this->store_->Delete("doc_d"));
  HOIDLA_EXPECT_OK(this->store_->Delete("never_existed"));
}

TYPED_TEST(BlobStoreContract, DeleteOfAnUncommittedObjectDiscardsIt) {
  auto w = this->store_->Create("doc_u");
  HOIDLA_ASSERT_OK(w);
  HOIDLA_ASSERT_OK((*w)->Append("partial"));
  HOIDLA_EXPECT_OK(this->store_->Delete("doc_u"));
  w->reset();
  EXPECT_EQ(this->store_->Open("doc_u").status().code(), absl::StatusCode::kNotFound);
}

TYPED_TEST(BlobStoreContract, OpenReaderKeepsReadingAfterDelete) {
  this->Put("doc_r", "still here");
  auto r = this->store_->Open("doc_r");
  HOIDLA_ASSERT_OK(r);
  HOIDLA_ASSERT_OK(this->store_->Delete("doc_r"));
  std::string out;
  HOIDLA_ASSERT_OK((*r)->ReadAt(0, 10, &out));
  EXPECT_EQ(out, "still here");
}

TYPED_TEST(BlobStoreContract, ObjectsAreIndependent) {
  this->Put("doc_a1", "aaa");
  this->Put("doc_b1", "bbbb");
  EXPECT_EQ(this->ReadAll("doc_a1"), "aaa");
  EXPECT_EQ(this->ReadAll("doc_b1"), "bbbb");
  HOIDLA_ASSERT_OK(this->store_->Delete("doc_a1"));
  EXPECT_EQ(this->ReadAll("doc_b1"), "bbbb");
}

TYPED_TEST(BlobStoreContract, MalformedNamesAreInvalidArgumentOnCreate) {
  for (const std::string& name :
       {std::string(), std::string("Doc"), std::string("a/b"), std::string("../etc"),
        std::string("a.partial"), std::string("a-b"), std::string(65, 'a')}) {
    EXPECT_EQ(this->store_->Create(name).status().code(), absl::StatusCode::kInvalidArgument)
        << name;
  }
  // 64 characters is fine.
  this->Put(std::string(64, 'a'), "x");
}

TYPED_TEST(BlobStoreContract, MalformedNamesAreInvalidArgumentOnOpenAndDelete) {
  absl::Status open = this->store_->Open("../x").status();
  absl::Status del = this->store_->Delete("../x");
  EXPECT_EQ(open.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(del.code(), absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(BlobStoreContract, OneAndTwoCharacterNamesWork) {
  // ValidateBlobName accepts 1-64 characters.
  for (const char* name : {"a", "b2"}) {
    absl::StatusOr<std::unique_ptr<BlobWriter>> w = this->store_->Create(name);
    HOIDLA_ASSERT_OK(w);
    HOIDLA_ASSERT_OK((*w)->Append("x"));
    HOIDLA_ASSERT_OK((*w)->Commit());
    EXPECT_EQ(this->ReadAll(name), "x");
  }
}

TEST(ValidateBlobName, AcceptsOnlyLowercaseDigitsAndUnderscore) {
  HOIDLA_EXPECT_OK(ValidateBlobName("doc_01hq3v7k9m0000000000000000"));
  HOIDLA_EXPECT_OK(ValidateBlobName("a"));
  EXPECT_EQ(ValidateBlobName("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateBlobName("doc/1").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateBlobName(std::string(65, 'x')).code(), absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// FileBlobStore

TEST(FileBlobStore, ObjectsSurviveReopenAsPrivateFiles) {
  TempDir dir;
  const std::string root = dir.File("blobs");
  std::string path;
  {
    auto store = FileBlobStore::Open(root);
    HOIDLA_ASSERT_OK(store);
    auto w = (*store)->Create("doc_keep");
    HOIDLA_ASSERT_OK(w);
    HOIDLA_ASSERT_OK((*w)->Append("durable bytes"));
    HOIDLA_ASSERT_OK((*w)->Commit());
    path = (*store)->PathOf("doc_keep");
  }
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto store = FileBlobStore::Open(root);
  HOIDLA_ASSERT_OK(store);
  // The static FileBlobStore::Open(root) overloads the object Open(name):
  // call through the interface.
  BlobStore& blobs = **store;
  auto r = blobs.Open("doc_keep");
  HOIDLA_ASSERT_OK(r);
  std::string out;
  HOIDLA_ASSERT_OK((*r)->ReadAt(0, (*r)->size(), &out));
  EXPECT_EQ(out, "durable bytes");
}

TEST(FileBlobStore, UncommittedWriteLeavesNoFileBehind) {
  TempDir dir;
  auto store = FileBlobStore::Open(dir.File("blobs"));
  HOIDLA_ASSERT_OK(store);
  {
    auto w = (*store)->Create("doc_gone");
    HOIDLA_ASSERT_OK(w);
    HOIDLA_ASSERT_OK((*w)->Append(std::string(3 << 20, 'q')));
  }
  size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.File("blobs"))) {
    files += e.is_regular_file();
  }
  EXPECT_EQ(files, 0u);
}

TEST(FileBlobStore, OpenRemovesPartialFilesLeftByACrash) {
  TempDir dir;
  const std::string root = dir.File("blobs");
  std::string partial;
  {
    auto store = FileBlobStore::Open(root);
    HOIDLA_ASSERT_OK(store);
    const std::string path = (*store)->PathOf("doc_crash");
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    partial = path + ".partial";
    FILE* f = std::fopen(partial.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("half an upload", f);
    std::fclose(f);
  }
  auto store = FileBlobStore::Open(root);
  HOIDLA_ASSERT_OK(store);
  EXPECT_FALSE(std::filesystem::exists(partial));
  BlobStore& blobs = **store;
  EXPECT_EQ(blobs.Open("doc_crash").status().code(), absl::StatusCode::kNotFound);
  // The name can be used.
  auto w = (*store)->Create("doc_crash");
  HOIDLA_ASSERT_OK(w);
  HOIDLA_ASSERT_OK((*w)->Commit());
}

TEST(FileBlobStore, RootThatCannotBeCreatedIsUnavailable) {
  TempDir dir;
  FILE* f = std::fopen(dir.File("file").c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  EXPECT_EQ(FileBlobStore::Open(dir.File("file") + "/blobs").status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(MemoryBlobStore, TamperEditsCommittedBytesAndCountCountsObjects) {
  MemoryBlobStore store;
  BlobStore& blobs = store;
  EXPECT_FALSE(store.Tamper("none", [](std::string&) {}));
  auto w = blobs.Create("doc_t");
  HOIDLA_ASSERT_OK(w);
  HOIDLA_ASSERT_OK((*w)->Append("abc"));
  HOIDLA_ASSERT_OK((*w)->Commit());
  auto before = blobs.Open("doc_t");
  HOIDLA_ASSERT_OK(before);
  EXPECT_TRUE(store.Tamper("doc_t", [](std::string& b) { b[1] = 'X'; }));
  EXPECT_EQ(store.Count(), 1u);
  std::string out;
  auto after = blobs.Open("doc_t");
  HOIDLA_ASSERT_OK(after);
  HOIDLA_ASSERT_OK((*after)->ReadAt(0, 3, &out));
  EXPECT_EQ(out, "aXc");
  // A reader opened before keeps the bytes it saw.
  HOIDLA_ASSERT_OK((*before)->ReadAt(0, 3, &out));
  EXPECT_EQ(out, "abc");
}

}  // namespace
}  // namespace hoidla::storage
