// Identity: grants under four eyes, credentials and signing in. See
// identity.h and identity.proto ("Grant requests").
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/escaping.h"
#include "base/error_reason.h"
#include "base/ids.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "keys/crypto.h"
#include "keys/jwt.h"
#include "keys/x509.h"
#include "vault/access/paging.h"
#include "vault/audit/audit_log.h"
#include "vault/directory/isikukood.h"
#include "vault/identity/identity.h"
#include "vault/identity/identity_keys.h"

namespace hoidla::core {
namespace {

using identity_internal::CertificateKey;
using identity_internal::kMaxTokenTtlSeconds;
using identity_internal::kPrincipalKind;
using identity_internal::PrincipalOrgIndex;
using identity_internal::Sha256Hex;
using identity_internal::TokenPrincipalPrefix;
using identity_internal::Unauthenticated;
using storage::Space;
constexpr std::string_view kGrantKind = storage::layout::identity::kGrantRequest;
constexpr int64_t kMaxSessionTtlSeconds = 12LL * 3600;
constexpr int64_t kDefaultSessionTtlSeconds = 3600;
constexpr size_t kMaxIdTokenBytes = 16 * 1024;
constexpr int64_t kGrantRequestLifetimeMicros = 7LL * 24 * 3600 * 1000000;

std::string IssuerKey(std::string_view issuer) {
  return storage::layout::identity::kIssuer.Key(Sha256Hex(issuer));
}
std::string GrantOrgIndex(std::string_view org, std::string_view id) {
  return storage::layout::identity::kGrantRequestsOfOrganization.Key(org, id);
}
std::string SubjectPrincipalIndex(std::string_view client_id) {
  return storage::layout::identity::kSubjectPrincipal.Key(client_id);
}

std::string_view GrantKindName(const v1::GrantRequest& g) {
  switch (g.grant_case()) {
    case v1::GrantRequest::kMembership:
      return "membership";
    case v1::GrantRequest::kCertificate:
      return "certificate";
    case v1::GrantRequest::kClientCa:
      return "client_ca";
    case v1::GrantRequest::kIdentityProvider:
      return "identity_provider";
    case v1::GrantRequest::kActFor:
      return "act_for";
    case v1::GrantRequest::kServiceToken:
      return "service_token";
    case v1::GrantRequest::GRANT_NOT_SET:
      break;
  }
  return "none";
}

std::string_view StateName(v1::GrantRequestState s) {
  switch (s) {
    case v1::GRANT_REQUEST_STATE_PENDING:
      return "pending";  // not a storage key
    case v1::GRANT_REQUEST_STATE_APPROVED:
      return "approved";
    case v1::GRANT_REQUEST_STATE_APPLIED:
      return "applied";
    case v1::GRANT_REQUEST_STATE_DENIED:
      return "denied";
    case v1::GRANT_REQUEST_STATE_WITHDRAWN:
      return "withdrawn";
    case v1::GRANT_REQUEST_STATE_EXPIRED:
      return "expired";
    default:
      return "unspecified";
  }
}

void RecordDecision(const RequestContext& ctx, std::string_view action, std::string_view org,
                    std::string_view object, std::string_view reason) {
  if (ctx.audit == nullptr) return;
  auto& e = ctx.audit->entry;
  e.set_action(std::string(action));
  e.set_organization_id(std::string(org));
  e.set_object_id(std::string(object));
  e.set_allowed(true);
  e.set_reason(std::string(reason));
}

// The `iss` of a compact JWT, read before its signature is checked: only
// to choose the provider whose keys then verify it. Empty when unreadable.
std::string PeekIssuer(std::string_view jwt) {
  size_t a = jwt.find('.');
  if (a == std::string_view::npos) return "";
  size_t b = jwt.find('.', a + 1);
  if (b == std::string_view::npos) return "";
  std::string payload;
  std::string_view part = jwt.substr(a + 1, b - a - 1);
  if (!absl::WebSafeBase64Unescape(absl::string_view(part.data(), part.size()), &payload)) {
    return "";
  }
  auto j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return "";
  auto it = j.find("iss");
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

void Identity::SetSubjectIdentityProvider(SubjectIdentityProvider idp) {
  subject_idp_ = std::move(idp);
}

// ---------------------------------------------------------------------------
// Helpers

void Identity::NoteGrant(const RequestContext& ctx, const v1::GrantRequest& g,
                         std::string_view state) {
  if (ctx.audit == nullptr) return;
  auto* out = ctx.audit->entry.mutable_grant();
  out->set_kind(std::string(GrantKindName(g)));
  out->set_principal_id(g.principal_id());
  out->set_organization_id(g.organization_id());
  if (g.has_membership()) {
    out->set_role(g.membership().membership().role());
    out->set_organization_id(g.membership().membership().organization_id());
    out->set_project_id(g.membership().membership().project_id());
  }
  if (g.has_service_token()) out->set_token_id(g.service_token().token_id());
  out->set_grant_request_id(g.id());
  out->set_requested_by(g.requested_by().empty() ? ctx.principal.id : g.requested_by());
  if (g.state() == v1::GRANT_REQUEST_STATE_APPROVED) out->set_approved_by(g.decided_by());
  out->set_state(std::string(state));
}

void Identity::NoteCredential(const RequestContext& ctx, std::string_view kind,
                              std::string_view principal_id, std::string_view token_id,
                              std::string_view state, std::string_view organization_id) {
  if (ctx.audit == nullptr) return;
  auto* g = ctx.audit->entry.mutable_grant();
  g->set_kind(std::string(kind));
  g->set_principal_id(std::string(principal_id));
  g->set_token_id(std::string(token_id));
  g->set_organization_id(std::string(organization_id));
  g->set_requested_by(ctx.principal.id);
  g->set_state(std::string(state));
}

absl::StatusOr<bool> Identity::NeedsApproval(const v1::GrantRequest& g, const GrantScope& scope,
                                             std::string_view field) const {
  // Deployment-wide roles reach no client data.
  if (scope.organization_id.empty()) return false;
  // Once its first head is enrolled an organisation stays enrolled: taking
  // its heads away never reopens the window.
  HOIDLA_ASSIGN_OR_RETURN(auto org, registry_->LoadOrganization(scope.organization_id));
  if (org.enrolled_at_micros() != 0) return true;
  HOIDLA_ASSIGN_OR_RETURN(bool data, registry_->HoldsClientData(scope.organization_id));
  if (data) return true;
  // An organisation being enrolled: its first head, a staff member's
  // certificate (the head's way in where there is no identity provider) and
  // its trust anchors apply at once. Everything else waits for a head to
  // approve it: made now, it would outlive the enrolment unapproved.
  const bool at_once = g.has_client_ca() || g.has_identity_provider() ||
                       (g.has_membership() && g.membership().membership().role() ==
                                                  RoleName(Role::kHeadOfOrganization)) ||
                       (g.has_certificate() && scope.principal_kind == v1::PRINCIPAL_KIND_STAFF);
  if (!at_once) {
    return absl::FailedPreconditionError(
        StrCat(field,
               ": the organisation has no head of organisation to approve grants yet: "
               "enrol its first head first"));
  }
  return false;
}

absl::Status Identity::ValidateGrant(const RequestContext& ctx, const v1::GrantRequest& g,
                                     GrantScope* scope) const {
  switch (g.grant_case()) {
    case v1::GrantRequest::kMembership: {
      const auto& mg = g.membership();
      const std::string f = "grant_request.membership";
      HOIDLA_RETURN_IF_ERROR(
          ValidateId(mg.principal_id(), IdKind::kPrincipal, StrCat(f, ".principal_id")));
      if (!mg.has_membership()) return FieldError(StrCat(f, ".membership"), "required");
      HOIDLA_RETURN_IF_ERROR(ValidateMembership(mg.membership(), "membership"));
      HOIDLA_RETURN_IF_ERROR(CheckMembershipScope(ctx, mg.membership(), "membership"));
      auto r = LoadVisiblePrincipal(ctx, Action::kReadPrincipals, mg.principal_id());
      HOIDLA_RETURN_IF_ERROR(r.status());
      const auto& m = mg.membership();
      if (!r->client_id().empty()) {
        return absl::FailedPreconditionError("principal_id: a data subject holds no roles");
      }
      if (r->disabled()) return absl::FailedPreconditionError("principal_id: disabled");
      // Approvers are people: a service account never heads an
      // organisation (it would be the "second person" of every grant).
      if (m.role() == RoleName(Role::kHeadOfOrganization) &&
          r->kind() != v1::PRINCIPAL_KIND_STAFF) {
        return FieldError("membership.role", "a head of organisation is a staff member");
      }
      if (ScopeOf(*ParseRole(m.role())) != RoleScope::kDeployment &&
          m.organization_id() != r->organization_id()) {
        return FieldError("membership.organization_id",
                          "the principal works for another organisation");
      }
      for (const auto& have : r->memberships()) {
        if (have.role() == m.role() && have.organization_id() == m.organization_id() &&
            have.project_id() == m.project_id()) {
          return absl::AlreadyExistsError("membership: the principal holds it already");
        }
      }
      scope->organization_id = m.organization_id();
      scope->principal_id = r->id();
      scope->principal_kind = static_cast<v1::PrincipalKind>(r->kind());
      return absl::OkStatus();
    }
    case v1::GrantRequest::kCertificate: {
      const auto& cg = g.certificate();
      HOIDLA_RETURN_IF_ERROR(ValidateId(cg.principal_id(), IdKind::kPrincipal, "principal_id"));
      HOIDLA_RETURN_IF_ERROR(ValidateText("subject", cg.subject(), true, 1024));
      HOIDLA_RETURN_IF_ERROR(
          policy_->Check(ctx, Action::kManagePrincipals, {}, absl::StatusCode::kPermissionDenied));
      auto r = LoadVisiblePrincipal(ctx, Action::kManagePrincipals, cg.principal_id());
      HOIDLA_RETURN_IF_ERROR(r.status());
      if (r->organization_id().empty() || !r->client_id().empty()) {
        return FieldError("principal_id", "only principals of an organisation use certificates");
      }
      if (r->disabled()) return absl::FailedPreconditionError("principal_id: disabled");
      auto existing = store_->Get(Space::kIndex, CertificateKey(cg.subject()));
      if (existing.ok()) return absl::AlreadyExistsError("subject: mapped already");
      if (existing.status().code() != absl::StatusCode::kNotFound) return existing.status();
      scope->organization_id = r->organization_id();
      scope->principal_id = r->id();
      scope->principal_kind = static_cast<v1::PrincipalKind>(r->kind());
      return absl::OkStatus();
    }
    case v1::GrantRequest::kClientCa:
    case v1::GrantRequest::kIdentityProvider: {
      HOIDLA_RETURN_IF_ERROR(
          ValidateId(g.organization_id(), IdKind::kOrganization, "organization_id"));
      if (g.has_client_ca()) {
        const auto& pem = g.client_ca().ca_pem();
        if (pem.empty()) return FieldError("ca_pem", "required");
        if (pem.size() > 64 * 1024) return FieldError("ca_pem", "longer than 65536 bytes");
        HOIDLA_RETURN_IF_ERROR(keys::ValidateCaCertificate(pem, "ca_pem"));
      } else {
        const auto& idp = g.identity_provider();
        const std::string f = "identity_provider";
        HOIDLA_RETURN_IF_ERROR(ValidateText(StrCat(f, ".issuer"), idp.issuer(), true, 500));
        if (!idp.issuer().starts_with("https://")) {
          return FieldError(StrCat(f, ".issuer"), "must be an https URL");
        }
        if (idp.issuer() == subject_idp_.issuer) {
          return FieldError(StrCat(f, ".issuer"), "is the data subjects' identity provider");
        }
        HOIDLA_RETURN_IF_ERROR(ValidateText(StrCat(f, ".audience"), idp.audience(), true, 200));
        if (idp.jwks_json().size() > 64 * 1024) {
          return FieldError(StrCat(f, ".jwks_json"), "longer than 65536 bytes");
        }
        HOIDLA_RETURN_IF_ERROR(keys::ValidateJwks(idp.jwks_json(), StrCat(f, ".jwks_json")));
        if (!idp.principal_id_claim().empty()) {
          HOIDLA_RETURN_IF_ERROR(
              ValidateSlug(StrCat(f, ".principal_id_claim"), idp.principal_id_claim(), 64));
          // Claims whose value the person (nonce), the relying party (aud,
          // azp) or the protocol fixes, or that a person may set at the
          // provider themselves (e-mail, names): naming the account by
          // one of them would let someone pick whose account they sign
          // in to.
          static constexpr std::string_view kRefused[] = {"iss",
                                                          "aud",
                                                          "exp",
                                                          "nbf",
                                                          "iat",
                                                          "jti",
                                                          "nonce",
                                                          "azp",
                                                          "acr",
                                                          "amr",
                                                          "at_hash",
                                                          "c_hash",
                                                          "s_hash",
                                                          "auth_time",
                                                          "sid",
                                                          "email",
                                                          "email_verified",
                                                          "name",
                                                          "given_name",
                                                          "family_name",
                                                          "nickname",
                                                          "preferred_username",
                                                          "profile",
                                                          "picture",
                                                          "website",
                                                          "phone_number",
                                                          "address",
                                                          "locale",
                                                          "zoneinfo",
                                                          "updated_at",
                                                          "typ",
                                                          "cnf"};
          for (std::string_view r : kRefused) {
            if (idp.principal_id_claim() == r) {
              return FieldError(StrCat(f, ".principal_id_claim"),
                                "names a protocol or user-editable claim: use sub or a "
                                "claim the provider sets from its own directory");
            }
          }
        }
      }
      HOIDLA_RETURN_IF_ERROR(ReferencedField(
          policy_->Check(ctx, Action::kWriteOrganization, {.organization_id = g.organization_id()}),
          "organization_id"));
      HOIDLA_RETURN_IF_ERROR(ReferencedField(
          registry_->LoadOrganization(g.organization_id()).status(), "organization_id"));
      if (g.has_identity_provider()) {
        auto owner = store_->Get(Space::kIndex, IssuerKey(g.identity_provider().issuer()));
        if (owner.ok() && *owner != g.organization_id()) {
          return absl::AlreadyExistsError(
              "identity_provider.issuer: another organisation uses this "
              "issuer");
        }
        if (!owner.ok() && owner.status().code() != absl::StatusCode::kNotFound) {
          return owner.status();
        }
      }
      scope->organization_id = g.organization_id();
      return absl::OkStatus();
    }
    case v1::GrantRequest::kActFor:
    case v1::GrantRequest::kServiceToken: {
      const std::string& id =
          g.has_act_for() ? g.act_for().principal_id() : g.service_token().principal_id();
      HOIDLA_RETURN_IF_ERROR(ValidateId(id, IdKind::kPrincipal, "principal_id"));
      const Action action = g.has_act_for() ? Action::kManagePrincipals : Action::kManageTokens;
      if (g.has_service_token() && (g.service_token().ttl_seconds() < 1 ||
                                    g.service_token().ttl_seconds() > kMaxTokenTtlSeconds)) {
        return FieldError("ttl_seconds", StrCat("must be 1 to ", kMaxTokenTtlSeconds));
      }
      HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, action, {}, absl::StatusCode::kPermissionDenied));
      auto r = LoadVisiblePrincipal(ctx, action, id);
      HOIDLA_RETURN_IF_ERROR(r.status());
      if (r->kind() != v1::PRINCIPAL_KIND_SERVICE_ACCOUNT) {
        return absl::PermissionDeniedError(
            "principal_id: nobody issues a token for, or acts as, another "
            "person; people sign in "
            "with their organisation's identity provider or certificate");
      }
      if (g.has_act_for() && r->organization_id().empty()) {
        return FieldError("principal_id",
                          "only a service account of an organisation acts for users");
      }
      if (g.has_act_for() && r->may_act_for_users()) {
        return absl::AlreadyExistsError("principal_id: may act for users already");
      }
      if (r->disabled()) return absl::FailedPreconditionError("principal_id: disabled");
      scope->organization_id = r->organization_id();
      scope->principal_id = r->id();
      scope->principal_kind = static_cast<v1::PrincipalKind>(r->kind());
      return absl::OkStatus();
    }
    case v1::GrantRequest::GRANT_NOT_SET:
      break;
  }
  return FieldError("grant_request.grant",
                    "required: one of membership, certificate, client_ca, identity_provider, "
                    "act_for, service_token");
}

absl::Status Identity::ApplyGrant(const v1::GrantRequest& g, storage::WriteBatch* batch) {
  switch (g.grant_case()) {
    case v1::GrantRequest::kMembership: {
      HOIDLA_ASSIGN_OR_RETURN(auto r, LoadPrincipal(g.membership().principal_id()));
      if (r.disabled()) return absl::FailedPreconditionError("principal_id: disabled");
      const auto& m = g.membership().membership();
      for (const auto& have : r.memberships()) {
        if (have.role() == m.role() && have.organization_id() == m.organization_id() &&
            have.project_id() == m.project_id()) {
          return absl::AlreadyExistsError("membership: the principal holds it already");
        }
      }
      auto* added = r.add_memberships();
      added->set_organization_id(m.organization_id());
      added->set_project_id(m.project_id());
      added->set_role(m.role());
      if (m.role() == RoleName(Role::kHeadOfOrganization)) {
        HOIDLA_ASSIGN_OR_RETURN(auto org, registry_->LoadOrganization(m.organization_id()));
        if (org.enrolled_at_micros() == 0) {
          org.set_enrolled_at_micros(clock_->NowMicros());
          HOIDLA_RETURN_IF_ERROR(registry_->PutOrganization(org, batch));
        }
      }
      return records_.Put(kPrincipalKind, r.id(), keys::kSystemSubject, r, batch);
    }
    case v1::GrantRequest::kCertificate: {
      HOIDLA_ASSIGN_OR_RETURN(auto r, LoadPrincipal(g.certificate().principal_id()));
      if (r.disabled()) return absl::FailedPreconditionError("principal_id: disabled");
      const std::string key = CertificateKey(g.certificate().subject());
      auto existing = store_->Get(Space::kIndex, key);
      if (existing.ok()) return absl::AlreadyExistsError("subject: mapped already");
      if (existing.status().code() != absl::StatusCode::kNotFound) return existing.status();
      r.add_certificate_subjects(g.certificate().subject());
      HOIDLA_RETURN_IF_ERROR(records_.Put(kPrincipalKind, r.id(), keys::kSystemSubject, r, batch));
      batch->Put(Space::kIndex, key, r.id());
      return absl::OkStatus();
    }
    case v1::GrantRequest::kClientCa: {
      HOIDLA_ASSIGN_OR_RETURN(auto org, registry_->LoadOrganization(g.organization_id()));
      org.set_client_ca_pem(g.client_ca().ca_pem());
      return registry_->PutOrganization(org, batch);
    }
    case v1::GrantRequest::kIdentityProvider: {
      HOIDLA_ASSIGN_OR_RETURN(auto org, registry_->LoadOrganization(g.organization_id()));
      const auto& idp = g.identity_provider();
      const std::string key = IssuerKey(idp.issuer());
      auto owner = store_->Get(Space::kIndex, key);
      if (owner.ok() && *owner != org.id()) {
        return absl::AlreadyExistsError(
            "identity_provider.issuer: another organisation uses this issuer");
      }
      if (!owner.ok() && owner.status().code() != absl::StatusCode::kNotFound) {
        return owner.status();
      }
      if (!org.idp_issuer().empty() && org.idp_issuer() != idp.issuer()) {
        batch->Delete(Space::kIndex, IssuerKey(org.idp_issuer()));
      }
      org.set_idp_issuer(idp.issuer());
      org.set_idp_audience(idp.audience());
      org.set_idp_jwks_json(idp.jwks_json());
      org.set_idp_principal_id_claim(idp.principal_id_claim());
      batch->Put(Space::kIndex, key, org.id());
      return registry_->PutOrganization(org, batch);
    }
    case v1::GrantRequest::kActFor: {
      HOIDLA_ASSIGN_OR_RETURN(auto r, LoadPrincipal(g.act_for().principal_id()));
      if (r.disabled()) return absl::FailedPreconditionError("principal_id: disabled");
      r.set_may_act_for_users(true);
      return records_.Put(kPrincipalKind, r.id(), keys::kSystemSubject, r, batch);
    }
    case v1::GrantRequest::kServiceToken: {
      HOIDLA_ASSIGN_OR_RETURN(auto tok, LoadTokenById(g.service_token().token_id()));
      if (tok.second.revoked()) return absl::FailedPreconditionError("token_id: revoked");
      tok.second.clear_pending_grant_id();
      return PutToken(tok.first, tok.second, batch);
    }
    case v1::GrantRequest::GRANT_NOT_SET:
      break;
  }
  return absl::InternalError("grant request without a grant");
}

absl::Status Identity::ApplyNow(const RequestContext& ctx, const v1::GrantRequest& g,
                                const GrantScope& scope, storage::WriteBatch batch) {
  absl::MutexLock lock(&membership_mu_);
  v1::GrantRequest noted = g;
  noted.set_principal_id(scope.principal_id);
  noted.set_organization_id(scope.organization_id);
  HOIDLA_RETURN_IF_ERROR(ApplyGrant(g, &batch));
  NoteGrant(ctx, noted, "applied");
  return audit::CommitEffect(ctx.audit, store_, std::move(batch));
}

absl::StatusOr<v1::GrantRequest> Identity::LoadGrantRequest(std::string_view id) const {
  v1::GrantRequest g;
  HOIDLA_RETURN_IF_ERROR(records_.Get(kGrantKind, id, keys::kSystemSubject, &g));
  if (g.id() != id) return absl::DataLossError("stored grant request does not match its key");
  ExpireIfDue(&g);
  return g;
}

absl::Status Identity::PutGrantRequest(const v1::GrantRequest& g,
                                       storage::WriteBatch* batch) const {
  HOIDLA_RETURN_IF_ERROR(records_.Put(kGrantKind, g.id(), keys::kSystemSubject, g, batch));
  batch->Put(Space::kIndex, GrantOrgIndex(g.organization_id(), g.id()), "");
  return absl::OkStatus();
}

void Identity::ExpireIfDue(v1::GrantRequest* g) const {
  if (g->state() != v1::GRANT_REQUEST_STATE_PENDING) return;
  const int64_t expires = g->expires_at().seconds() * 1000000 + g->expires_at().nanos() / 1000;
  if (clock_->NowMicros() >= expires) g->set_state(v1::GRANT_REQUEST_STATE_EXPIRED);
}

Target Identity::GrantTarget(const absl::StatusOr<v1::GrantRequest>& g, std::string_view id) {
  if (!g.ok()) return {.object_id = std::string(id)};
  return {.organization_id = g->organization_id(),
          .object_id = g->id(),
          .owner_principal_id = g->requested_by()};
}

absl::StatusOr<rec::PrincipalRecord> Identity::LoadForCredentialAdmin(const RequestContext& ctx,
                                                                      std::string_view id) const {
  auto r = LoadPrincipal(id);
  Target t{.object_id = std::string(id), .owner_principal_id = std::string(id)};
  if (r.ok()) {
    t = PrincipalTarget(*r);
    t.owner_principal_id = r->id();
  }
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kAdministerCredentials, t));
  return r;
}

