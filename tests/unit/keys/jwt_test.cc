// ID-token verification (VerifyJwt), JWKS validation and the development
// signing key. RS256 tokens and the hostile ones ("none", HS256 with the
// public key as the secret, duplicate claims) are made here with OpenSSL,
// independently of keys/jwt.cc.
#include "keys/jwt.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace hoidla::keys {
namespace {

using json = nlohmann::json;

constexpr int64_t kNow = 1700000000;
constexpr char kIssuer[] = "https://idp.example/realm";
constexpr char kAudience[] = "hoidla-vault";
constexpr char kSubject[] = "worker-8f3a";

std::string B64(std::string_view s) {
  return absl::WebSafeBase64Escape(absl::string_view(s.data(), s.size()));
}

std::string FromB64(std::string_view s) {
  std::string out;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(absl::string_view(s.data(), s.size()), &out));
  return out;
}

void ExpectUnauthenticated(const absl::StatusOr<JwtClaims>& r) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated) << r.status();
}

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// An RSA key made with OpenSSL, its JWKS, and RS256 signing by hand.
class RsaIdp {
 public:
  explicit RsaIdp(int bits = 2048, std::string kid = "rsa-1")
      : key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits))),
        kid_(std::move(kid)) {}

  json Jwk() const {
    return {{"kty", "RSA"},   {"kid", kid_},     {"use", "sig"},
            {"alg", "RS256"}, {"n", Param("n")}, {"e", Param("e")}};
  }
  std::string Jwks() const { return json{{"keys", {Jwk()}}}.dump(); }

  // The public key as PEM (SubjectPublicKeyInfo), what an HS256 forger would
  // use as the HMAC secret.
  std::string PublicPem() const {
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PUBKEY(bio.get(), key_.get());
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(len));
  }

  // header.payload.signature with an RS256 signature over the exact texts.
  std::string Sign(const std::string& header, const std::string& payload) const {
    const std::string input = B64(header) + "." + B64(payload);
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()), 1);
    size_t len = 0;
    EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &len,
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()),
              1);
    std::string sig(len, '\0');
    EXPECT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()),
              1);
    sig.resize(len);
    return input + "." + B64(sig);
  }
  std::string SignClaims(const json& claims) const {
    return Sign(json{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid_}}.dump(), claims.dump());
  }

 private:
  std::string Param(const char* which) const {
    BIGNUM* bn = nullptr;
    EXPECT_EQ(EVP_PKEY_get_bn_param(
                  key_.get(), which[0] == 'n' ? OSSL_PKEY_PARAM_RSA_N : OSSL_PKEY_PARAM_RSA_E, &bn),
              1);
    std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(bn);
    return B64(bytes);
  }

  Pkey key_;
  std::string kid_;
};

// A copy of `key` that names itself `kid` (same key material).
JwtSigningKey WithKid(const JwtSigningKey& key, const std::string& kid) {
  json jwk = json::parse(key.private_jwk_json.view());
  jwk["kid"] = kid;
  auto renamed = LoadJwtSigningKey(jwk.dump());
  EXPECT_TRUE(renamed.ok()) << renamed.status();
  return std::move(*renamed);
}

class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto key = GenerateJwtSigningKey();
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = new JwtSigningKey(std::move(*key));
    rsa_ = new RsaIdp();
  }
  static void TearDownTestSuite() {
    delete key_;
    delete rsa_;
  }

  static json Claims() {
    return {{"iss", kIssuer},        {"sub", kSubject},
            {"aud", kAudience},      {"iat", kNow - 10},
            {"nbf", kNow - 10},      {"exp", kNow + 600},
            {"jti", "token-77"},     {"personal_code", "EE38001010000"},
            {"email_verified", true}};
  }
  static JwtVerifyOptions Options(const std::string& jwks = key_->public_jwks_json) {
    JwtVerifyOptions o;
    o.issuer = kIssuer;
    o.audience = kAudience;
    o.jwks_json = jwks;
    o.now_seconds = kNow;
    return o;
  }
  static std::string Sign(const json& claims) {
    auto jwt = SignJwt(*key_, claims.dump());
    EXPECT_TRUE(jwt.ok()) << jwt.status();
    return jwt.ok() ? *jwt : "";
  }

  static JwtSigningKey* key_;
  static RsaIdp* rsa_;
};
JwtSigningKey* JwtTest::key_ = nullptr;
RsaIdp* JwtTest::rsa_ = nullptr;

