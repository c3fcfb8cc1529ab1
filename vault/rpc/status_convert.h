// The one place where absl::Status becomes grpc::Status.
//
// Codes map one to one. Messages pass through unchanged: core messages name
// fields and never carry client data or secrets. INTERNAL and UNKNOWN
// messages are replaced by a fixed text (their detail goes to the server log
// by the caller), so engine internals never reach clients.
// Thread-safety: pure function.
#ifndef HOIDLA_VAULT_RPC_STATUS_CONVERT_H_
#define HOIDLA_VAULT_RPC_STATUS_CONVERT_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace hoidla::service {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace hoidla::service

#endif  // HOIDLA_VAULT_RPC_STATUS_CONVERT_H_
