// Calls: what every gRPC handler of hoidla.v1 does around the domain call.
//
// A handler is thin. It starts the call's audit entry (method, peer,
// request id), authenticates the caller from the `authorization` metadata
// (or the TLS client certificate), applies `x-hoidla-act-for` and
// `x-hoidla-purpose`, runs the domain function, puts the outcome on the
// audit record and converts the status (ToGrpcStatus, the only conversion).
// The response, or a stream's first part, leaves only once the call is on
// the record. All validation, authorization and storage happen in the
// domain rooms.
//
// Thread-safety: Calls holds no mutable state; gRPC runs handlers
// concurrently.
#ifndef HOIDLA_VAULT_RPC_CALL_H_
#define HOIDLA_VAULT_RPC_CALL_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "vault/access/principal.h"
#include "vault/audit/audit_log.h"
#include "vault/identity/identity.h"
#include "vault/rpc/output_only.h"
#include "vault/rpc/page_tokens.h"

namespace hoidla::service {

namespace v1 = ::hoidla::v1;

class Calls {
 public:
  // Both must outlive the Calls. `audit_log` may be null only in tests of
  // the adapters themselves.
  Calls(core::Identity* identity, audit::AuditLog* audit_log, PageTokens page_tokens)
      : identity_(identity), audit_log_(audit_log), page_tokens_(std::move(page_tokens)) {}

  // Starts the call's audit entry (method, peer, request id).
  audit::AuditDraft NewDraft(grpc::ServerContext* c, std::string_view method) const;

  // Authenticates the call and records the caller in `draft`.
  // UNAUTHENTICATED without a valid credential; PERMISSION_DENIED for an
  // act-for header the caller may not use; INVALID_ARGUMENT for a
  // malformed purpose.
  absl::StatusOr<core::RequestContext> Authenticate(grpc::ServerContext* c,
                                                    audit::AuditDraft* draft) const;

  // Puts the outcome on the audit record (unless the call's effect already
  // is and it succeeded), logs it (ids and codes only), and converts it. A
  // failed audit write turns the outcome into UNAVAILABLE.
  grpc::Status Finish(std::string_view method, const core::RequestContext* ctx,
                      audit::AuditDraft* draft, absl::Status status) const;

  // A unary call: authenticates, runs `fn(ctx)` (returning
  // StatusOr<Response>), and stores the value in `*resp` only when the
  // outcome is on the record.
  template <typename Response, typename Fn>
  grpc::Status Unary(grpc::ServerContext* c, std::string_view method, Response* resp,
                     Fn&& fn) const {
    audit::AuditDraft draft = NewDraft(c, method);
    auto ctx = Authenticate(c, &draft);
    if (!ctx.ok()) return Finish(method, nullptr, &draft, ctx.status());
    auto result = fn(*ctx);
    grpc::Status out =
        Finish(method, &*ctx, &draft, result.ok() ? absl::OkStatus() : result.status());
    if (out.ok()) *resp = std::move(*result);
    return out;
  }

  // A server-streaming export: authenticates, then runs `fn(ctx, emit)`,
  // where `emit(part)` writes one part. The export is an audit entry
  // committed before the first part leaves; a stream that breaks off later
  // adds an entry naming its outcome. CANCELLED when the client goes away.
  template <typename Part, typename Fn>
  grpc::Status Export(grpc::ServerContext* c, std::string_view method,
                      grpc::ServerWriter<Part>* writer, Fn&& fn) const {
    audit::AuditDraft draft = NewDraft(c, method);
    auto ctx = Authenticate(c, &draft);
    if (!ctx.ok()) return Finish(method, nullptr, &draft, ctx.status());
    bool recorded = false;
    std::function<absl::Status(const Part&)> emit = [&](const Part& part) -> absl::Status {
      if (!recorded && draft.log != nullptr) {
        HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(&draft, nullptr, {}));
        recorded = true;
      }
      if (!writer->Write(part)) return absl::CancelledError("client went away");
      return absl::OkStatus();
    };
    absl::Status s = fn(*ctx, emit);
    return Finish(method, &*ctx, &draft, s);
  }

  // The request as the domain sees it: output-only fields cleared
  // (output_only.h), the page token opened (page_tokens.h). INVALID_ARGUMENT
  // "page_token: ..." for a token not issued for this list.
  template <typename Request>
  absl::StatusOr<Input<Request>> Prepare(std::string_view method, const core::RequestContext& ctx,
                                         const Request* request) const {
    // Per request type, decided once: no lock or lookup on the call path.
    static const bool has_output_only = HasOutputOnly(Request::descriptor());
    static const bool paged = PageTokens::Paged(Request::default_instance());
    Input<Request> input(request);
    if (has_output_only) ClearOutputOnly(input.Mutable());
    if (paged) {
      absl::Status s = page_tokens_.Open(method, Caller(ctx), input.Mutable());
      if (!s.ok()) return s;
    }
    return input;
  }

  // Turns the domain's next page position in `response` into a token bound
  // to `method` and the filter of `request` (as Prepare returned it).
  void SealPage(std::string_view method, const core::RequestContext& ctx,
                const google::protobuf::Message& request,
                google::protobuf::Message* response) const {
    page_tokens_.Seal(method, Caller(ctx), request, response);
  }

  // Who asks, as a page token is bound to it: principal, the account acting
  // for it, and the stated purpose.
  static std::string Caller(const core::RequestContext& ctx) {
    return StrCat(ctx.principal.id, std::string_view("\0", 1), ctx.acting_through,
                  std::string_view("\0", 1), ctx.purpose);
  }

 private:
  core::Identity* identity_;
  audit::AuditLog* audit_log_;
  PageTokens page_tokens_;
};

// Defines a unary handler `Method` of the enclosing service class that
// calls `expr`, which may use `ctx` and `*req` (the request as Prepare
// returns it); the response's next page token is sealed.
#define HOIDLA_UNARY(Method, Req, Resp, expr)                                                      \
  grpc::Status Method(grpc::ServerContext* c, const ::hoidla::v1::Req* request,                    \
                      ::hoidla::v1::Resp* resp) override {                                         \
    return calls_->Unary(                                                                          \
        c, #Method, resp,                                                                          \
        [&](const core::RequestContext& ctx) -> absl::StatusOr<::hoidla::v1::Resp> {               \
          absl::StatusOr<Input<::hoidla::v1::Req>> input = calls_->Prepare(#Method, ctx, request); \
          if (!input.ok()) return input.status();                                                  \
          const ::hoidla::v1::Req* req = &**input;                                                 \
          absl::StatusOr<::hoidla::v1::Resp> out = expr;                                           \
          if (out.ok()) calls_->SealPage(#Method, ctx, *req, &*out);                               \
          return out;                                                                              \
        });                                                                                        \
  }

}  // namespace hoidla::service

#endif  // HOIDLA_VAULT_RPC_CALL_H_