// ---------------------------------------------------------------------------
// Direct grants (no approval needed)

absl::StatusOr<v1::Principal> Identity::MapCertificate(const RequestContext& ctx,
                                                       const v1::MapCertificateRequest& req) {
  v1::GrantRequest g;
  g.mutable_certificate()->set_principal_id(req.id());
  g.mutable_certificate()->set_subject(req.subject());
  GrantScope scope;
  HOIDLA_RETURN_IF_ERROR(ValidateGrant(ctx, g, &scope));
  HOIDLA_ASSIGN_OR_RETURN(bool needs, NeedsApproval(g, scope, "subject"));
  if (needs) {
    return WithReason(
        absl::FailedPreconditionError("subject: needs a second person's approval: request it with "
                                      "CreateGrantRequest"),
        kReasonNeedsApproval);
  }
  HOIDLA_RETURN_IF_ERROR(ApplyNow(ctx, g, scope, {}));
  HOIDLA_ASSIGN_OR_RETURN(auto r, LoadPrincipal(req.id()));
  return PrincipalToApi(r);
}

absl::StatusOr<v1::Organization> Identity::SetOrganizationClientCa(
    const RequestContext& ctx, const v1::SetOrganizationClientCaRequest& req) {
  v1::GrantRequest g;
  g.set_organization_id(req.id());
  g.mutable_client_ca()->set_ca_pem(req.ca_pem());
  GrantScope scope;
  HOIDLA_RETURN_IF_ERROR(ValidateGrant(ctx, g, &scope));
  HOIDLA_ASSIGN_OR_RETURN(bool needs, NeedsApproval(g, scope, "ca_pem"));
  if (needs) {
    return WithReason(
        absl::FailedPreconditionError("ca_pem: needs a second person's approval: request it with "
                                      "CreateGrantRequest"),
        kReasonNeedsApproval);
  }
  HOIDLA_RETURN_IF_ERROR(ApplyNow(ctx, g, scope, {}));
  HOIDLA_ASSIGN_OR_RETURN(auto org, registry_->LoadOrganization(req.id()));
  return OrganizationToApi(org);
}

