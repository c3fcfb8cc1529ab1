#include "vault/identity/identity.h"

#include "absl/strings/escaping.h"
#include "base/error_reason.h"
#include "base/ids.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "keys/crypto.h"
#include "keys/x509.h"
#include "vault/access/paging.h"
#include "vault/audit/audit_log.h"
#include "vault/identity/identity_keys.h"

namespace hoidla::core {
namespace {

using identity_internal::CertificateKey;
using identity_internal::kMaxTokenTtlSeconds;
using identity_internal::kPrincipalKind;
using identity_internal::PrincipalOrgIndex;
using identity_internal::TokenPrincipalPrefix;
using identity_internal::Unauthenticated;
using storage::Space;
constexpr std::string_view kTokenPrefix = "hdl_";
// Token records: SealedRecords kind, so their key is "tok/<keyed hash>".
constexpr std::string_view kTokenKind = storage::layout::identity::kToken;

std::string BootstrapKey() {
  return storage::layout::identity::kSystem.Key(storage::layout::identity::kBootstrap);
}
std::string TokenIdKey(std::string_view token_id) {
  return storage::layout::identity::kTokenById.Key(token_id);
}
// The tok/ key of a token record, whose sealed id is its keyed hash.
std::string TokenRecordKey(std::string_view hash_hex) {
  return storage::layout::RecordKey(kTokenKind, hash_hex);
}
// The sealed id in a tok/ key, or empty when `key` is not one.
std::string_view TokenIdOfKey(std::string_view key) {
  const std::string prefix = storage::layout::KindPrefix(kTokenKind);
  return key.starts_with(prefix) ? key.substr(prefix.size()) : std::string_view();
}
}  // namespace

v1::Principal PrincipalToApi(const rec::PrincipalRecord& r) {
  v1::Principal p;
  p.set_id(r.id());
  p.set_display_name(r.display_name());
  p.set_kind(static_cast<v1::PrincipalKind>(r.kind()));
  p.set_organization_id(r.organization_id());
  for (const auto& m : r.memberships()) {
    auto* out = p.add_memberships();
    out->set_organization_id(m.organization_id());
    out->set_project_id(m.project_id());
    out->set_role(m.role());
  }
  *p.mutable_created_at() = ToTimestamp(r.created_at_micros());
  p.set_created_by(r.created_by());
  p.set_may_act_for_users(r.may_act_for_users());
  for (const auto& subject : r.certificate_subjects()) p.add_certificate_subjects(subject);
  p.set_client_id(r.client_id());
  p.set_disabled(r.disabled());
  if (r.disabled()) *p.mutable_disabled_at() = ToTimestamp(r.disabled_at_micros());
  p.set_disabled_by(r.disabled_by());
  return p;
}

Principal PrincipalFromRecord(const rec::PrincipalRecord& r) {
  Principal p{r.id(), r.display_name(),      r.kind(),      r.organization_id(),
              {},     r.may_act_for_users(), r.client_id(), r.disabled()};
  for (const auto& m : r.memberships()) {
    // An unknown role name (from a newer version) grants nothing.
    if (auto role = ParseRole(m.role())) {
      p.memberships.push_back({*role, m.organization_id(), m.project_id()});
    }
  }
  return p;
}

Identity::Identity(storage::KvStore* store, keys::Keyring* keyring, Clock* clock,
                   const Policy* policy, const Registry* registry)
    : store_(store),
      keyring_(keyring),
      clock_(clock),
      policy_(policy),
      registry_(registry),
      records_(store, keyring) {}

absl::StatusOr<Principal> Identity::PrincipalById(std::string_view id) const {
  HOIDLA_ASSIGN_OR_RETURN(rec::PrincipalRecord r, LoadPrincipal(id));
  return PrincipalFromRecord(r);
}

std::string Identity::TokenKey(std::string_view token) const {
  return TokenRecordKey(keys::ToHex(keys::KeyedHash(keyring_->token_key(), token)));
}

absl::StatusOr<rec::PrincipalRecord> Identity::LoadPrincipal(std::string_view id) const {
  rec::PrincipalRecord r;
  HOIDLA_RETURN_IF_ERROR(records_.Get(kPrincipalKind, id, keys::kSystemSubject, &r));
  if (r.id() != id) return absl::DataLossError("stored principal does not match its key");
  return r;
}

absl::StatusOr<Principal> Identity::LookupPrincipal(std::string_view id) const {
  HOIDLA_ASSIGN_OR_RETURN(rec::PrincipalRecord r, LoadPrincipal(id));
  return PrincipalFromRecord(r);
}

Target Identity::PrincipalTarget(const rec::PrincipalRecord& p) const {
  return {.organization_id = p.organization_id(), .object_id = p.id()};
}

absl::StatusOr<rec::PrincipalRecord> Identity::LoadVisiblePrincipal(const RequestContext& ctx,
                                                                    Action action,
                                                                    std::string_view id) const {
  auto r = LoadPrincipal(id);
  // Principals outside the caller's reach do not exist for the caller.
  if (r.ok() && !policy_->Decide(ctx.principal, action, PrincipalTarget(*r)).allowed) {
    return absl::NotFoundError("principal_id: not found");
  }
  HOIDLA_RETURN_IF_ERROR(ReferencedField(r.status(), "principal_id"));
  return r;
}

absl::StatusOr<Principal> Identity::Authenticate(std::string_view token,
                                                 Credential* credential) const {
  if (!token.starts_with(kTokenPrefix) || token.size() != kTokenPrefix.size() + 43) {
    return Unauthenticated();
  }
  auto loaded = LoadToken(TokenKey(token));
  if (loaded.status().code() == absl::StatusCode::kNotFound) return Unauthenticated();
  if (loaded.status().code() == absl::StatusCode::kDataLoss) return loaded.status();
  if (!loaded.ok()) return absl::UnavailableError("credential store unavailable");
  const rec::TokenRecord& tok = *loaded;
  if (tok.revoked() || !tok.pending_grant_id().empty()) return Unauthenticated();
  if (tok.expires_at_micros() != 0 && tok.expires_at_micros() <= clock_->NowMicros()) {
    return Unauthenticated();
  }
  auto prn = LoadPrincipal(tok.principal_id());
  if (prn.status().code() == absl::StatusCode::kNotFound) return Unauthenticated();
  if (!prn.ok()) return prn.status();
  if (prn->disabled()) return Unauthenticated();
  if (credential != nullptr) {
    credential->token_id = tok.token_id();
    credential->expires_at_micros = tok.expires_at_micros();
  }
  return PrincipalFromRecord(*prn);
}

absl::Status Identity::AddToken(std::string_view principal_id, int64_t expires_at_micros, int kind,
                                std::string_view issued_by, std::string_view pending_grant_id,
                                storage::WriteBatch* batch, std::string* token,
                                std::string* token_id) {
  std::string raw = keys::RandomString(32);
  *token = StrCat(kTokenPrefix, absl::WebSafeBase64Escape(raw));
  std::fill(raw.begin(), raw.end(), '\0');
  *token_id = NewId(IdKind::kToken, *clock_);
  rec::TokenRecord rec;
  rec.set_principal_id(std::string(principal_id));
  rec.set_created_at_micros(clock_->NowMicros());
  rec.set_expires_at_micros(expires_at_micros);
  rec.set_token_id(*token_id);
  rec.set_kind(kind);
  rec.set_issued_by(std::string(issued_by));
  rec.set_pending_grant_id(std::string(pending_grant_id));
  std::string key = TokenKey(*token);
  // A token's record is sealed like every other: rewritten or rolled back
  // (un-revoked, lengthened, moved to another account) it fails to open.
  HOIDLA_RETURN_IF_ERROR(PutToken(key, rec, batch));
  batch->Put(Space::kIndex, TokenIdKey(*token_id), key);
  batch->Put(Space::kIndex, StrCat(TokenPrincipalPrefix(principal_id), *token_id), key);
  return absl::OkStatus();
}

absl::StatusOr<std::pair<std::string, rec::TokenRecord>> Identity::LoadTokenById(
    std::string_view token_id) const {
  auto key = store_->Get(Space::kIndex, TokenIdKey(token_id));
  if (key.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError("token_id: not found");
  }
  HOIDLA_RETURN_IF_ERROR(key.status());
  auto tok = LoadToken(*key);
  if (tok.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError("token_id: not found");
  }
  HOIDLA_RETURN_IF_ERROR(tok.status());
  if (tok->token_id() != token_id) {
    return absl::DataLossError("stored token record is corrupt");
  }
  return std::make_pair(std::move(*key), std::move(*tok));
}

absl::StatusOr<rec::TokenRecord> Identity::LoadToken(std::string_view key) const {
  const std::string_view id = TokenIdOfKey(key);
  if (id.empty()) return absl::DataLossError("token index is corrupt");
  rec::TokenRecord tok;
  HOIDLA_RETURN_IF_ERROR(records_.Get(kTokenKind, id, keys::kSystemSubject, &tok));
  return tok;
}

absl::Status Identity::PutToken(std::string_view key, const rec::TokenRecord& tok,
                                storage::WriteBatch* batch) const {
  const std::string_view id = TokenIdOfKey(key);
  if (id.empty()) return absl::InternalError("not a token key");
  return records_.Put(kTokenKind, id, keys::kSystemSubject, tok, batch);
}

absl::StatusOr<Principal> Identity::AuthenticateCertificate(std::string_view pem) const {
  auto subject = keys::CertificateSubject(pem);
  if (!subject.ok()) return Unauthenticated();
  auto id = store_->Get(Space::kIndex, CertificateKey(*subject));
  if (id.status().code() == absl::StatusCode::kNotFound) return Unauthenticated();
  if (!id.ok()) return absl::UnavailableError("credential store unavailable");
  auto prn = LoadPrincipal(*id);
  if (!prn.ok()) return Unauthenticated();
  bool mapped = false;
  for (const auto& s : prn->certificate_subjects()) mapped |= (s == *subject);
  if (!mapped || prn->organization_id().empty() || prn->disabled()) return Unauthenticated();
  auto org = registry_->LoadOrganization(prn->organization_id());
  if (!org.ok() || org->client_ca_pem().empty()) return Unauthenticated();
  HOIDLA_RETURN_IF_ERROR(keys::VerifyIssuedBy(pem, org->client_ca_pem(), org->crl_pem(),
                                              clock_->NowMicros() / 1000000));
  return PrincipalFromRecord(*prn);
}

absl::StatusOr<Principal> Identity::ActFor(const Principal& caller,
                                           std::string_view user_id) const {
  auto denied = [] {
    return absl::PermissionDeniedError("x-hoidla-act-for: the caller may not act for this user");
  };
  if (caller.kind != v1::PRINCIPAL_KIND_SERVICE_ACCOUNT || !caller.may_act_for_users) {
    return denied();
  }
  if (!ValidateId(user_id, IdKind::kPrincipal, "x-hoidla-act-for").ok()) return denied();
  auto user = LoadPrincipal(user_id);
  if (user.status().code() == absl::StatusCode::kNotFound) return denied();
  if (!user.ok()) return user.status();
  // Users of the service account's own organisation, never another service
  // account (no chains).
  if (user->organization_id() != caller.organization_id ||
      user->kind() == v1::PRINCIPAL_KIND_SERVICE_ACCOUNT || user->disabled() ||
      !user->client_id().empty()) {
    return denied();
  }
  return PrincipalFromRecord(*user);
}

absl::StatusOr<std::optional<std::string>> Identity::CreateBootstrapAdministrator(
    std::string_view display_name, int64_t ttl_seconds, audit::AuditLog* log) {
  if (ttl_seconds < 1 || ttl_seconds > kMaxTokenTtlSeconds) {
    return absl::InvalidArgumentError(
        StrCat("bootstrap token ttl: must be 1 to ", kMaxTokenTtlSeconds, " seconds"));
  }
  auto done = store_->Get(Space::kMeta, BootstrapKey());
  if (done.ok()) return std::optional<std::string>();
  if (done.status().code() != absl::StatusCode::kNotFound) return done.status();
  rec::PrincipalRecord prn;
  prn.set_id(NewId(IdKind::kPrincipal, *clock_));
  prn.set_display_name(std::string(display_name));
  prn.set_kind(v1::PRINCIPAL_KIND_STAFF);
  prn.add_memberships()->set_role(std::string(RoleName(Role::kSystemAdministrator)));
  prn.set_created_at_micros(clock_->NowMicros());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kPrincipalKind, prn.id(), keys::kSystemSubject, prn, &batch));
  std::string token, token_id;
  HOIDLA_RETURN_IF_ERROR(AddToken(prn.id(), clock_->NowMicros() + ttl_seconds * 1000000,
                                  v1::TOKEN_KIND_BOOTSTRAP, "", "", &batch, &token, &token_id));
  batch.Put(Space::kMeta, BootstrapKey(), prn.id());
  if (log == nullptr) {
    HOIDLA_RETURN_IF_ERROR(store_->Write(batch));
  } else {
    // The first administrator's credential is on the record like any other.
    audit::Entry e;
    e.set_method("Bootstrap");
    e.set_action("bootstrap");
    e.set_object_id(prn.id());
    e.set_allowed(true);
    e.set_reason("first_start");
    e.set_status("OK");
    auto* g = e.mutable_grant();
    g->set_kind("bootstrap_token");
    g->set_principal_id(prn.id());
    g->set_role(std::string(RoleName(Role::kSystemAdministrator)));
    g->set_token_id(token_id);
    g->set_state("issued");
    HOIDLA_RETURN_IF_ERROR(log->Commit(std::move(e), std::move(batch)).status());
  }
  return std::optional<std::string>(std::move(token));
}

