// The Retention service (proto/hoidla/v1/retention.proto): a thin adapter, see call.h.
#include "hoidla/v1/retention.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

class RetentionService final : public v1::Retention::Service {
 public:
  RetentionService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  HOIDLA_UNARY(CreateRetentionSchedule, CreateRetentionScheduleRequest, RetentionSchedule,
               b_.retention->CreateSchedule(ctx, *req))
  HOIDLA_UNARY(UpdateRetentionSchedule, UpdateRetentionScheduleRequest, RetentionSchedule,
               b_.retention->UpdateSchedule(ctx, *req))
  HOIDLA_UNARY(GetRetentionSchedule, GetRetentionScheduleRequest, RetentionSchedule,
               b_.retention->GetSchedule(ctx, *req))
  HOIDLA_UNARY(ListRetentionSchedules, ListRetentionSchedulesRequest,
               ListRetentionSchedulesResponse, b_.retention->ListSchedules(ctx, *req))
  HOIDLA_UNARY(ResolveRetentionSchedule, ResolveRetentionScheduleRequest, RetentionSchedule,
               b_.retention->ResolveSchedule(ctx, *req))
  HOIDLA_UNARY(PlaceLegalHold, PlaceLegalHoldRequest, LegalHold, b_.retention->PlaceHold(ctx, *req))
  HOIDLA_UNARY(LiftLegalHold, LiftLegalHoldRequest, LegalHold, b_.retention->LiftHold(ctx, *req))
  HOIDLA_UNARY(GetLegalHold, GetLegalHoldRequest, LegalHold, b_.retention->GetHold(ctx, *req))
  HOIDLA_UNARY(ListLegalHolds, ListLegalHoldsRequest, ListLegalHoldsResponse,
               b_.retention->ListHolds(ctx, *req))
  HOIDLA_UNARY(ListDueDisposals, ListDueDisposalsRequest, ListDueDisposalsResponse,
               b_.retention->ListDueDisposals(ctx, *req))
  HOIDLA_UNARY(ApproveDisposal, ApproveDisposalRequest, DueDisposal,
               b_.retention->ApproveDisposal(ctx, *req))
  HOIDLA_UNARY(PostponeDisposal, PostponeDisposalRequest, DueDisposal,
               b_.retention->PostponeDisposal(ctx, *req))
  HOIDLA_UNARY(RunDisposal, RunDisposalRequest, RunDisposalResponse,
               b_.retention->RunDisposal(ctx, *req))
  HOIDLA_UNARY(GetDisposalCertificate, GetDisposalCertificateRequest, DisposalCertificate,
               b_.retention->GetDisposalCertificate(ctx, *req))
  HOIDLA_UNARY(ListDisposalCertificates, ListDisposalCertificatesRequest,
               ListDisposalCertificatesResponse, b_.retention->ListDisposalCertificates(ctx, *req))
  HOIDLA_UNARY(EraseClient, EraseClientRequest, DisposalCertificate,
               b_.retention->EraseClient(ctx, *req))

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewRetentionService(const Calls* calls, const Backends& b) {
  return std::make_unique<RetentionService>(calls, b);
}

}  // namespace hoidla::service