absl::StatusOr<v1::Organization> Identity::SetOrganizationIdentityProvider(
    const RequestContext& ctx, const v1::SetOrganizationIdentityProviderRequest& req) {
  if (!req.has_identity_provider()) return FieldError("identity_provider", "required");
  v1::GrantRequest g;
  g.set_organization_id(req.id());
  *g.mutable_identity_provider() = req.identity_provider();
  GrantScope scope;
  HOIDLA_RETURN_IF_ERROR(ValidateGrant(ctx, g, &scope));
  HOIDLA_ASSIGN_OR_RETURN(bool needs, NeedsApproval(g, scope, "identity_provider"));
  if (needs) {
    return WithReason(absl::FailedPreconditionError(
                          "identity_provider: needs a second person's approval: request it with "
                          "CreateGrantRequest"),
                      kReasonNeedsApproval);
  }
  HOIDLA_RETURN_IF_ERROR(ApplyNow(ctx, g, scope, {}));
  HOIDLA_ASSIGN_OR_RETURN(auto org, registry_->LoadOrganization(req.id()));
  return OrganizationToApi(org);
}

absl::StatusOr<v1::Organization> Identity::SetOrganizationCrl(
    const RequestContext& ctx, const v1::SetOrganizationCrlRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kOrganization, "id"));
  if (req.crl_pem().size() > (1 << 20)) return FieldError("crl_pem", "longer than 1 MiB");
  if (!req.crl_pem().empty()) HOIDLA_RETURN_IF_ERROR(keys::ValidateCrl(req.crl_pem(), "crl_pem"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kAdministerCredentials, {.organization_id = req.id()}), "id"));
  absl::MutexLock lock(&membership_mu_);
  auto org = registry_->LoadOrganization(req.id());
  HOIDLA_RETURN_IF_ERROR(ReferencedField(org.status(), "id"));
  if (req.crl_pem().empty() && !org->crl_pem().empty()) {
    // Removing the lists would let revoked certificates in again.
    return absl::FailedPreconditionError(
        "crl_pem: revocation lists cannot be removed, only replaced by current "
        "ones");
  }
  org->set_crl_pem(req.crl_pem());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(registry_->PutOrganization(*org, &batch));
  NoteCredential(ctx, "crl", "", "", "applied", org->id());
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return OrganizationToApi(*org);
}

