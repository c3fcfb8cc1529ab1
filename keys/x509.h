// X.509 client certificates: the subject a certificate names and whether a
// given certificate authority issued it. OpenSSL stays inside keys/.
// Thread-safety: pure functions.
#ifndef HOIDLA_KEYS_X509_H_
#define HOIDLA_KEYS_X509_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hoidla::keys {

// Returns the subject of the first certificate in `pem` in RFC 2253 form
// (for example "CN=worker1,O=Tootukassa"). INVALID_ARGUMENT when `pem` holds
// no certificate.
absl::StatusOr<std::string> CertificateSubject(std::string_view pem);

// OK when `pem` holds at least one CA certificate (basic constraints CA).
// INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateCaCertificate(std::string_view pem, std::string_view field);

// OK when the first certificate in `cert_pem` was issued by a certificate in
// `ca_pem` and is valid at `now_seconds` (Unix time) for TLS client
// authentication. UNAUTHENTICATED otherwise (one message for all causes).
absl::Status VerifyIssuedBy(std::string_view cert_pem, std::string_view ca_pem,
                            int64_t now_seconds);

// VerifyIssuedBy, and additionally, when `crl_pem` is not empty, checks the
// certificate against the X.509 CRLs (PEM) in it (X509_V_FLAG_CRL_CHECK):
// OK only when a CRL issued and signed by the certificate's CA is current at
// `now_seconds` (not before its thisUpdate, not past its nextUpdate) and does
// not list the certificate. UNAUTHENTICATED otherwise, with the same message
// as every other cause: revoked, no CRL of the CA, a stale CRL (fails
// closed), a CRL without nextUpdate, or `crl_pem` unparseable. An empty
// `crl_pem` is the three-argument VerifyIssuedBy.
absl::Status VerifyIssuedBy(std::string_view cert_pem, std::string_view ca_pem,
                            std::string_view crl_pem, int64_t now_seconds);

// OK when `crl_pem` holds one or more X.509 CRLs in PEM, each with a
// nextUpdate. INVALID_ARGUMENT naming `field` otherwise. (Whether a CRL is
// current or issued by a given CA is checked by VerifyIssuedBy.)
absl::Status ValidateCrl(std::string_view crl_pem, std::string_view field);

}  // namespace hoidla::keys

#endif  // HOIDLA_KEYS_X509_H_
