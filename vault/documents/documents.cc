#include "vault/documents/documents.h"

#include "base/error_reason.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "keys/envelope.h"
#include "vault/access/paging.h"
#include "vault/audit/audit_log.h"
#include "vault/storage/layout.h"

namespace hoidla::core {
namespace {

using storage::Space;
namespace ours = storage::layout::documents;
constexpr std::string_view kDoc = ours::kDocument;
constexpr std::string_view kContentKind = "document";

keys::ObjectBinding ContentBinding(const rec::DocumentRecord& r) {
  return {kContentKind, r.id(), 1, r.client_id()};
}

v1::Document ToApi(const rec::DocumentRecord& r) {
  v1::Document d;
  d.set_id(r.id());
  d.set_project_id(r.project_id());
  d.set_client_id(r.client_id());
  d.set_case_id(r.case_id());
  d.set_title(r.title());
  d.set_kind(r.kind());
  d.set_content_type(r.content_type());
  d.set_size(r.size());
  d.set_sha256(keys::ToHex(r.sha256()));
  *d.mutable_created_at() = ToTimestamp(r.created_at_micros());
  d.set_created_by(r.created_by());
  return d;
}

}  // namespace

int64_t SealedChunkOffset(std::string_view document_id, uint64_t index, uint32_t chunk_size) {
  keys::ObjectBinding b{kContentKind, document_id, 1, ""};
  return static_cast<int64_t>(index) * static_cast<int64_t>(chunk_size + keys::ChunkOverhead(b));
}

// ---------------------------------------------------------------------------
// Upload

Upload::Upload(Documents* owner, rec::DocumentRecord record, keys::SecureBuffer content_key,
               std::unique_ptr<storage::BlobWriter> writer)
    : owner_(owner),
      record_(std::move(record)),
      content_key_(std::move(content_key)),
      writer_(std::move(writer)) {}

Upload::~Upload() {
  if (!finished_) Abort();
}

void Upload::Abort() {
  finished_ = true;
  writer_.reset();  // discards an uncommitted object
  // Best effort: if this fails, RecoverPendingUploads() cleans up at start.
  (void)owner_->DeleteContent(record_.id());
}

void Upload::SealChunk(std::string_view plaintext, bool final) {
  keys::SealChunk(static_cast<keys::Cipher>(record_.cipher()), content_key_,
                  ContentBinding(record_), next_chunk_, final, plaintext, &sealed_);
  ++next_chunk_;
}

absl::Status Upload::Append(std::string_view data) {
  if (finished_) return absl::FailedPreconditionError("upload already finished");
  if (size_ + static_cast<int64_t>(data.size()) > owner_->limits_.max_document_bytes) {
    Abort();
    return FieldError("data", hoidla::StrCat("document larger than the limit of ",
                                             owner_->limits_.max_document_bytes, " bytes"));
  }
  size_ += data.size();
  digest_.Update(data);
  // A chunk is sealed only once more bytes follow it (then it is not the
  // last); up to one chunk is held back in buffer_ until then. Full chunks
  // are sealed straight from `data`, without copying it.
  const size_t cs = record_.chunk_size();
  sealed_.clear();
  if (!buffer_.empty()) {
    size_t take = std::min(cs - buffer_.size(), data.size());
    buffer_.append(data.substr(0, take));
    data.remove_prefix(take);
    if (buffer_.size() == cs && !data.empty()) {
      SealChunk(buffer_, /*final=*/false);
      buffer_.clear();
    }
  }
  while (data.size() > cs) {
    SealChunk(data.substr(0, cs), /*final=*/false);
    data.remove_prefix(cs);
  }
  buffer_.append(data);  // at most one chunk
  absl::Status s = sealed_.empty() ? absl::OkStatus() : writer_->Append(sealed_);
  if (!s.ok()) Abort();
  return s;
}

absl::StatusOr<v1::Document> Upload::Commit() {
  if (finished_) return absl::FailedPreconditionError("upload already finished");
  // The last chunk (empty for an empty document) carries the final flag.
  sealed_.clear();
  SealChunk(buffer_, /*final=*/true);
  buffer_.clear();
  absl::Status s = writer_->Append(sealed_);
  // The content is durable before the metadata that makes it visible.
  if (s.ok()) s = writer_->Commit();
  if (s.ok()) {
    record_.set_size(size_);
    record_.set_sha256(digest_.Finish());
    record_.set_chunk_count(next_chunk_);
    record_.set_created_at_micros(owner_->clock_->NowMicros());
    storage::WriteBatch batch;
    s = owner_->records_.Put(kDoc, record_.id(), record_.client_id(), record_, &batch);
    if (s.ok()) {
      batch.Put(Space::kIndex, ours::kDocumentsOfClient.Key(record_.client_id(), record_.id()), "");
      if (!record_.case_id().empty()) {
        batch.Put(Space::kIndex, ours::kDocumentsOfCase.Key(record_.case_id(), record_.id()), "");
      }
      batch.Delete(Space::kMeta, ours::kPendingUpload.Key(record_.id()));
      if (owner_->lifecycle_ != nullptr) {
        s = owner_->lifecycle_->ItemChanged({.type = v1::RETENTION_ITEM_TYPE_DOCUMENT,
                                             .id = record_.id(),
                                             .organization_id = record_.organization_id(),
                                             .project_id = record_.project_id(),
                                             .client_id = record_.client_id(),
                                             .case_id = record_.case_id(),
                                             .kind = record_.kind(),
                                             .created_at_micros = record_.created_at_micros()},
                                            true, record_.created_at_micros(), 0, &batch);
      }
    }
    if (s.ok()) {
      Registry::PutLocation(record_.id(),
                            {.organization_id = record_.organization_id(),
                             .project_id = record_.project_id(),
                             .client_id = record_.client_id(),
                             .case_id = record_.case_id()},
                            &batch);
      audit::NoteTarget(audit_, record_.client_id(), record_.case_id(), record_.id());
      s = audit::CommitEffect(audit_, owner_->store_, std::move(batch));
    }
  }
  if (!s.ok()) {
    Abort();
    return s;
  }
  finished_ = true;
  return ToApi(record_);
}

// ---------------------------------------------------------------------------
// Download

absl::StatusOr<bool> Download::Next(std::string* out) {
  out->clear();
  if (done_ || next_chunk_ > last_chunk_) {
    done_ = true;
    return false;
  }
  const uint64_t i = next_chunk_++;
  const bool final = i + 1 == record_.chunk_count();
  const int64_t offset = static_cast<int64_t>(i) * sealed_chunk_bytes_;
  const int64_t length = final ? reader_->size() - offset : sealed_chunk_bytes_;
  absl::Status s = reader_->ReadAt(offset, static_cast<size_t>(length), &sealed_);
  if (s.ok()) {
    s = keys::OpenChunk(static_cast<keys::Cipher>(record_.cipher()), content_key_,
                        ContentBinding(record_), i, final, sealed_, out);
  }
  if (!s.ok()) {
    out->clear();
    done_ = true;
    return s;
  }
  const int64_t cs = record_.chunk_size();
  const int64_t chunk_begin = static_cast<int64_t>(i) * cs;
  // Every chunk but the last is full, and the last ends at the size.
  if ((!final && static_cast<int64_t>(out->size()) != cs) ||
      (final && chunk_begin + static_cast<int64_t>(out->size()) != record_.size())) {
    out->clear();
    done_ = true;
    return absl::DataLossError("stored document content has the wrong size");
  }
  int64_t from = std::max(begin_, chunk_begin) - chunk_begin;
  int64_t to = std::min<int64_t>(end_, chunk_begin + out->size()) - chunk_begin;
  if (to < static_cast<int64_t>(out->size())) out->resize(to);
  if (from > 0) out->erase(0, from);
  if (next_chunk_ > last_chunk_) done_ = true;
  return !out->empty() || !done_;
}

// ---------------------------------------------------------------------------
// Documents

Documents::Documents(storage::KvStore* store, storage::BlobStore* blobs, keys::Keyring* keyring,
                     Clock* clock, const Policy* policy, const Registry* registry, Limits limits)
    : store_(store),
      blobs_(blobs),
      keyring_(keyring),
      clock_(clock),
      policy_(policy),
      registry_(registry),
      limits_(limits),
      records_(store, keyring) {}

absl::StatusOr<rec::DocumentRecord> Documents::LoadDocument(std::string_view id) const {
  rec::DocumentRecord r;
  std::string owner;
  HOIDLA_RETURN_IF_ERROR(records_.Get(kDoc, id, "", &r, nullptr, &owner));
  if (r.id() != id || r.client_id() != owner) {
    return absl::DataLossError("stored document does not match its key");
  }
  return r;
}

absl::StatusOr<Target> Documents::RevealDocument(
    const RequestContext& ctx, Action action, std::string_view id,
    const absl::StatusOr<rec::DocumentRecord>& loaded) const {
  return Guard(policy_, registry_, releases_)
      .Reveal(
          ctx, {.action = action, .id = id, .field = "id", .releasable = true}, loaded,
          [&](const rec::DocumentRecord& r) { return DocumentTarget(r); },
          [](const rec::DocumentRecord& r) { return std::string_view(r.kind()); });
}

absl::Status Documents::AuthorizeList(const RequestContext& ctx, Action container_action,
                                      Target* target) const {
  if (releases_ == nullptr || policy_->Decide(ctx.principal, container_action, *target).allowed) {
    return policy_->Check(ctx, container_action, *target);
  }
  // A caller who cannot read the container lists only through a release of
  // some item of the client; the items are then decided one by one.
  HOIDLA_ASSIGN_OR_RETURN(target->release, releases_->ReleaseFor(ctx.principal, ctx.purpose,
                                                                 {target->client_id, "", ""}));
  if (!target->release && policy_->Decide(ctx.principal, Action::kListDocuments, *target).allowed) {
    // Their roles list the container's kind, not this one: deny as reading it.
    return policy_->Check(ctx, container_action, *target);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Document>> Documents::DocumentsOfClient(
    std::string_view client_id) const {
  const std::string prefix = ours::kDocumentsOfClient.Prefix(client_id);
  std::vector<std::string> ids;
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(it->key().substr(prefix.size()));
  HOIDLA_RETURN_IF_ERROR(it->status());
  std::vector<v1::Document> out;
  for (const auto& id : ids) {
    HOIDLA_ASSIGN_OR_RETURN(auto r, LoadDocument(id));
    out.push_back(ToApi(r));
  }
  return out;
}

absl::StatusOr<bool> Documents::ClientHasKind(std::string_view client_id, std::string_view kind,
                                              std::string_view project_id) const {
  const std::string prefix = ours::kDocumentsOfClient.Prefix(client_id);
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) {
    HOIDLA_ASSIGN_OR_RETURN(auto r, LoadDocument(it->key().substr(prefix.size())));
    if (r.kind() == kind && (project_id.empty() || r.project_id() == project_id)) return true;
  }
  HOIDLA_RETURN_IF_ERROR(it->status());
  return false;
}

absl::StatusOr<Target> Documents::DocumentTarget(const rec::DocumentRecord& r) const {
  Target t;
  if (!r.case_id().empty()) {
    HOIDLA_ASSIGN_OR_RETURN(auto c, registry_->LoadCase(r.case_id()));
    HOIDLA_ASSIGN_OR_RETURN(t, registry_->CaseTarget(c));
  } else {
    HOIDLA_ASSIGN_OR_RETURN(auto project, registry_->LoadProject(r.project_id()));
    t.organization_id = r.organization_id();
    t.project_id = r.project_id();
    t.client_id = r.client_id();
    t.whole_project_cases = project.case_visibility() == v1::CASE_VISIBILITY_WHOLE_PROJECT;
  }
  t.object_id = r.id();
  return t;
}

absl::StatusOr<std::unique_ptr<Upload>> Documents::BeginUpload(const RequestContext& ctx,
                                                               const v1::Document& h) {
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("header.id", h.id().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("header.size", h.size() == 0));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("header.sha256", h.sha256().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("header.created_at", !h.has_created_at()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("header.created_by", h.created_by().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateId(h.project_id(), IdKind::kProject, "header.project_id"));
  HOIDLA_RETURN_IF_ERROR(ValidateId(h.client_id(), IdKind::kClient, "header.client_id"));
  if (!h.case_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(h.case_id(), IdKind::kCase, "header.case_id"));
  }
  HOIDLA_RETURN_IF_ERROR(ValidateText("header.title", h.title(), true, limits_.max_name_bytes));
  HOIDLA_RETURN_IF_ERROR(ValidateSlug("header.kind", h.kind(), 64));
  HOIDLA_RETURN_IF_ERROR(ValidateContentType("header.content_type", h.content_type()));

  // Project, client and case must be visible to the caller; then the caller
  // must be allowed to write there.
  auto project = registry_->LoadProject(h.project_id());
  Target project_target{.project_id = h.project_id()};
  if (project.ok()) project_target.organization_id = project->organization_id();
  HOIDLA_RETURN_IF_ERROR(ReferencedField(policy_->Check(ctx, Action::kReadProject, project_target),
                                         "header.project_id"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(project.status(), "header.project_id"));
  auto client = registry_->LoadClient(h.client_id());
  HOIDLA_RETURN_IF_ERROR(
      registry_
          ->RevealClient(
              ctx,
              {.action = Action::kReadClient, .id = h.client_id(), .field = "header.client_id"},
              client)
          .status());
  bool in_project = false;
  for (const auto& p : client->project_ids()) in_project |= (p == h.project_id());
  if (!in_project)
    return FieldError("header.client_id", "client does not take part in the project");
  Target target = project_target;
  target.client_id = h.client_id();
  target.whole_project_cases = project->case_visibility() == v1::CASE_VISIBILITY_WHOLE_PROJECT;
  if (!h.case_id().empty()) {
    auto c = registry_->LoadCase(h.case_id());
    HOIDLA_ASSIGN_OR_RETURN(
        target,
        registry_->RevealCase(
            ctx, {.action = Action::kReadCase, .id = h.case_id(), .field = "header.case_id"}, c));
    if (c->client_id() != h.client_id() || c->project_id() != h.project_id()) {
      return FieldError("header.case_id", "case belongs to another client or project");
    }
  }
  HOIDLA_RETURN_IF_ERROR(
      policy_->Check(ctx, Action::kWriteDocument, target, absl::StatusCode::kPermissionDenied));
  if (!h.case_id().empty()) {
    HOIDLA_ASSIGN_OR_RETURN(auto c, registry_->LoadCase(h.case_id()));
    if (c.status() == v1::CASE_STATUS_CLOSED) {
      return WithReason(absl::FailedPreconditionError(
                            "header.case_id: the case is closed and read-only; reopen it first"),
                        kReasonCaseClosed);
    }
  }

  rec::DocumentRecord r;
  r.set_id(NewId(IdKind::kDocument, *clock_));
  r.set_project_id(h.project_id());
  r.set_client_id(h.client_id());
  r.set_case_id(h.case_id());
  r.set_organization_id(project->organization_id());
  r.set_title(h.title());
  r.set_kind(h.kind());
  r.set_content_type(h.content_type());
  r.set_created_by(ctx.principal.id);
  r.set_chunk_size(keys::kDefaultChunkSize);
  r.set_cipher(static_cast<uint32_t>(keys::PreferredCipher()));
  keys::SecureBuffer content_key = keys::NewKey();
  HOIDLA_ASSIGN_OR_RETURN(
      std::string wrapped,
      keyring_->WrapDataKey(r.client_id(), content_key, keys::DataKeyContext(ContentBinding(r))));
  r.set_wrapped_content_key(wrapped);

  rec::PendingUploadRecord pending;
  pending.set_document_id(r.id());
  pending.set_started_at_micros(clock_->NowMicros());
  storage::WriteBatch batch;
  batch.Put(Space::kMeta, ours::kPendingUpload.Key(r.id()), pending.SerializeAsString());
  // Synced before any content is written, so that a crash can never leave
  // content behind that nothing points at.
  HOIDLA_RETURN_IF_ERROR(store_->Write(batch));
  auto writer = blobs_->Create(r.id());
  if (!writer.ok()) {
    (void)DeleteContent(r.id());
    return writer.status();
  }
  auto upload = std::unique_ptr<Upload>(
      new Upload(this, std::move(r), std::move(content_key), std::move(*writer)));
  upload->audit_ = ctx.audit;
  return upload;
}

absl::StatusOr<std::unique_ptr<Download>> Documents::OpenDownload(
    const RequestContext& ctx, const v1::DownloadDocumentRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kDocument, "id"));
  if (req.offset() < 0) return FieldError("offset", "must not be negative");
  if (req.length() < 0) return FieldError("length", "must not be negative");
  auto r = LoadDocument(req.id());
  HOIDLA_RETURN_IF_ERROR(RevealDocument(ctx, Action::kDownloadDocument, req.id(), r).status());
  if (req.offset() > r->size()) {
    return absl::OutOfRangeError("offset: past the end of the document");
  }
  HOIDLA_RETURN_IF_ERROR(keys::CheckCipherUsable(r->cipher()));
  if (r->chunk_size() == 0 || r->chunk_count() == 0) {
    return absl::DataLossError("stored document layout is corrupt");
  }
  HOIDLA_ASSIGN_OR_RETURN(keys::SecureBuffer key,
                          keyring_->UnwrapDataKey(r->client_id(), r->wrapped_content_key(),
                                                  keys::DataKeyContext(ContentBinding(*r))));
  auto reader = blobs_->Open(r->id());
  if (reader.status().code() == absl::StatusCode::kNotFound) {
    return absl::DataLossError("stored document content is missing");
  }
  if (!reader.ok()) return reader.status();
  // The object's size follows from the authenticated metadata: anything else
  // is truncation or appended bytes.
  const int64_t sealed_chunk = SealedChunkOffset(r->id(), 1, r->chunk_size());
  const int64_t overhead = sealed_chunk - r->chunk_size();
  const int64_t full_chunks = static_cast<int64_t>(r->chunk_count()) - 1;
  const int64_t last_plain = r->size() - full_chunks * r->chunk_size();
  if (last_plain < 0 || last_plain > r->chunk_size() ||
      (*reader)->size() != full_chunks * sealed_chunk + last_plain + overhead) {
    return absl::DataLossError("stored document content has the wrong size");
  }
  std::unique_ptr<Download> d(new Download());
  d->reader_ = std::move(*reader);
  d->sealed_chunk_bytes_ = sealed_chunk;
  d->document_ = ToApi(*r);
  d->begin_ = req.offset();
  // offset <= size was checked above, so size - offset cannot overflow.
  d->end_ = (req.length() == 0 || req.length() > r->size() - req.offset())
                ? r->size()
                : req.offset() + req.length();
  const int64_t cs = r->chunk_size();
  d->next_chunk_ = d->begin_ / cs;
  d->last_chunk_ = d->end_ > d->begin_ ? (d->end_ - 1) / cs : d->next_chunk_;
  if (d->next_chunk_ >= r->chunk_count()) d->next_chunk_ = r->chunk_count() - 1;
  if (d->last_chunk_ >= r->chunk_count()) d->last_chunk_ = r->chunk_count() - 1;
  d->done_ = d->end_ <= d->begin_;
  d->record_ = std::move(*r);
  d->content_key_ = std::move(key);
  return d;
}

absl::StatusOr<v1::Document> Documents::GetDocument(const RequestContext& ctx,
                                                    const v1::GetDocumentRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kDocument, "id"));
  auto r = LoadDocument(req.id());
  HOIDLA_RETURN_IF_ERROR(RevealDocument(ctx, Action::kReadDocument, req.id(), r).status());
  return ToApi(*r);
}