// ---------------------------------------------------------------------------
// Tokens

absl::StatusOr<v1::IssueTokenResponse> Identity::IssueToken(const RequestContext& ctx,
                                                            const v1::IssueTokenRequest& req) {
  const bool own = req.id().empty() || req.id() == ctx.principal.id;
  if (!own) HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kPrincipal, "id"));
  v1::IssueTokenResponse out;
  if (own) {
    if (req.ttl_seconds() < 1 || req.ttl_seconds() > kMaxSessionTtlSeconds) {
      return FieldError("ttl_seconds",
                        StrCat("must be 1 to ", kMaxSessionTtlSeconds, " for a session"));
    }
    HOIDLA_RETURN_IF_ERROR(
        policy_->Check(ctx, Action::kIssueSession, {.object_id = ctx.principal.id}));
    if (!ctx.acting_through.empty()) {
      // Otherwise a service account would mint its users' credentials.
      return absl::PermissionDeniedError(
          "id: a service account may not open sessions for the users "
          "it acts for");
    }
    int64_t expires = clock_->NowMicros() + req.ttl_seconds() * 1000000;
    if (!ctx.credential_token_id.empty() && ctx.credential_expires_at_micros != 0) {
      expires = std::min(expires, ctx.credential_expires_at_micros);
    }
    storage::WriteBatch batch;
    HOIDLA_RETURN_IF_ERROR(AddToken(ctx.principal.id, expires, v1::TOKEN_KIND_SESSION,
                                    ctx.principal.id, "", &batch, out.mutable_token(),
                                    out.mutable_token_id()));
    NoteCredential(ctx, "session_token", ctx.principal.id, out.token_id(), "issued");
    HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
    *out.mutable_expires_at() = ToTimestamp(expires);
    return out;
  }
  if (req.ttl_seconds() < 1 || req.ttl_seconds() > kMaxTokenTtlSeconds) {
    return FieldError("ttl_seconds", StrCat("must be 1 to ", kMaxTokenTtlSeconds));
  }
  v1::GrantRequest g;
  g.mutable_service_token()->set_principal_id(req.id());
  g.mutable_service_token()->set_ttl_seconds(req.ttl_seconds());
  GrantScope scope;
  HOIDLA_RETURN_IF_ERROR(ValidateGrant(ctx, g, &scope));
  HOIDLA_ASSIGN_OR_RETURN(bool needs, NeedsApproval(g, scope, "id"));
  if (needs) {
    return absl::FailedPreconditionError(
        "id: a token for a service account of this organisation "
        "needs a second "
        "person's approval: request it with CreateGrantRequest");
  }
  const int64_t expires = clock_->NowMicros() + req.ttl_seconds() * 1000000;
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(AddToken(scope.principal_id, expires, v1::TOKEN_KIND_SERVICE,
                                  ctx.principal.id, "", &batch, out.mutable_token(),
                                  out.mutable_token_id()));
  v1::GrantRequest noted = g;
  noted.set_principal_id(scope.principal_id);
  noted.set_organization_id(scope.organization_id);
  noted.mutable_service_token()->set_token_id(out.token_id());
  NoteGrant(ctx, noted, "applied");
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  *out.mutable_expires_at() = ToTimestamp(expires);
  return out;
}