TEST_F(JwtTest, ValidEs256TokenIsAcceptedWithItsClaims) {
  auto claims = VerifyJwt(Sign(Claims()), Options());
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->issuer, kIssuer);
  EXPECT_EQ(claims->subject, kSubject);
  EXPECT_EQ(claims->audiences, std::vector<std::string>{kAudience});
  EXPECT_EQ(claims->issued_at, kNow - 10);
  EXPECT_EQ(claims->not_before, kNow - 10);
  EXPECT_EQ(claims->expires_at, kNow + 600);
  EXPECT_EQ(claims->algorithm, "ES256");
  EXPECT_EQ(claims->key_id, key_->key_id);
  EXPECT_EQ(claims->jwt_id, "token-77");
  EXPECT_EQ(claims->string_claims.at("personal_code"), "EE38001010000");
  EXPECT_EQ(claims->string_claims.at("sub"), kSubject);
  EXPECT_EQ(claims->string_claims.count("exp"), 0u);
  EXPECT_EQ(claims->string_claims.count("email_verified"), 0u);
}

TEST_F(JwtTest, SignedTokenHasTheDocumentedHeader) {
  const std::string jwt = Sign(Claims());
  json header = json::parse(FromB64(jwt.substr(0, jwt.find('.'))));
  EXPECT_EQ(header, (json{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", key_->key_id}}));
}

TEST_F(JwtTest, Rs256TokenFromAnOpensslKeyIsAccepted) {
  auto claims = VerifyJwt(rsa_->SignClaims(Claims()), Options(rsa_->Jwks()));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->algorithm, "RS256");
  EXPECT_EQ(claims->key_id, "rsa-1");
  EXPECT_EQ(claims->subject, kSubject);
}

TEST_F(JwtTest, KeyIsFoundByKidAmongSeveral) {
  RsaIdp second(2048, "rsa-2");
  json jwks = {
      {"keys", {rsa_->Jwk(), json::parse(key_->public_jwks_json)["keys"][0], second.Jwk()}}};
  EXPECT_TRUE(VerifyJwt(second.SignClaims(Claims()), Options(jwks.dump())).ok());
  EXPECT_TRUE(VerifyJwt(rsa_->SignClaims(Claims()), Options(jwks.dump())).ok());
  EXPECT_TRUE(VerifyJwt(Sign(Claims()), Options(jwks.dump())).ok());
}

TEST_F(JwtTest, TokenWithoutKidUsesTheOnlyKeyOfItsType) {
  const std::string jwt = rsa_->Sign(json{{"alg", "RS256"}}.dump(), Claims().dump());
  json jwks = {{"keys", {rsa_->Jwk(), json::parse(key_->public_jwks_json)["keys"][0]}}};
  auto claims = VerifyJwt(jwt, Options(jwks.dump()));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->key_id, "");
}

TEST_F(JwtTest, TokenWithoutKidAndTwoKeysOfItsTypeIsUnauthenticated) {
  RsaIdp second(2048, "rsa-2");
  const std::string jwt = rsa_->Sign(json{{"alg", "RS256"}}.dump(), Claims().dump());
  json jwks = {{"keys", {rsa_->Jwk(), second.Jwk()}}};
  ExpectUnauthenticated(VerifyJwt(jwt, Options(jwks.dump())));
}

TEST_F(JwtTest, AudienceArrayContainingTheAudienceIsAccepted) {
  json c = Claims();
  c["aud"] = {"another-client", kAudience};
  auto claims = VerifyJwt(Sign(c), Options());
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->audiences, (std::vector<std::string>{"another-client", kAudience}));
}

