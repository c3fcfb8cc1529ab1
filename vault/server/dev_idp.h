// The development identity provider: in development mode the vault stands
// in for the identity providers a real deployment trusts (an organisation's
// OpenID Connect provider, the public one for data subjects), so that a
// fresh machine can sign people in. Its ES256 key lives in plaintext at
// <data_dir>/dev-idp.jwk (0600), like the development master key: never use
// it with real data.
//
// Thread-safety: functions touch only the file they are given.
#ifndef HOIDLA_VAULT_SERVER_DEV_IDP_H_
#define HOIDLA_VAULT_SERVER_DEV_IDP_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "keys/jwt.h"

namespace hoidla::service {

// The issuer of the development provider's ID tokens for data subjects.
inline constexpr std::string_view kDevSubjectIssuer = "https://dev-idp.hoidla.invalid/citizens";
// The audience the development providers use by default.
inline constexpr std::string_view kDevAudience = "hoidla";

// Loads the development provider's key from `data_dir`, creating it (0600)
// on first use. UNAVAILABLE when the file cannot be read or written;
// DATA_LOSS when it does not hold a key.
absl::StatusOr<keys::JwtSigningKey> LoadOrCreateDevIdpKey(const std::string& data_dir);

}  // namespace hoidla::service

#endif  // HOIDLA_VAULT_SERVER_DEV_IDP_H_