absl::StatusOr<v1::RevokeTokenResponse> Identity::RevokeToken(const RequestContext& ctx,
                                                              const v1::RevokeTokenRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kToken, "id"));
  absl::MutexLock lock(&membership_mu_);
  auto tok = LoadTokenById(req.id());
  absl::StatusOr<rec::PrincipalRecord> owner = absl::NotFoundError("");
  if (tok.ok()) owner = LoadPrincipal(tok->second.principal_id());
  Target t{.object_id = req.id()};
  if (owner.ok()) {
    t = PrincipalTarget(*owner);
    t.owner_principal_id = owner->id();
  }
  HOIDLA_RETURN_IF_ERROR(
      ReferencedField(policy_->Check(ctx, Action::kAdministerCredentials, t), "id"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(tok.status(), "id"));
  NoteCredential(ctx, "token_revoked", tok->second.principal_id(), req.id(), "revoked");
  tok->second.set_revoked(true);
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(PutToken(tok->first, tok->second, &batch));
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return v1::RevokeTokenResponse();
}

absl::StatusOr<v1::ListTokensResponse> Identity::ListTokens(const RequestContext& ctx,
                                                            const v1::ListTokensRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.principal_id(), IdKind::kPrincipal, "principal_id"));
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  HOIDLA_RETURN_IF_ERROR(
      ReferencedField(LoadForCredentialAdmin(ctx, req.principal_id()).status(), "principal_id"));
  v1::ListTokensResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(store_, Space::kIndex, TokenPrincipalPrefix(req.principal_id()), IdKind::kToken,
               req.page_token(), page_size, [&](std::string_view id) -> absl::StatusOr<bool> {
                 HOIDLA_ASSIGN_OR_RETURN(auto tok, LoadTokenById(id));
                 const auto& t = tok.second;
                 auto* info = out.add_tokens();
                 info->set_token_id(t.token_id());
                 info->set_principal_id(t.principal_id());
                 info->set_kind(static_cast<v1::TokenKind>(t.kind()));
                 *info->mutable_created_at() = ToTimestamp(t.created_at_micros());
                 if (t.expires_at_micros() != 0) {
                   *info->mutable_expires_at() = ToTimestamp(t.expires_at_micros());
                 }
                 info->set_revoked(t.revoked());
                 info->set_pending(!t.pending_grant_id().empty());
                 info->set_grant_request_id(t.pending_grant_id());
                 info->set_issued_by(t.issued_by());
                 return true;
               }));
  out.set_next_page_token(next);
  return out;
}

