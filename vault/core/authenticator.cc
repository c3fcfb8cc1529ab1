#include "vault/core/authenticator.h"

#include "absl/strings/escaping.h"
#include "vault/common/strings.h"
#include "hoidla/storage/v1/records.pb.h"
#include "vault/common/ids.h"
#include "vault/common/status_macros.h"
#include "vault/core/paging.h"

namespace hoidla::core {
namespace {

using storage::Space;
constexpr std::string_view kTokenPrefix = "hdl_";
constexpr std::string_view kPrincipalKind = "prn";
constexpr std::string_view kBootstrapKey = "sys/bootstrap";

absl::Status Unauthenticated() {
  return absl::UnauthenticatedError("invalid, expired or revoked credential");
}

}  // namespace

Authenticator::Authenticator(storage::KvStore* store, keys::Keyring* keyring, Clock* clock)
    : store_(store), keyring_(keyring), clock_(clock), records_(store, keyring) {}

std::string Authenticator::TokenKey(std::string_view token) const {
  return hoidla::StrCat("tok/", keys::ToHex(keys::KeyedHash(keyring_->token_key(), token)));
}

absl::StatusOr<Principal> Authenticator::Authenticate(std::string_view token) const {
  if (!token.starts_with(kTokenPrefix) || token.size() != kTokenPrefix.size() + 43) {
    return Unauthenticated();
  }
  auto raw = store_->Get(Space::kMeta, TokenKey(token));
  if (raw.status().code() == absl::StatusCode::kNotFound) return Unauthenticated();
  if (!raw.ok()) return absl::UnavailableError("credential store unavailable");
  hoidla::storage::v1::TokenRecord rec;
  if (!rec.ParseFromString(*raw)) return absl::DataLossError("stored token record is corrupt");
  if (rec.revoked()) return Unauthenticated();
  if (rec.expires_at_micros() != 0 && rec.expires_at_micros() <= clock_->NowMicros()) {
    return Unauthenticated();
  }
  hoidla::storage::v1::PrincipalRecord prn;
  absl::Status s = records_.Get(kPrincipalKind, rec.principal_id(), keys::kSystemSubject, &prn);
  if (s.code() == absl::StatusCode::kNotFound) return Unauthenticated();
  HOIDLA_RETURN_IF_ERROR(s);
  return Principal{prn.id(), prn.display_name(), {prn.roles().begin(), prn.roles().end()}};
}

absl::Status Authenticator::AddToken(std::string_view principal_id, int64_t ttl_micros,
                                     storage::WriteBatch* batch, std::string* token) {
  std::string raw = keys::RandomString(32);
  *token = hoidla::StrCat(kTokenPrefix, absl::WebSafeBase64Escape(raw));
  std::fill(raw.begin(), raw.end(), '\0');
  hoidla::storage::v1::TokenRecord rec;
  rec.set_principal_id(std::string(principal_id));
  int64_t now = clock_->NowMicros();
  rec.set_created_at_micros(now);
  rec.set_expires_at_micros(ttl_micros > 0 ? now + ttl_micros : 0);
  batch->Put(Space::kMeta, TokenKey(*token), rec.SerializeAsString());
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> Authenticator::CreateBootstrapAdministrator(
    std::string_view display_name) {
  auto done = store_->Get(Space::kMeta, kBootstrapKey);
  if (done.ok()) return std::optional<std::string>();
  if (done.status().code() != absl::StatusCode::kNotFound) return done.status();
  hoidla::storage::v1::PrincipalRecord prn;
  prn.set_id(NewId(IdKind::kPrincipal, *clock_));
  prn.set_display_name(std::string(display_name));
  prn.add_roles(kRoleSystemAdministrator);
  prn.set_created_at_micros(clock_->NowMicros());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kPrincipalKind, prn.id(), keys::kSystemSubject, prn, &batch));
  std::string token;
  HOIDLA_RETURN_IF_ERROR(AddToken(prn.id(), 0, &batch, &token));
  batch.Put(Space::kMeta, kBootstrapKey, prn.id());
  HOIDLA_RETURN_IF_ERROR(store_->Write(batch));
  return std::optional<std::string>(std::move(token));
}

absl::StatusOr<Principal> Authenticator::CreatePrincipal(std::string_view display_name,
                                                         const std::vector<std::string>& roles) {
  hoidla::storage::v1::PrincipalRecord prn;
  prn.set_id(NewId(IdKind::kPrincipal, *clock_));
  prn.set_display_name(std::string(display_name));
  for (const auto& r : roles) prn.add_roles(r);
  prn.set_created_at_micros(clock_->NowMicros());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kPrincipalKind, prn.id(), keys::kSystemSubject, prn, &batch));
  HOIDLA_RETURN_IF_ERROR(store_->Write(batch));
  return Principal{prn.id(), prn.display_name(), roles};
}

absl::StatusOr<std::string> Authenticator::IssueToken(std::string_view principal_id,
                                                      int64_t ttl_micros) {
  hoidla::storage::v1::PrincipalRecord prn;
  HOIDLA_RETURN_IF_ERROR(records_.Get(kPrincipalKind, principal_id, keys::kSystemSubject, &prn));
  storage::WriteBatch batch;
  std::string token;
  HOIDLA_RETURN_IF_ERROR(AddToken(principal_id, ttl_micros, &batch, &token));
  HOIDLA_RETURN_IF_ERROR(store_->Write(batch));
  return token;
}

absl::Status Authenticator::RevokeToken(std::string_view token) {
  std::string key = TokenKey(token);
  auto raw = store_->Get(Space::kMeta, key);
  if (!raw.ok()) return raw.status();
  hoidla::storage::v1::TokenRecord rec;
  if (!rec.ParseFromString(*raw)) return absl::DataLossError("stored token record is corrupt");
  rec.set_revoked(true);
  storage::WriteBatch batch;
  batch.Put(Space::kMeta, key, rec.SerializeAsString());
  return store_->Write(batch);
}

}  // namespace hoidla::core
