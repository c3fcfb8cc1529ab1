// Page tokens: opaque, and bound to the list they page through.
//
// Every list of hoidla.v1 takes `page_token` and answers `next_page_token`
// (AIP-158). The domain pages by a position (an id, a sequence number),
// which may be that of an item the caller was not shown (a list skips
// what the caller may not see). The rpc layer therefore never shows it,
// not even encoded: a token sent out is
//
//   token   := base64url( nonce[24] ciphertext tag[16] )
//   (XChaCha20-Poly1305 of the position under the page key, with)
//   binding := "hoidla.v1 page token" 0x00 method 0x00 caller 0x00 filter
//
// as associated data, where `caller` is the principal, the account acting
// for it and the stated purpose, and `filter` is the request serialised
// deterministically without `page_token` and `page_size` (a client may
// change the page size between pages, nothing else). The page key is
// derived from the keyring's token key, so tokens outlive a restart. A
// token that does not decode, was not issued by this vault, or was issued
// for another method, another caller or another filter is INVALID_ARGUMENT
// "page_token: ..." with reason PAGE_TOKEN_MISMATCH, decided before
// anything is read.
//
// Thread-safety: immutable after construction; safe for concurrent use.
#ifndef HOIDLA_VAULT_RPC_PAGE_TOKENS_H_
#define HOIDLA_VAULT_RPC_PAGE_TOKENS_H_

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "keys/crypto.h"

namespace hoidla::service {

class PageTokens {
 public:
  explicit PageTokens(keys::SecureBuffer key) : key_(std::move(key)) {}

  // When `request` has a non-empty `page_token`, replaces it with the
  // position it stands for. `request` must already be the one the domain
  // sees (output-only fields cleared). Fails as described above.
  // `caller` names who asks (principal, acting-through account, purpose):
  // a token works only for the caller it was issued to.
  absl::Status Open(std::string_view method, std::string_view caller,
                    google::protobuf::Message* request) const;

  // When `response` has a non-empty `next_page_token`, replaces the
  // position with a token bound to `method` and `request`'s filter.
  void Seal(std::string_view method, std::string_view caller,
            const google::protobuf::Message& request, google::protobuf::Message* response) const;

  // True when messages of this type carry a page token.
  static bool Paged(const google::protobuf::Message& request);

 private:
  // The associated data that binds a token to its list.
  static std::string Binding(std::string_view method, std::string_view caller,
                             const google::protobuf::Message& request);

  keys::SecureBuffer key_;
};

}  // namespace hoidla::service

#endif  // HOIDLA_VAULT_RPC_PAGE_TOKENS_H_
