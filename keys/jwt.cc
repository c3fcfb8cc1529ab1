#include "keys/jwt.h"

#include <cjose/cjose.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

namespace hoidla::keys {
namespace {

constexpr size_t kMaxTokenBytes = 16 * 1024;
constexpr size_t kMaxJwksKeys = 32;
constexpr int64_t kMinRsaBits = 2048;
// NumericDate values past 9999-12-31T23:59:59Z are refused, which also
// keeps the time arithmetic below far from overflow.
constexpr int64_t kMaxNumericDate = 253402300799;

absl::Status Reject(std::string_view why) {
  return absl::UnauthenticatedError(std::string("id token rejected: ").append(why));
}

struct JsonDeleter {
  void operator()(json_t* j) const { json_decref(j); }
};
struct JwkDeleter {
  void operator()(cjose_jwk_t* k) const { cjose_jwk_release(k); }
};
struct JwsDeleter {
  void operator()(cjose_jws_t* j) const { cjose_jws_release(j); }
};
struct HeaderDeleter {
  void operator()(cjose_header_t* h) const { cjose_header_release(h); }
};
// Frees text cjose or jansson allocated, wiping it first (it may hold a
// private key).
struct WipingFree {
  void operator()(char* p) const {
    if (p == nullptr) return;
    OPENSSL_cleanse(p, std::char_traits<char>::length(p));
    cjose_get_dealloc()(p);
  }
};
// Frees text json_dumps allocated.
struct JsonTextFree {
  void operator()(char* p) const {
    json_malloc_t malloc_fn;
    json_free_t free_fn;
    json_get_alloc_funcs(&malloc_fn, &free_fn);
    free_fn(p);
  }
};
using Json = std::unique_ptr<json_t, JsonDeleter>;
using Jwk = std::unique_ptr<cjose_jwk_t, JwkDeleter>;
using Jws = std::unique_ptr<cjose_jws_t, JwsDeleter>;
using Header = std::unique_ptr<cjose_header_t, HeaderDeleter>;
using CText = std::unique_ptr<char, WipingFree>;

// Parses `text` as JSON, refusing duplicate object keys (two parsers could
// otherwise read two different values). Null when it does not parse.
Json ParseJson(std::string_view text) {
  json_error_t error;
  return Json(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &error));
}

// The string member `name` of `obj`, or "" when absent or not a string.
std::string StringMember(const json_t* obj, const char* name) {
  const json_t* v = json_object_get(obj, name);
  return json_is_string(v) ? std::string(json_string_value(v), json_string_length(v))
                           : std::string();
}

// Compact JSON text of `j`; "" when it cannot be serialised.
std::string Dump(const json_t* j) {
  std::unique_ptr<char, JsonTextFree> text(json_dumps(j, JSON_COMPACT));
  return text ? std::string(text.get()) : std::string();
}

// A usable public key of a JWKS.
struct PublicKey {
  std::string kid;
  std::string alg;  // "" when the JWK names none
  std::string kty;  // "RSA" or "EC"
  Jwk jwk;
};

// Parses a JWKS. Keys it cannot use (other key types or curves, RSA keys
// under 2048 bits, keys whose "use" is not "sig") are skipped; private or
// symmetric key material anywhere fails the whole document, as does having
// no usable key. INVALID_ARGUMENT naming `field` on failure.
absl::StatusOr<std::vector<PublicKey>> ParseJwks(std::string_view text, std::string_view field) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(std::string(field).append(": ").append(why));
  };
  Json doc = ParseJson(text);
  if (!json_is_object(doc.get())) return bad("not a JSON object");
  const json_t* keys = json_object_get(doc.get(), "keys");
  if (!json_is_array(keys) || json_array_size(keys) == 0) {
    return bad("no \"keys\" array of keys");
  }
  if (json_array_size(keys) > kMaxJwksKeys) return bad("too many keys");
  std::vector<PublicKey> out;
  size_t i;
  const json_t* k;
  json_array_foreach(keys, i, k) {
    if (!json_is_object(k)) return bad("a key is not a JSON object");
    for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
      if (json_object_get(k, secret) != nullptr) {
        return bad("holds private or symmetric key material");
      }
    }
    const std::string kty = StringMember(k, "kty");
    if (kty.empty()) return bad("a key has no \"kty\"");
    if (kty == "oct") return bad("holds a symmetric key");
    if (kty != "RSA" && kty != "EC") continue;
    const json_t* use = json_object_get(k, "use");
    if (use != nullptr && StringMember(k, "use") != "sig") continue;
    if (kty == "EC" && StringMember(k, "crv") != "P-256") continue;
    const std::string key_text = Dump(k);
    cjose_err err;
    Jwk jwk(cjose_jwk_import(key_text.data(), key_text.size(), &err));
    if (!jwk) return bad("a key does not parse");
    if (cjose_jwk_get_kty(jwk.get(), &err) !=
        (kty == "RSA" ? CJOSE_JWK_KTY_RSA : CJOSE_JWK_KTY_EC)) {
      return bad("a key does not parse");
    }
    if (kty == "RSA" &&
        static_cast<int64_t>(cjose_jwk_get_keysize(jwk.get(), &err)) < kMinRsaBits) {
      continue;
    }
    PublicKey pk;
    pk.kid = StringMember(k, "kid");
    pk.alg = StringMember(k, "alg");
    pk.kty = kty;
    pk.jwk = std::move(jwk);
    out.push_back(std::move(pk));
  }
  if (out.empty()) {
    return bad("no RSA (2048 bits or more) or EC P-256 signing key");
  }
  return out;
}