absl::StatusOr<v1::WhoAmIResponse> Identity::WhoAmI(const RequestContext& ctx) {
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kWhoAmI, {}));
  HOIDLA_ASSIGN_OR_RETURN(auto r, LoadPrincipal(ctx.principal.id));
  v1::WhoAmIResponse out;
  out.set_principal_id(r.id());
  out.set_display_name(r.display_name());
  for (const auto& m : r.memberships()) out.add_roles(m.role());
  *out.mutable_principal() = PrincipalToApi(r);
  out.set_acting_through(ctx.acting_through);
  return out;
}

absl::Status Identity::ValidateMembership(const v1::Membership& m, std::string_view field) const {
  auto role = ParseRole(m.role());
  if (!role) return FieldError(StrCat(field, ".role"), "unknown role");
  const std::string org_field = StrCat(field, ".organization_id");
  const std::string project_field = StrCat(field, ".project_id");
  switch (ScopeOf(*role)) {
    case RoleScope::kDeployment:
      if (!m.organization_id().empty()) return FieldError(org_field, "must be empty for this role");
      if (!m.project_id().empty()) return FieldError(project_field, "must be empty for this role");
      return absl::OkStatus();
    case RoleScope::kOrganization:
      HOIDLA_RETURN_IF_ERROR(ValidateId(m.organization_id(), IdKind::kOrganization, org_field));
      if (!m.project_id().empty()) return FieldError(project_field, "must be empty for this role");
      return absl::OkStatus();
    case RoleScope::kProject:
      HOIDLA_RETURN_IF_ERROR(ValidateId(m.organization_id(), IdKind::kOrganization, org_field));
      return ValidateId(m.project_id(), IdKind::kProject, project_field);
  }
  return absl::OkStatus();
}

