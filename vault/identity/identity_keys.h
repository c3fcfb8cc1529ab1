// Internal to the identity module (identity.cc, identity_grants.cc): the
// storage keys (of storage/layout.h) and limits both files use.
// Thread-safety: pure functions and constants.
#ifndef HOIDLA_VAULT_IDENTITY_IDENTITY_KEYS_H_
#define HOIDLA_VAULT_IDENTITY_IDENTITY_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "base/strings.h"
#include "keys/crypto.h"
#include "vault/storage/layout.h"

namespace hoidla::core::identity_internal {

inline constexpr std::string_view kPrincipalKind = storage::layout::identity::kPrincipal;
inline constexpr int64_t kMaxTokenTtlSeconds = 365LL * 24 * 3600;

// One answer for every credential that does not authenticate.
inline absl::Status Unauthenticated() {
  return absl::UnauthenticatedError("invalid, expired or revoked credential");
}

inline std::string Sha256Hex(std::string_view s) {
  keys::Sha256 h;
  h.Update(s);
  return keys::ToHex(h.Finish());
}
inline std::string CertificateKey(std::string_view subject) {
  return storage::layout::identity::kCertificate.Key(Sha256Hex(subject));
}
inline std::string PrincipalOrgIndex(std::string_view org, std::string_view id) {
  return storage::layout::identity::kPrincipalsOfOrganization.Key(org, id);
}
inline std::string TokenPrincipalPrefix(std::string_view prn) {
  return storage::layout::identity::kTokensOfPrincipal.Prefix(prn);
}

}  // namespace hoidla::core::identity_internal

#endif  // HOIDLA_VAULT_IDENTITY_IDENTITY_KEYS_H_
