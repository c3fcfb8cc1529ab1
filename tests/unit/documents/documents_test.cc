// Documents over a MemoryStore and a MemoryBlobStore: chunked uploads of
// every awkward size, ranged downloads, tamper detection (never returning
// unauthenticated bytes) and cleanup of uploads that never committed.
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "keys/crypto.h"
#include "keys/envelope.h"
#include "tests/fakes/fake_clock.h"
#include "tests/unit/core_fixture.h"
#include "tests/unit/test_util.h"
#include "vault/sealing/kv_key_store.h"
#include "vault/storage/blob_store.h"
#include "vault/storage/rocksdb_store.h"

namespace hoidla::core {
namespace {

using ::hoidla::testing::DumpStore;
using ::hoidla::testing::IsInvalidArgumentFor;
using ::hoidla::testing::KeysWithPrefix;
using storage::Space;

constexpr int64_t kChunk = keys::kDefaultChunkSize;

std::string Pattern(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

std::string Sha256Hex(std::string_view data) {
  keys::Sha256 h;
  h.Update(data);
  return keys::ToHex(h.Finish());
}

// What a download produced: the bytes delivered before it stopped, and why
// it stopped (OK at the end).
struct Fetched {
  std::string data;
  absl::Status status;
  int pieces = 0;
};

class DocumentsTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    org_ = MakeOrg();
    prj_ = MakeProject(org_.id());
    cli_a_ = MakeClient(org_.id(), prj_.id(), "37605030299");
    cli_b_ = MakeClient(org_.id(), prj_.id(), "49403136526");
    case_a_ = MakeCase(prj_.id(), cli_a_.id());
  }

  v1::Document Header(const v1::Client& client, const std::string& case_id = "") {
    v1::Document h;
    h.set_project_id(prj_.id());
    h.set_client_id(client.id());
    h.set_case_id(case_id);
    h.set_title("Kodukülastuse protokoll");
    h.set_kind("home_visit_report");
    h.set_content_type("application/pdf");
    return h;
  }

  // Uploads `data` in random-sized pieces (some empty) and commits.
  absl::StatusOr<v1::Document> UploadData(const v1::Document& header, const std::string& data,
                                          uint32_t seed = 1, Documents* docs = nullptr) {
    Tick();
    auto up = (docs ? docs : documents_.get())->BeginUpload(admin_, header);
    if (!up.ok()) return up.status();
    std::mt19937 rng(seed);
    std::uniform_int_distribution<size_t> piece(0, 100000);
    size_t off = 0;
    while (off < data.size()) {
      size_t n = std::min(piece(rng), data.size() - off);
      absl::Status s = (*up)->Append(std::string_view(data).substr(off, n));
      if (!s.ok()) return s;
      off += n;
    }
    return (*up)->Commit();
  }

  Fetched Fetch(const std::string& id, int64_t offset = 0, int64_t length = 0) {
    Fetched f;
    v1::DownloadDocumentRequest req;
    req.set_id(id);
    req.set_offset(offset);
    req.set_length(length);
    auto d = documents_->OpenDownload(admin_, req);
    if (!d.ok()) {
      f.status = d.status();
      return f;
    }
    EXPECT_EQ((*d)->document().id(), id);
    std::string piece;
    for (int guard = 0; guard < 100000; ++guard) {
      auto more = (*d)->Next(&piece);
      if (!more.ok()) {
        EXPECT_TRUE(piece.empty()) << "bytes handed out with an error";
        f.status = more.status();
        return f;
      }
      if (!*more) {
        EXPECT_TRUE(piece.empty());
        return f;
      }
      EXPECT_LE(piece.size(), static_cast<size_t>(kChunk));
      f.data += piece;
      ++f.pieces;
    }
    ADD_FAILURE() << "download never ended";
    return f;
  }

  // The whole stored object of a document.
  std::string Object(const std::string& doc_id) {
    auto r = blobs_.Open(doc_id);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return std::string();
    std::string out;
    EXPECT_TRUE((*r)->ReadAt(0, (*r)->size(), &out).ok());
    return out;
  }
  bool HasObject(const std::string& doc_id) { return blobs_.Open(doc_id).ok(); }
  // Sealed chunk `index` of a document whose chunks before it are full.
  static int64_t ChunkStart(const std::string& doc_id, uint64_t index) {
    return SealedChunkOffset(doc_id, index);
  }
  static int64_t SealedChunkBytes(const std::string& doc_id) {
    return SealedChunkOffset(doc_id, 1);
  }
  size_t PendingCount() { return KeysWithPrefix(base(), Space::kMeta, "pending/").size(); }

