// Documents: client files of any size, sealed chunk by chunk.
//
// Content is cut into chunks of 64 KiB, each sealed with the document's own
// content key and bound to the document, its owner, the chunk's index and
// whether it is the last one (doc/format.md). The sealed chunks are stored
// back to back as one object in the BlobStore, so chunk i sits at a known
// offset and any byte range is served by opening only the chunks it covers.
// Memory use is bounded by a few chunks, whatever the document's size.
//
// An upload becomes visible only at Commit(): the object is made durable
// first, then one synced batch writes the metadata record and its indexes.
// An upload that is dropped (client went away, error, crash) leaves a
// pending marker that Abort() or, after a crash, RecoverPendingUploads() uses
// to delete its object.
//
// Thread-safety: Documents is safe for concurrent use; an Upload or Download
// belongs to one thread at a time.
#ifndef HOIDLA_VAULT_DOCUMENTS_DOCUMENTS_H_
#define HOIDLA_VAULT_DOCUMENTS_DOCUMENTS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/limits.h"
#include "hoidla/storage/v1/records.pb.h"
#include "hoidla/v1/documents.pb.h"
#include "keys/crypto.h"
#include "keys/envelope.h"
#include "keys/keyring.h"
#include "vault/access/guard.h"
#include "vault/access/lifecycle.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/access/release.h"
#include "vault/audit/audit_log.h"
#include "vault/directory/registry.h"
#include "vault/sealing/sealed_records.h"
#include "vault/storage/blob_store.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

class Documents;

// One upload in progress. Destroying it without Commit() aborts it.
class Upload {
 public:
  ~Upload();
  Upload(const Upload&) = delete;
  Upload& operator=(const Upload&) = delete;

  // Appends the next content bytes. INVALID_ARGUMENT "data: ..." when the
  // document would exceed the size limit; UNAVAILABLE when the store fails.
  // After an error the upload is aborted and every later call fails.
  absl::Status Append(std::string_view data);

  // Seals the rest, writes metadata and indexes in one synced batch and
  // returns the stored document. After this the upload is finished.
  absl::StatusOr<v1::Document> Commit();

 private:
  friend class Documents;
  Upload(Documents* owner, rec::DocumentRecord record, keys::SecureBuffer content_key,
         std::unique_ptr<storage::BlobWriter> writer);
  // Seals `plaintext` as the next chunk, appending it to sealed_.
  void SealChunk(std::string_view plaintext, bool final);
  void Abort();

  Documents* owner_;
  rec::DocumentRecord record_;
  keys::SecureBuffer content_key_;
  std::unique_ptr<storage::BlobWriter> writer_;
  keys::Sha256 digest_;
  std::string buffer_;  // plaintext held back: at most one chunk
  std::string sealed_;  // sealed chunks of the current Append, reused
  uint64_t next_chunk_ = 0;
  int64_t size_ = 0;
  bool finished_ = false;
  // The upload call's audit entry, committed with the document (or null).
  audit::AuditDraft* audit_ = nullptr;
};

// One download in progress.
class Download {
 public:
  // The document's metadata.
  const v1::Document& document() const { return document_; }
  // Writes the next piece of the requested range (at most one chunk) to
  // `out`. Returns true when `out` holds data, false at the end. DATA_LOSS
  // when stored bytes are missing or fail authentication; no unauthenticated
  // byte is ever returned.
  absl::StatusOr<bool> Next(std::string* out);

 private:
  friend class Documents;
  Download() = default;
  std::unique_ptr<storage::BlobReader> reader_;
  int64_t sealed_chunk_bytes_ = 0;  // of every chunk but the last
  v1::Document document_;
  rec::DocumentRecord record_;
  keys::SecureBuffer content_key_;
  std::string sealed_;  // reused read buffer
  uint64_t next_chunk_ = 0;
  uint64_t last_chunk_ = 0;  // inclusive
  int64_t begin_ = 0;        // requested range [begin_, end_)
  int64_t end_ = 0;
  bool done_ = false;
};

class Documents {
 public:
  // All pointers must outlive this object.
  Documents(storage::KvStore* store, storage::BlobStore* blobs, keys::Keyring* keyring,
            Clock* clock, const Policy* policy, const Registry* registry, Limits limits);

