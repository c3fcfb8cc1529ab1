// KeyAdmin: key administration behind the policy (rotation, rewrap,
// retirement, status). No method ever returns key material.
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_CORE_KEY_ADMIN_H_
#define HOIDLA_VAULT_CORE_KEY_ADMIN_H_

#include "absl/status/statusor.h"
#include "hoidla/v1/vault.pb.h"
#include "keys/keyring.h"
#include "vault/core/policy.h"
#include "vault/core/principal.h"

namespace hoidla::core {

class KeyAdmin {
 public:
  KeyAdmin(keys::Keyring* keyring, const Policy* policy) : keyring_(keyring), policy_(policy) {}

  absl::StatusOr<::hoidla::v1::KeyStatus> Status(const RequestContext& ctx);
  // Creates and activates a new KEK version; returns the new status.
  absl::StatusOr<::hoidla::v1::KeyStatus> Rotate(const RequestContext& ctx);
  absl::StatusOr<::hoidla::v1::RewrapKeysResponse> Rewrap(const RequestContext& ctx);
  // FAILED_PRECONDITION when the version is active or still in use;
  // NOT_FOUND when it does not exist; INVALID_ARGUMENT for version 0.
  absl::StatusOr<::hoidla::v1::KeyStatus> Retire(
      const RequestContext& ctx, const ::hoidla::v1::RetireKeyEncryptionKeyRequest& req);

 private:
  absl::StatusOr<::hoidla::v1::KeyStatus> BuildStatus();
  keys::Keyring* keyring_;
  const Policy* policy_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_CORE_KEY_ADMIN_H_
