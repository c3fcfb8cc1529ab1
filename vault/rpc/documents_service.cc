// The Documents service (proto/hoidla/v1/documents.proto): a thin adapter, see call.h.
#include <malloc.h>

#include "base/strings.h"
#include "hoidla/v1/documents.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/output_only.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

// After a large transfer, hands the allocator's freed buffers back to the
// system. glibc keeps freed memory in per-thread arenas; without this the
// server's resident size creeps up with every large transfer served by a
// new thread, although nothing is in use.
void ReleaseFreedMemory(int64_t transferred_bytes) {
  if (transferred_bytes >= (int64_t{16} << 20)) malloc_trim(0);
}

class DocumentsService final : public v1::Documents::Service {
 public:
  DocumentsService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  grpc::Status UploadDocument(grpc::ServerContext* c,
                              grpc::ServerReader<v1::UploadDocumentRequest>* reader,
                              v1::Document* resp) override {
    constexpr std::string_view kMethod = "UploadDocument";
    audit::AuditDraft draft = calls_->NewDraft(c, kMethod);
    auto ctx = calls_->Authenticate(c, &draft);
    if (!ctx.ok()) return calls_->Finish(kMethod, nullptr, &draft, ctx.status());
    v1::UploadDocumentRequest msg;
    if (!reader->Read(&msg) || !msg.has_header()) {
      return calls_->Finish(
          kMethod, &*ctx, &draft,
          absl::InvalidArgumentError("header: the first message must carry the header"));
    }
    ClearOutputOnly(msg.mutable_header());
    auto upload = b_.documents->BeginUpload(*ctx, msg.header());
    if (!upload.ok()) return calls_->Finish(kMethod, &*ctx, &draft, upload.status());
    const size_t max_message = b_.documents->limits().max_upload_message_bytes;
    while (reader->Read(&msg)) {
      if (msg.has_header()) {
        return calls_->Finish(
            kMethod, &*ctx, &draft,
            absl::InvalidArgumentError("header: only the first message may carry it"));
      }
      if (msg.data().size() > max_message) {
        return calls_->Finish(kMethod, &*ctx, &draft,
                              absl::InvalidArgumentError(
                                  StrCat("data: message larger than ", max_message, " bytes")));
      }
      absl::Status s = (*upload)->Append(msg.data());
      if (!s.ok()) return calls_->Finish(kMethod, &*ctx, &draft, s);
    }
    if (c->IsCancelled()) {
      // The upload is dropped (and its chunks deleted) when `upload` goes.
      return calls_->Finish(kMethod, &*ctx, &draft,
                            absl::CancelledError("upload cancelled by the client"));
    }
    auto doc = (*upload)->Commit();
    if (!doc.ok()) return calls_->Finish(kMethod, &*ctx, &draft, doc.status());
    *resp = std::move(*doc);
    ReleaseFreedMemory(resp->size());
    return calls_->Finish(kMethod, &*ctx, &draft, absl::OkStatus());
  }

  grpc::Status DownloadDocument(grpc::ServerContext* c, const v1::DownloadDocumentRequest* req,
                                grpc::ServerWriter<v1::DownloadDocumentResponse>* writer) override {
    constexpr std::string_view kMethod = "DownloadDocument";
    audit::AuditDraft draft = calls_->NewDraft(c, kMethod);
    auto ctx = calls_->Authenticate(c, &draft);
    if (!ctx.ok()) return calls_->Finish(kMethod, nullptr, &draft, ctx.status());
    auto download = b_.documents->OpenDownload(*ctx, *req);
    if (!download.ok()) return calls_->Finish(kMethod, &*ctx, &draft, download.status());
    // The access is on the record before the first byte leaves.
    if (draft.log != nullptr) {
      if (absl::Status s = audit::CommitEffect(&draft, nullptr, {}); !s.ok()) {
        return calls_->Finish(kMethod, &*ctx, nullptr, s);
      }
    }
    // Messages carry up to kMessageBytes of content: fewer, larger messages
    // cost less per byte than one per 64 KiB chunk.
    constexpr size_t kMessageBytes = 256 * 1024;
    v1::DownloadDocumentResponse msg;
    *msg.mutable_document() = (*download)->document();
    std::string* data = msg.mutable_data();
    data->reserve(kMessageBytes + 64 * 1024);
    std::string piece;
    bool sent = false;
    while (true) {
      auto more = (*download)->Next(&piece);
      if (!more.ok()) return calls_->Finish(kMethod, &*ctx, &draft, more.status());
      if (*more) data->append(piece);
      const bool flush = !*more ? (!data->empty() || !sent) : data->size() >= kMessageBytes;
      if (flush) {
        if (!writer->Write(msg)) {
          return calls_->Finish(kMethod, &*ctx, &draft, absl::CancelledError("client went away"));
        }
        sent = true;
        msg.clear_document();
        data->clear();
      }
      if (!*more) break;
    }
    ReleaseFreedMemory((*download)->document().size());
    return calls_->Finish(kMethod, &*ctx, &draft, absl::OkStatus());
  }
  HOIDLA_UNARY(GetDocument, GetDocumentRequest, Document, b_.documents->GetDocument(ctx, *req))
  HOIDLA_UNARY(ListDocuments, ListDocumentsRequest, ListDocumentsResponse,
               b_.documents->ListDocuments(ctx, *req))

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewDocumentsService(const Calls* calls, const Backends& b) {
  return std::make_unique<DocumentsService>(calls, b);
}

}  // namespace hoidla::service