  // Validates the header (INVALID_ARGUMENT naming the field `header.<f>`),
  // checks the caller may write there and that project, client and case
  // belong together, and starts an upload.
  absl::StatusOr<std::unique_ptr<Upload>> BeginUpload(const RequestContext& ctx,
                                                      const v1::Document& header);

  // Opens a download of the whole document or a byte range.
  // OUT_OF_RANGE when the offset is past the end.
  absl::StatusOr<std::unique_ptr<Download>> OpenDownload(const RequestContext& ctx,
                                                         const v1::DownloadDocumentRequest& req);

  absl::StatusOr<v1::Document> GetDocument(const RequestContext& ctx,
                                           const v1::GetDocumentRequest& req);
  absl::StatusOr<v1::ListDocumentsResponse> ListDocuments(const RequestContext& ctx,
                                                          const v1::ListDocumentsRequest& req);

  // Deletes the chunks of uploads that never committed (after a crash).
  // Returns how many uploads were cleaned.
  absl::StatusOr<int> RecoverPendingUploads();

  const Limits& limits() const { return limits_; }

  // For the core's own use (no policy decision): the stored record of
  // document `id`; NOT_FOUND when absent, DATA_LOSS when it fails to open.
  absl::StatusOr<rec::DocumentRecord> LoadDocument(std::string_view id) const;
  // Whether client `client_id` has a document of `kind` held by project
  // `project_id` (empty: by any project), without a policy decision: for
  // the core's own use (existence queries).
  absl::StatusOr<bool> ClientHasKind(std::string_view client_id, std::string_view kind,
                                     std::string_view project_id) const;
  // For the core's own use (a subject access export): the metadata of every
  // document of the client.
  absl::StatusOr<std::vector<v1::Document>> DocumentsOfClient(std::string_view client_id) const;
  // Lets partner workers and other recipients read what a consent or
  // disclosure releases to them. Set once, before serving; may be null.
  void SetReleaseSource(const ReleaseSource* releases) { releases_ = releases; }
  // The policy target of a document (its case's assignment and its
  // project's case visibility included).
  absl::StatusOr<Target> DocumentTarget(const rec::DocumentRecord& r) const;

  // Tells `lifecycle` (retention) of every document committed from now on,
  // in the commit's own batch. Set once, before serving; may be null.
  void SetLifecycle(Lifecycle* lifecycle) { lifecycle_ = lifecycle; }

  // For retention's own use (disposal, erasure), in two steps. Destroy
  // adds to `batch` the removal of document `id`'s metadata (its wrapped
  // content key with it), indexes and location, and a pending marker for
  // its content: once the batch commits, nothing of the document can be
  // read. DeleteDestroyedContent then removes the sealed bytes from the
  // blob store; if that fails or the process dies first, the pending
  // marker has RecoverPendingUploads() remove them at the next start.
  // NOT_FOUND "document: not found" when it is not stored; errors of the
  // store as they are.
  absl::Status Destroy(std::string_view id, storage::WriteBatch* batch) const;
  absl::Status DeleteDestroyedContent(std::string_view id);

 private:
  friend class Upload;
  // The guarded prologue (access/guard.h) of `action` on document `id`.
  absl::StatusOr<Target> RevealDocument(const RequestContext& ctx, Action action,
                                        std::string_view id,
                                        const absl::StatusOr<rec::DocumentRecord>& loaded) const;
  // For a list over a container (a client or a case): decides reading the
  // container (`container_action`); a caller who may not read it gets, when
  // a release of some item of the client names them, target->release set to
  // it instead (the list is then decided with it, and its items one by one).
  absl::Status AuthorizeList(const RequestContext& ctx, Action container_action,
                             Target* target) const;
  absl::Status DeleteContent(std::string_view document_id);

  storage::KvStore* store_;
  storage::BlobStore* blobs_;
  keys::Keyring* keyring_;
  Clock* clock_;
  const Policy* policy_;
  Lifecycle* lifecycle_ = nullptr;
  const Registry* registry_;
  const ReleaseSource* releases_ = nullptr;
  Limits limits_;
  SealedRecords records_;
};

// Where sealed chunk `index` of document `document_id` starts in its object
// (every chunk but the last is chunk_size plus a fixed overhead).
int64_t SealedChunkOffset(std::string_view document_id, uint64_t index,
                          uint32_t chunk_size = keys::kDefaultChunkSize);

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_DOCUMENTS_DOCUMENTS_H_