absl::StatusOr<v1::ListDocumentsResponse> Documents::ListDocuments(
    const RequestContext& ctx, const v1::ListDocumentsRequest& req) {
  std::string prefix;
  Target target;
  if (!req.client_id().empty() && !req.case_id().empty()) {
    return FieldError("case_id", "give client_id or case_id, not both");
  }
  int32_t page_size = req.page_size();
  // The container (case or client) must be visible to the caller.
  if (!req.case_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.case_id(), IdKind::kCase, "case_id"));
    HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
    prefix = ours::kDocumentsOfCase.Prefix(req.case_id());
    target.case_id = req.case_id();
    auto c = registry_->LoadCase(req.case_id());
    if (c.ok()) {
      HOIDLA_ASSIGN_OR_RETURN(target, registry_->CaseTarget(*c));
    } else if (c.status().code() != absl::StatusCode::kNotFound) {
      return c.status();
    }
    HOIDLA_RETURN_IF_ERROR(AuthorizeList(ctx, Action::kReadCase, &target));
  } else {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.client_id(), IdKind::kClient, "client_id"));
    HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
    prefix = ours::kDocumentsOfClient.Prefix(req.client_id());
    target.client_id = req.client_id();
    auto c = registry_->LoadClient(req.client_id());
    if (c.ok()) {
      target = registry_->ClientTarget(*c);
    } else if (c.status().code() != absl::StatusCode::kNotFound) {
      return c.status();
    }
    HOIDLA_RETURN_IF_ERROR(AuthorizeList(ctx, Action::kReadClient, &target));
  }
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kListDocuments, target));
  v1::ListDocumentsResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(store_, Space::kIndex, prefix, IdKind::kDocument, req.page_token(), page_size,
               [&](std::string_view id) -> absl::StatusOr<bool> {
                 HOIDLA_ASSIGN_OR_RETURN(auto r, LoadDocument(id));
                 HOIDLA_ASSIGN_OR_RETURN(Target t, DocumentTarget(r));
                 if (!policy_->Decide(ctx.principal, Action::kReadDocument, t).allowed) {
                   if (releases_ == nullptr) return false;
                   HOIDLA_ASSIGN_OR_RETURN(
                       t.release,
                       releases_->ReleaseFor(ctx.principal, ctx.purpose,
                                             {r.client_id(), r.kind(), r.id(), t.project_id}));
                   if (!policy_->Decide(ctx.principal, Action::kReadDocument, t).allowed) {
                     return false;
                   }
                 }
                 *out.add_documents() = ToApi(r);
                 return true;
               }));
  out.set_next_page_token(next);
  return out;
}