// The key type an accepted algorithm needs; "" for an algorithm never
// accepted ("none", HS256/384/512, anything unknown).
std::string KtyFor(std::string_view alg) {
  if (alg == "RS256" || alg == "RS384" || alg == "RS512" || alg == "PS256" || alg == "PS384" ||
      alg == "PS512") {
    return "RSA";
  }
  if (alg == "ES256") return "EC";
  return "";
}

enum class DateClaim { kAbsent, kValid, kInvalid };

// Reads the NumericDate claim `name` of `claims` into `*out`.
DateClaim ReadDate(const json_t* claims, const char* name, int64_t* out) {
  const json_t* v = json_object_get(claims, name);
  if (v == nullptr) return DateClaim::kAbsent;
  if (json_is_integer(v)) {
    const json_int_t i = json_integer_value(v);
    if (i < 0 || i > kMaxNumericDate) return DateClaim::kInvalid;
    *out = static_cast<int64_t>(i);
    return DateClaim::kValid;
  }
  if (!json_is_real(v)) return DateClaim::kInvalid;
  const double seconds = json_real_value(v);
  if (!std::isfinite(seconds) || seconds < 0 || seconds > static_cast<double>(kMaxNumericDate)) {
    return DateClaim::kInvalid;
  }
  *out = static_cast<int64_t>(std::floor(seconds));
  return DateClaim::kValid;
}

}  // namespace

absl::Status ValidateJwks(std::string_view jwks_json, std::string_view field) {
  return ParseJwks(jwks_json, field).status();
}

