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

// VerifyIssuedBy, and when `crl_pem` is not empty, the certificate must not
// be revoked by those CRLs (one of its issuer, current at `now_seconds`: a
// list past its nextUpdate fails closed). UNAUTHENTICATED otherwise.
absl::Status VerifyIssuedBy(std::string_view cert_pem, std::string_view ca_pem,
                            std::string_view crl_pem, int64_t now_seconds);

// OK when `crl_pem` holds at least one PEM X.509 CRL; INVALID_ARGUMENT
// naming `field` otherwise.
absl::Status ValidateCrl(std::string_view crl_pem, std::string_view field);

}  // namespace hoidla::keys

#endif  // HOIDLA_KEYS_X509_H_
