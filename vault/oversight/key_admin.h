// KeyAdmin: key administration behind the policy (rotation, rewrap,
// retirement, status). No method ever returns key material. Each change is
// committed in one atomic write with the call's audit entry (a rewrap's
// last batch carries it; earlier batches only re-wrap keys, which changes
// nothing a reader sees).
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_OVERSIGHT_KEY_ADMIN_H_
#define HOIDLA_VAULT_OVERSIGHT_KEY_ADMIN_H_

#include "absl/status/statusor.h"
#include "hoidla/v1/key_admin.pb.h"
#include "keys/keyring.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

class KeyAdmin {
 public:
  // All pointers must outlive this object; `store` is the keyring's.
  KeyAdmin(keys::Keyring* keyring, storage::KvStore* store, const Policy* policy)
      : keyring_(keyring), store_(store), policy_(policy) {}

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
  keys::Keyring::CommitFn Audited(const RequestContext& ctx);
  keys::Keyring* keyring_;
  storage::KvStore* store_;
  const Policy* policy_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_OVERSIGHT_KEY_ADMIN_H_
