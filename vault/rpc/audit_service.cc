// The Audit service (proto/hoidla/v1/audit.proto): a thin adapter, see call.h.
#include "hoidla/v1/audit.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

class AuditService final : public v1::Audit::Service {
 public:
  AuditService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  HOIDLA_UNARY(GetCheckpoint, GetCheckpointRequest, Checkpoint,
               b_.audit_access->GetCheckpoint(ctx, *req))
  HOIDLA_UNARY(GetInclusionProof, GetInclusionProofRequest, InclusionProof,
               b_.audit_access->GetInclusionProof(ctx, *req))
  HOIDLA_UNARY(GetConsistencyProof, GetConsistencyProofRequest, ConsistencyProof,
               b_.audit_access->GetConsistencyProof(ctx, *req))
  HOIDLA_UNARY(ListAuditEntries, ListAuditEntriesRequest, ListAuditEntriesResponse,
               b_.audit_access->ListAuditEntries(ctx, *req))
  // The export is on the record before its first part leaves (the entries
  // it carries end where its checkpoint ends, before this entry).
  grpc::Status ExportAudit(grpc::ServerContext* c, const v1::ExportAuditRequest* req,
                           grpc::ServerWriter<v1::AuditBundle>* writer) override {
    return calls_->Export(c, "ExportAudit", writer, [&](const auto& ctx, const auto& emit) {
      return b_.audit_access->ExportAudit(ctx, *req, emit);
    });
  }
  HOIDLA_UNARY(GetAuditPublicKeys, GetAuditPublicKeysRequest, AuditPublicKeys,
               b_.audit_access->GetPublicKeys(ctx))
  HOIDLA_UNARY(RotateAuditSigningKey, RotateAuditSigningKeyRequest, AuditPublicKeys,
               b_.audit_access->RotateSigningKey(ctx))

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewAuditService(const Calls* calls, const Backends& b) {
  return std::make_unique<AuditService>(calls, b);
}

}  // namespace hoidla::service
