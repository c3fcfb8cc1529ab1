// The one place where absl::Status becomes grpc::Status.
//
// Codes map one to one. Messages pass through unchanged: domain messages
// name fields and never carry client data or secrets. INTERNAL and UNKNOWN
// messages are replaced by a fixed text (their detail goes to the server log
// by the caller), so engine internals never reach clients.
//
// Every failed status also carries structured details (doc/api.md,
// "Errors"): the binary trailer holds a hoidla.v1.RpcStatus with one
// hoidla.v1.ErrorDetail whose `reason` is the one the domain attached
// (base/error_reason.h) or the one the code implies, and whose `field` is
// the field path the message starts with ("consent.client_id: not found"),
// if it starts with one. The details say nothing the code and message do
// not: the same answer to two callers stays the same answer.
// Thread-safety: pure functions.
#ifndef HOIDLA_VAULT_RPC_STATUS_CONVERT_H_
#define HOIDLA_VAULT_RPC_STATUS_CONVERT_H_

#include <grpcpp/support/status.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace hoidla::service {

grpc::Status ToGrpcStatus(const absl::Status& status);

// The field path a status message starts with ("a.b[2].c" before ": "), or
// "" when it starts with none.
std::string FieldOfMessage(std::string_view message);

// The reason a status code implies when the domain attached none:
// INVALID_FIELD (INVALID_ARGUMENT naming a field), VERSION_CONFLICT
// (ABORTED), INTERNAL (INTERNAL, UNKNOWN), otherwise the code's name.
std::string DefaultReason(absl::StatusCode code, bool has_field);

}  // namespace hoidla::service

#endif  // HOIDLA_VAULT_RPC_STATUS_CONVERT_H_
