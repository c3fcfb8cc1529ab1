// The SubjectAccess service (proto/hoidla/v1/subject_access.proto): a thin adapter, see call.h.
#include "hoidla/v1/subject_access.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

class SubjectAccessService final : public v1::SubjectAccess::Service {
 public:
  SubjectAccessService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  HOIDLA_UNARY(GetAccessReport, GetAccessReportRequest, AccessReport,
               b_.audit_access->GetAccessReport(ctx, *req))
  // Streamed in parts of about 1 MiB, on the record before the first leaves.
  grpc::Status ExportSubjectData(grpc::ServerContext* c, const v1::ExportSubjectDataRequest* req,
                                 grpc::ServerWriter<v1::SubjectDataExport>* writer) override {
    return calls_->Export(c, "ExportSubjectData", writer, [&](const auto& ctx, const auto& emit) {
      return b_.subject_access->ExportInParts(ctx, *req, size_t{1} << 20, emit);
    });
  }

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewSubjectAccessService(const Calls* calls, const Backends& b) {
  return std::make_unique<SubjectAccessService>(calls, b);
}

}  // namespace hoidla::service