  v1::Organization org_;
  v1::Project prj_;
  v1::Client cli_a_, cli_b_;
  v1::Case case_a_;
};

// ---------------------------------------------------------------------------
// Round trips

TEST_F(DocumentsTest, UploadsOfEveryBoundarySizeDownloadByteIdentical) {
  const size_t sizes[] = {0, 1, 65535, 65536, 65537, 3 * 65536 + 5};
  uint32_t seed = 10;
  for (size_t n : sizes) {
    SCOPED_TRACE(n);
    const std::string data = Pattern(n, seed);
    auto doc = UploadData(Header(cli_a_), data, seed++);
    HOIDLA_ASSERT_OK(doc);
    EXPECT_EQ(doc->size(), static_cast<int64_t>(n));
    EXPECT_EQ(doc->sha256(), Sha256Hex(data));
    HOIDLA_EXPECT_OK(ValidateId(doc->id(), IdKind::kDocument, "id"));
    // Chunks back to back: full ones, then the last (an empty document has
    // one empty chunk).
    const int64_t chunks = n == 0 ? 1 : (n + kChunk - 1) / kChunk;
    const int64_t overhead = SealedChunkBytes(doc->id()) - kChunk;
    EXPECT_EQ(static_cast<int64_t>(Object(doc->id()).size()),
              static_cast<int64_t>(n) + chunks * overhead);

    Fetched f = Fetch(doc->id());
    HOIDLA_EXPECT_OK(f.status);
    EXPECT_TRUE(f.data == data) << "content differs";

    v1::GetDocumentRequest get;
    get.set_id(doc->id());
    auto meta = documents_->GetDocument(admin_, get);
    HOIDLA_ASSERT_OK(meta);
    EXPECT_EQ(meta->SerializeAsString(), doc->SerializeAsString());
  }
  EXPECT_EQ(PendingCount(), 0u);
}

TEST_F(DocumentsTest, StoredDocumentMetadataMatchesHeader) {
  auto doc = UploadData(Header(cli_a_, case_a_.id()), "hello");
  HOIDLA_ASSERT_OK(doc);
  EXPECT_EQ(doc->project_id(), prj_.id());
  EXPECT_EQ(doc->client_id(), cli_a_.id());
  EXPECT_EQ(doc->case_id(), case_a_.id());
  EXPECT_EQ(doc->title(), "Kodukülastuse protokoll");
  EXPECT_EQ(doc->kind(), "home_visit_report");
  EXPECT_EQ(doc->content_type(), "application/pdf");
  EXPECT_EQ(doc->created_by(), admin_.principal.id);
  EXPECT_EQ(doc->created_at().seconds(), clock_.NowMicros() / 1000000);
}

TEST_F(DocumentsTest, ContentAndTitleAreNotStoredInPlaintext) {
  const std::string data =
      "Kodukülastusel selgus: klient Põldmäe vajab abi. " + std::string(70000, 'Z');
  auto doc = UploadData(Header(cli_a_), data);
  HOIDLA_ASSERT_OK(doc);
  std::vector<std::pair<std::string, std::string>> stored;
  for (const auto& [where, value] : DumpStore(base())) stored.emplace_back(where.second, value);
  stored.emplace_back("object", Object(doc->id()));
  for (const auto& [where, value] : stored) {
    EXPECT_EQ(value.find("klient Põldmäe"), std::string::npos) << where;
    EXPECT_EQ(value.find("Kodukülastuse"), std::string::npos) << where;
    EXPECT_EQ(value.find(std::string(64, 'Z')), std::string::npos) << where;
  }
}

// ---------------------------------------------------------------------------
// Ranges

TEST_F(DocumentsTest, RangesAcrossChunkBoundariesReturnExactBytes) {
  const int64_t n = 3 * kChunk + 5;
  const std::string data = Pattern(n, 77);
  auto doc = UploadData(Header(cli_a_), data);
  HOIDLA_ASSERT_OK(doc);
  const struct {
    int64_t offset, length;
  } ranges[] = {
      {0, 1},           {0, kChunk},         {kChunk - 6, 20},
      {kChunk, kChunk}, {kChunk - 1, 2},     {kChunk + 1, 2 * kChunk},
      {3 * kChunk, 5},  {3 * kChunk + 4, 1}, {n - 1, 1},
      {10, n - 10},     {12345, 0},          {2 * kChunk, 0},
      {5, n},           {n - 3, 1000},  // length past the end is clamped
  };
  for (const auto& r : ranges) {
    SCOPED_TRACE(::testing::Message() << "offset " << r.offset << " length " << r.length);
    Fetched f = Fetch(doc->id(), r.offset, r.length);
    HOIDLA_ASSERT_OK(f.status);
    int64_t end = r.length == 0 ? n : std::min(n, r.offset + r.length);
    EXPECT_TRUE(f.data == data.substr(r.offset, end - r.offset))
        << "got " << f.data.size() << " bytes";
  }
}

TEST_F(DocumentsTest, OffsetAtEndIsEmptyAndPastEndIsOutOfRange) {
  const std::string data = Pattern(kChunk, 5);
  auto doc = UploadData(Header(cli_a_), data);
  HOIDLA_ASSERT_OK(doc);
  Fetched at_end = Fetch(doc->id(), kChunk, 0);
  HOIDLA_EXPECT_OK(at_end.status);
  EXPECT_EQ(at_end.data, "");
  Fetched at_end_len = Fetch(doc->id(), kChunk, 10);
  HOIDLA_EXPECT_OK(at_end_len.status);
  EXPECT_EQ(at_end_len.data, "");
  EXPECT_EQ(Fetch(doc->id(), kChunk + 1, 0).status.code(), absl::StatusCode::kOutOfRange);

  auto empty = UploadData(Header(cli_a_), "");
  HOIDLA_ASSERT_OK(empty);
  Fetched e = Fetch(empty->id());
  HOIDLA_EXPECT_OK(e.status);
  EXPECT_EQ(e.data, "");
  EXPECT_EQ(Fetch(empty->id(), 1, 0).status.code(), absl::StatusCode::kOutOfRange);
}

TEST_F(DocumentsTest, NegativeOffsetOrLengthIsInvalidArgument) {
  auto doc = UploadData(Header(cli_a_), "abc");
  HOIDLA_ASSERT_OK(doc);
  EXPECT_TRUE(IsInvalidArgumentFor(Fetch(doc->id(), -1, 0).status, "offset"));
  EXPECT_TRUE(IsInvalidArgumentFor(Fetch(doc->id(), 0, -1).status, "length"));
  EXPECT_TRUE(IsInvalidArgumentFor(Fetch("doc_nope").status, "id"));
}

TEST_F(DocumentsTest, HugeLengthIsClampedToTheEnd) {
  const std::string data = Pattern(kChunk + 100, 6);
  auto doc = UploadData(Header(cli_a_), data);
  HOIDLA_ASSERT_OK(doc);
  Fetched f = Fetch(doc->id(), 10, std::numeric_limits<int64_t>::max());
  HOIDLA_ASSERT_OK(f.status);
  EXPECT_TRUE(f.data == data.substr(10));
}

// ---------------------------------------------------------------------------
// Tampering

TEST_F(DocumentsTest, FlippedChunkByteIsDataLossAndThatChunkIsNeverReturned) {
  const std::string data = Pattern(3 * kChunk + 5, 8);
  auto doc = UploadData(Header(cli_a_), data);
  HOIDLA_ASSERT_OK(doc);
  const std::string good = Object(doc->id());
  const int64_t c1 = ChunkStart(doc->id(), 1);
  const int64_t len = SealedChunkBytes(doc->id());
  for (int64_t pos : {int64_t{0}, int64_t{4}, int64_t{12}, int64_t{30}, len / 2, len - 1}) {
    SCOPED_TRACE(pos);
    ASSERT_TRUE(blobs_.Tamper(doc->id(), [&](std::string& b) {
      b = good;
      b[c1 + pos] ^= 0x01;
    }));
    Fetched f = Fetch(doc->id());
    EXPECT_EQ(f.status.code(), absl::StatusCode::kDataLoss);
    // Chunk 0 came out intact; nothing of chunk 1 (or later) did.
    EXPECT_TRUE(f.data == data.substr(0, kChunk)) << f.data.size();
    // A range inside chunk 1 fails at once.
    Fetched inner = Fetch(doc->id(), kChunk + 10, 10);
    EXPECT_EQ(inner.status.code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(inner.data, "");
    // A range that avoids chunk 1 still works.
    Fetched tail = Fetch(doc->id(), 2 * kChunk, 0);
    HOIDLA_EXPECT_OK(tail.status);
    EXPECT_TRUE(tail.data == data.substr(2 * kChunk));
  }
}

TEST_F(DocumentsTest, EveryFlippedByteOfASmallDocumentIsDataLoss) {
  auto doc = UploadData(Header(cli_a_), "small but precious");
  HOIDLA_ASSERT_OK(doc);
  const std::string good = Object(doc->id());
  for (size_t i = 0; i < good.size(); ++i) {
    ASSERT_TRUE(blobs_.Tamper(doc->id(), [&](std::string& b) {
      b = good;
      b[i] ^= 0x80;
    }));
    Fetched f = Fetch(doc->id());
    EXPECT_EQ(f.status.code(), absl::StatusCode::kDataLoss) << "byte " << i;
    EXPECT_EQ(f.data, "");
  }
}

TEST_F(DocumentsTest, ChunkCopiedFromAnotherDocumentOfSameClientIsDataLoss) {
  auto a = UploadData(Header(cli_a_), Pattern(kChunk + 10, 1));
  auto b = UploadData(Header(cli_a_), Pattern(kChunk + 10, 2));
  HOIDLA_ASSERT_OK(a);
  HOIDLA_ASSERT_OK(b);
  const int64_t len = SealedChunkBytes(a->id());
  const std::string chunk0 = Object(a->id()).substr(0, len);
  ASSERT_TRUE(blobs_.Tamper(b->id(), [&](std::string& bytes) { bytes.replace(0, len, chunk0); }));
  Fetched f = Fetch(b->id());
  EXPECT_EQ(f.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(f.data, "");
}

TEST_F(DocumentsTest, ChunkCopiedFromAnotherClientsDocumentIsDataLoss) {
  auto a = UploadData(Header(cli_a_), Pattern(kChunk + 10, 1));
  auto b = UploadData(Header(cli_b_), Pattern(kChunk + 10, 2));
  HOIDLA_ASSERT_OK(a);
  HOIDLA_ASSERT_OK(b);
  const int64_t len = SealedChunkBytes(a->id());
  const std::string chunk0 = Object(a->id()).substr(0, len);
  ASSERT_TRUE(blobs_.Tamper(b->id(), [&](std::string& bytes) { bytes.replace(0, len, chunk0); }));
  Fetched f = Fetch(b->id());
  EXPECT_EQ(f.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(f.data, "");
}

TEST_F(DocumentsTest, WholeObjectCopiedOntoAnotherDocumentIsDataLoss) {
  auto a = UploadData(Header(cli_a_), Pattern(100, 1));
  auto b = UploadData(Header(cli_a_), Pattern(100, 2));
  HOIDLA_ASSERT_OK(a);
  HOIDLA_ASSERT_OK(b);
  const std::string object_a = Object(a->id());
  ASSERT_TRUE(blobs_.Tamper(b->id(), [&](std::string& bytes) { bytes = object_a; }));
  Fetched f = Fetch(b->id());
  EXPECT_EQ(f.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(f.data, "");
}

TEST_F(DocumentsTest, MissingLastChunkIsDataLoss) {
  const std::string data = Pattern(3 * kChunk + 5, 3);
  auto doc = UploadData(Header(cli_a_), data);
  HOIDLA_ASSERT_OK(doc);
  const int64_t c3 = ChunkStart(doc->id(), 3);
  ASSERT_TRUE(blobs_.Tamper(doc->id(), [&](std::string& b) { b.resize(c3); }));
  Fetched f = Fetch(doc->id());
  EXPECT_EQ(f.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(f.data, "");
}

TEST_F(DocumentsTest, TruncatedOrExtendedObjectIsDataLoss) {
  auto doc = UploadData(Header(cli_a_), Pattern(2 * kChunk + 9, 3));
  HOIDLA_ASSERT_OK(doc);
  const std::string good = Object(doc->id());
  for (int64_t delta : {int64_t{-1}, int64_t{+1}, int64_t{-17}, int64_t{+100}}) {
    ASSERT_TRUE(blobs_.Tamper(doc->id(), [&](std::string& b) {
      b = good;
      b.resize(b.size() + delta, 'x');
    }));
    EXPECT_EQ(Fetch(doc->id()).status.code(), absl::StatusCode::kDataLoss) << delta;
  }
}

TEST_F(DocumentsTest, MissingObjectIsDataLoss) {
  auto doc = UploadData(Header(cli_a_), Pattern(10, 3));
  HOIDLA_ASSERT_OK(doc);
  HOIDLA_ASSERT_OK(blobs_.Delete(doc->id()));
  EXPECT_EQ(Fetch(doc->id()).status.code(), absl::StatusCode::kDataLoss);
}

TEST_F(DocumentsTest, SwappedChunksAreDataLoss) {
  auto doc = UploadData(Header(cli_a_), Pattern(2 * kChunk + 1, 4));
  HOIDLA_ASSERT_OK(doc);
  const int64_t len = SealedChunkBytes(doc->id());
  ASSERT_TRUE(blobs_.Tamper(doc->id(), [&](std::string& b) {
    std::string c0 = b.substr(0, len), c1 = b.substr(len, len);
    b.replace(0, len, c1);
    b.replace(len, len, c0);
  }));
  Fetched f = Fetch(doc->id());
  EXPECT_EQ(f.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(f.data, "");
}

TEST_F(DocumentsTest, ChunkReplayedAtAnotherIndexIsDataLoss) {
  // Chunk 0 written again in place of chunk 1 (same size, same document).
  auto doc = UploadData(Header(cli_a_), Pattern(2 * kChunk + 1, 4));
  HOIDLA_ASSERT_OK(doc);
  const int64_t len = SealedChunkBytes(doc->id());
  ASSERT_TRUE(
      blobs_.Tamper(doc->id(), [&](std::string& b) { b.replace(len, len, b.substr(0, len)); }));
  Fetched f = Fetch(doc->id());
  EXPECT_EQ(f.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(f.data.size(), static_cast<size_t>(kChunk));
}

TEST_F(DocumentsTest, MetadataRecordCopiedOntoAnotherDocumentIsDataLoss) {
  auto a = UploadData(Header(cli_a_), "document a");
  auto b = UploadData(Header(cli_a_), "document b");
  auto c = UploadData(Header(cli_b_), "document c");
  HOIDLA_ASSERT_OK(a);
  HOIDLA_ASSERT_OK(b);
  HOIDLA_ASSERT_OK(c);
  auto meta_a = base().Get(Space::kMeta, "doc/" + a->id());
  HOIDLA_ASSERT_OK(meta_a);
  ASSERT_TRUE(base_.Overwrite(Space::kMeta, "doc/" + b->id(), *meta_a));
  ASSERT_TRUE(base_.Overwrite(Space::kMeta, "doc/" + c->id(), *meta_a));
  for (const auto* victim : {&*b, &*c}) {
    v1::GetDocumentRequest get;
    get.set_id(victim->id());
    EXPECT_EQ(documents_->GetDocument(admin_, get).status().code(), absl::StatusCode::kDataLoss);
    Fetched f = Fetch(victim->id());
    EXPECT_EQ(f.status.code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(f.data, "");
  }
  // The original still reads.
  Fetched fa = Fetch(a->id());
  HOIDLA_EXPECT_OK(fa.status);
  EXPECT_EQ(fa.data, "document a");
}

TEST_F(DocumentsTest, ErasedClientsDocumentsAreUnreadable) {
  auto doc = UploadData(Header(cli_a_), "private");
  HOIDLA_ASSERT_OK(doc);
  HOIDLA_ASSERT_OK(keyring_->DestroySubjectKey(cli_a_.id()));
  v1::GetDocumentRequest get;
  get.set_id(doc->id());
  EXPECT_EQ(documents_->GetDocument(admin_, get).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Fetch(doc->id()).status.code(), absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Uploads that never commit

TEST_F(DocumentsTest, DroppedUploadLeavesNoObjectAndNoPendingMarker) {
  const auto before = DumpStore(base());
  {
    auto up = documents_->BeginUpload(admin_, Header(cli_a_));
    HOIDLA_ASSERT_OK(up);
    EXPECT_EQ(PendingCount(), 1u);
    const std::string data = Pattern(40 * kChunk + 7, 9);
    for (size_t off = 0; off < data.size(); off += 300000) {
      HOIDLA_ASSERT_OK((*up)->Append(std::string_view(data).substr(off, 300000)));
    }
  }
  EXPECT_EQ(blobs_.Count(), 0u);
  EXPECT_EQ(DumpStore(base()), before);
}

TEST_F(DocumentsTest, AppendOrCommitAfterCommitIsFailedPrecondition) {
  auto up = documents_->BeginUpload(admin_, Header(cli_a_));
  HOIDLA_ASSERT_OK(up);
  HOIDLA_ASSERT_OK((*up)->Append("x"));
  HOIDLA_ASSERT_OK((*up)->Commit());
  EXPECT_EQ((*up)->Append("y").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*up)->Commit().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(DocumentsTest, MarkerWriteFailureStartsNoUpload) {
  const auto before = DumpStore(base());
  faulty_.FailWritesAfter(0);
  EXPECT_EQ(documents_->BeginUpload(admin_, Header(cli_a_)).status().code(),
            absl::StatusCode::kUnavailable);
  faulty_.Heal();
  EXPECT_EQ(DumpStore(base()), before);
  EXPECT_EQ(blobs_.Count(), 0u);
}

TEST_F(DocumentsTest, WriteFailureAtCommitPublishesNothingAndRecoveryCleansUp) {
  const auto before = DumpStore(base());
  auto up = documents_->BeginUpload(admin_, Header(cli_a_, case_a_.id()));
  HOIDLA_ASSERT_OK(up);
  HOIDLA_ASSERT_OK((*up)->Append(Pattern(3 * kChunk, 12)));
  // The metadata batch fails, and so does the upload's own cleanup of its
  // pending marker.
  faulty_.FailWritesAfter(0);
  EXPECT_EQ((*up)->Commit().status().code(), absl::StatusCode::kUnavailable);
  up->reset();
  EXPECT_EQ(PendingCount(), 1u);
  faulty_.Heal();

  auto n = documents_->RecoverPendingUploads();
  HOIDLA_ASSERT_OK(n);
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(DumpStore(base()), before);
  EXPECT_EQ(blobs_.Count(), 0u);
  v1::ListDocumentsRequest list;
  list.set_client_id(cli_a_.id());
  auto l = documents_->ListDocuments(admin_, list);
  HOIDLA_ASSERT_OK(l);
  EXPECT_EQ(l->documents_size(), 0);
  auto again = documents_->RecoverPendingUploads();
  HOIDLA_ASSERT_OK(again);
  EXPECT_EQ(*again, 0);
}

TEST_F(DocumentsTest, RecoveryRemovesContentOfUploadsCutShortByACrash) {
  // A crash after the content object was committed but before the metadata
  // batch: the pending marker names an object nothing else points at.
  auto kept = UploadData(Header(cli_a_), Pattern(2 * kChunk, 13));
  HOIDLA_ASSERT_OK(kept);
  const auto before = DumpStore(base());
  auto up = documents_->BeginUpload(admin_, Header(cli_a_));
  HOIDLA_ASSERT_OK(up);
  auto pending = ::hoidla::testing::KeysWithPrefix(base(), Space::kMeta, "pending/");
  ASSERT_EQ(pending.size(), 1u);
  const std::string orphan = pending[0].substr(std::string("pending/").size());
  {
    auto w = blobs_.Create(orphan);
    HOIDLA_ASSERT_OK(w);
    HOIDLA_ASSERT_OK((*w)->Append(Pattern(5000, 14)));
    HOIDLA_ASSERT_OK((*w)->Commit());
  }
  ASSERT_EQ(blobs_.Count(), 2u);

  // The restarted vault recovers before serving.
  Documents restarted(&faulty_, &blobs_, keyring_.get(), &clock_, &policy_, registry_.get(),
                      limits_);
  auto n = restarted.RecoverPendingUploads();
  HOIDLA_ASSERT_OK(n);
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(HasObject(orphan));
  EXPECT_TRUE(HasObject(kept->id()));
  EXPECT_EQ(DumpStore(base()), before);
  Fetched f = Fetch(kept->id());
  HOIDLA_EXPECT_OK(f.status);
  EXPECT_TRUE(f.data == Pattern(2 * kChunk, 13));
}

TEST_F(DocumentsTest, DocumentOverTheLimitIsInvalidArgumentAndLeavesNothing) {
  Limits small = limits_;
  small.max_document_bytes = 100000;
  Documents docs(&faulty_, &blobs_, keyring_.get(), &clock_, &policy_, registry_.get(), small);
  const auto before = DumpStore(base());
  // Exactly at the limit is fine.
  auto at = UploadData(Header(cli_a_), Pattern(100000, 1), 1, &docs);
  HOIDLA_ASSERT_OK(at);
  EXPECT_EQ(at->size(), 100000);
  const auto with_one = DumpStore(base());
  ASSERT_NE(with_one, before);

  auto up = docs.BeginUpload(admin_, Header(cli_a_));
  HOIDLA_ASSERT_OK(up);
  HOIDLA_ASSERT_OK((*up)->Append(Pattern(99999, 2)));
  EXPECT_TRUE(IsInvalidArgumentFor((*up)->Append("ab"), "data"));
  EXPECT_EQ((*up)->Commit().status().code(), absl::StatusCode::kFailedPrecondition);
  up->reset();
  EXPECT_EQ(DumpStore(base()), with_one);
  EXPECT_EQ(blobs_.Count(), 1u);
}

// ---------------------------------------------------------------------------
// Header validation and references

TEST_F(DocumentsTest, HeaderFieldsAreValidatedByName) {
  const auto before = DumpStore(base());
  auto h = Header(cli_a_);
  h.set_title("");
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.title"));
  h = Header(cli_a_);
  h.set_title(std::string(201, 't'));
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.title"));
  h = Header(cli_a_);
  h.set_kind("Home Visit");
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.kind"));
  h = Header(cli_a_);
  h.set_kind("");
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.kind"));
  h = Header(cli_a_);
  h.set_content_type("pdf");
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.content_type"));
  h = Header(cli_a_, "cas_bad");
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.case_id"));
  h = Header(cli_a_);
  h.set_client_id(prj_.id());
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.client_id"));
  h = Header(cli_a_);
  h.set_project_id("");
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.project_id"));
  h = Header(cli_a_);
  h.set_size(5);
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.size"));
  h = Header(cli_a_);
  h.set_sha256("00");
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.sha256"));
  h = Header(cli_a_);
  h.set_id("doc_00000000000000000000000000");
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.id"));
  EXPECT_EQ(DumpStore(base()), before) << "rejected uploads write nothing";
}

TEST_F(DocumentsTest, CaseOfAnotherClientIsInvalidArgument) {
  auto h = Header(cli_b_, case_a_.id());
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.case_id"));
  h = Header(cli_a_, "cas_00000000000000000000000000");
  auto s = documents_->BeginUpload(admin_, h);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DocumentsTest, ClientOutsideTheProjectIsInvalidArgument) {
  auto prj2 = MakeProject(org_.id(), "Other project");
  auto h = Header(cli_a_);
  h.set_project_id(prj2.id());
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->BeginUpload(admin_, h), "header.client_id"));
}

TEST_F(DocumentsTest, PrincipalWithoutRolesCannotUploadOrSeeDocuments) {
  auto doc = UploadData(Header(cli_a_), "secret");
  HOIDLA_ASSERT_OK(doc);
  const auto before = DumpStore(base());
  EXPECT_EQ(documents_->BeginUpload(nobody_, Header(cli_a_)).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(DumpStore(base()), before);
  v1::GetDocumentRequest get;
  get.set_id(doc->id());
  EXPECT_EQ(documents_->GetDocument(nobody_, get).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::DownloadDocumentRequest dl;
  dl.set_id(doc->id());
  EXPECT_EQ(documents_->OpenDownload(nobody_, dl).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListDocumentsRequest list;
  list.set_client_id(cli_a_.id());
  EXPECT_EQ(documents_->ListDocuments(nobody_, list).status().code(),
            absl::StatusCode::kPermissionDenied);
}

// ---------------------------------------------------------------------------
// Listing

TEST_F(DocumentsTest, ListDocumentsByClientAndByCase) {
  auto case_a2 = MakeCase(prj_.id(), cli_a_.id(), "Second case");
  auto d1 = UploadData(Header(cli_a_), "1");
  auto d2 = UploadData(Header(cli_a_, case_a_.id()), "2");
  auto d3 = UploadData(Header(cli_a_, case_a_.id()), "3");
  auto d4 = UploadData(Header(cli_a_, case_a2.id()), "4");
  auto d5 = UploadData(Header(cli_b_), "5");
  for (const auto* d : {&d1, &d2, &d3, &d4, &d5}) HOIDLA_ASSERT_OK(*d);

  auto ids = [](const v1::ListDocumentsResponse& r) {
    std::vector<std::string> out;
    for (const auto& d : r.documents()) out.push_back(d.id());
    return out;
  };
  v1::ListDocumentsRequest by_client;
  by_client.set_client_id(cli_a_.id());
  auto l = documents_->ListDocuments(admin_, by_client);
  HOIDLA_ASSERT_OK(l);
  EXPECT_EQ(ids(*l), (std::vector<std::string>{d1->id(), d2->id(), d3->id(), d4->id()}));
  EXPECT_EQ(l->next_page_token(), "");

  v1::ListDocumentsRequest by_case;
  by_case.set_case_id(case_a_.id());
  l = documents_->ListDocuments(admin_, by_case);
  HOIDLA_ASSERT_OK(l);
  EXPECT_EQ(ids(*l), (std::vector<std::string>{d2->id(), d3->id()}));

  by_client.set_client_id(cli_b_.id());
  l = documents_->ListDocuments(admin_, by_client);
  HOIDLA_ASSERT_OK(l);
  EXPECT_EQ(ids(*l), std::vector<std::string>{d5->id()});
  EXPECT_EQ(l->documents(0).sha256(), Sha256Hex("5"));

  // Paged.
  by_client.set_client_id(cli_a_.id());
  by_client.set_page_size(3);
  l = documents_->ListDocuments(admin_, by_client);
  HOIDLA_ASSERT_OK(l);
  EXPECT_EQ(l->documents_size(), 3);
  ASSERT_FALSE(l->next_page_token().empty());
  by_client.set_page_token(l->next_page_token());
  l = documents_->ListDocuments(admin_, by_client);
  HOIDLA_ASSERT_OK(l);
  EXPECT_EQ(ids(*l), std::vector<std::string>{d4->id()});

  v1::ListDocumentsRequest both;
  both.set_client_id(cli_a_.id());
  both.set_case_id(case_a_.id());
  // The scope is a oneof: a request cannot name both; the last one set holds.
  EXPECT_EQ(both.scope_case(), v1::ListDocumentsRequest::kCaseId);
  EXPECT_TRUE(both.client_id().empty());
  v1::ListDocumentsRequest bad;
  bad.set_case_id("x");
  EXPECT_TRUE(IsInvalidArgumentFor(documents_->ListDocuments(admin_, bad), "case_id"));
}

TEST(SealedChunkOffset, ChunksSitBackToBackWithFixedOverhead) {
  const std::string id = "doc_00000000000000000000000000";
  const int64_t overhead = static_cast<int64_t>(keys::ChunkOverhead({"document", id, 1, "cli_x"}));
  EXPECT_EQ(SealedChunkOffset(id, 0), 0);
  EXPECT_EQ(SealedChunkOffset(id, 1), kChunk + overhead);
  EXPECT_EQ(SealedChunkOffset(id, 3), 3 * (kChunk + overhead));
  EXPECT_EQ(SealedChunkOffset(id, 2, 1000), 2 * (1000 + overhead));
}

}  // namespace
}  // namespace hoidla::core

namespace hoidla::core {
namespace {

// The same stack over the production engines: RocksDbStore and FileBlobStore
// in a temporary directory, reopened in between (as after a restart).
TEST(DocumentsOnDisk, UploadSurvivesReopenOfRocksDbAndFileBlobStore) {
  ::hoidla::testing::TempDir dir;
  FakeClock clock(kTestStartMicros);
  Policy policy;
  RequestContext admin;
  admin.principal = {.id = "prn_0000000000000000000000000a",
                     .display_name = "admin",
                     .memberships = {{Role::kSystemAdministrator, "", ""}}};
  keys::SecureBuffer master = keys::NewKey();
  const std::string data = Pattern(3 * kChunk + 5, 21);
  std::string doc_id;
  {
    auto kv = storage::RocksDbStore::Open(dir.File("db"));
    HOIDLA_ASSERT_OK(kv);
    auto blobs = storage::FileBlobStore::Open(dir.File("blobs"));
    HOIDLA_ASSERT_OK(blobs);
    auto keyring =
        sealing::OpenKeyring(kv->get(), master.Clone(), keys::MasterKeyMode::kDev, &clock);
    HOIDLA_ASSERT_OK(keyring);
    Registry registry(kv->get(), keyring->get(), &clock, &policy, Limits{});
    Documents documents(kv->get(), blobs->get(), keyring->get(), &clock, &policy, &registry,
                        Limits{});
    v1::CreateOrganizationRequest oreq;
    oreq.mutable_organization()->set_name("Org");
    auto org = registry.CreateOrganization(admin, oreq);
    HOIDLA_ASSERT_OK(org);
    admin.principal.memberships.push_back({Role::kHeadOfOrganization, org->id(), ""});
    v1::CreateProjectRequest preq;
    preq.mutable_project()->set_organization_id(org->id());
    preq.mutable_project()->set_name("Project");
    auto prj = registry.CreateProject(admin, preq);
    HOIDLA_ASSERT_OK(prj);
    auto cli =
        registry.CreateClient(admin, CoreTest::ClientRequest(org->id(), prj->id(), "50001010006"));
    HOIDLA_ASSERT_OK(cli);
    v1::Document h;
    h.set_project_id(prj->id());
    h.set_client_id(cli->id());
    h.set_title("Scan");
    h.set_kind("scan");
    h.set_content_type("image/png");
    auto up = documents.BeginUpload(admin, h);
    HOIDLA_ASSERT_OK(up);
    for (size_t off = 0; off < data.size(); off += 50000) {
      HOIDLA_ASSERT_OK((*up)->Append(std::string_view(data).substr(off, 50000)));
    }
    auto doc = (*up)->Commit();
    HOIDLA_ASSERT_OK(doc);
    doc_id = doc->id();
    EXPECT_EQ(doc->sha256(), Sha256Hex(data));
  }
  auto kv = storage::RocksDbStore::Open(dir.File("db"));
  HOIDLA_ASSERT_OK(kv);
  auto blobs = storage::FileBlobStore::Open(dir.File("blobs"));
  HOIDLA_ASSERT_OK(blobs);
  auto keyring = sealing::OpenKeyring(kv->get(), master.Clone(), keys::MasterKeyMode::kDev, &clock);
  HOIDLA_ASSERT_OK(keyring);
  Registry registry(kv->get(), keyring->get(), &clock, &policy, Limits{});
  Documents documents(kv->get(), blobs->get(), keyring->get(), &clock, &policy, &registry,
                      Limits{});
  auto recovered = documents.RecoverPendingUploads();
  HOIDLA_ASSERT_OK(recovered);
  EXPECT_EQ(*recovered, 0);
  v1::DownloadDocumentRequest req;
  req.set_id(doc_id);
  req.set_offset(kChunk - 3);
  auto d = documents.OpenDownload(admin, req);
  HOIDLA_ASSERT_OK(d);
  std::string got, piece;
  while (true) {
    auto more = (*d)->Next(&piece);
    HOIDLA_ASSERT_OK(more);
    if (!*more) break;
    got += piece;
  }
  EXPECT_TRUE(got == data.substr(kChunk - 3));
  // No plaintext in the object file.
  std::string file;
  {
    std::FILE* f = std::fopen((*blobs)->PathOf(doc_id).c_str(), "rb");
    ASSERT_NE(f, nullptr);
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) file.append(buf, n);
    std::fclose(f);
  }
  EXPECT_GT(file.size(), data.size());
  EXPECT_EQ(file.find(data.substr(1000, 64)), std::string::npos);
}

}  // namespace
}  // namespace hoidla::core
