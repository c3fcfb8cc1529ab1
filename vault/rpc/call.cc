#include "vault/rpc/call.h"

#include <spdlog/spdlog.h>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/validation.h"
#include "keys/crypto.h"
#include "vault/audit/audit_log.h"
#include "vault/rpc/status_convert.h"

namespace hoidla::service {
namespace {

constexpr std::string_view kBearer = "Bearer ";

std::string_view Metadata(grpc::ServerContext* c, std::string_view key) {
  const auto& md = c->client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return {};
  return {it->second.data(), it->second.size()};
}

// The client certificate the TLS layer received (PEM), or "".
std::string PeerCertificate(grpc::ServerContext* c) {
  auto auth = c->auth_context();
  if (auth == nullptr) return "";
  auto values = auth->FindPropertyValues("x509_pem_cert");
  if (values.empty()) return "";
  return std::string(values.front().data(), values.front().size());
}

}  // namespace

audit::AuditDraft Calls::NewDraft(grpc::ServerContext* c, std::string_view method) const {
  audit::AuditDraft draft;
  draft.log = audit_log_;
  draft.entry.set_method(std::string(method));
  draft.entry.set_peer(c->peer());
  std::string_view rid = Metadata(c, "x-request-id");
  draft.entry.set_request_id(!rid.empty() && rid.size() <= 64 ? std::string(rid)
                                                              : keys::ToHex(keys::RandomString(8)));
  return draft;
}

absl::StatusOr<core::RequestContext> Calls::Authenticate(grpc::ServerContext* c,
                                                         audit::AuditDraft* draft) const {
  std::string_view auth = Metadata(c, "authorization");
  absl::StatusOr<core::Principal> principal;
  core::Credential credential;
  if (auth.starts_with(kBearer)) {
    principal = identity_->Authenticate(auth.substr(kBearer.size()), &credential);
  } else if (std::string pem = PeerCertificate(c); !pem.empty()) {
    principal = identity_->AuthenticateCertificate(pem);
  } else {
    return absl::UnauthenticatedError(
        "missing credential: send authorization: Bearer <token> or a client certificate");
  }
  if (!principal.ok()) return principal.status();
  core::RequestContext ctx;
  ctx.principal = std::move(*principal);
  ctx.credential_token_id = credential.token_id;
  ctx.credential_expires_at_micros = credential.expires_at_micros;
  std::string_view act_for = Metadata(c, "x-hoidla-act-for");
  if (!act_for.empty()) {
    draft->entry.set_acting_through(ctx.principal.id);
    auto user = identity_->ActFor(ctx.principal, act_for);
    if (!user.ok()) return user.status();
    ctx.acting_through = ctx.principal.id;
    ctx.principal = std::move(*user);
  }
  if (std::string_view purpose = Metadata(c, "x-hoidla-purpose"); !purpose.empty()) {
    HOIDLA_RETURN_IF_ERROR(core::ValidateSlug("x-hoidla-purpose", purpose, 64));
    ctx.purpose = std::string(purpose);
    draft->entry.set_purpose(ctx.purpose);
  }
  ctx.request_id = draft->entry.request_id();
  ctx.peer = c->peer();
  ctx.audit = draft;
  draft->entry.set_actor(ctx.principal.id);
  draft->entry.set_acting_through(ctx.acting_through);
  return ctx;
}

grpc::Status Calls::Finish(std::string_view method, const core::RequestContext* ctx,
                           audit::AuditDraft* draft, absl::Status status) const {
  // Every outcome is on the record: a call whose effect or access was
  // committed already adds an entry only when it then failed. When the log
  // cannot be written the call fails (UNAVAILABLE), whatever it did.
  if (draft != nullptr && draft->log != nullptr && (!draft->committed || !status.ok())) {
    audit::Entry e = draft->entry;
    e.set_status(absl::StatusCodeToString(status.code()));
    auto seq = draft->log->Commit(std::move(e));
    if (seq.ok()) {
      draft->committed = true;
    } else {
      status = seq.status();
    }
  }
  // Ids and codes only: messages and arguments may not be logged.
  if (status.ok()) {
    spdlog::debug("rpc={} code=OK principal={} via={} request_id={}", method,
                  ctx ? ctx->principal.id : "-", ctx ? ctx->acting_through : "-",
                  ctx ? ctx->request_id : "-");
  } else if (status.code() == absl::StatusCode::kInternal ||
             status.code() == absl::StatusCode::kDataLoss ||
             status.code() == absl::StatusCode::kUnknown) {
    spdlog::error("rpc={} code={} principal={} request_id={}", method,
                  absl::StatusCodeToString(status.code()), ctx ? ctx->principal.id : "-",
                  ctx ? ctx->request_id : "-");
  } else {
    spdlog::info("rpc={} code={} principal={} request_id={}", method,
                 absl::StatusCodeToString(status.code()), ctx ? ctx->principal.id : "-",
                 ctx ? ctx->request_id : "-");
  }
  return ToGrpcStatus(status);
}

}  // namespace hoidla::service
