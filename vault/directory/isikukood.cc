#include "vault/directory/isikukood.h"

#include "base/strings.h"

namespace hoidla::core {

bool IsValidDate(const CivilDate& d) {
  if (d.year < 1800 || d.year > 2199 || d.month < 1 || d.month > 12 || d.day < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int days = kDays[d.month - 1];
  bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  if (d.month == 2 && leap) days = 29;
  return d.day <= days;
}

absl::StatusOr<CivilDate> ValidatePersonalCode(std::string_view code, std::string_view field) {
  if (code.size() != 11) {
    return absl::InvalidArgumentError(hoidla::StrCat(field, ": must be 11 digits"));
  }
  int d[11];
  for (int i = 0; i < 11; ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return absl::InvalidArgumentError(hoidla::StrCat(field, ": must be 11 digits"));
    }
    d[i] = code[i] - '0';
  }
  if (d[0] < 1 || d[0] > 8) {
    return absl::InvalidArgumentError(hoidla::StrCat(field, ": first digit must be 1-8"));
  }
  CivilDate date{1800 + 100 * ((d[0] - 1) / 2) + d[1] * 10 + d[2], d[3] * 10 + d[4],
                 d[5] * 10 + d[6]};
  if (!IsValidDate(date)) {
    return absl::InvalidArgumentError(hoidla::StrCat(field, ": birth date is not a real date"));
  }
  static const int kW1[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1};
  static const int kW2[] = {3, 4, 5, 6, 7, 8, 9, 1, 2, 3};
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += d[i] * kW1[i];
  int check = sum % 11;
  if (check == 10) {
    sum = 0;
    for (int i = 0; i < 10; ++i) sum += d[i] * kW2[i];
    check = sum % 11;
    if (check == 10) check = 0;
  }
  if (check != d[10]) {
    return absl::InvalidArgumentError(hoidla::StrCat(field, ": bad check digit"));
  }
  return date;
}

}  // namespace hoidla::core
