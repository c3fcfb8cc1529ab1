// Certificate revocation lists for client certificates: VerifyIssuedBy with
// CRLs and ValidateCrl, against a CA, certificates and CRLs made here with
// OpenSSL.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "keys/x509.h"

namespace hoidla::keys {
namespace {

constexpr int64_t kNow = 1700000000;  // 2023-11-14
constexpr int64_t kDay = 24 * 3600;

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct CrlFree {
  void operator()(X509_CRL* c) const { X509_CRL_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Crl = std::unique_ptr<X509_CRL, CrlFree>;

Pkey NewKey() { return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

void SetName(X509_NAME* name, const std::string& cn) {
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Hoidla Test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate authority: its key and self-signed certificate.
struct Ca {
  Pkey key;
  Cert cert;
};

Ca MakeCa(const std::string& cn) {
  Ca ca{NewKey(), Cert(X509_new())};
  X509* c = ca.cert.get();
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), 1);
  SetName(X509_get_subject_name(c), cn);
  SetName(X509_get_issuer_name(c), cn);
  ASN1_TIME_set(X509_getm_notBefore(c), kNow - 30 * kDay);
  ASN1_TIME_set(X509_getm_notAfter(c), kNow + 365 * kDay);
  X509_set_pubkey(c, ca.key.get());
  AddExtension(c, c, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(c, c, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(c, c, NID_subject_key_identifier, "hash");
  EXPECT_GT(X509_sign(c, ca.key.get(), EVP_sha256()), 0);
  return ca;
}

Cert MakeClientCert(const Ca& ca, const std::string& cn, long serial) {
  Pkey key = NewKey();
  Cert cert(X509_new());
  X509* c = cert.get();
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
  SetName(X509_get_subject_name(c), cn);
  X509_set_issuer_name(c, X509_get_subject_name(ca.cert.get()));
  ASN1_TIME_set(X509_getm_notBefore(c), kNow - kDay);
  ASN1_TIME_set(X509_getm_notAfter(c), kNow + 90 * kDay);
  X509_set_pubkey(c, key.get());
  AddExtension(c, ca.cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(c, ca.cert.get(), NID_key_usage, "critical,digitalSignature");
  AddExtension(c, ca.cert.get(), NID_ext_key_usage, "clientAuth");
  AddExtension(c, ca.cert.get(), NID_authority_key_identifier, "keyid:always");
  EXPECT_GT(X509_sign(c, ca.key.get(), EVP_sha256()), 0);
  return cert;
}

// A CRL of `ca` revoking `revoked` serials, valid from `this_update` to
// `next_update` (none when 0).
Crl MakeCrl(const Ca& ca, const std::vector<long>& revoked, int64_t this_update,
            int64_t next_update) {
  Crl crl(X509_CRL_new());
  X509_CRL* l = crl.get();
  X509_CRL_set_version(l, 1);  // v2
  X509_CRL_set_issuer_name(l, X509_get_subject_name(ca.cert.get()));
  ASN1_TIME* t = ASN1_TIME_set(nullptr, this_update);
  X509_CRL_set1_lastUpdate(l, t);
  ASN1_TIME_free(t);
  if (next_update != 0) {
    t = ASN1_TIME_set(nullptr, next_update);
    X509_CRL_set1_nextUpdate(l, t);
    ASN1_TIME_free(t);
  }
  for (long serial : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    ASN1_INTEGER* s = ASN1_INTEGER_new();
    ASN1_INTEGER_set(s, serial);
    X509_REVOKED_set_serialNumber(r, s);
    ASN1_INTEGER_free(s);
    t = ASN1_TIME_set(nullptr, this_update);
    X509_REVOKED_set_revocationDate(r, t);
    ASN1_TIME_free(t);
    X509_CRL_add0_revoked(l, r);
  }
  X509_CRL_sort(l);
  EXPECT_GT(X509_CRL_sign(l, ca.key.get(), EVP_sha256()), 0);
  return crl;
}

std::string ReadBio(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string Pem(const Cert& cert) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert.get());
  return ReadBio(bio.get());
}

std::string Pem(const Crl& crl) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_CRL(bio.get(), crl.get());
  return ReadBio(bio.get());
}

class X509CrlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = MakeCa("Hoidla Test Client CA");
    ca_pem_ = Pem(ca_.cert);
    good_pem_ = Pem(MakeClientCert(ca_, "worker1", 1001));
    revoked_pem_ = Pem(MakeClientCert(ca_, "worker2", 1002));
    crl_pem_ = Pem(MakeCrl(ca_, {1002}, kNow - 3600, kNow + 7 * kDay));
  }

  Ca ca_;
  std::string ca_pem_, good_pem_, revoked_pem_, crl_pem_;
};

TEST_F(X509CrlTest, CertificateNotOnTheCrlIsAccepted) {
  EXPECT_TRUE(VerifyIssuedBy(good_pem_, ca_pem_, crl_pem_, kNow).ok());
}

TEST_F(X509CrlTest, RevokedCertificateIsUnauthenticated) {
  absl::Status s = VerifyIssuedBy(revoked_pem_, ca_pem_, crl_pem_, kNow);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
}

TEST_F(X509CrlTest, RevocationHasTheMessageOfEveryOtherCause) {
  absl::Status revoked = VerifyIssuedBy(revoked_pem_, ca_pem_, crl_pem_, kNow);
  absl::Status expired = VerifyIssuedBy(good_pem_, ca_pem_, crl_pem_, kNow + 400 * kDay);
  absl::Status garbage = VerifyIssuedBy("not a certificate", ca_pem_, "", kNow);
  EXPECT_EQ(revoked.message(), expired.message());
  EXPECT_EQ(revoked.message(), garbage.message());
}

TEST_F(X509CrlTest, WithoutACrlRevocationIsNotChecked) {
  EXPECT_TRUE(VerifyIssuedBy(revoked_pem_, ca_pem_, kNow).ok());
  EXPECT_TRUE(VerifyIssuedBy(revoked_pem_, ca_pem_, "", kNow).ok());
}

TEST_F(X509CrlTest, CrlPastItsNextUpdateFailsClosed) {
  const std::string stale = Pem(MakeCrl(ca_, {1002}, kNow - 8 * kDay, kNow - 60));
  EXPECT_EQ(VerifyIssuedBy(good_pem_, ca_pem_, stale, kNow).code(),
            absl::StatusCode::kUnauthenticated);
  // The same list was current a day earlier.
  EXPECT_TRUE(VerifyIssuedBy(good_pem_, ca_pem_, stale, kNow - kDay).ok());
}

TEST_F(X509CrlTest, CrlNotYetValidFailsClosed) {
  const std::string future = Pem(MakeCrl(ca_, {}, kNow + kDay, kNow + 8 * kDay));
  EXPECT_EQ(VerifyIssuedBy(good_pem_, ca_pem_, future, kNow).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(X509CrlTest, CrlWithoutNextUpdateFailsClosed) {
  const std::string undated = Pem(MakeCrl(ca_, {}, kNow - 3600, 0));
  EXPECT_EQ(VerifyIssuedBy(good_pem_, ca_pem_, undated, kNow).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ValidateCrl(undated, "crl_pem").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(X509CrlTest, CrlSignedByAnotherCaIsRefused) {
  Ca other = MakeCa("Some Other CA");
  const std::string foreign = Pem(MakeCrl(other, {}, kNow - 3600, kNow + 7 * kDay));
  EXPECT_EQ(VerifyIssuedBy(good_pem_, ca_pem_, foreign, kNow).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(X509CrlTest, CrlInTheCaNameSignedByAnotherKeyIsRefused) {
  // An impostor with the CA's name but its own key.
  Ca impostor = MakeCa("Hoidla Test Client CA");
  const std::string forged = Pem(MakeCrl(impostor, {}, kNow - 3600, kNow + 7 * kDay));
  EXPECT_EQ(VerifyIssuedBy(good_pem_, ca_pem_, forged, kNow).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyIssuedBy(revoked_pem_, ca_pem_, forged, kNow).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(X509CrlTest, CrlsOfSeveralCasAreSearchedForTheIssuers) {
  Ca other = MakeCa("Some Other CA");
  const std::string both = Pem(MakeCrl(other, {}, kNow - 3600, kNow + 7 * kDay)) + crl_pem_;
  EXPECT_TRUE(VerifyIssuedBy(good_pem_, ca_pem_, both, kNow).ok());
  EXPECT_EQ(VerifyIssuedBy(revoked_pem_, ca_pem_, both, kNow).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(X509CrlTest, UnparseableCrlFailsClosed) {
  EXPECT_EQ(VerifyIssuedBy(good_pem_, ca_pem_, "garbage", kNow).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyIssuedBy(good_pem_, ca_pem_, ca_pem_, kNow).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(X509CrlTest, CertificateOfAnotherCaIsUnauthenticatedEvenWithItsCrl) {
  Ca other = MakeCa("Some Other CA");
  const std::string stranger = Pem(MakeClientCert(other, "stranger", 7));
  const std::string other_crl = Pem(MakeCrl(other, {}, kNow - 3600, kNow + 7 * kDay));
  EXPECT_EQ(VerifyIssuedBy(stranger, ca_pem_, other_crl, kNow).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(X509CrlTest, ValidateCrlAcceptsOneOrMoreCrls) {
  EXPECT_TRUE(ValidateCrl(crl_pem_, "crl_pem").ok());
  Ca other = MakeCa("Some Other CA");
  EXPECT_TRUE(ValidateCrl(crl_pem_ + Pem(MakeCrl(other, {}, kNow, kNow + kDay)), "crl_pem").ok());
}

TEST_F(X509CrlTest, ValidateCrlRejectsGarbageNamingTheField) {
  for (const std::string& bad :
       {std::string(), std::string("garbage"), ca_pem_,
        std::string("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n")}) {
    absl::Status s = ValidateCrl(bad, "organization.crl_pem");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("organization.crl_pem"), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace hoidla::keys
