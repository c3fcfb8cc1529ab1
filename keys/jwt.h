// JSON Web Tokens: verifying OpenID Connect ID tokens against an identity
// provider's JWKS, and signing tokens for the development identity provider
// and tests.
//
// Built on Debian's cjose (the JOSE library mod_auth_openidc uses), which
// parses JWKs and checks JWS signatures, and jansson for the JSON. This
// module adds the policy: pinned algorithms (never "none", never HMAC, so no
// algorithm confusion), key selection by "kid" from the configured JWKS only
// (never a key the token carries or points to), and the registered claims
// (iss, aud, exp, nbf, iat, sub). Neither library appears in this header.
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

// What VerifyJwt accepts. issuer, audience and jwks_json are required: when
// empty, every token is rejected.
struct JwtVerifyOptions {
  std::string issuer;     // "iss" must equal it exactly
  std::string audience;   // "aud" must equal it or, as an array, contain it
  std::string jwks_json;  // the provider's JWKS {"keys": [...]}
  // Accepted "alg" values. "none" and the HS* algorithms are refused even
  // when listed.
  std::vector<std::string> algorithms = {"RS256", "ES256"};
  int64_t now_seconds = 0;      // the current time, Unix seconds
  int64_t leeway_seconds = 60;  // allowed clock skew for exp, nbf and iat
  // exp - iat (exp - now without iat) must not exceed it.
  int64_t max_lifetime_seconds = 24 * 3600;
};

// The claims of a verified token. Times are Unix seconds; 0 when absent.
struct JwtClaims {
  std::string issuer;                  // "iss"
  std::string subject;                 // "sub", never empty
  std::vector<std::string> audiences;  // "aud", as a list
  int64_t issued_at = 0;               // "iat"
  int64_t not_before = 0;              // "nbf"
  int64_t expires_at = 0;              // "exp", always present
  std::string key_id;                  // the header's "kid" ("" if none)
  std::string algorithm;               // the header's "alg"
  std::string jwt_id;                  // "jti" ("" if none)
  // Every top-level claim whose value is a JSON string.
  std::map<std::string, std::string> string_claims;
};

// Verifies `compact` (a compact JWS) as an ID token from the provider `opts`
// describes, and returns its claims.
//
// Success needs all of: at most 16 KiB; a protected header whose "alg" is in
// opts.algorithms and is an RS*, PS* or ES256 algorithm ("none" and HS* are
// refused even when listed) and that has no "crit"; one key of opts.jwks_json
// for it (the one with the token's "kid", else the only key of the
// algorithm's type) whose "alg", if any, is the token's; a valid signature
// by that key; a JSON object payload without duplicate members; "iss" equal
// to opts.issuer; "aud" equal to, or an array of strings containing,
// opts.audience; a non-empty "sub"; "exp" with now < exp + leeway; "nbf", if
// any, with now + leeway >= nbf; "iat", if any, not after now + leeway;
// exp - iat (exp - now without "iat") at most opts.max_lifetime_seconds.
//
// Every failure is UNAUTHENTICATED with the message "id token rejected: "
// and a short reason ("signature", "expired", "audience", ...), never a value
// from the token.
absl::StatusOr<JwtClaims> VerifyJwt(std::string_view compact, const JwtVerifyOptions& opts);

// OK when `jwks_json` is a JWKS ({"keys":[...]}, at most 32 keys) holding
// at least one usable signing key: RSA of 2048 bits or more, or EC P-256,
// whose "use", if any, is "sig". Other keys (other types or curves, smaller
// RSA keys, encryption keys) are ignored. INVALID_ARGUMENT naming `field`
// when it does not parse, has no usable key, or holds private key material
// ("d" and the other private members) or a symmetric ("oct") key.
absl::Status ValidateJwks(std::string_view jwks_json, std::string_view field);

// An ES256 signing key of a development or test identity provider.
struct JwtSigningKey {
  SecureBuffer private_jwk_json;  // the private JWK (with "d")
  std::string public_jwks_json;   // {"keys":[<public JWK>]}
  std::string key_id;
};

// Returns a new random P-256 key with a random 24-hex-digit "kid", its
// private JWK in private_jwk_json and its public JWKS (with "use":"sig",
// "alg":"ES256") in public_jwks_json. INTERNAL when key generation fails.
absl::StatusOr<JwtSigningKey> GenerateJwtSigningKey();

// Loads a key from its private JWK (private_jwk_json of a key
// GenerateJwtSigningKey made) and recomputes the public JWKS from it.
// INVALID_ARGUMENT when `private_jwk_json` is not an EC P-256 private JWK
// with a "kid" whose private and public parts belong together.
absl::StatusOr<JwtSigningKey> LoadJwtSigningKey(std::string_view private_jwk_json);

// Returns `claims_json` (a JSON object) signed as a compact JWS with the
// protected header {"alg":"ES256","typ":"JWT","kid":<key.key_id>}; the
// payload is the object re-serialised compactly. INVALID_ARGUMENT when
// `claims_json` is not a JSON object (or repeats a member) or `key` holds no
// private key; INTERNAL when signing fails.
absl::StatusOr<std::string> SignJwt(const JwtSigningKey& key, std::string_view claims_json);

}  // namespace hoidla::keys

#endif  // HOIDLA_KEYS_JWT_H_