TEST_F(JwtTest, AudienceArrayWithoutTheAudienceIsUnauthenticated) {
  json c = Claims();
  c["aud"] = {"another-client", "third"};
  ExpectUnauthenticated(VerifyJwt(Sign(c), Options()));
}

TEST_F(JwtTest, ForgedPayloadIsUnauthenticated) {
  const std::string jwt = Sign(Claims());
  const size_t a = jwt.find('.'), b = jwt.rfind('.');
  std::string payload = FromB64(jwt.substr(a + 1, b - a - 1));
  const size_t at = payload.find(kSubject);
  ASSERT_NE(at, std::string::npos);
  payload[at] = 'W';  // "Worker-8f3a"
  const std::string forged = jwt.substr(0, a + 1) + B64(payload) + jwt.substr(b);
  auto r = VerifyJwt(forged, Options());
  ExpectUnauthenticated(r);
  EXPECT_EQ(r.status().message(), "id token rejected: signature");
}

TEST_F(JwtTest, ForgedSignatureByteIsUnauthenticated) {
  std::string jwt = Sign(Claims());
  jwt[jwt.size() - 5] = jwt[jwt.size() - 5] == 'A' ? 'B' : 'A';
  ExpectUnauthenticated(VerifyJwt(jwt, Options()));
}

TEST_F(JwtTest, TokenSignedByAnotherKeyIsUnauthenticated) {
  auto other = GenerateJwtSigningKey();
  ASSERT_TRUE(other.ok()) << other.status();
  // Another key claiming our key's kid: only the signature can tell.
  JwtSigningKey impostor = WithKid(*other, key_->key_id);
  auto r = VerifyJwt(*SignJwt(impostor, Claims().dump()), Options());
  ExpectUnauthenticated(r);
  EXPECT_EQ(r.status().message(), "id token rejected: signature");
  // And under its own kid, no key is found.
  ExpectUnauthenticated(VerifyJwt(*SignJwt(*other, Claims().dump()), Options()));
}

TEST_F(JwtTest, RsaTokenSignedByAnotherRsaKeyIsUnauthenticated) {
  RsaIdp other(2048, "rsa-1");
  ExpectUnauthenticated(VerifyJwt(other.SignClaims(Claims()), Options(rsa_->Jwks())));
}

TEST_F(JwtTest, UnknownKidIsUnauthenticated) {
  JwtSigningKey renamed = WithKid(*key_, "not-in-the-jwks");
  auto r = VerifyJwt(*SignJwt(renamed, Claims().dump()), Options());
  ExpectUnauthenticated(r);
  EXPECT_EQ(r.status().message(), "id token rejected: key");
}

TEST_F(JwtTest, ExpiredTokenIsUnauthenticated) {
  json c = Claims();
  c["iat"] = kNow - 3600;
  c["nbf"] = kNow - 3600;
  c["exp"] = kNow - 61;
  auto r = VerifyJwt(Sign(c), Options());
  ExpectUnauthenticated(r);
  EXPECT_EQ(r.status().message(), "id token rejected: expired");
}

TEST_F(JwtTest, TokenExpiredWithinTheLeewayIsAccepted) {
  json c = Claims();
  c["iat"] = kNow - 3600;
  c["exp"] = kNow - 59;
  EXPECT_TRUE(VerifyJwt(Sign(c), Options()).ok());
  JwtVerifyOptions strict = Options();
  strict.leeway_seconds = 0;
  ExpectUnauthenticated(VerifyJwt(Sign(c), strict));
}

TEST_F(JwtTest, NotYetValidTokenIsUnauthenticated) {
  json c = Claims();
  c["iat"] = kNow;
  c["nbf"] = kNow + 120;
  auto r = VerifyJwt(Sign(c), Options());
  ExpectUnauthenticated(r);
  EXPECT_EQ(r.status().message(), "id token rejected: not yet valid");
}

