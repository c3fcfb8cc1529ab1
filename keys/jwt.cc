#include "keys/jwt.h"

#include <cjose/cjose.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

namespace hoidla::keys {
namespace {

using json = nlohmann::json;
constexpr size_t kMaxTokenBytes = 16 * 1024;

absl::Status Reject(std::string_view why) {
  return absl::UnauthenticatedError(std::string("id token rejected: ") +
                                    std::string(why));
}

struct JwkDeleter {
  void operator()(cjose_jwk_t* k) const { cjose_jwk_release(k); }
};
struct JwsDeleter {
  void operator()(cjose_jws_t* j) const { cjose_jws_release(j); }
};
struct HeaderDeleter {
  void operator()(cjose_header_t* h) const { cjose_header_release(h); }
};
using Jwk = std::unique_ptr<cjose_jwk_t, JwkDeleter>;
using Jws = std::unique_ptr<cjose_jws_t, JwsDeleter>;
using Header = std::unique_ptr<cjose_header_t, HeaderDeleter>;

// A public key of a JWKS, checked.
struct PublicKey {
  std::string kid;
  std::string alg;  // "" when the JWK names none
  std::string kty;  // "RSA" or "EC"
  Jwk jwk;
};

absl::StatusOr<std::vector<PublicKey>> ParseJwks(std::string_view text,
                                                 std::string_view field) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(std::string(field) + ": " +
                                      std::string(why));
  };
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return bad("not a JSON object");
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array() || keys->empty())
    return bad("no keys");
  if (keys->size() > 20) return bad("more than 20 keys");
  std::vector<PublicKey> out;
  for (const auto& k : *keys) {
    if (!k.is_object()) return bad("a key is not an object");
    if (k.contains("d") || k.contains("p") || k.contains("k")) {
      return bad("holds private or symmetric key material");
    }
    auto kty = k.find("kty");
    if (kty == k.end() || !kty->is_string()) return bad("a key has no kty");
    const std::string type = kty->get<std::string>();
    if (type != "RSA" && type != "EC")
      return bad("only RSA and EC keys are accepted");
    if (auto use = k.find("use");
        use != k.end() && (!use->is_string() || *use != "sig")) {
      continue;  // an encryption key
    }
    const std::string dumped = k.dump();
    cjose_err err;
    Jwk jwk(cjose_jwk_import(dumped.data(), dumped.size(), &err));
    if (!jwk) return bad("a key does not parse");
    if (type == "RSA" && cjose_jwk_get_keysize(jwk.get(), &err) < 2048) {
      return bad("RSA keys must have at least 2048 bits");
    }
    if (type == "EC") {
      auto crv = k.find("crv");
      if (crv == k.end() || *crv != "P-256")
        return bad("only EC keys on P-256 are accepted");
    }
    PublicKey pk;
    if (auto kid = k.find("kid"); kid != k.end() && kid->is_string())
      pk.kid = *kid;
    if (auto alg = k.find("alg"); alg != k.end() && alg->is_string())
      pk.alg = *alg;
    pk.kty = type;
    pk.jwk = std::move(jwk);
    out.push_back(std::move(pk));
  }
  if (out.empty()) return bad("no signing key");
  return out;
}

std::string KtyFor(std::string_view alg) {
  if (alg == "RS256" || alg == "RS384" || alg == "RS512" || alg == "PS256" ||
      alg == "PS384" || alg == "PS512") {
    return "RSA";
  }
  if (alg == "ES256") return "EC";
  return "";
}

}  // namespace

absl::Status ValidateJwks(std::string_view jwks_json, std::string_view field) {
  return ParseJwks(jwks_json, field).status();
}

