// The Cases service (proto/hoidla/v1/cases.proto): a thin adapter, see call.h.
#include "hoidla/v1/cases.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

class CasesService final : public v1::Cases::Service {
 public:
  CasesService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  HOIDLA_UNARY(CreateCase, CreateCaseRequest, Case, b_.registry->CreateCase(ctx, *req))
  HOIDLA_UNARY(GetCase, GetCaseRequest, Case, b_.registry->GetCase(ctx, *req))
  HOIDLA_UNARY(ListCases, ListCasesRequest, ListCasesResponse, b_.registry->ListCases(ctx, *req))
  HOIDLA_UNARY(AssignCase, AssignCaseRequest, Case, b_.registry->AssignCase(ctx, *req))
  HOIDLA_UNARY(ReportConcern, ReportConcernRequest, ReportConcernResponse,
               b_.registry->ReportConcern(ctx, *req))
  HOIDLA_UNARY(UpdateCaseNetwork, UpdateCaseNetworkRequest, Case,
               b_.registry->UpdateCaseNetwork(ctx, *req))
  HOIDLA_UNARY(CloseCase, CloseCaseRequest, Case, b_.registry->CloseCase(ctx, *req))
  HOIDLA_UNARY(ReopenCase, ReopenCaseRequest, Case, b_.registry->ReopenCase(ctx, *req))

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewCasesService(const Calls* calls, const Backends& b) {
  return std::make_unique<CasesService>(calls, b);
}

}  // namespace hoidla::service