absl::StatusOr<v1::Principal> Identity::DisablePrincipal(const RequestContext& ctx,
                                                         const v1::DisablePrincipalRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kPrincipal, "id"));
  absl::MutexLock lock(&membership_mu_);
  auto r = LoadForCredentialAdmin(ctx, req.id());
  HOIDLA_RETURN_IF_ERROR(ReferencedField(r.status(), "id"));
  if (r->disabled()) return PrincipalToApi(*r);
  r->set_disabled(true);
  r->set_disabled_at_micros(clock_->NowMicros());
  r->set_disabled_by(ctx.principal.id);
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kPrincipalKind, r->id(), keys::kSystemSubject, *r, &batch));
  NoteCredential(ctx, "principal_disabled", r->id(), "", "applied");
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return PrincipalToApi(*r);
}

absl::StatusOr<v1::Principal> Identity::RemoveCertificateMapping(
    const RequestContext& ctx, const v1::RemoveCertificateMappingRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kPrincipal, "id"));
  HOIDLA_RETURN_IF_ERROR(ValidateText("subject", req.subject(), true, 1024));
  absl::MutexLock lock(&membership_mu_);
  auto r = LoadForCredentialAdmin(ctx, req.id());
  HOIDLA_RETURN_IF_ERROR(ReferencedField(r.status(), "id"));
  auto* subjects = r->mutable_certificate_subjects();
  auto it = std::find(subjects->begin(), subjects->end(), req.subject());
  if (it == subjects->end()) return absl::NotFoundError("subject: not mapped to this principal");
  subjects->erase(it);
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kPrincipalKind, r->id(), keys::kSystemSubject, *r, &batch));
  batch.Delete(Space::kIndex, CertificateKey(req.subject()));
  NoteCredential(ctx, "certificate_removed", r->id(), "", "applied");
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return PrincipalToApi(*r);
}

// ---------------------------------------------------------------------------
// Signing in

absl::StatusOr<rec::PrincipalRecord> Identity::SubjectPrincipal(const rec::ClientRecord& client,
                                                                storage::WriteBatch* batch) {
  auto id = store_->Get(Space::kIndex, SubjectPrincipalIndex(client.id()));
  if (id.ok()) return LoadPrincipal(*id);
  if (id.status().code() != absl::StatusCode::kNotFound) return id.status();
  rec::PrincipalRecord r;
  r.set_id(NewId(IdKind::kPrincipal, *clock_));
  r.set_display_name(StrCat("data subject ", client.id()));
  r.set_kind(v1::PRINCIPAL_KIND_DATA_SUBJECT);
  r.set_organization_id(client.organization_id());
  r.set_client_id(client.id());
  r.set_created_at_micros(clock_->NowMicros());
  HOIDLA_RETURN_IF_ERROR(records_.Put(kPrincipalKind, r.id(), keys::kSystemSubject, r, batch));
  batch->Put(Space::kIndex, PrincipalOrgIndex(r.organization_id(), r.id()), "");
  batch->Put(Space::kIndex, SubjectPrincipalIndex(client.id()), r.id());
  return r;
}

