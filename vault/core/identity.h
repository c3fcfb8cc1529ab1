// Identity: principals, their memberships, and the API tokens that
// authenticate them.
//
// A token is "hdl_" followed by 43 base64url characters (256 random bits). It
// is shown once, when issued; the vault stores only its keyed hash
// (BLAKE2b keyed with a key derived from the master key), so a copy of the
// store yields no usable token. Each token also has a public id (`tok_...`)
// by which it is revoked.
//
// Authenticate() is called for every RPC; the management methods are
// policy-checked like every other core operation.
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_CORE_IDENTITY_H_
#define HOIDLA_VAULT_CORE_IDENTITY_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hoidla/storage/v1/records.pb.h"
#include "hoidla/v1/vault.pb.h"
#include "keys/keyring.h"
#include "vault/common/clock.h"
#include "vault/core/policy.h"
#include "vault/core/principal.h"
#include "vault/core/registry.h"
#include "vault/core/sealed_records.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

class Identity {
 public:
  // All pointers must outlive this object.
  Identity(storage::KvStore* store, keys::Keyring* keyring, Clock* clock, const Policy* policy,
           const Registry* registry);

  // Returns the principal a bearer token belongs to, with its current
  // memberships. UNAUTHENTICATED when the token is malformed, unknown,
  // expired or revoked (one message for all); UNAVAILABLE when the store
  // fails.
  absl::StatusOr<Principal> Authenticate(std::string_view token) const;

  // Returns the principal a TLS client certificate (PEM, as the TLS layer
  // received it) belongs to: its subject must be mapped to a principal, and
  // the principal's organisation's client CA must have issued it and it must
  // be valid now. UNAUTHENTICATED otherwise (one message for all).
  absl::StatusOr<Principal> AuthenticateCertificate(std::string_view pem) const;

  // Resolves a call that `caller` makes for the user `user_id`. Returns the
  // user on success. PERMISSION_DENIED "x-hoidla-act-for: ..." when the
  // caller is not a service account allowed to act for users, or the user
  // does not exist or belongs to another organisation (one answer for all).
  absl::StatusOr<Principal> ActFor(const Principal& caller, std::string_view user_id) const;

  // Returns principal `id` as stored, without a policy decision: for the
  // core's own use (naming actors in access reports), never for a caller.
  // NOT_FOUND when there is none.
  absl::StatusOr<Principal> LookupPrincipal(std::string_view id) const;

  // When the store has no principal yet, creates a system administrator
  // named `display_name` with a token that never expires, and returns the
  // token. Returns std::nullopt when bootstrap already happened.
  absl::StatusOr<std::optional<std::string>> CreateBootstrapAdministrator(
      std::string_view display_name);

  absl::StatusOr<v1::WhoAmIResponse> WhoAmI(const RequestContext& ctx);
  // Staff, partner workers and service accounts: system administrators
  // (kManagePrincipals). Data subjects (kind DATA_SUBJECT, client_id set,
  // display_name empty): staff who may write that client; NOT_FOUND
  // "principal.client_id" for a client the caller cannot see.
  absl::StatusOr<v1::Principal> CreatePrincipal(const RequestContext& ctx,
                                                const v1::CreatePrincipalRequest& req);
  absl::StatusOr<v1::Principal> GetPrincipal(const RequestContext& ctx,
                                             const v1::GetPrincipalRequest& req);
  absl::StatusOr<v1::ListPrincipalsResponse> ListPrincipals(
      const RequestContext& ctx, const v1::ListPrincipalsRequest& req);
  // ALREADY_EXISTS when held already; INVALID_ARGUMENT when the scope does
  // not fit the role or names objects that do not belong together.
  absl::StatusOr<v1::Principal> AddMembership(const RequestContext& ctx,
                                              const v1::AddMembershipRequest& req);
  // NOT_FOUND when the principal does not hold it.
  absl::StatusOr<v1::Principal> RemoveMembership(const RequestContext& ctx,
                                                 const v1::RemoveMembershipRequest& req);
  // ALREADY_EXISTS when the subject is mapped (to anyone) already.
  absl::StatusOr<v1::Principal> MapCertificate(const RequestContext& ctx,
                                               const v1::MapCertificateRequest& req);
  // System administrators issue tokens to anyone but data subjects; staff
  // who may write a client issue its data-subject principals' tokens.
  absl::StatusOr<v1::IssueTokenResponse> IssueToken(const RequestContext& ctx,
                                                    const v1::IssueTokenRequest& req);
  absl::StatusOr<v1::RevokeTokenResponse> RevokeToken(const RequestContext& ctx,
                                                      const v1::RevokeTokenRequest& req);


 private:
  absl::StatusOr<v1::Principal> CreateDataSubject(const RequestContext& ctx,
                                                  const v1::Principal& p);
  absl::StatusOr<rec::PrincipalRecord> LoadPrincipal(std::string_view id) const;
  // Loads principal `id` for an operation `action` on it: NOT_FOUND
  // "principal_id: not found" when absent or outside the caller's reach.
  absl::StatusOr<rec::PrincipalRecord> LoadVisiblePrincipal(const RequestContext& ctx,
                                                            Action action,
                                                            std::string_view id) const;
  // Target of an operation on principal `p` (its organisation).
  Target PrincipalTarget(const rec::PrincipalRecord& p) const;
  // The shape of a membership: a known role, ids present exactly as its
  // scope needs. INVALID_ARGUMENT naming the field; no lookups.
  absl::Status ValidateMembership(const v1::Membership& m, std::string_view field) const;
  // Whether the caller may grant or remove `m`: PERMISSION_DENIED when no
  // role lets them manage memberships; NOT_FOUND (naming the field) for a
  // scope they may not see or that does not exist.
  absl::Status CheckMembershipScope(const RequestContext& ctx, const v1::Membership& m,
                                    std::string_view field) const;
  std::string TokenKey(std::string_view token) const;
  // Adds a new token for `principal_id` to `batch`; returns it and its id.
  void AddToken(std::string_view principal_id, int64_t expires_at_micros,
                storage::WriteBatch* batch, std::string* token, std::string* token_id);

  storage::KvStore* store_;
  keys::Keyring* keyring_;
  Clock* clock_;
  const Policy* policy_;
  const Registry* registry_;
  SealedRecords records_;
  std::mutex membership_mu_;  // serialises read-modify-write of principals
};

// Converts a stored principal to its API form and to the core form.
v1::Principal PrincipalToApi(const rec::PrincipalRecord& r);
Principal PrincipalFromRecord(const rec::PrincipalRecord& r);

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_CORE_IDENTITY_H_