absl::StatusOr<JwtClaims> VerifyJwt(std::string_view compact,
                                    const JwtVerifyOptions& opts) {
  if (compact.empty() || compact.size() > kMaxTokenBytes) return Reject("size");
  if (std::count(compact.begin(), compact.end(), '.') != 2)
    return Reject("format");
  cjose_err err;
  Jws jws(cjose_jws_import(compact.data(), compact.size(), &err));
  if (!jws) return Reject("format");
  cjose_header_t* header = cjose_jws_get_protected(jws.get());  // owned by jws
  if (header == nullptr) return Reject("format");
  const char* alg_c = cjose_header_get(header, CJOSE_HDR_ALG, &err);
  const std::string alg = alg_c != nullptr ? alg_c : "";
  const std::string kty = KtyFor(alg);
  if (kty.empty() || std::find(opts.algorithms.begin(), opts.algorithms.end(),
                               alg) == opts.algorithms.end()) {
    return Reject("algorithm");
  }
  const char* kid_c = cjose_header_get(header, CJOSE_HDR_KID, &err);
  const std::string kid = kid_c != nullptr ? kid_c : "";
  auto keys = ParseJwks(opts.jwks_json, "jwks");
  if (!keys.ok()) return Reject("keys");
  const PublicKey* key = nullptr;
  int candidates = 0;
  for (const auto& k : *keys) {
    if (k.kty != kty || (!k.alg.empty() && k.alg != alg)) continue;
    if (!kid.empty()) {
      if (k.kid == kid) key = &k;
    } else {
      key = &k;
      ++candidates;
    }
  }
  if (key == nullptr || candidates > 1) return Reject("key");
  if (!cjose_jws_verify(jws.get(), key->jwk.get(), &err))
    return Reject("signature");
  uint8_t* plain = nullptr;
  size_t plain_len = 0;
  if (!cjose_jws_get_plaintext(jws.get(), &plain, &plain_len, &err))
    return Reject("payload");
  json claims = json::parse(
      std::string_view(reinterpret_cast<const char*>(plain), plain_len),
      nullptr, /*allow_exceptions=*/false);
  if (!claims.is_object()) return Reject("payload");
  JwtClaims out;
  out.algorithm = alg;
  out.key_id = kid;
  for (auto it = claims.begin(); it != claims.end(); ++it) {
    if (it->is_string()) out.string_claims[it.key()] = it->get<std::string>();
  }
  auto str = [&](const char* name) -> std::string {
    auto it = claims.find(name);
    return it != claims.end() && it->is_string() ? it->get<std::string>() : "";
  };
  auto num = [&](const char* name, bool* present) -> int64_t {
    auto it = claims.find(name);
    *present = it != claims.end() && it->is_number();
    return *present ? it->get<int64_t>() : 0;
  };
  out.issuer = str("iss");
  out.subject = str("sub");
  out.jwt_id = str("jti");
  if (out.issuer.empty() || out.issuer != opts.issuer) return Reject("issuer");
  if (auto aud = claims.find("aud"); aud != claims.end()) {
    if (aud->is_string()) {
      out.audiences.push_back(aud->get<std::string>());
    } else if (aud->is_array()) {
      for (const auto& a : *aud) {
        if (a.is_string()) out.audiences.push_back(a.get<std::string>());
      }
    }
  }
  if (opts.audience.empty() ||
      std::find(out.audiences.begin(), out.audiences.end(), opts.audience) ==
          out.audiences.end()) {
    return Reject("audience");
  }
  if (out.subject.empty()) return Reject("subject");
  bool has_exp = false, has_nbf = false, has_iat = false;
  out.expires_at = num("exp", &has_exp);
  out.not_before = num("nbf", &has_nbf);
  out.issued_at = num("iat", &has_iat);
  const int64_t now = opts.now_seconds;
  if (!has_exp) return Reject("expiry");
  if (now >= out.expires_at + opts.leeway_seconds) return Reject("expired");
  if (has_nbf && now + opts.leeway_seconds < out.not_before)
    return Reject("not yet valid");
  if (has_iat && out.issued_at > now + opts.leeway_seconds)
    return Reject("issued in the future");
  const int64_t start = has_iat ? out.issued_at : now;
  if (out.expires_at - start > opts.max_lifetime_seconds)
    return Reject("lifetime");
  return out;
}

absl::StatusOr<JwtSigningKey> LoadJwtSigningKey(
    std::string_view private_jwk_json) {
  auto bad = [] {
    return absl::InvalidArgumentError(
        "jwk: not an EC P-256 private key with kid");
  };
  json k = json::parse(private_jwk_json, nullptr, /*allow_exceptions=*/false);
  if (!k.is_object() || k.value("kty", "") != "EC" ||
      k.value("crv", "") != "P-256" || !k.contains("d") || !k.contains("kid") ||
      !k["kid"].is_string()) {
    return bad();
  }
  cjose_err err;
  Jwk jwk(
      cjose_jwk_import(private_jwk_json.data(), private_jwk_json.size(), &err));
  if (!jwk) return bad();
  JwtSigningKey out;
  out.key_id = k["kid"].get<std::string>();
  out.private_jwk_json =
      SecureBuffer(reinterpret_cast<const uint8_t*>(private_jwk_json.data()),
                   private_jwk_json.size());
  json pub = {{"kty", "EC"},   {"crv", "P-256"},    {"x", k["x"]},
              {"y", k["y"]},   {"kid", out.key_id}, {"use", "sig"},
              {"alg", "ES256"}};
  out.public_jwks_json = json{{"keys", json::array({pub})}}.dump();
  return out;
}

absl::StatusOr<JwtSigningKey> GenerateJwtSigningKey() {
  cjose_err err;
  Jwk jwk(cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err));
  if (!jwk) return absl::InternalError("cannot create a signing key");
  const std::string kid = ToHex(RandomString(8));
  if (!cjose_jwk_set_kid(jwk.get(), kid.data(), kid.size(), &err)) {
    return absl::InternalError("cannot name a signing key");
  }
  char* text = cjose_jwk_to_json(jwk.get(), /*priv=*/true, &err);
  if (text == nullptr)
    return absl::InternalError("cannot export a signing key");
  std::string priv(text);
  cjose_get_dealloc()(text);
  auto out = LoadJwtSigningKey(priv);
  std::fill(priv.begin(), priv.end(), '\0');
  return out;
}

absl::StatusOr<std::string> SignJwt(const JwtSigningKey& key,
                                    std::string_view claims_json) {
  json claims = json::parse(claims_json, nullptr, /*allow_exceptions=*/false);
  if (!claims.is_object())
    return absl::InvalidArgumentError("claims: not a JSON object");
  cjose_err err;
  std::string_view priv = key.private_jwk_json.view();
  Jwk jwk(cjose_jwk_import(priv.data(), priv.size(), &err));
  if (!jwk) return absl::InternalError("cannot load the signing key");
  Header header(cjose_header_new(&err));
  if (!header ||
      !cjose_header_set(header.get(), CJOSE_HDR_ALG, CJOSE_HDR_ALG_ES256,
                        &err) ||
      !cjose_header_set(header.get(), "typ", "JWT", &err) ||
      !cjose_header_set(header.get(), CJOSE_HDR_KID, key.key_id.c_str(),
                        &err)) {
    return absl::InternalError("cannot build the token header");
  }
  const std::string payload = claims.dump();
  Jws jws(cjose_jws_sign(jwk.get(), header.get(),
                         reinterpret_cast<const uint8_t*>(payload.data()),
                         payload.size(), &err));
  if (!jws) return absl::InternalError("cannot sign the token");
  const char* compact = nullptr;
  if (!cjose_jws_export(jws.get(), &compact, &err)) {
    return absl::InternalError("cannot serialise the token");
  }
  return std::string(compact);
}

}  // namespace hoidla::keys