absl::StatusOr<v1::IssueTokenResponse> Identity::ExchangeIdToken(
    RequestContext* ctx, const v1::ExchangeIdTokenRequest& req) {
  int64_t ttl = req.ttl_seconds() == 0 ? kDefaultSessionTtlSeconds : req.ttl_seconds();
  if (ttl < 1 || ttl > kMaxSessionTtlSeconds) {
    return FieldError("ttl_seconds", StrCat("must be 0 to ", kMaxSessionTtlSeconds));
  }
  if (!req.client_organization_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(
        ValidateId(req.client_organization_id(), IdKind::kOrganization, "client_organization_id"));
  }
  if (req.id_token().empty() || req.id_token().size() > kMaxIdTokenBytes) {
    return Unauthenticated();
  }
  const std::string issuer = PeekIssuer(req.id_token());
  if (issuer.empty()) return Unauthenticated();
  const int64_t now = clock_->NowMicros();
  keys::JwtVerifyOptions opts;
  opts.issuer = issuer;
  opts.now_seconds = now / 1000000;
  storage::WriteBatch batch;
  std::optional<absl::MutexLock> subject_lock;
  rec::PrincipalRecord who;
  if (!subject_idp_.issuer.empty() && issuer == subject_idp_.issuer) {
    // A data subject: the personal code the public provider vouches for.
    opts.audience = subject_idp_.audience;
    opts.jwks_json = subject_idp_.jwks_json;
    auto claims = keys::VerifyJwt(req.id_token(), opts);
    if (!claims.ok()) return Unauthenticated();
    auto it = claims->string_claims.find(subject_idp_.personal_code_claim);
    if (it == claims->string_claims.end()) return Unauthenticated();
    std::string code = it->second;
    // "EE39001010000": only the Estonian prefix (a Lithuanian code has the
    // same form and must not match an Estonian client).
    if (code.size() == 13 && code.starts_with("EE")) code = code.substr(2);
    if (!ValidatePersonalCode(code, "personal_code").ok()) return Unauthenticated();
    HOIDLA_ASSIGN_OR_RETURN(auto ids, registry_->ClientsWithPersonalCode(code));
    std::vector<rec::ClientRecord> clients;
    for (const auto& id : ids) {
      HOIDLA_ASSIGN_OR_RETURN(auto c, registry_->LoadClient(id));
      if (req.client_organization_id().empty() ||
          c.organization_id() == req.client_organization_id()) {
        clients.push_back(std::move(c));
      }
    }
    if (clients.empty()) return Unauthenticated();
    if (clients.size() > 1) {
      return absl::FailedPreconditionError(
          "client_organization_id: required: name the organisation whose "
          "records to read");
    }
    // Verified: only now serialise with other writers of principals, so
    // that a first sign-in creates one principal per client (held until the
    // batch is committed).
    subject_lock.emplace(&membership_mu_);
    HOIDLA_ASSIGN_OR_RETURN(who, SubjectPrincipal(clients.front(), &batch));
  } else {
    // A person of the organisation whose provider this is.
    auto org_id = store_->Get(Space::kIndex, IssuerKey(issuer));
    if (org_id.status().code() == absl::StatusCode::kNotFound) return Unauthenticated();
    HOIDLA_RETURN_IF_ERROR(org_id.status());
    HOIDLA_ASSIGN_OR_RETURN(auto org, registry_->LoadOrganization(*org_id));
    if (org.idp_issuer() != issuer) return Unauthenticated();
    opts.audience = org.idp_audience();
    opts.jwks_json = org.idp_jwks_json();
    auto claims = keys::VerifyJwt(req.id_token(), opts);
    if (!claims.ok()) return Unauthenticated();
    const std::string claim =
        org.idp_principal_id_claim().empty() ? "sub" : org.idp_principal_id_claim();
    auto it = claims->string_claims.find(claim);
    std::string prn = it != claims->string_claims.end() ? it->second : "";
    if (claim == "sub" && prn.empty()) prn = claims->subject;
    if (!ValidateId(prn, IdKind::kPrincipal, "principal").ok()) return Unauthenticated();
    auto r = LoadPrincipal(prn);
    if (!r.ok()) return Unauthenticated();
    if (r->organization_id() != org.id() || r->disabled() ||
        (r->kind() != v1::PRINCIPAL_KIND_STAFF && r->kind() != v1::PRINCIPAL_KIND_PARTNER_WORKER)) {
      return Unauthenticated();
    }
    who = std::move(*r);
  }
  if (who.disabled()) return Unauthenticated();
  ctx->principal = PrincipalFromRecord(who);
  if (ctx->audit != nullptr) {
    ctx->audit->entry.set_actor(who.id());
    RecordDecision(*ctx, "sign_in", who.organization_id(), who.id(), "identity_provider");
  }
  v1::IssueTokenResponse out;
  const int64_t expires = now + ttl * 1000000;
  HOIDLA_RETURN_IF_ERROR(AddToken(who.id(), expires, v1::TOKEN_KIND_SESSION, who.id(), "", &batch,
                                  out.mutable_token(), out.mutable_token_id()));
  NoteCredential(*ctx, "session_token", who.id(), out.token_id(), "issued");
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx->audit, store_, std::move(batch)));
  *out.mutable_expires_at() = ToTimestamp(expires);
  return out;
}

// ---------------------------------------------------------------------------
// Grant requests

absl::StatusOr<v1::CreateGrantRequestResponse> Identity::CreateGrantRequest(
    const RequestContext& ctx, const v1::CreateGrantRequestRequest& req) {
  if (!req.has_grant_request()) return FieldError("grant_request", "required");
  v1::GrantRequest g = req.grant_request();
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("grant_request.id", g.id().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("grant_request.state", g.state() == 0));
  HOIDLA_RETURN_IF_ERROR(
      ValidateOutputOnlyEmpty("grant_request.requested_by", g.requested_by().empty()));
  HOIDLA_RETURN_IF_ERROR(
      ValidateOutputOnlyEmpty("grant_request.decided_by", g.decided_by().empty()));
  HOIDLA_RETURN_IF_ERROR(
      ValidateOutputOnlyEmpty("grant_request.principal_id", g.principal_id().empty()));
  HOIDLA_RETURN_IF_ERROR(
      ValidateText("grant_request.justification", g.justification(), false, 500, true));
  if (g.has_membership() || g.has_certificate() || g.has_act_for() || g.has_service_token()) {
    // Their organisation follows from the account.
    if (!g.organization_id().empty()) {
      HOIDLA_RETURN_IF_ERROR(
          ValidateId(g.organization_id(), IdKind::kOrganization, "grant_request.organization_id"));
    }
  }
  if (g.has_service_token() && !g.service_token().token_id().empty()) {
    return FieldError("grant_request.service_token.token_id", "output only");
  }
  GrantScope scope;
  HOIDLA_RETURN_IF_ERROR(ValidateGrant(ctx, g, &scope));
  if (!g.organization_id().empty() && g.organization_id() != scope.organization_id) {
    return FieldError("grant_request.organization_id", "is not the grant's organisation");
  }
  if (scope.organization_id.empty()) {
    return FieldError("grant_request",
                      "a deployment-wide role needs no approval: use AddMembership");
  }
  HOIDLA_ASSIGN_OR_RETURN(
      bool needs, NeedsApproval(g, scope,
                                g.has_membership()
                                    ? "grant_request.membership.membership.role"
                                    : StrCat("grant_request.", GrantKindName(g), ".principal_id")));
  const int64_t now = clock_->NowMicros();
  g.set_id(NewId(IdKind::kGrantRequest, *clock_));
  g.set_organization_id(scope.organization_id);
  g.set_principal_id(scope.principal_id);
  g.set_requested_by(ctx.principal.id);
  *g.mutable_requested_at() = ToTimestamp(now);
  v1::CreateGrantRequestResponse out;
  storage::WriteBatch batch;
  absl::MutexLock lock(&membership_mu_);
  if (g.has_service_token()) {
    HOIDLA_RETURN_IF_ERROR(
        AddToken(scope.principal_id, now + g.service_token().ttl_seconds() * 1000000,
                 v1::TOKEN_KIND_SERVICE, ctx.principal.id, needs ? g.id() : "", &batch,
                 out.mutable_token(), g.mutable_service_token()->mutable_token_id()));
  }
  if (needs) {
    g.set_state(v1::GRANT_REQUEST_STATE_PENDING);
    *g.mutable_expires_at() = ToTimestamp(now + kGrantRequestLifetimeMicros);
  } else {
    if (!g.has_service_token()) HOIDLA_RETURN_IF_ERROR(ApplyGrant(g, &batch));
    g.set_state(v1::GRANT_REQUEST_STATE_APPLIED);
    g.set_decided_by(ctx.principal.id);
    *g.mutable_decided_at() = ToTimestamp(now);
  }
  HOIDLA_RETURN_IF_ERROR(PutGrantRequest(g, &batch));
  if (ctx.audit != nullptr) ctx.audit->entry.set_object_id(g.id());
  NoteGrant(ctx, g, needs ? "requested" : "applied");
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  *out.mutable_grant_request() = std::move(g);
  return out;
}

