// Output-only fields in requests: ignored, never rejected.
//
// A field annotated `[(hoidla.v1.output_only) = true]` is set by the vault.
// A request may carry it (a client sending back a resource it read); the
// rpc layer clears it, in the request and in every message the request
// holds, before the call is decided. Domain code therefore sees output-only
// fields empty (and still rejects them when called directly with them set).
// Thread-safety: the per-type cache is guarded; the functions are safe to
// call concurrently.
#ifndef HOIDLA_VAULT_RPC_OUTPUT_ONLY_H_
#define HOIDLA_VAULT_RPC_OUTPUT_ONLY_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <optional>

namespace hoidla::service {

// True when a message of this type may hold an output-only field (itself or
// in any message it holds, recursively).
bool HasOutputOnly(const google::protobuf::Descriptor* type);

// Clears every output-only field of `message`, recursively.
void ClearOutputOnly(google::protobuf::Message* message);

// A request as the domain sees it: the original, or (once Mutable() was
// called) a copy the rpc layer changed: output-only fields cleared, the page
// token opened (page_tokens.h).
template <typename Request>
class Input {
 public:
  explicit Input(const Request* request) : original_(request) {}
  Request* Mutable() {
    if (!copy_.has_value()) copy_.emplace(*original_);
    return &*copy_;
  }
  const Request& operator*() const { return copy_.has_value() ? *copy_ : *original_; }

 private:
  const Request* original_;
  std::optional<Request> copy_;
};

}  // namespace hoidla::service

#endif  // HOIDLA_VAULT_RPC_OUTPUT_ONLY_H_
