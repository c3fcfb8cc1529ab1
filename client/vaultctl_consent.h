// The local parts of `vaultctl consent ...`: reading a consent from its
// protobuf JSON file (`consent record|revise --file`) and checking a consent
// receipt offline (`consent verify`), without a server; and, of the same
// signed shape, disposal certificates (`retention certificate verify`).
//
//  * A consent file holds one hoidla.v1.Consent in the protobuf JSON mapping
//    (field names as in the proto or in lowerCamelCase, enums by name,
//    timestamps in RFC 3339); unknown fields are an error.
//  * A consent receipt is a C2SP signed note, signed by the vault's audit
//    signing key under the audit log's origin, whose text is exactly two
//    lines: kConsentReceiptHeader and one JSON object. It is checked with the
//    key of a verifier key file (see vaultctl_audit.h) that signed it, so
//    `vaultctl audit public-keys` output serves as the key file.
//
// Status conventions: INVALID_ARGUMENT for a consent file that does not
// parse; DATA_LOSS for a receipt that is malformed, not signed by a trusted
// key, whose signature does not verify or whose text is not a consent
// receipt.
//
// Thread-safety: pure functions.
#ifndef HOIDLA_CLIENT_VAULTCTL_CONSENT_H_
#define HOIDLA_CLIENT_VAULTCTL_CONSENT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "hoidla/v1/consents.pb.h"
#include "keys/signed_note.h"

namespace hoidla::vaultctl {

// The first line of a consent receipt's text.
inline constexpr std::string_view kConsentReceiptHeader = "hoidla consent receipt v1";

// One top-level field of a receipt's JSON object: its key, and a string's
// value as is or any other value (number, boolean, null, array, object) as
// compact JSON.
using ReceiptField = std::pair<std::string, std::string>;

// Parses `json` as a hoidla.v1.Consent in the protobuf JSON mapping.
// INVALID_ARGUMENT "not a hoidla.v1.Consent in protobuf JSON: " and the first
// line of the parser's message when it is not one (malformed
// JSON, an unknown field or enum value, a value of the wrong type, ...).
absl::StatusOr<hoidla::v1::Consent> ParseConsentJson(std::string_view json);

// Checks consent receipt `note` with the key of `verifiers` that signed it
// (VerifierForNote) and returns the fields of its JSON object. DATA_LOSS
// "receipt: ..." naming what failed: "note: not signed by any trusted key",
// the signed note's own error ("note: signature does not verify", "note:
// malformed", ...), a first line other than kConsentReceiptHeader, a text of
// other than two lines, or a second line that is not a JSON object.
absl::StatusOr<std::vector<ReceiptField>> OpenConsentReceipt(
    const std::vector<keys::NoteVerifier>& verifiers, std::string_view note);

// The first line of a disposal certificate's text (doc/retention.md).
inline constexpr std::string_view kDisposalCertificateHeader = "hoidla disposal certificate v1";

// Checks disposal certificate `note` (a signed note of the same shape as a
// receipt: kDisposalCertificateHeader and one JSON object) and returns the
// fields of its JSON object. DATA_LOSS "certificate: ..." naming what
// failed, as OpenConsentReceipt does.
absl::StatusOr<std::vector<ReceiptField>> OpenDisposalCertificate(
    const std::vector<keys::NoteVerifier>& verifiers, std::string_view note);

}  // namespace hoidla::vaultctl

#endif  // HOIDLA_CLIENT_VAULTCTL_CONSENT_H_
