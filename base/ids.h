// Object identifiers.
//
// An id is `<prefix>_<26 chars of Crockford base32, lowercase>`, encoding 128
// bits: 48 bits of creation time in milliseconds (so ids of one kind sort by
// creation) followed by 80 random bits. Ids carry no client data.
// Thread-safety: pure functions.
#ifndef HOIDLA_BASE_IDS_H_
#define HOIDLA_BASE_IDS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace hoidla {

enum class IdKind {
  kOrganization,
  kProject,
  kClient,
  kCase,
  kDocument,
  kPrincipal,
  kToken,
  kConsent,
  kDisclosure,
  kRecord,
  kInstrument,
  kGrantRequest,
  kRetentionSchedule,
  kLegalHold,
  kDisposalCertificate,
};

// Returns the prefix for `kind`, for example "org".
std::string_view IdPrefix(IdKind kind);

// Builds an id from a millisecond timestamp and 10 random bytes.
std::string MakeId(IdKind kind, int64_t millis, const std::array<uint8_t, 10>& random);

// Returns OK when `id` is a well-formed id of `kind`; otherwise
// INVALID_ARGUMENT naming `field` ("<field>: required" for an empty id,
// "<field>: malformed <prefix> id" otherwise). Never echoes the input.
absl::Status ValidateId(std::string_view id, IdKind kind, std::string_view field);

}  // namespace hoidla

#endif  // HOIDLA_BASE_IDS_H_