TEST_F(JwtTest, TokenIssuedInTheFutureIsUnauthenticated) {
  json c = Claims();
  c["iat"] = kNow + 300;
  c.erase("nbf");
  ExpectUnauthenticated(VerifyJwt(Sign(c), Options()));
}

TEST_F(JwtTest, WrongAudienceIsUnauthenticated) {
  json c = Claims();
  c["aud"] = "another-client";
  auto r = VerifyJwt(Sign(c), Options());
  ExpectUnauthenticated(r);
  EXPECT_EQ(r.status().message(), "id token rejected: audience");
}

TEST_F(JwtTest, MissingAudienceIsUnauthenticated) {
  json c = Claims();
  c.erase("aud");
  ExpectUnauthenticated(VerifyJwt(Sign(c), Options()));
}

TEST_F(JwtTest, WrongIssuerIsUnauthenticated) {
  json c = Claims();
  c["iss"] = "https://idp.example/other-realm";
  auto r = VerifyJwt(Sign(c), Options());
  ExpectUnauthenticated(r);
  EXPECT_EQ(r.status().message(), "id token rejected: issuer");
}

TEST_F(JwtTest, EmptyExpectedIssuerOrAudienceAcceptsNothing) {
  JwtVerifyOptions o = Options();
  o.issuer = "";
  json c = Claims();
  c["iss"] = "";
  ExpectUnauthenticated(VerifyJwt(Sign(c), o));
  o = Options();
  o.audience = "";
  c = Claims();
  c["aud"] = "";
  ExpectUnauthenticated(VerifyJwt(Sign(c), o));
}

TEST_F(JwtTest, AlgNoneIsUnauthenticated) {
  const std::string jwt = "eyJhbGciOiJub25lIn0." + B64(Claims().dump()) + ".";
  ExpectUnauthenticated(VerifyJwt(jwt, Options()));
  JwtVerifyOptions o = Options();
  o.algorithms = {"none", "ES256", "RS256"};
  ExpectUnauthenticated(VerifyJwt(jwt, o));
  // With a kid and a signature part, too.
  const std::string with_kid = B64(json{{"alg", "none"}, {"kid", key_->key_id}}.dump()) + "." +
                               B64(Claims().dump()) + "." + B64("x");
  ExpectUnauthenticated(VerifyJwt(with_kid, o));
}

TEST_F(JwtTest, Hs256WithThePublicKeyAsSecretIsUnauthenticated) {
  // Algorithm confusion: an HMAC "signed" with what the verifier has.
  JwtVerifyOptions o = Options(rsa_->Jwks());
  o.algorithms = {"HS256", "RS256"};
  for (const std::string& secret : {rsa_->PublicPem(), rsa_->Jwks(), rsa_->Jwk().dump()}) {
    const std::string input = B64(json{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "rsa-1"}}.dump()) +
                              "." + B64(Claims().dump());
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    ASSERT_NE(
        HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len),
        nullptr);
    const std::string jwt = input + "." + B64(std::string(reinterpret_cast<char*>(mac), mac_len));
    auto r = VerifyJwt(jwt, o);
    ExpectUnauthenticated(r);
    EXPECT_EQ(r.status().message(), "id token rejected: algorithm");
  }
}

TEST_F(JwtTest, AlgorithmNotPinnedIsUnauthenticated) {
  JwtVerifyOptions o = Options();
  o.algorithms = {"RS256"};
  ExpectUnauthenticated(VerifyJwt(Sign(Claims()), o));
}

TEST_F(JwtTest, AlgorithmIsCaseSensitive) {
  JwtVerifyOptions o = Options(rsa_->Jwks());
  o.algorithms = {"rs256"};
  ExpectUnauthenticated(VerifyJwt(rsa_->SignClaims(Claims()), o));
}

