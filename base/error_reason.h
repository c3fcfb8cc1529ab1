// Machine-readable reasons on absl::Status.
//
// A domain error may carry a stable reason (UPPER_SNAKE_CASE) beside its
// code and message, for the cases where the code alone does not tell a
// client what to do next: NEEDS_APPROVAL (ask a second person through a
// grant request), CONSENT_WITHDRAWN, CASE_CLOSED, PAGE_TOKEN_MISMATCH. The
// rpc layer sends it as ErrorDetail.reason (doc/api.md, "Errors"); an error
// without one gets the reason its code implies.
// Thread-safety: pure functions.
#ifndef HOIDLA_BASE_ERROR_REASON_H_
#define HOIDLA_BASE_ERROR_REASON_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/cord.h"

namespace hoidla {

// The payload type URL under which the reason is kept.
inline constexpr char kErrorReasonPayload[] = "hoidla.v1/reason";

// Stable reasons set by domain code.
inline constexpr std::string_view kReasonNeedsApproval = "NEEDS_APPROVAL";
inline constexpr std::string_view kReasonConsentWithdrawn = "CONSENT_WITHDRAWN";
inline constexpr std::string_view kReasonCaseClosed = "CASE_CLOSED";
inline constexpr std::string_view kReasonPageTokenMismatch = "PAGE_TOKEN_MISMATCH";

// Returns `status` with `reason` attached. An OK status is returned as is.
inline absl::Status WithReason(absl::Status status, std::string_view reason) {
  if (!status.ok()) status.SetPayload(kErrorReasonPayload, absl::Cord(std::string(reason)));
  return status;
}

// The reason attached to `status`, if any.
inline std::optional<std::string> ReasonOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorReasonPayload);
  if (!payload.has_value()) return std::nullopt;
  return std::string(*payload);
}

}  // namespace hoidla

#endif  // HOIDLA_BASE_ERROR_REASON_H_