absl::StatusOr<JwtClaims> VerifyJwt(std::string_view compact, const JwtVerifyOptions& opts) {
  if (compact.empty() || compact.size() > kMaxTokenBytes) {
    return Reject("size");
  }
  if (std::count(compact.begin(), compact.end(), '.') != 2) {
    return Reject("format");
  }
  cjose_err err;
  Jws jws(cjose_jws_import(compact.data(), compact.size(), &err));
  if (!jws) return Reject("format");
  // cjose_header_t is jansson's json_t (cjose/header.h); the JWS owns it.
  const json_t* header = cjose_jws_get_protected(jws.get());
  if (!json_is_object(header)) return Reject("format");

  // The algorithm: pinned, and never "none" or HMAC (KtyFor has no key type
  // for them), whatever opts.algorithms lists.
  const std::string alg = StringMember(header, "alg");
  const std::string kty = KtyFor(alg);
  if (kty.empty() ||
      std::find(opts.algorithms.begin(), opts.algorithms.end(), alg) == opts.algorithms.end()) {
    return Reject("algorithm");
  }
  // No JWS extension is understood, so none may be critical (RFC 7515
  // section 4.1.11).
  if (json_object_get(header, "crit") != nullptr) return Reject("header");

  // The key: by "kid" when the token names one, else the only key of its
  // type. Only the configured JWKS is consulted, never "jwk"/"jku"/"x5u".
  const std::string kid = StringMember(header, "kid");
  if (json_object_get(header, "kid") != nullptr && kid.empty()) {
    return Reject("key");
  }
  auto keys = ParseJwks(opts.jwks_json, "jwks");
  if (!keys.ok()) return Reject("keys");
  const PublicKey* key = nullptr;
  int candidates = 0;
  for (const auto& k : *keys) {
    if (k.kty != kty || (!kid.empty() && k.kid != kid)) continue;
    key = &k;
    ++candidates;
  }
  if (key == nullptr || candidates != 1) return Reject("key");
  if (!key->alg.empty() && key->alg != alg) return Reject("key");
  if (!cjose_jws_verify(jws.get(), key->jwk.get(), &err)) {
    return Reject("signature");
  }

  uint8_t* plain = nullptr;  // jws owns it
  size_t plain_len = 0;
  if (!cjose_jws_get_plaintext(jws.get(), &plain, &plain_len, &err)) {
    return Reject("payload");
  }
  Json claims = ParseJson(std::string_view(reinterpret_cast<const char*>(plain), plain_len));
  if (!json_is_object(claims.get())) return Reject("payload");

  JwtClaims out;
  out.algorithm = alg;
  out.key_id = kid;
  const char* name;
  const json_t* value;
  json_object_foreach(claims.get(), name, value) {
    if (json_is_string(value)) {
      out.string_claims[name] = std::string(json_string_value(value), json_string_length(value));
    }
  }
  out.issuer = StringMember(claims.get(), "iss");
  out.subject = StringMember(claims.get(), "sub");
  out.jwt_id = StringMember(claims.get(), "jti");
  if (opts.issuer.empty() || out.issuer != opts.issuer) {
    return Reject("issuer");
  }
  const json_t* aud = json_object_get(claims.get(), "aud");
  if (json_is_string(aud)) {
    out.audiences.emplace_back(json_string_value(aud), json_string_length(aud));
  } else if (json_is_array(aud)) {
    size_t i;
    const json_t* a;
    json_array_foreach(aud, i, a) {
      if (!json_is_string(a)) return Reject("audience");
      out.audiences.emplace_back(json_string_value(a), json_string_length(a));
    }
  }
  if (opts.audience.empty() ||
      std::find(out.audiences.begin(), out.audiences.end(), opts.audience) == out.audiences.end()) {
    return Reject("audience");
  }
  if (out.subject.empty()) return Reject("subject");

  const DateClaim exp = ReadDate(claims.get(), "exp", &out.expires_at);
  const DateClaim nbf = ReadDate(claims.get(), "nbf", &out.not_before);
  const DateClaim iat = ReadDate(claims.get(), "iat", &out.issued_at);
  if (exp == DateClaim::kInvalid || nbf == DateClaim::kInvalid || iat == DateClaim::kInvalid) {
    return Reject("time claims");
  }
  if (exp == DateClaim::kAbsent) return Reject("no expiry");
  const int64_t now = opts.now_seconds;
  const int64_t leeway = std::clamp<int64_t>(opts.leeway_seconds, 0, kMaxNumericDate);
  if (now >= out.expires_at + leeway) return Reject("expired");
  if (nbf == DateClaim::kValid && now + leeway < out.not_before) {
    return Reject("not yet valid");
  }
  if (iat == DateClaim::kValid && out.issued_at > now + leeway) {
    return Reject("issued in the future");
  }
  const int64_t start = iat == DateClaim::kValid ? out.issued_at : now;
  if (out.expires_at - start > opts.max_lifetime_seconds) {
    return Reject("lifetime");
  }
  return out;
}