TEST_F(JwtTest, KeyWhoseAlgDiffersFromTheTokenIsUnauthenticated) {
  json jwk = rsa_->Jwk();
  jwk["alg"] = "PS256";
  ExpectUnauthenticated(
      VerifyJwt(rsa_->SignClaims(Claims()), Options(json{{"keys", {jwk}}}.dump())));
}

TEST_F(JwtTest, KeyForEncryptionIsNotUsedForSignatures) {
  json jwk = rsa_->Jwk();
  jwk["use"] = "enc";
  json jwks = {{"keys", {jwk, json::parse(key_->public_jwks_json)["keys"][0]}}};
  ExpectUnauthenticated(VerifyJwt(rsa_->SignClaims(Claims()), Options(jwks.dump())));
}

TEST_F(JwtTest, CriticalHeaderIsUnauthenticated) {
  const std::string jwt =
      rsa_->Sign(json{{"alg", "RS256"}, {"kid", "rsa-1"}, {"crit", {"exp"}}, {"exp", 1}}.dump(),
                 Claims().dump());
  ExpectUnauthenticated(VerifyJwt(jwt, Options(rsa_->Jwks())));
}

TEST_F(JwtTest, DuplicateClaimIsUnauthenticated) {
  std::string payload = Claims().dump();
  payload.insert(1, "\"sub\":\"someone-else\",");
  ExpectUnauthenticated(VerifyJwt(
      rsa_->Sign(json{{"alg", "RS256"}, {"kid", "rsa-1"}}.dump(), payload), Options(rsa_->Jwks())));
}

TEST_F(JwtTest, PayloadThatIsNotAnObjectIsUnauthenticated) {
  for (const std::string payload : {"[1,2]", "\"text\"", "{", ""}) {
    ExpectUnauthenticated(
        VerifyJwt(rsa_->Sign(json{{"alg", "RS256"}, {"kid", "rsa-1"}}.dump(), payload),
                  Options(rsa_->Jwks())));
  }
}

TEST_F(JwtTest, OversizeTokenIsUnauthenticated) {
  json c = Claims();
  c["padding"] = std::string(16 * 1024, 'x');
  auto r = VerifyJwt(Sign(c), Options());
  ExpectUnauthenticated(r);
  EXPECT_EQ(r.status().message(), "id token rejected: size");
}

TEST_F(JwtTest, MalformedTokensAreUnauthenticated) {
  for (const std::string jwt :
       {"", "a", "a.b", "a.b.c.d", "...", "!!!.@@@.###", "eyJhbGciOiJFUzI1NiJ9..", "e30.e30.e30"}) {
    ExpectUnauthenticated(VerifyJwt(jwt, Options()));
  }
}

TEST_F(JwtTest, LifetimeTooLongIsUnauthenticated) {
  json c = Claims();
  c["iat"] = kNow;
  c["exp"] = kNow + 24 * 3600 + 1;
  auto r = VerifyJwt(Sign(c), Options());
  ExpectUnauthenticated(r);
  EXPECT_EQ(r.status().message(), "id token rejected: lifetime");
  c["exp"] = kNow + 24 * 3600;
  EXPECT_TRUE(VerifyJwt(Sign(c), Options()).ok());
}

TEST_F(JwtTest, LifetimeWithoutIatCountsFromNow) {
  json c = Claims();
  c.erase("iat");
  c["exp"] = kNow + 24 * 3600 + 1;
  ExpectUnauthenticated(VerifyJwt(Sign(c), Options()));
  c["exp"] = kNow + 3600;
  auto claims = VerifyJwt(Sign(c), Options());
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->issued_at, 0);
}

TEST_F(JwtTest, MissingSubIsUnauthenticated) {
  json c = Claims();
  c.erase("sub");
  ExpectUnauthenticated(VerifyJwt(Sign(c), Options()));
  c["sub"] = "";
  ExpectUnauthenticated(VerifyJwt(Sign(c), Options()));
  c["sub"] = 12345;
  ExpectUnauthenticated(VerifyJwt(Sign(c), Options()));
}

