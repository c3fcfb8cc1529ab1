// Authenticator: principals and the API tokens that identify them.
//
// A token is "hdl_" followed by 43 base64url characters (256 random bits). It
// is shown once, when issued; the vault stores only its keyed hash
// (BLAKE2b keyed with a key derived from the master key), so a copy of the
// store does not yield usable tokens.
//
// Bootstrap: on a store with no principals, CreateBootstrapAdministrator()
// creates the first system administrator and returns its token.
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_CORE_AUTHENTICATOR_H_
#define HOIDLA_VAULT_CORE_AUTHENTICATOR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "keys/keyring.h"
#include "vault/common/clock.h"
#include "vault/core/principal.h"
#include "vault/core/sealed_records.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

class Authenticator {
 public:
  // All pointers must outlive the authenticator.
  Authenticator(storage::KvStore* store, keys::Keyring* keyring, Clock* clock);

  // Returns the principal a bearer token belongs to. UNAUTHENTICATED when the
  // token is malformed, unknown, expired or revoked (one message for all, so
  // the answer does not help guessing); UNAVAILABLE when the store fails.
  absl::StatusOr<Principal> Authenticate(std::string_view token) const;

  // When the store has no principal yet, creates a system administrator
  // named `display_name` with a token that never expires, and returns the
  // token. Returns std::nullopt when bootstrap already happened.
  absl::StatusOr<std::optional<std::string>> CreateBootstrapAdministrator(
      std::string_view display_name);

  // Creates a principal with `roles`. Returns it.
  absl::StatusOr<Principal> CreatePrincipal(std::string_view display_name,
                                            const std::vector<std::string>& roles);

  // Issues a token for `principal_id`, valid for `ttl_micros` (0: no
  // expiry). Returns the token, which is not stored and cannot be shown
  // again. NOT_FOUND when the principal does not exist.
  absl::StatusOr<std::string> IssueToken(std::string_view principal_id, int64_t ttl_micros);

  // Revokes `token`. NOT_FOUND when unknown.
  absl::Status RevokeToken(std::string_view token);

 private:
  std::string TokenKey(std::string_view token) const;
  absl::Status AddToken(std::string_view principal_id, int64_t ttl_micros,
                        storage::WriteBatch* batch, std::string* token);

  storage::KvStore* store_;
  keys::Keyring* keyring_;
  Clock* clock_;
  SealedRecords records_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_CORE_AUTHENTICATOR_H_
