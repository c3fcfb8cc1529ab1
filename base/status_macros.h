// Status propagation helpers used throughout Hoidla.
//
// HOIDLA_RETURN_IF_ERROR(expr): evaluates an absl::Status expression and
// returns it from the enclosing function when it is not OK.
// HOIDLA_ASSIGN_OR_RETURN(lhs, expr): evaluates an absl::StatusOr<T>
// expression; on success moves the value into `lhs` (which may be a
// declaration), otherwise returns the status.
#ifndef HOIDLA_BASE_STATUS_MACROS_H_
#define HOIDLA_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HOIDLA_CONCAT_INNER(a, b) a##b
#define HOIDLA_CONCAT(a, b) HOIDLA_CONCAT_INNER(a, b)

#define HOIDLA_RETURN_IF_ERROR(expr)                                  \
  do {                                                                \
    if (absl::Status hoidla_status_ = (expr); !hoidla_status_.ok()) { \
      return hoidla_status_;                                          \
    }                                                                 \
  } while (0)

#define HOIDLA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

#define HOIDLA_ASSIGN_OR_RETURN(lhs, expr) \
  HOIDLA_ASSIGN_OR_RETURN_IMPL(HOIDLA_CONCAT(hoidla_sor_, __LINE__), lhs, expr)

#endif  // HOIDLA_BASE_STATUS_MACROS_H_
