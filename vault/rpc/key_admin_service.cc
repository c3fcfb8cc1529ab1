// The KeyAdmin service (proto/hoidla/v1/key_admin.proto): a thin adapter, see call.h.
#include "hoidla/v1/key_admin.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

class KeyAdminService final : public v1::KeyAdmin::Service {
 public:
  KeyAdminService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  HOIDLA_UNARY(GetKeyStatus, GetKeyStatusRequest, KeyStatus, b_.key_admin->Status(ctx))
  HOIDLA_UNARY(RotateKeyEncryptionKey, RotateKeyEncryptionKeyRequest, KeyStatus,
               b_.key_admin->Rotate(ctx))
  HOIDLA_UNARY(RewrapKeys, RewrapKeysRequest, RewrapKeysResponse, b_.key_admin->Rewrap(ctx))
  HOIDLA_UNARY(RetireKeyEncryptionKey, RetireKeyEncryptionKeyRequest, KeyStatus,
               b_.key_admin->Retire(ctx, *req))

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewKeyAdminService(const Calls* calls, const Backends& b) {
  return std::make_unique<KeyAdminService>(calls, b);
}

}  // namespace hoidla::service