absl::StatusOr<v1::GrantRequest> Identity::GetGrantRequest(const RequestContext& ctx,
                                                           const v1::GetGrantRequestRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kGrantRequest, "id"));
  auto g = LoadGrantRequest(req.id());
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kReadGrantRequests, GrantTarget(g, req.id())), "id"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(g.status(), "id"));
  return *g;
}

absl::StatusOr<v1::ListGrantRequestsResponse> Identity::ListGrantRequests(
    const RequestContext& ctx, const v1::ListGrantRequestsRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  if (!v1::GrantRequestState_IsValid(req.state())) return FieldError("state", "unknown value");
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kReadGrantRequests, {.organization_id = req.organization_id()}),
      "organization_id"));
  v1::ListGrantRequestsResponse out;
  HOIDLA_ASSIGN_OR_RETURN(std::string next,
                          ScanPage(store_, Space::kIndex,
                                   storage::layout::identity::kGrantRequestsOfOrganization.Prefix(
                                       req.organization_id()),
                                   IdKind::kGrantRequest, req.page_token(), page_size,
                                   [&](std::string_view id) -> absl::StatusOr<bool> {
                                     HOIDLA_ASSIGN_OR_RETURN(auto g, LoadGrantRequest(id));
                                     if (req.state() != 0 && g.state() != req.state()) return false;
                                     *out.add_grant_requests() = std::move(g);
                                     return true;
                                   }));
  out.set_next_page_token(next);
  return out;
}

absl::Status Identity::RevalidateRequester(const v1::GrantRequest& g) const {
  auto requester = LoadPrincipal(g.requested_by());
  if (!requester.ok() && requester.status().code() != absl::StatusCode::kNotFound)
    return requester.status();
  if (!requester.ok() || requester->disabled()) {
    return absl::FailedPreconditionError(
        "id: the requester's account is disabled: the request lapses");
  }
  RequestContext as;
  as.principal = PrincipalFromRecord(*requester);
  v1::GrantRequest asked = g;
  if (asked.has_service_token()) asked.mutable_service_token()->clear_token_id();
  GrantScope scope;
  absl::Status still = ValidateGrant(as, asked, &scope);
  if (!still.ok() || scope.organization_id != g.organization_id()) {
    return absl::FailedPreconditionError(
        StrCat("id: the request no longer holds (the requester's authority or the "
               "account changed since): ",
               still.ok() ? std::string("another organisation") : std::string(still.message())));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::GrantRequest> Identity::ApproveGrantRequest(
    const RequestContext& ctx, const v1::ApproveGrantRequestRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kGrantRequest, "id"));
  absl::MutexLock lock(&membership_mu_);
  auto loaded = LoadGrantRequest(req.id());
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kApproveGrants, GrantTarget(loaded, req.id())), "id"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(loaded.status(), "id"));
  v1::GrantRequest g = std::move(*loaded);
  if (!ctx.acting_through.empty() || ctx.principal.kind != v1::PRINCIPAL_KIND_STAFF) {
    return absl::PermissionDeniedError(
        "id: an approval is given by the approver in person, not through a "
        "service account");
  }
  if (g.requested_by() == ctx.principal.id) {
    return absl::PermissionDeniedError("id: the requester may not approve their own request");
  }
  if (g.principal_id() == ctx.principal.id) {
    return absl::PermissionDeniedError("id: the account a grant is for may not approve it");
  }
  if (g.state() != v1::GRANT_REQUEST_STATE_PENDING) {
    return absl::FailedPreconditionError(StrCat("id: the request is ", StateName(g.state())));
  }
  HOIDLA_RETURN_IF_ERROR(RevalidateRequester(g));
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(ApplyGrant(g, &batch));
  g.set_state(v1::GRANT_REQUEST_STATE_APPROVED);
  g.set_decided_by(ctx.principal.id);
  *g.mutable_decided_at() = ToTimestamp(clock_->NowMicros());
  HOIDLA_RETURN_IF_ERROR(PutGrantRequest(g, &batch));
  NoteGrant(ctx, g, "approved");
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return g;
}

absl::StatusOr<v1::GrantRequest> Identity::DenyGrantRequest(
    const RequestContext& ctx, const v1::DenyGrantRequestRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kGrantRequest, "id"));
  HOIDLA_RETURN_IF_ERROR(ValidateText("note", req.note(), false, 500, true));
  absl::MutexLock lock(&membership_mu_);
  auto loaded = LoadGrantRequest(req.id());
  // Its requester withdraws it; an approver denies it.
  const bool requester = loaded.ok() && loaded->requested_by() == ctx.principal.id;
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, requester ? Action::kWithdrawGrantRequest : Action::kApproveGrants,
                     GrantTarget(loaded, req.id())),
      "id"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(loaded.status(), "id"));
  v1::GrantRequest g = std::move(*loaded);
  if (!requester &&
      (!ctx.acting_through.empty() || ctx.principal.kind != v1::PRINCIPAL_KIND_STAFF)) {
    return absl::PermissionDeniedError(
        "id: a denial is given by the approver in person, not through a "
        "service account");
  }
  if (g.state() != v1::GRANT_REQUEST_STATE_PENDING) {
    return absl::FailedPreconditionError(StrCat("id: the request is ", StateName(g.state())));
  }
  storage::WriteBatch batch;
  if (g.has_service_token()) {
    HOIDLA_ASSIGN_OR_RETURN(auto tok, LoadTokenById(g.service_token().token_id()));
    tok.second.set_revoked(true);
    HOIDLA_RETURN_IF_ERROR(PutToken(tok.first, tok.second, &batch));
  }
  g.set_state(requester ? v1::GRANT_REQUEST_STATE_WITHDRAWN : v1::GRANT_REQUEST_STATE_DENIED);
  g.set_decided_by(ctx.principal.id);
  g.set_decision_note(req.note());
  *g.mutable_decided_at() = ToTimestamp(clock_->NowMicros());
  HOIDLA_RETURN_IF_ERROR(PutGrantRequest(g, &batch));
  NoteGrant(ctx, g, requester ? "withdrawn" : "denied");
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return g;
}

}  // namespace hoidla::core
