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
#ifndef HOIDLA_VAULT_IDENTITY_IDENTITY_H_
#define HOIDLA_VAULT_IDENTITY_IDENTITY_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "hoidla/storage/v1/records.pb.h"
#include "hoidla/v1/directory.pb.h"
#include "hoidla/v1/identity.pb.h"
#include "keys/keyring.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/directory/registry.h"
#include "vault/sealing/sealed_records.h"
#include "vault/storage/kv_store.h"

namespace hoidla::audit {
class AuditLog;
}  // namespace hoidla::audit

namespace hoidla::core {

// What the presented credential was.
struct Credential {
  std::string token_id;  // a vault token's id; empty otherwise
  int64_t expires_at_micros = 0;
};

// The deployment's public identity provider for data subjects (the
// Estonian state authentication service works this way): its ID tokens name
// the person's personal code in `personal_code_claim`, optionally prefixed
// with a country code ("EE39001010000"). Empty issuer: none configured.
struct SubjectIdentityProvider {
  std::string issuer;
  std::string audience;
  std::string jwks_json;
  std::string personal_code_claim = "sub";
};

class Identity {
 public:
  // All pointers must outlive this object.
  Identity(storage::KvStore* store, keys::Keyring* keyring, Clock* clock, const Policy* policy,
           const Registry* registry);

  // Returns the principal a bearer token belongs to, with its current
  // memberships. UNAUTHENTICATED when the token is malformed, unknown,
  // expired, revoked, pending approval, or its principal is disabled (one
  // message for all); UNAVAILABLE when the store fails. `credential`, when
  // not null, receives the token's id and expiry.
  absl::StatusOr<Principal> Authenticate(std::string_view token,
                                         Credential* credential = nullptr) const;

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
  // named `display_name` with a revocable token that expires after
  // `ttl_seconds`, commits both with an audit entry through `log` (may be
  // null in unit tests), and returns the token. Returns std::nullopt when
  // bootstrap already happened.
  absl::StatusOr<std::optional<std::string>> CreateBootstrapAdministrator(
      std::string_view display_name, int64_t ttl_seconds, audit::AuditLog* log);

  // Identity providers the deployment trusts besides organisations' own:
  // the public one for data subjects (personal-code claim). Set once at
  // start; not thread-safe against concurrent calls.
  void SetSubjectIdentityProvider(SubjectIdentityProvider idp);

  // ExchangeIdToken (identity.proto). Fills ctx->principal with the signed-in
  // principal when the token verifies (for the audit entry); UNAUTHENTICATED
  // for every failure.
  absl::StatusOr<v1::IssueTokenResponse> ExchangeIdToken(RequestContext* ctx,
                                                         const v1::ExchangeIdTokenRequest& req);
  absl::StatusOr<v1::ListTokensResponse> ListTokens(const RequestContext& ctx,
                                                    const v1::ListTokensRequest& req);
  absl::StatusOr<v1::Principal> DisablePrincipal(const RequestContext& ctx,
                                                 const v1::DisablePrincipalRequest& req);
  absl::StatusOr<v1::Principal> RemoveCertificateMapping(
      const RequestContext& ctx, const v1::RemoveCertificateMappingRequest& req);
  absl::StatusOr<v1::Organization> SetOrganizationClientCa(
      const RequestContext& ctx, const v1::SetOrganizationClientCaRequest& req);
  absl::StatusOr<v1::Organization> SetOrganizationIdentityProvider(
      const RequestContext& ctx, const v1::SetOrganizationIdentityProviderRequest& req);
  absl::StatusOr<v1::Organization> SetOrganizationCrl(const RequestContext& ctx,
                                                      const v1::SetOrganizationCrlRequest& req);

