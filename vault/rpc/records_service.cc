// The Records service (proto/hoidla/v1/records.proto): a thin adapter, see call.h.
#include "hoidla/v1/records.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

class RecordsService final : public v1::Records::Service {
 public:
  RecordsService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  HOIDLA_UNARY(CreateRecord, CreateRecordRequest, Record, b_.records->CreateRecord(ctx, *req))
  HOIDLA_UNARY(UpdateRecord, UpdateRecordRequest, Record, b_.records->UpdateRecord(ctx, *req))
  HOIDLA_UNARY(GetRecord, GetRecordRequest, Record, b_.records->GetRecord(ctx, *req))
  HOIDLA_UNARY(ListRecordVersions, ListRecordVersionsRequest, ListRecordVersionsResponse,
               b_.records->ListRecordVersions(ctx, *req))
  HOIDLA_UNARY(ListRecords, ListRecordsRequest, ListRecordsResponse,
               b_.records->ListRecords(ctx, *req))
  HOIDLA_UNARY(SignRecord, SignRecordRequest, Record, b_.records->SignRecord(ctx, *req))
  HOIDLA_UNARY(ListDeadlines, ListDeadlinesRequest, ListDeadlinesResponse,
               b_.records->ListDeadlines(ctx, *req))

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewRecordsService(const Calls* calls, const Backends& b) {
  return std::make_unique<RecordsService>(calls, b);
}

}  // namespace hoidla::service
