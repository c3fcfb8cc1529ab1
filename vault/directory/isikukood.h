// Validation of the Estonian personal identification code (isikukood).
//
// Format GYYMMDDSSSC: G (1-8) gives sex and century (1-2: 1800s, 3-4: 1900s,
// 5-6: 2000s, 7-8: 2100s), YYMMDD the birth date, SSS a serial number and C a
// check digit (weights 1..9,1; if the remainder is 10, weights 3..9,1,2,3; if
// it is 10 again, the digit is 0).
// Thread-safety: pure functions.
#ifndef HOIDLA_VAULT_DIRECTORY_ISIKUKOOD_H_
#define HOIDLA_VAULT_DIRECTORY_ISIKUKOOD_H_

#include <string_view>

#include "absl/status/statusor.h"

namespace hoidla::core {

struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;
  bool operator==(const CivilDate&) const = default;
};

// True when year/month/day name a real calendar day in 1800-2199.
bool IsValidDate(const CivilDate& d);

// Validates `code`. Returns the birth date it encodes on success; otherwise
// INVALID_ARGUMENT "<field>: ..." saying what is wrong (length, digits,
// century, birth date, check digit). The code itself never appears in the
// message.
absl::StatusOr<CivilDate> ValidatePersonalCode(std::string_view code, std::string_view field);

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_DIRECTORY_ISIKUKOOD_H_