absl::Status Identity::CheckMembershipScope(const RequestContext& ctx, const v1::Membership& m,
                                            std::string_view field) const {
  const Role role = *ParseRole(m.role());
  const RoleScope scope = ScopeOf(role);
  const std::string org_field = StrCat(field, ".organization_id");
  const std::string project_field = StrCat(field, ".project_id");
  // First whether the caller may grant this at all (PERMISSION_DENIED before
  // any lookup), then whether the scope is one the caller may see.
  Target target{
      .organization_id = m.organization_id(), .project_id = m.project_id(), .granted_scope = scope};
  Decision d = policy_->Decide(ctx.principal, Action::kManageMemberships, target);
  // Recorded in the call's entry whatever the outcome.
  absl::Status checked = policy_->Check(ctx, Action::kManageMemberships, target);
  if (!d.allowed) {
    if (d.deny == DenyReason::kNoRole) return checked;
    // A role that manages memberships, but never of this breadth (a project
    // manager granting an organisation role): PERMISSION_DENIED.
    bool could_grant = false;
    for (const auto& have : ctx.principal.memberships) {
      if (!Policy::Grants(have.role, Action::kManageMemberships)) continue;
      RoleScope mine = ScopeOf(have.role);
      could_grant |= mine == RoleScope::kDeployment ||
                     (mine == RoleScope::kOrganization && scope != RoleScope::kDeployment) ||
                     (mine == RoleScope::kProject && scope == RoleScope::kProject);
    }
    if (!could_grant) {
      return absl::PermissionDeniedError(
          StrCat(field, ".role: the caller may not grant roles of this breadth"));
    }
    return absl::NotFoundError(
        StrCat(scope == RoleScope::kProject ? project_field : org_field, ": not found"));
  }
  if (scope == RoleScope::kDeployment) return absl::OkStatus();
  HOIDLA_RETURN_IF_ERROR(
      ReferencedField(registry_->LoadOrganization(m.organization_id()).status(), org_field));
  if (scope == RoleScope::kProject) {
    auto p = registry_->LoadProject(m.project_id());
    HOIDLA_RETURN_IF_ERROR(ReferencedField(p.status(), project_field));
    if (p->organization_id() != m.organization_id()) {
      // Only a caller who may see that project learns where it belongs.
      if (!policy_
               ->Decide(ctx.principal, Action::kReadProject,
                        {.organization_id = p->organization_id(), .project_id = p->id()})
               .allowed) {
        return absl::NotFoundError(StrCat(project_field, ": not found"));
      }
      return FieldError(project_field, "project belongs to another organisation");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Principal> Identity::CreatePrincipal(const RequestContext& ctx,
                                                        const v1::CreatePrincipalRequest& req) {
  if (!req.has_principal()) return FieldError("principal", "required");
  const auto& p = req.principal();
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("principal.id", p.id().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("principal.memberships", p.memberships().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("principal.created_at", !p.has_created_at()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("principal.created_by", p.created_by().empty()));
  if (p.kind() == v1::PRINCIPAL_KIND_UNSPECIFIED || !v1::PrincipalKind_IsValid(p.kind())) {
    return FieldError("principal.kind",
                      "required: staff, partner worker, service account or data subject");
  }
  if (p.kind() == v1::PRINCIPAL_KIND_DATA_SUBJECT) {
    // Nobody creates an account that acts as a client: the client signs in
    // with an identity assertion they control (ExchangeIdToken).
    HOIDLA_RETURN_IF_ERROR(
        policy_->Check(ctx, Action::kManagePrincipals, {}, absl::StatusCode::kPermissionDenied));
    return absl::PermissionDeniedError(
        "principal.kind: a data subject signs in with their own identity provider; no "
        "account acting as a client can be created");
  }
  if (!p.client_id().empty()) {
    return FieldError("principal.client_id", "output only");
  }
  HOIDLA_RETURN_IF_ERROR(ValidateText("principal.display_name", p.display_name(), true, 200));
  if (!p.organization_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(
        ValidateId(p.organization_id(), IdKind::kOrganization, "principal.organization_id"));
  }
  if (p.may_act_for_users() &&
      (p.kind() != v1::PRINCIPAL_KIND_SERVICE_ACCOUNT || p.organization_id().empty())) {
    return FieldError("principal.may_act_for_users",
                      "only a service account of an organisation may act for users");
  }
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kManagePrincipals,
                                        {.organization_id = p.organization_id()},
                                        absl::StatusCode::kPermissionDenied));
  if (!p.organization_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ReferencedField(
        registry_->LoadOrganization(p.organization_id()).status(), "principal.organization_id"));
  }
  if (p.may_act_for_users()) {
    // Acting for users is a grant: at once only while the organisation is
    // being enrolled.
    v1::GrantRequest g;
    g.set_organization_id(p.organization_id());
    g.mutable_act_for();
    HOIDLA_ASSIGN_OR_RETURN(
        bool needs, NeedsApproval(g, {p.organization_id(), ""}, "principal.may_act_for_users"));
    if (needs) {
      return WithReason(
          absl::FailedPreconditionError(
              "principal.may_act_for_users: needs a second person's approval: create the account "
              "without it, then request act_for with CreateGrantRequest"),
          kReasonNeedsApproval);
    }
  }
  rec::PrincipalRecord r;
  r.set_id(NewId(IdKind::kPrincipal, *clock_));
  r.set_display_name(p.display_name());
  r.set_kind(p.kind());
  r.set_organization_id(p.organization_id());
  r.set_may_act_for_users(p.may_act_for_users());
  r.set_created_at_micros(clock_->NowMicros());
  r.set_created_by(ctx.principal.id);
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kPrincipalKind, r.id(), keys::kSystemSubject, r, &batch));
  if (!r.organization_id().empty()) {
    batch.Put(Space::kIndex, PrincipalOrgIndex(r.organization_id(), r.id()), "");
  }
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return PrincipalToApi(r);
}