absl::Status Documents::DeleteContent(std::string_view document_id) {
  HOIDLA_RETURN_IF_ERROR(blobs_->Delete(document_id));
  storage::WriteBatch batch;
  batch.Delete(Space::kMeta, ours::kPendingUpload.Key(document_id));
  return store_->Write(batch);
}

absl::Status Documents::Destroy(std::string_view id, storage::WriteBatch* batch) const {
  auto r = LoadDocument(id);
  if (r.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError("document: not found");
  }
  HOIDLA_RETURN_IF_ERROR(r.status());
  storage::WriteBatch out;
  HOIDLA_RETURN_IF_ERROR(records_.DeleteAll(kDoc, id, &out).status());
  out.Delete(Space::kIndex, ours::kDocumentsOfClient.Key(r->client_id(), id));
  if (!r->case_id().empty())
    out.Delete(Space::kIndex, ours::kDocumentsOfCase.Key(r->case_id(), id));
  Registry::DeleteLocation(id, &out);
  out.Put(Space::kMeta, ours::kPendingUpload.Key(id), "");
  batch->Append(out);
  return absl::OkStatus();
}

absl::Status Documents::DeleteDestroyedContent(std::string_view id) { return DeleteContent(id); }

absl::StatusOr<int> Documents::RecoverPendingUploads() {
  std::vector<std::string> ids;
  const std::string pending = ours::kPendingUpload.Prefix();
  auto it = store_->Scan(Space::kMeta, pending);
  for (; it->Valid(); it->Next()) ids.emplace_back(storage::layout::Rest(it->key(), pending));
  HOIDLA_RETURN_IF_ERROR(it->status());
  for (const auto& id : ids) HOIDLA_RETURN_IF_ERROR(DeleteContent(id));
  return static_cast<int>(ids.size());
}

}  // namespace hoidla::core