absl::StatusOr<JwtSigningKey> LoadJwtSigningKey(std::string_view private_jwk_json) {
  auto bad = [] {
    return absl::InvalidArgumentError("jwk: not an EC P-256 private key with a \"kid\"");
  };
  JwtSigningKey out;
  std::string x, y;  // the public point as the text gives it
  {
    Json k = ParseJson(private_jwk_json);
    if (!json_is_object(k.get()) || StringMember(k.get(), "kty") != "EC" ||
        StringMember(k.get(), "crv") != "P-256" || !json_is_string(json_object_get(k.get(), "d"))) {
      return bad();
    }
    out.key_id = StringMember(k.get(), "kid");
    x = StringMember(k.get(), "x");
    y = StringMember(k.get(), "y");
    if (out.key_id.empty() || x.empty() || y.empty()) return bad();
  }
  cjose_err err;
  Jwk jwk(cjose_jwk_import(private_jwk_json.data(), private_jwk_json.size(), &err));
  if (!jwk || cjose_jwk_get_kty(jwk.get(), &err) != CJOSE_JWK_KTY_EC) {
    return bad();
  }

  // The public JWK, from the imported key rather than the text; the text's
  // point must be the one the private scalar gives.
  CText pub_text(cjose_jwk_to_json(jwk.get(), /*priv=*/false, &err));
  if (!pub_text) return bad();
  Json pub = ParseJson(pub_text.get());
  if (!json_is_object(pub.get()) || StringMember(pub.get(), "x") != x ||
      StringMember(pub.get(), "y") != y) {
    return bad();
  }
  if (json_object_set_new(pub.get(), "kid", json_string(out.key_id.c_str())) != 0 ||
      json_object_set_new(pub.get(), "use", json_string("sig")) != 0 ||
      json_object_set_new(pub.get(), "alg", json_string("ES256")) != 0) {
    return absl::InternalError("jwk: cannot build the public key");
  }
  Json jwks(json_pack("{s:[O]}", "keys", pub.get()));
  if (!jwks) return absl::InternalError("jwk: cannot build the public key");
  out.public_jwks_json = Dump(jwks.get());
  out.private_jwk_json = SecureBuffer(reinterpret_cast<const uint8_t*>(private_jwk_json.data()),
                                      private_jwk_json.size());

  // The private scalar must belong to the public point: sign a probe and
  // check it with the public key alone.
  auto probe = SignJwt(out, R"({"probe":true})");
  if (!probe.ok()) return bad();
  Jws probe_jws(cjose_jws_import(probe->data(), probe->size(), &err));
  std::string pub_only = Dump(pub.get());
  Jwk pub_jwk(cjose_jwk_import(pub_only.data(), pub_only.size(), &err));
  if (!probe_jws || !pub_jwk || !cjose_jws_verify(probe_jws.get(), pub_jwk.get(), &err)) {
    return bad();
  }
  return out;
}

absl::StatusOr<JwtSigningKey> GenerateJwtSigningKey() {
  cjose_err err;
  Jwk jwk(cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err));
  if (!jwk) return absl::InternalError("jwk: cannot create a signing key");
  const std::string kid = ToHex(RandomString(12));
  if (!cjose_jwk_set_kid(jwk.get(), kid.data(), kid.size(), &err)) {
    return absl::InternalError("jwk: cannot name a signing key");
  }
  CText text(cjose_jwk_to_json(jwk.get(), /*priv=*/true, &err));
  if (!text) return absl::InternalError("jwk: cannot export a signing key");
  auto out = LoadJwtSigningKey(text.get());
  if (!out.ok()) return absl::InternalError("jwk: cannot load a new key");
  return out;
}

absl::StatusOr<std::string> SignJwt(const JwtSigningKey& key, std::string_view claims_json) {
  Json claims = ParseJson(claims_json);
  if (!json_is_object(claims.get())) {
    return absl::InvalidArgumentError("claims: not a JSON object");
  }
  if (key.key_id.empty() || key.private_jwk_json.empty()) {
    return absl::InvalidArgumentError("key: no signing key");
  }
  const std::string payload = Dump(claims.get());
  if (payload.empty()) return absl::InternalError("claims: cannot serialise");
  cjose_err err;
  std::string_view priv = key.private_jwk_json.view();
  Jwk jwk(cjose_jwk_import(priv.data(), priv.size(), &err));
  if (!jwk) return absl::InvalidArgumentError("key: not a private JWK");
  Header header(cjose_header_new(&err));
  if (!header || !cjose_header_set(header.get(), CJOSE_HDR_ALG, CJOSE_HDR_ALG_ES256, &err) ||
      !cjose_header_set(header.get(), "typ", "JWT", &err) ||
      !cjose_header_set(header.get(), CJOSE_HDR_KID, key.key_id.c_str(), &err)) {
    return absl::InternalError("jwt: cannot build the header");
  }
  Jws jws(cjose_jws_sign(jwk.get(), header.get(), reinterpret_cast<const uint8_t*>(payload.data()),
                         payload.size(), &err));
  if (!jws) return absl::InternalError("jwt: cannot sign");
  const char* compact = nullptr;  // jws owns it
  if (!cjose_jws_export(jws.get(), &compact, &err) || compact == nullptr) {
    return absl::InternalError("jwt: cannot serialise");
  }
  return std::string(compact);
}

}  // namespace hoidla::keys
