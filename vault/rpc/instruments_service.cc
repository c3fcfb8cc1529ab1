// The Instruments service (proto/hoidla/v1/instruments.proto): a thin adapter, see call.h.
#include "hoidla/v1/instruments.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

class InstrumentsService final : public v1::Instruments::Service {
 public:
  InstrumentsService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  HOIDLA_UNARY(RegisterInstrument, RegisterInstrumentRequest, Instrument,
               b_.instruments->Register(ctx, *req))
  HOIDLA_UNARY(GetInstrument, GetInstrumentRequest, Instrument, b_.instruments->Get(ctx, *req))
  HOIDLA_UNARY(ListInstruments, ListInstrumentsRequest, ListInstrumentsResponse,
               b_.instruments->List(ctx, *req))

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewInstrumentsService(const Calls* calls, const Backends& b) {
  return std::make_unique<InstrumentsService>(calls, b);
}

}  // namespace hoidla::service
