// The Consents service (proto/hoidla/v1/consents.proto): a thin adapter, see call.h.
#include "hoidla/v1/consents.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

class ConsentsService final : public v1::Consents::Service {
 public:
  ConsentsService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  HOIDLA_UNARY(RecordConsent, RecordConsentRequest, ConsentReceipt,
               b_.consents->RecordConsent(ctx, *req))
  HOIDLA_UNARY(ConfirmConsentRelease, ConfirmConsentReleaseRequest, Consent,
               b_.consents->ConfirmConsentRelease(ctx, *req))
  HOIDLA_UNARY(ReviseConsent, ReviseConsentRequest, ConsentReceipt,
               b_.consents->ReviseConsent(ctx, *req))
  HOIDLA_UNARY(WithdrawConsent, WithdrawConsentRequest, Consent,
               b_.consents->WithdrawConsent(ctx, *req))
  HOIDLA_UNARY(GetConsent, GetConsentRequest, Consent, b_.consents->GetConsent(ctx, *req))
  HOIDLA_UNARY(ListConsents, ListConsentsRequest, ListConsentsResponse,
               b_.consents->ListConsents(ctx, *req))
  HOIDLA_UNARY(QueryRecordExistence, QueryRecordExistenceRequest, QueryRecordExistenceResponse,
               b_.consents->QueryRecordExistence(ctx, *req))

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewConsentsService(const Calls* calls, const Backends& b) {
  return std::make_unique<ConsentsService>(calls, b);
}

}  // namespace hoidla::service
