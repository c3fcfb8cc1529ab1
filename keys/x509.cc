#include "keys/x509.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

#include "base/strings.h"

namespace hoidla::keys {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
using UniqueX509 = std::unique_ptr<X509, X509Free>;

UniqueX509 FirstCertificate(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  return UniqueX509(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

absl::Status Unauthenticated() {
  return absl::UnauthenticatedError("client certificate not accepted");
}

}  // namespace

absl::StatusOr<std::string> CertificateSubject(std::string_view pem) {
  UniqueX509 cert = FirstCertificate(pem);
  if (!cert) return absl::InvalidArgumentError("certificate: not a PEM certificate");
  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), X509_get_subject_name(cert.get()), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  return std::string(data, len);
}

absl::Status ValidateCaCertificate(std::string_view pem, std::string_view field) {
  UniqueX509 cert = FirstCertificate(pem);
  if (!cert) return absl::InvalidArgumentError(StrCat(field, ": not a PEM certificate"));
  if (X509_check_ca(cert.get()) < 1) {
    return absl::InvalidArgumentError(StrCat(field, ": not a certificate authority"));
  }
  return absl::OkStatus();
}

absl::Status VerifyIssuedBy(std::string_view cert_pem, std::string_view ca_pem,
                            int64_t now_seconds) {
  return VerifyIssuedBy(cert_pem, ca_pem, "", now_seconds);
}

absl::Status ValidateCrl(std::string_view crl_pem, std::string_view field) {
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(crl_pem.data(), static_cast<int>(crl_pem.size())));
  if (!bio) return absl::InternalError(StrCat(field, ": out of memory"));
  int count = 0;
  bool missing_next_update = false;
  while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) {
    ++count;
    missing_next_update |= X509_CRL_get0_nextUpdate(crl) == nullptr;
    X509_CRL_free(crl);
  }
  ERR_clear_error();
  if (count == 0) {
    return absl::InvalidArgumentError(StrCat(field, ": holds no PEM certificate revocation list"));
  }
  if (missing_next_update) {
    return absl::InvalidArgumentError(StrCat(field, ": a revocation list has no nextUpdate"));
  }
  return absl::OkStatus();
}

absl::Status VerifyIssuedBy(std::string_view cert_pem, std::string_view ca_pem,
                            std::string_view crl_pem, int64_t now_seconds) {
  UniqueX509 cert = FirstCertificate(cert_pem);
  if (!cert) return Unauthenticated();
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size())));
  int added = 0;
  while (X509* ca = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    added += X509_STORE_add_cert(store.get(), ca) == 1;
    X509_free(ca);
  }
  ERR_clear_error();
  if (added == 0) return Unauthenticated();
  if (!crl_pem.empty()) {
    // Revocation (X509_V_FLAG_CRL_CHECK): the certificate needs a CRL of its
    // issuer, signed by it and current at now_seconds; OpenSSL fails when
    // there is none, when it is past its nextUpdate or not yet valid, and
    // when it lists the certificate. A CRL without nextUpdate would never go
    // stale, so it fails here.
    std::unique_ptr<BIO, BioFree> crl_bio(
        BIO_new_mem_buf(crl_pem.data(), static_cast<int>(crl_pem.size())));
    if (!crl_bio) return Unauthenticated();
    int crls = 0;
    while (X509_CRL* crl = PEM_read_bio_X509_CRL(crl_bio.get(), nullptr, nullptr, nullptr)) {
      const bool dated = X509_CRL_get0_nextUpdate(crl) != nullptr;
      const bool stored = dated && X509_STORE_add_crl(store.get(), crl) == 1;
      X509_CRL_free(crl);
      if (!stored) {
        ERR_clear_error();
        return Unauthenticated();
      }
      ++crls;
    }
    ERR_clear_error();
    if (crls == 0) return Unauthenticated();
    X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK);
  }
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1) {
    return Unauthenticated();
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(now_seconds));
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  if (X509_verify_cert(ctx.get()) != 1) return Unauthenticated();
  return absl::OkStatus();
}

}  // namespace hoidla::keys
