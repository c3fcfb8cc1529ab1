#include "vault/rpc/status_convert.h"

#include <optional>
#include <string>

#include "base/error_reason.h"
#include "hoidla/v1/errors.pb.h"

namespace hoidla::service {
namespace {

bool IsLower(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// segment := lower (lower | digit)* ("[" digit+ "]")*
// path    := segment ("." segment)*
bool IsFieldPath(std::string_view p) {
  size_t i = 0;
  while (true) {
    if (i >= p.size() || !IsLower(p[i])) return false;
    while (i < p.size() && (IsLower(p[i]) || IsDigit(p[i]))) ++i;
    while (i < p.size() && p[i] == '[') {
      size_t j = i + 1;
      while (j < p.size() && IsDigit(p[j])) ++j;
      if (j == i + 1 || j >= p.size() || p[j] != ']') return false;
      i = j + 1;
    }
    if (i == p.size()) return true;
    if (p[i] != '.') return false;
    ++i;
  }
}

}  // namespace

std::string FieldOfMessage(std::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos || colon > 200) return "";
  std::string_view prefix = message.substr(0, colon);
  return IsFieldPath(prefix) ? std::string(prefix) : "";
}

std::string DefaultReason(absl::StatusCode code, bool has_field) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return has_field ? "INVALID_FIELD" : "INVALID_ARGUMENT";
    case absl::StatusCode::kAborted:
      return "VERSION_CONFLICT";
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      return "INTERNAL";
    default:
      // NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION, ALREADY_EXISTS,
      // UNAUTHENTICATED, UNAVAILABLE, DATA_LOSS, RESOURCE_EXHAUSTED, ...:
      // the code's own name.
      return absl::StatusCodeToString(code);
  }
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(static_cast<int>(status.code()));
  const bool internal =
      status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnknown;
  std::string message = internal ? "internal error" : std::string(status.message());
  ::hoidla::v1::ErrorDetail detail;
  detail.set_domain("hoidla.v1");
  if (!internal) detail.set_field(FieldOfMessage(message));
  std::optional<std::string> reason = internal ? std::nullopt : ReasonOf(status);
  detail.set_reason(reason.has_value() ? *reason
                                       : DefaultReason(status.code(), !detail.field().empty()));
  ::hoidla::v1::RpcStatus rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  rpc_status.set_message(message);
  rpc_status.add_details()->PackFrom(detail);
  return grpc::Status(code, message, rpc_status.SerializeAsString());
}

}  // namespace hoidla::service
