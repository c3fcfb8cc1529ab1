// JSON Web Tokens: verifying OpenID Connect ID tokens against an identity
// provider's JWKS, and signing tokens for the development identity provider
// and tests. Built on Debian's cjose (the JOSE library mod_auth_openidc
// uses), which parses JWKs and checks JWS signatures; this module adds the
// policy: pinned algorithms (never "none", never HMAC), key selection by
// "kid", and the registered claims (iss, aud, exp, nbf, iat).
//
// Thread-safety: pure functions; safe to call concurrently.
#ifndef HOIDLA_KEYS_JWT_H_
#define HOIDLA_KEYS_JWT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "keys/crypto.h"

namespace hoidla::keys {

struct JwtVerifyOptions {
  std::string issuer;     // "iss" must equal it
  std::string audience;   // "aud" must equal it or, as an array, contain it
  std::string jwks_json;  // the provider's JWKS {"keys": [...]}
  // Accepted "alg" values. "none" and the HS* algorithms are refused even
  // when listed.
  std::vector<std::string> algorithms = {"RS256", "ES256"};
  int64_t now_seconds = 0;
  int64_t leeway_seconds = 60;
  // exp - iat (exp - now without iat) must not exceed it.
  int64_t max_lifetime_seconds = 24 * 3600;
};

struct JwtClaims {
  std::string issuer;
  std::string subject;
  std::vector<std::string> audiences;
  int64_t issued_at = 0;
  int64_t not_before = 0;
  int64_t expires_at = 0;
  std::string key_id;
  std::string algorithm;
  std::string jwt_id;
  // Every top-level claim whose value is a JSON string.
  std::map<std::string, std::string> string_claims;
};

// Verifies compact JWS `compact` as an ID token. Returns its claims on
// success. UNAUTHENTICATED for every failure (malformed, longer than 16 KiB,
// algorithm not accepted, no key for its "kid", bad signature, wrong issuer
// or audience, expired, not yet valid, issued in the future, lifetime too
// long, no "sub" or "exp"), with a message naming only the reason, never a
// value of the token.
absl::StatusOr<JwtClaims> VerifyJwt(std::string_view compact,
                                    const JwtVerifyOptions& opts);

// OK when `jwks_json` is a JWKS with at least one usable public key (RSA of
// 2048 bits or more, or EC P-256) and no private or symmetric key material.
// INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateJwks(std::string_view jwks_json, std::string_view field);

// An ES256 signing key of a development or test identity provider.
struct JwtSigningKey {
  SecureBuffer private_jwk_json;  // the private JWK (with "d")
  std::string public_jwks_json;   // {"keys":[<public JWK>]}
  std::string key_id;
};

// A new random P-256 key with a random "kid". INTERNAL when cjose fails.
absl::StatusOr<JwtSigningKey> GenerateJwtSigningKey();
// Loads a key GenerateJwtSigningKey made (its private JWK). INVALID_ARGUMENT
// when it is not an EC P-256 private JWK with a "kid".
absl::StatusOr<JwtSigningKey> LoadJwtSigningKey(
    std::string_view private_jwk_json);
// Signs `claims_json` (a JSON object) as a compact JWS with the header
// {"alg":"ES256","typ":"JWT","kid":<kid>}. INVALID_ARGUMENT when
// `claims_json` is not a JSON object; INTERNAL when signing fails.
absl::StatusOr<std::string> SignJwt(const JwtSigningKey& key,
                                    std::string_view claims_json);

}  // namespace hoidla::keys

#endif  // HOIDLA_KEYS_JWT_H_
