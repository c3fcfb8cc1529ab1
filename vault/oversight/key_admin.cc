#include "vault/oversight/key_admin.h"

#include "base/status_macros.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "vault/access/paging.h"
#include "vault/audit/audit_log.h"
#include "vault/sealing/kv_key_store.h"

namespace hoidla::core {

absl::StatusOr<::hoidla::v1::KeyStatus> KeyAdmin::BuildStatus() {
  HOIDLA_ASSIGN_OR_RETURN(auto keks, keyring_->ListKeks());
  ::hoidla::v1::KeyStatus s;
  s.set_master_key_mode(std::string(keys::MasterKeyModeName(keyring_->mode())));
  s.set_data_cipher(std::string(keys::CipherName(keys::PreferredCipher())));
  for (const auto& k : keks) {
    auto* v = s.add_versions();
    v->set_version(k.version);
    *v->mutable_created_at() = ToTimestamp(k.created_at_micros);
    v->set_active(k.active);
    v->set_wrapped_keys(k.wrapped_keys);
  }
  return s;
}

keys::Keyring::CommitFn KeyAdmin::Audited(const RequestContext& ctx) {
  return [this, draft = ctx.audit](keys::KeyChanges changes) {
    return audit::CommitEffect(draft, store_, sealing::ToBatch(changes));
  };
}

absl::StatusOr<::hoidla::v1::KeyStatus> KeyAdmin::Status(const RequestContext& ctx) {
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReadKeyStatus, {}));
  return BuildStatus();
}

absl::StatusOr<::hoidla::v1::KeyStatus> KeyAdmin::Rotate(const RequestContext& ctx) {
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kManageKeys, {}));
  HOIDLA_RETURN_IF_ERROR(keyring_->RotateKek(Audited(ctx)).status());
  return BuildStatus();
}

absl::StatusOr<::hoidla::v1::RewrapKeysResponse> KeyAdmin::Rewrap(const RequestContext& ctx) {
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kManageKeys, {}));
  HOIDLA_ASSIGN_OR_RETURN(int64_t n, keyring_->RewrapSubjectKeys(Audited(ctx)));
  ::hoidla::v1::RewrapKeysResponse out;
  out.set_rewrapped(n);
  HOIDLA_ASSIGN_OR_RETURN(*out.mutable_status(), BuildStatus());
  return out;
}

absl::StatusOr<::hoidla::v1::KeyStatus> KeyAdmin::Retire(
    const RequestContext& ctx, const ::hoidla::v1::RetireKeyEncryptionKeyRequest& req) {
  if (req.version() == 0) return FieldError("version", "required");
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kManageKeys, {}));
  HOIDLA_RETURN_IF_ERROR(keyring_->RetireKek(req.version(), Audited(ctx)));
  return BuildStatus();
}

}  // namespace hoidla::core