  // Grant requests (four eyes), as identity.proto describes them.
  absl::StatusOr<v1::CreateGrantRequestResponse> CreateGrantRequest(
      const RequestContext& ctx, const v1::CreateGrantRequestRequest& req);
  absl::StatusOr<v1::GrantRequest> GetGrantRequest(const RequestContext& ctx,
                                                   const v1::GetGrantRequestRequest& req);
  absl::StatusOr<v1::ListGrantRequestsResponse> ListGrantRequests(
      const RequestContext& ctx, const v1::ListGrantRequestsRequest& req);
  absl::StatusOr<v1::GrantRequest> ApproveGrantRequest(const RequestContext& ctx,
                                                       const v1::ApproveGrantRequestRequest& req);
  absl::StatusOr<v1::GrantRequest> DenyGrantRequest(const RequestContext& ctx,
                                                    const v1::DenyGrantRequestRequest& req);

  absl::StatusOr<v1::WhoAmIResponse> WhoAmI(const RequestContext& ctx);
  // Staff, partner workers and service accounts: system administrators
  // (kManagePrincipals). Data subjects: PERMISSION_DENIED (they sign in
  // with their own identity provider, ExchangeIdToken).
  absl::StatusOr<v1::Principal> CreatePrincipal(const RequestContext& ctx,
                                                const v1::CreatePrincipalRequest& req);
  absl::StatusOr<v1::Principal> GetPrincipal(const RequestContext& ctx,
                                             const v1::GetPrincipalRequest& req);
  absl::StatusOr<v1::ListPrincipalsResponse> ListPrincipals(const RequestContext& ctx,
                                                            const v1::ListPrincipalsRequest& req);
  // ALREADY_EXISTS when held already; INVALID_ARGUMENT when the scope does
  // not fit the role or names objects that do not belong together;
  // FAILED_PRECONDITION when it needs a second person's approval.
  absl::StatusOr<v1::Principal> AddMembership(const RequestContext& ctx,
                                              const v1::AddMembershipRequest& req);
  // NOT_FOUND when the principal does not hold it.
  absl::StatusOr<v1::Principal> RemoveMembership(const RequestContext& ctx,
                                                 const v1::RemoveMembershipRequest& req);
  // ALREADY_EXISTS when the subject is mapped (to anyone) already.
  absl::StatusOr<v1::Principal> MapCertificate(const RequestContext& ctx,
                                               const v1::MapCertificateRequest& req);
  // A session for the caller itself, or a service account's token (system
  // administrators, four eyes where the organisation needs them); nobody
  // issues a token for another person (PERMISSION_DENIED).
  absl::StatusOr<v1::IssueTokenResponse> IssueToken(const RequestContext& ctx,
                                                    const v1::IssueTokenRequest& req);
  absl::StatusOr<v1::RevokeTokenResponse> RevokeToken(const RequestContext& ctx,
                                                      const v1::RevokeTokenRequest& req);

  // Principal `id` as the policy sees it, without a policy decision: for
  // the registry's checks of named workers and network members (wired by
  // the server). NOT_FOUND when there is none; DATA_LOSS when its record
  // fails to open.
  absl::StatusOr<Principal> PrincipalById(std::string_view id) const;