TEST_F(JwtTest, MissingExpIsUnauthenticated) {
  json c = Claims();
  c.erase("exp");
  ExpectUnauthenticated(VerifyJwt(Sign(c), Options()));
}

TEST_F(JwtTest, TimeClaimsThatAreNotSaneNumbersAreUnauthenticated) {
  // Signed by hand: SignJwt refuses 2^64 - 1, which jansson cannot hold.
  for (const json& bad : {json("1700000600"), json(-1), json(1e300), json(nullptr),
                          json(18446744073709551615ull), json(253402300800)}) {
    for (const char* claim : {"exp", "nbf", "iat"}) {
      SCOPED_TRACE(std::string(claim) + "=" + bad.dump());
      json c = Claims();
      c[claim] = bad;
      ExpectUnauthenticated(VerifyJwt(rsa_->SignClaims(c), Options(rsa_->Jwks())));
    }
  }
}

TEST_F(JwtTest, FractionalTimesAreAccepted) {
  json c = Claims();
  c["exp"] = static_cast<double>(kNow + 600) + 0.5;
  auto claims = VerifyJwt(Sign(c), Options());
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->expires_at, kNow + 600);
}

TEST_F(JwtTest, RejectionMessagesNeverContainTokenValues) {
  std::vector<std::string> tokens;
  json c = Claims();
  c["aud"] = "aud-value-zz";
  tokens.push_back(Sign(c));
  c = Claims();
  c["iss"] = "iss-value-zz";
  tokens.push_back(Sign(c));
  c = Claims();
  c["exp"] = kNow - 1000;
  tokens.push_back(Sign(c));
  tokens.push_back(*SignJwt(WithKid(*key_, "kid-value-zz"), Claims().dump()));
  for (const std::string& jwt : tokens) {
    auto r = VerifyJwt(jwt, Options());
    ASSERT_FALSE(r.ok());
    const std::string message(r.status().message());
    EXPECT_EQ(message.find("zz"), std::string::npos) << message;
    EXPECT_EQ(message.find(kSubject), std::string::npos) << message;
    EXPECT_EQ(message.find(jwt.substr(0, 10)), std::string::npos) << message;
    EXPECT_EQ(message.rfind("id token rejected: ", 0), 0u) << message;
  }
}

TEST_F(JwtTest, BadJwksInTheOptionsIsUnauthenticated) {
  ExpectUnauthenticated(VerifyJwt(Sign(Claims()), Options("")));
  ExpectUnauthenticated(VerifyJwt(Sign(Claims()), Options("{\"keys\":[]}")));
}

TEST(JwtSigningKeyTest, LoadingThePrivateJwkGivesTheSameKey) {
  auto key = GenerateJwtSigningKey();
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->key_id.size(), 24u);
  auto loaded = LoadJwtSigningKey(key->private_jwk_json.view());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->key_id, key->key_id);
  EXPECT_EQ(loaded->public_jwks_json, key->public_jwks_json);
  EXPECT_TRUE(ValidateJwks(key->public_jwks_json, "jwks").ok());
  json pub = json::parse(key->public_jwks_json)["keys"][0];
  EXPECT_FALSE(pub.contains("d"));
  EXPECT_EQ(pub["kty"], "EC");
  EXPECT_EQ(pub["crv"], "P-256");
  EXPECT_EQ(pub["kid"], key->key_id);
  EXPECT_EQ(pub["use"], "sig");
  EXPECT_EQ(pub["alg"], "ES256");
}

TEST(JwtSigningKeyTest, GeneratedKeysDiffer) {
  auto a = GenerateJwtSigningKey();
  auto b = GenerateJwtSigningKey();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->key_id, b->key_id);
  EXPECT_NE(a->public_jwks_json, b->public_jwks_json);
}