absl::StatusOr<v1::Principal> Identity::GetPrincipal(const RequestContext& ctx,
                                                     const v1::GetPrincipalRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kPrincipal, "id"));
  auto r = LoadPrincipal(req.id());
  Target target{.object_id = req.id()};
  if (r.ok()) target = PrincipalTarget(*r);
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReadPrincipals, target));
  if (!r.ok()) return r.status();
  return PrincipalToApi(*r);
}

absl::StatusOr<v1::ListPrincipalsResponse> Identity::ListPrincipals(
    const RequestContext& ctx, const v1::ListPrincipalsRequest& req) {
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  std::string prefix = storage::layout::KindPrefix(kPrincipalKind);
  Space space = Space::kMeta;
  if (!req.organization_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(
        ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
    prefix = storage::layout::identity::kPrincipalsOfOrganization.Prefix(req.organization_id());
    space = Space::kIndex;
  }
  HOIDLA_RETURN_IF_ERROR(
      policy_->Check(ctx, Action::kReadPrincipals, {.organization_id = req.organization_id()}));
  v1::ListPrincipalsResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(store_, space, prefix, IdKind::kPrincipal, req.page_token(), page_size,
               [&](std::string_view id) -> absl::StatusOr<bool> {
                 HOIDLA_ASSIGN_OR_RETURN(auto r, LoadPrincipal(id));
                 if (!policy_->Decide(ctx.principal, Action::kReadPrincipals, PrincipalTarget(r))
                          .allowed) {
                   return false;
                 }
                 *out.add_principals() = PrincipalToApi(r);
                 return true;
               }));
  out.set_next_page_token(next);
  return out;
}