 private:
  // What a validated grant request is about.
  struct GrantScope {
    std::string organization_id;
    std::string principal_id;
    // The kind of the account the grant is for (unset for trust anchors).
    v1::PrincipalKind principal_kind = v1::PRINCIPAL_KIND_UNSPECIFIED;
  };
  // Checks the request's shape and the caller's authority to ask for it
  // (the rights of the direct call); fills `scope`.
  absl::Status ValidateGrant(const RequestContext& ctx, const v1::GrantRequest& g,
                             GrantScope* scope) const;
  // Whether a grant in `org` needs a second person: the organisation's
  // first head was enrolled (it stays enrolled whatever happens to its
  // heads) or it holds client data. FAILED_PRECONDITION (naming
  // `field`) for a grant that an organisation being enrolled cannot take at
  // once: anything but its first head's role, a staff member's certificate
  // and its trust anchors (an act-for right, a service-account token or a
  // partner's certificate made then would outlive the enrolment unseen).
  absl::StatusOr<bool> NeedsApproval(const v1::GrantRequest& g, const GrantScope& scope,
                                     std::string_view field) const;
  // Applies grant `g` to `batch` (re-checking what may have changed since
  // it was requested). ALREADY_EXISTS / FAILED_PRECONDITION as the direct
  // calls.
  absl::Status ApplyGrant(const v1::GrantRequest& g, storage::WriteBatch* batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(membership_mu_);
  // Applies `g` at once (no approval needed) and commits it with the call's
  // audit entry.
  absl::Status ApplyNow(const RequestContext& ctx, const v1::GrantRequest& g,
                        const GrantScope& scope, storage::WriteBatch batch);
  // Judges pending request `g` again with its requester's rights of now:
  // FAILED_PRECONDITION naming "id" when the requester was disabled, lost
  // the authority to ask for it, or the account it is for changed so that
  // it could no longer be asked for.
  absl::Status RevalidateRequester(const v1::GrantRequest& g) const;
  absl::StatusOr<v1::GrantRequest> LoadGrantRequest(std::string_view id) const;
  absl::Status PutGrantRequest(const v1::GrantRequest& g, storage::WriteBatch* batch) const;
  // The policy target of grant request `g` (as loaded; `id` when it could
  // not be): its organisation, with its requester as owner.
  static Target GrantTarget(const absl::StatusOr<v1::GrantRequest>& g, std::string_view id);
  // Marks a pending request past its expiry EXPIRED (in memory).
  void ExpireIfDue(v1::GrantRequest* g) const;
  // Records a credential's facts (what, whose, which token, what became of
  // it) in the call's audit entry, the caller as requester.
  static void NoteCredential(const RequestContext& ctx, std::string_view kind,
                             std::string_view principal_id, std::string_view token_id,
                             std::string_view state, std::string_view organization_id = "");
  // Records grant facts in the call's audit entry.
  static void NoteGrant(const RequestContext& ctx, const v1::GrantRequest& g,
                        std::string_view state);
  // Loads principal `id` for administering its credentials (disable, list
  // tokens, unmap): the principal itself, system administrators, heads of
  // its organisation. The policy's answer (PERMISSION_DENIED, NOT_FOUND),
  // then the load's.
  absl::StatusOr<rec::PrincipalRecord> LoadForCredentialAdmin(const RequestContext& ctx,
                                                              std::string_view id) const;
  // The data-subject principal for client `client_id`, created on first
  // sign-in (by the vault, on a verified assertion).
  absl::StatusOr<rec::PrincipalRecord> SubjectPrincipal(const rec::ClientRecord& client,
                                                        storage::WriteBatch* batch);
  absl::StatusOr<rec::PrincipalRecord> LoadPrincipal(std::string_view id) const;
  // Token records, sealed under the system subject at their kMeta key
  // ("tok/<keyed hash of the token>"). NOT_FOUND when absent, DATA_LOSS when
  // the stored bytes fail to open (rewritten or rolled back).
  absl::StatusOr<rec::TokenRecord> LoadToken(std::string_view key) const;
  absl::Status PutToken(std::string_view key, const rec::TokenRecord& tok,
                        storage::WriteBatch* batch) const;
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
  absl::Status AddToken(std::string_view principal_id, int64_t expires_at_micros, int kind,
                        std::string_view issued_by, std::string_view pending_grant_id,
                        storage::WriteBatch* batch, std::string* token, std::string* token_id);
  // The token record with id `token_id` and its storage key. NOT_FOUND
  // "token_id: not found".
  absl::StatusOr<std::pair<std::string, rec::TokenRecord>> LoadTokenById(
      std::string_view token_id) const;

  storage::KvStore* store_;
  keys::Keyring* keyring_;
  Clock* clock_;
  const Policy* policy_;
  const Registry* registry_;
  SealedRecords records_;
  SubjectIdentityProvider subject_idp_;
  // Serialises read-modify-write of principals, organisations' trust
  // anchors, tokens and grant requests.
  mutable absl::Mutex membership_mu_;
};

// Converts a stored principal to its API form and to the core form.
v1::Principal PrincipalToApi(const rec::PrincipalRecord& r);
Principal PrincipalFromRecord(const rec::PrincipalRecord& r);

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_IDENTITY_IDENTITY_H_