TEST(JwtSigningKeyTest, LoadRejectsWhatIsNotAPrivateP256Jwk) {
  auto key = GenerateJwtSigningKey();
  ASSERT_TRUE(key.ok()) << key.status();
  json priv = json::parse(key->private_jwk_json.view());
  json no_kid = priv;
  no_kid.erase("kid");
  json p384 = priv;
  p384["crv"] = "P-384";
  json other = json::parse(GenerateJwtSigningKey()->private_jwk_json.view());
  json mismatched = priv;
  mismatched["d"] = other["d"];  // another key's scalar with our point
  for (const std::string& bad :
       {std::string(""), std::string("garbage"), std::string("[]"),
        json::parse(key->public_jwks_json)["keys"][0].dump(), no_kid.dump(), p384.dump(),
        mismatched.dump(), key->public_jwks_json}) {
    EXPECT_EQ(LoadJwtSigningKey(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(JwtSigningKeyTest, SignJwtRejectsWhatIsNotAJsonObject) {
  auto key = GenerateJwtSigningKey();
  ASSERT_TRUE(key.ok()) << key.status();
  for (const std::string bad : {"", "[]", "\"sub\"", "{\"a\":1,\"a\":2}", "{"}) {
    EXPECT_EQ(SignJwt(*key, bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(SignJwt(JwtSigningKey{}, "{}").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateJwksTest, AcceptsRsaAndP256PublicKeys) {
  RsaIdp rsa;
  EXPECT_TRUE(ValidateJwks(rsa.Jwks(), "jwks").ok());
  json no_alg = rsa.Jwk();
  no_alg.erase("alg");
  no_alg.erase("use");
  EXPECT_TRUE(ValidateJwks(json{{"keys", {no_alg}}}.dump(), "jwks").ok());
}

TEST(ValidateJwksTest, IgnoresKeysItCannotUseButNeedsOne) {
  RsaIdp rsa;
  json okp = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", B64(std::string(32, 'a'))}};
  EXPECT_TRUE(ValidateJwks(json{{"keys", {okp, rsa.Jwk()}}}.dump(), "jwks").ok());
  EXPECT_EQ(ValidateJwks(json{{"keys", {okp}}}.dump(), "jwks").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateJwksTest, RejectsRsaKeysUnder2048Bits) {
  RsaIdp small(1024, "small");
  EXPECT_EQ(ValidateJwks(small.Jwks(), "jwks").code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateJwksTest, RejectsPrivateKeys) {
  auto key = GenerateJwtSigningKey();
  ASSERT_TRUE(key.ok()) << key.status();
  json priv = json::parse(key->private_jwk_json.view());
  absl::Status s = ValidateJwks(json{{"keys", {priv}}}.dump(), "idp.jwks_json");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("idp.jwks_json"), std::string::npos) << s;
  // Even next to a good public key.
  json pub = json::parse(key->public_jwks_json)["keys"][0];
  EXPECT_EQ(ValidateJwks(json{{"keys", {pub, priv}}}.dump(), "jwks").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateJwksTest, RejectsSymmetricKeys) {
  RsaIdp rsa;
  json oct = {{"kty", "oct"}, {"kid", "hmac"}, {"k", B64(std::string(32, 'k'))}};
  EXPECT_EQ(ValidateJwks(json{{"keys", {oct}}}.dump(), "jwks").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateJwks(json{{"keys", {rsa.Jwk(), oct}}}.dump(), "jwks").code(),
            absl::StatusCode::kInvalidArgument);
  json oct_without_k = {{"kty", "oct"}};
  EXPECT_EQ(ValidateJwks(json{{"keys", {oct_without_k}}}.dump(), "jwks").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateJwksTest, RejectsGarbageAndEmptyKeySets) {
  for (const std::string bad :
       {"", "garbage", "[]", "{}", "{\"keys\":[]}", "{\"keys\":{}}", "{\"keys\":[1]}",
        "{\"keys\":[{}]}", "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\"}]}",
        "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":"
        "\"AA\"}]}"}) {
    absl::Status s = ValidateJwks(bad, "jwks_file");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("jwks_file"), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace hoidla::keys
