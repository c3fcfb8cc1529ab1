// The Disclosures service (proto/hoidla/v1/disclosures.proto): a thin adapter, see call.h.
#include "hoidla/v1/disclosures.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

class DisclosuresService final : public v1::Disclosures::Service {
 public:
  DisclosuresService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  HOIDLA_UNARY(DiscloseWithoutConsent, DiscloseWithoutConsentRequest, Disclosure,
               b_.consents->DiscloseWithoutConsent(ctx, *req))
  HOIDLA_UNARY(ListDisclosures, ListDisclosuresRequest, ListDisclosuresResponse,
               b_.consents->ListDisclosures(ctx, *req))
  HOIDLA_UNARY(ReviewDisclosure, ReviewDisclosureRequest, Disclosure,
               b_.consents->ReviewDisclosure(ctx, *req))

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewDisclosuresService(const Calls* calls, const Backends& b) {
  return std::make_unique<DisclosuresService>(calls, b);
}

}  // namespace hoidla::service