absl::StatusOr<v1::Principal> Identity::AddMembership(const RequestContext& ctx,
                                                      const v1::AddMembershipRequest& req) {
  v1::GrantRequest g;
  g.mutable_membership()->set_principal_id(req.id());
  if (req.has_membership()) *g.mutable_membership()->mutable_membership() = req.membership();
  GrantScope scope;
  HOIDLA_RETURN_IF_ERROR(ValidateGrant(ctx, g, &scope));
  HOIDLA_ASSIGN_OR_RETURN(bool needs, NeedsApproval(g, scope, "membership"));
  if (needs) {
    return WithReason(
        absl::FailedPreconditionError(
            "membership: needs a second person's approval: request it with CreateGrantRequest"),
        kReasonNeedsApproval);
  }
  HOIDLA_RETURN_IF_ERROR(ApplyNow(ctx, g, scope, {}));
  HOIDLA_ASSIGN_OR_RETURN(auto r, LoadPrincipal(req.id()));
  return PrincipalToApi(r);
}

absl::StatusOr<v1::Principal> Identity::RemoveMembership(const RequestContext& ctx,
                                                         const v1::RemoveMembershipRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kPrincipal, "id"));
  if (!req.has_membership()) return FieldError("membership", "required");
  HOIDLA_RETURN_IF_ERROR(ValidateMembership(req.membership(), "membership"));
  HOIDLA_RETURN_IF_ERROR(CheckMembershipScope(ctx, req.membership(), "membership"));
  absl::MutexLock lock(&membership_mu_);
  auto r = LoadVisiblePrincipal(ctx, Action::kReadPrincipals, req.id());
  HOIDLA_RETURN_IF_ERROR(r.status());
  const auto& m = req.membership();
  if (ctx.audit != nullptr) {
    auto* g = ctx.audit->entry.mutable_grant();
    g->set_kind("membership_removed");
    g->set_principal_id(r->id());
    g->set_role(m.role());
    g->set_organization_id(m.organization_id());
    g->set_project_id(m.project_id());
    g->set_requested_by(ctx.principal.id);
    g->set_state("applied");
  }
  auto* ms = r->mutable_memberships();
  for (int i = 0; i < ms->size(); ++i) {
    const auto& have = ms->Get(i);
    if (have.role() == m.role() && have.organization_id() == m.organization_id() &&
        have.project_id() == m.project_id()) {
      ms->DeleteSubrange(i, 1);
      storage::WriteBatch batch;
      HOIDLA_RETURN_IF_ERROR(
          records_.Put(kPrincipalKind, r->id(), keys::kSystemSubject, *r, &batch));
      HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
      return PrincipalToApi(*r);
    }
  }
  return absl::NotFoundError("membership: the principal does not hold it");
}

}  // namespace hoidla::core
