#include "vault/consent/consents.h"

#include <algorithm>
#include <climits>
#include <map>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "base/coding.h"
#include "base/error_reason.h"
#include "base/ids.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "keys/signed_note.h"
#include "nlohmann/json.hpp"
#include "vault/access/paging.h"
#include "vault/audit/audit_log.h"
#include "vault/directory/isikukood.h"
#include "vault/storage/layout.h"

namespace hoidla::core {
namespace {

using storage::Space;

namespace ours = storage::layout::consent;
constexpr std::string_view kCns = ours::kConsent;       // a consent version (VersionChain)
constexpr std::string_view kCnw = ours::kWithdrawal;    // a consent's withdrawal event
constexpr std::string_view kDsc = ours::kDisclosure;    // a disclosure without consent
constexpr std::string_view kRel = ours::kReleaseState;  // a client's release state
constexpr size_t kMaxCachedStates = 4096;
constexpr int64_t kMicrosPerHour = int64_t{3600} * 1000000;

// 0 means "never" for ends.
int64_t EndOr(int64_t micros) { return micros == 0 ? INT64_MAX : micros; }

std::string_view LegalBasisName(int basis) {
  switch (basis) {
    case v1::LEGAL_BASIS_DANGER_TO_OTHERS:
      return "danger_to_others";
    case v1::LEGAL_BASIS_CRIME:
      return "crime";
    case v1::LEGAL_BASIS_DANGER_TO_CLIENT:
      return "danger_to_client";
    case v1::LEGAL_BASIS_COURT_OR_PROSECUTOR_REQUEST:
      return "court_or_prosecutor_request";
  }
  return "unknown";
}

bool HasPartnerRole(const Principal& p) { return p.Has(Role::kPartnerWorker); }

// The moment a client born on `birth` turns 18 (midnight UTC).
int64_t EighteenthBirthday(const v1::Date& birth) {
  absl::CivilDay day(birth.year() + 18, birth.month(), birth.day());
  return UtcMidnightMicros(day);
}

}  // namespace

struct Consents::Chain {
  std::vector<rec::ConsentRecord> versions;  // oldest first
  rec::ConsentRecord withdrawal;             // withdrawn_at_micros 0: none

  const rec::ConsentRecord& current() const { return versions.back(); }
  // When version i stops being in force (superseded, withdrawn, the giver's
  // authority ended), INT64_MAX for never.
  int64_t EndOf(size_t i) const {
    int64_t end = EndOr(versions[i].authority_ends_micros());
    if (i + 1 < versions.size()) end = std::min(end, versions[i + 1].recorded_at_micros());
    end = std::min(end, EndOr(withdrawal.withdrawn_at_micros()));
    return end;
  }
};

Consents::Consents(storage::KvStore* store, keys::Keyring* keyring, Clock* clock,
                   const Policy* policy, const Registry* registry, const Documents* documents,
                   std::string receipt_origin)
    : store_(store),
      keyring_(keyring),
      clock_(clock),
      policy_(policy),
      registry_(registry),
      documents_(documents),
      receipt_origin_(std::move(receipt_origin)),
      records_(store, keyring),
      versions_(store, &records_, kCns, "consent") {}

// ---------------------------------------------------------------------------
// Loading

absl::StatusOr<Consents::Chain> Consents::LoadChain(std::string_view consent_id) const {
  HOIDLA_ASSIGN_OR_RETURN(std::string client_id,
                          store_->Get(Space::kIndex, ours::kClientOfConsent.Key(consent_id)));
  Chain chain;
  HOIDLA_ASSIGN_OR_RETURN(chain.versions, versions_.Load(consent_id, client_id));
  auto w = records_.Get(kCnw, consent_id, client_id, &chain.withdrawal);
  if (!w.ok() && w.code() != absl::StatusCode::kNotFound) return w;
  return chain;
}

absl::StatusOr<Target> Consents::RevealConsent(const RequestContext& ctx, Action action,
                                               std::string_view id,
                                               const absl::StatusOr<Chain>& chain) const {
  return Guard(policy_, registry_)
      .Reveal(ctx, {.action = action, .id = id, .field = "id"}, chain, [&](const Chain& c) {
        // A consent is decided in its own project, on its client.
        auto client = registry_->LoadClient(c.current().client_id());
        Target t = client.ok() ? registry_->ClientTarget(*client) : registry_->LocationOf(id);
        t.project_id = c.current().project_id();
        t.object_id = std::string(id);
        return t;
      });
}

absl::StatusOr<std::vector<Consents::Chain>> Consents::LoadChains(
    std::string_view client_id) const {
  std::vector<std::string> ids;
  const std::string prefix = ours::kConsentsOfClient.Prefix(client_id);
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(it->key().substr(prefix.size()));
  HOIDLA_RETURN_IF_ERROR(it->status());
  std::vector<Chain> out;
  for (const auto& id : ids) {
    HOIDLA_ASSIGN_OR_RETURN(Chain c, LoadChain(id));
    out.push_back(std::move(c));
  }
  return out;
}

void Consents::AppendGrants(const Chain& chain, rec::ReleaseState* state) {
  for (size_t i = 0; i < chain.versions.size(); ++i) {
    const auto& v = chain.versions[i];
    const int64_t end = chain.EndOf(i);
    for (const auto& p : v.provisions()) {
      const int64_t from = std::max(v.recorded_at_micros(), p.valid_from_micros());
      const int64_t until = std::min(end, p.valid_until_micros());
      if (from >= until) continue;
      // A recipient project of the consent's own organisation receives
      // nothing until the holding project's manager confirmed the version.
      const bool unconfirmed =
          v.release_confirmation_required() && v.release_confirmed_by().empty();
      google::protobuf::RepeatedPtrField<rec::ConsentRecipientRecord> recipients;
      for (const auto& r : p.recipients()) {
        if (unconfirmed && r.kind() == v1::RECIPIENT_KIND_PROJECT &&
            r.organization_id() == v.organization_id()) {
          continue;
        }
        *recipients.Add() = r;
      }
      if (recipients.empty()) continue;
      auto* g = state->add_grants();
      g->set_basis(StrCat("consent:", v.id(), "/", v.version()));
      g->set_holding_project_id(v.project_id());
      *g->mutable_recipients() = std::move(recipients);
      *g->mutable_kinds() = p.kinds();
      *g->mutable_purposes() = p.purposes();
      g->set_from_micros(from);
      g->set_until_micros(until);
      g->set_existence_queries(p.existence_queries());
    }
  }
}

void Consents::AppendGrant(const rec::DisclosureRecord& d, rec::ReleaseState* state) {
  if (d.review() == v1::DISCLOSURE_REVIEW_REJECTED) return;
  auto* g = state->add_grants();
  g->set_basis(StrCat("disclosure:", d.id(), ":", LegalBasisName(d.legal_basis())));
  auto* r = g->add_recipients();
  r->set_kind(v1::RECIPIENT_KIND_ORGANIZATION);
  r->set_organization_id(d.recipient_organization_id());
  *g->mutable_item_ids() = d.item_ids();
  g->set_from_micros(d.created_at_micros());
  g->set_until_micros(d.valid_until_micros());
}

absl::Status Consents::UpdateState(const std::string& client_id, std::string_view drop_prefix,
                                   const std::function<void(rec::ReleaseState*)>& add,
                                   storage::WriteBatch* batch) {
  rec::ReleaseState old;
  absl::Status s = records_.Get(kRel, client_id, client_id, &old);
  if (!s.ok() && s.code() != absl::StatusCode::kNotFound) return s;
  rec::ReleaseState state;
  for (auto& g : *old.mutable_grants()) {
    if (!std::string_view(g.basis()).starts_with(drop_prefix)) {
      *state.add_grants() = std::move(g);
    }
  }
  add(&state);
  return records_.Put(kRel, client_id, client_id, state, batch);
}

absl::StatusOr<std::shared_ptr<const rec::ReleaseState>> Consents::State(
    const std::string& client_id) const {
  uint64_t generation;
  {
    absl::MutexLock lock(&cache_mu_);
    if (auto it = cache_.find(client_id); it != cache_.end()) return it->second;
    generation = generation_;
  }
  auto state = std::make_shared<rec::ReleaseState>();
  absl::Status s = records_.Get(kRel, client_id, client_id, state.get());
  if (!s.ok() && s.code() != absl::StatusCode::kNotFound) return s;
  absl::MutexLock lock(&cache_mu_);
  // A change committed meanwhile may have made what was read stale: serve it
  // to this call (which overlapped the change) but do not keep it.
  if (generation == generation_) {
    if (cache_.size() >= kMaxCachedStates) cache_.clear();
    cache_[client_id] = state;
  }
  return std::shared_ptr<const rec::ReleaseState>(state);
}

absl::Status Consents::CommitChange(const RequestContext& ctx, const std::string& client_id,
                                    storage::WriteBatch batch) {
  absl::Status s = audit::CommitEffect(ctx.audit, store_, std::move(batch));
  absl::MutexLock lock(&cache_mu_);
  cache_.erase(client_id);
  ++generation_;
  return s;
}

std::optional<Release> Consents::Decide(const rec::ReleaseState& state, const Principal& principal,
                                        std::string_view purpose, const ReleaseQuery& query,
                                        int64_t now_micros, const NetworkCheck& in_network) {
  auto contains = [](const auto& list, std::string_view x) {
    return std::find(list.begin(), list.end(), x) != list.end();
  };
  for (const auto& g : state.grants()) {
    if (now_micros < g.from_micros() || now_micros >= g.until_micros()) continue;
    const bool disclosure = g.purposes().empty();
    if (disclosure) {
      if (!query.item_id.empty() && !contains(g.item_ids(), query.item_id)) continue;
    } else {
      if (!contains(g.purposes(), purpose)) continue;
      if (!query.kind.empty() && !contains(g.kinds(), query.kind)) continue;
      if (query.kind.empty() && !query.item_id.empty()) continue;  // an item of unknown kind
      // Only what the consent's own project holds.
      if (g.holding_project_id().empty()) continue;
      if (!query.item_id.empty() && query.project_id != g.holding_project_id()) continue;
    }
    for (const auto& r : g.recipients()) {
      if (r.kind() == v1::RECIPIENT_KIND_CASE_NETWORK) {
        if (principal.Has(Role::kPartnerWorker) && in_network &&
            in_network(r.case_id(), principal.id)) {
          return Release{g.basis(), "", "", principal.id};
        }
        continue;
      }
      for (const auto& m : principal.memberships) {
        const bool match =
            r.kind() == v1::RECIPIENT_KIND_ORGANIZATION
                ? m.role == Role::kPartnerWorker && m.organization_id == r.organization_id()
                : (m.role == Role::kProjectManager || m.role == Role::kCaseWorker) &&
                      m.project_id == r.project_id();
        if (match) {
          return Release{g.basis(), r.organization_id(),
                         r.kind() == v1::RECIPIENT_KIND_PROJECT ? r.project_id() : ""};
        }
      }
    }
  }
  return std::nullopt;
}

Consents::NetworkCheck Consents::InNetwork() const {
  return [this](std::string_view case_id, std::string_view principal_id) {
    auto kase = registry_->LoadCase(case_id);
    if (!kase.ok()) return false;
    const auto& ids = kase->network_member_ids();
    return std::find(ids.begin(), ids.end(), principal_id) != ids.end();
  };
}

absl::StatusOr<std::optional<Release>> Consents::ReleaseFor(const Principal& principal,
                                                            std::string_view purpose,
                                                            const ReleaseQuery& query) const {
  if (purpose.empty()) {
    if (HasPartnerRole(principal)) {
      return absl::InvalidArgumentError(
          "x-hoidla-purpose: required: a partner agency's request states its purpose");
    }
    return std::nullopt;
  }
  if (query.client_id.empty()) return std::nullopt;
  HOIDLA_ASSIGN_OR_RETURN(auto state, State(query.client_id));
  return Decide(*state, principal, purpose, query, clock_->NowMicros(), InNetwork());
}

// ---------------------------------------------------------------------------
// Conversion and validation

absl::Status Consents::FromApi(const RequestContext& ctx, const v1::Consent& c,
                               const rec::ClientRecord& client, rec::ConsentRecord* r) const {
  const int64_t now = clock_->NowMicros();
  // Giver.
  const auto& g = c.given_by();
  if (g.kind() == v1::CONSENT_GIVER_KIND_UNSPECIFIED || !v1::ConsentGiverKind_IsValid(g.kind())) {
    return FieldError("consent.given_by.kind", "required");
  }
  r->set_giver_kind(g.kind());
  int64_t authority_ends = 0;
  if (g.kind() == v1::CONSENT_GIVER_KIND_DATA_SUBJECT) {
    if (!g.name().empty() || !g.personal_code().empty() || !g.authority_basis().empty() ||
        g.has_authority_valid_until()) {
      return FieldError("consent.given_by", "only a representative's authority is recorded");
    }
  } else {
    HOIDLA_RETURN_IF_ERROR(ValidateText("consent.given_by.name", g.name(), true, 200));
    if (!g.personal_code().empty()) {
      HOIDLA_RETURN_IF_ERROR(
          ValidatePersonalCode(g.personal_code(), "consent.given_by.personal_code").status());
    }
    HOIDLA_RETURN_IF_ERROR(
        ValidateText("consent.given_by.authority_basis", g.authority_basis(), true, 500));
    if (g.has_authority_valid_until()) {
      authority_ends = Micros(g.authority_valid_until());
      if (authority_ends <= now) {
        return FieldError("consent.given_by.authority_valid_until", "must be in the future");
      }
    } else if (g.kind() == v1::CONSENT_GIVER_KIND_GUARDIAN) {
      return FieldError("consent.given_by.authority_valid_until",
                        "required for a guardian: when the court order ends");
    }
    if (g.kind() == v1::CONSENT_GIVER_KIND_LEGAL_REPRESENTATIVE) {
      v1::Date birth;
      birth.set_year(client.date_of_birth().year());
      birth.set_month(client.date_of_birth().month());
      birth.set_day(client.date_of_birth().day());
      if (birth.year() == 0 && !client.personal_code().empty()) {
        auto d = ValidatePersonalCode(client.personal_code(), "client.personal_code");
        if (d.ok()) {
          birth.set_year(d->year);
          birth.set_month(d->month);
          birth.set_day(d->day);
        }
      }
      if (birth.year() != 0) {
        const int64_t adult = EighteenthBirthday(birth);
        if (adult <= now) {
          return FieldError("consent.given_by.kind",
                            "the client is of age: a legal representative of a minor cannot "
                            "consent for them");
        }
        authority_ends = authority_ends == 0 ? adult : std::min(authority_ends, adult);
      } else if (authority_ends == 0) {
        return FieldError("consent.given_by.authority_valid_until",
                          "required when the client's date of birth is unknown");
      }
    }
    r->set_giver_name(g.name());
    r->set_giver_personal_code(g.personal_code());
    r->set_authority_basis(g.authority_basis());
    if (g.has_authority_valid_until()) {
      r->set_authority_valid_until_micros(Micros(g.authority_valid_until()));
    }
  }
  r->set_authority_ends_micros(authority_ends);
  r->set_subject_participated(c.subject_participated());
  // Form.
  if (c.form() == v1::CONSENT_FORM_UNSPECIFIED || !v1::ConsentForm_IsValid(c.form())) {
    return FieldError("consent.form", "required");
  }
  r->set_form(c.form());
  switch (c.form()) {
    case v1::CONSENT_FORM_WRITTEN_SIGNED: {
      HOIDLA_RETURN_IF_ERROR(
          ValidateId(c.scan_document_id(), IdKind::kDocument, "consent.scan_document_id"));
      auto doc = documents_->LoadDocument(c.scan_document_id());
      if (doc.status().code() == absl::StatusCode::kNotFound ||
          (doc.ok() && doc->client_id() != client.id())) {
        return absl::NotFoundError(
            "consent.scan_document_id: not found among the client's documents");
      }
      HOIDLA_RETURN_IF_ERROR(doc.status());
      r->set_scan_document_id(c.scan_document_id());
      break;
    }
    case v1::CONSENT_FORM_DIGITAL_SIGNATURE:
      HOIDLA_RETURN_IF_ERROR(
          ValidateText("consent.signature_reference", c.signature_reference(), true, 500));
      r->set_signature_reference(c.signature_reference());
      break;
    case v1::CONSENT_FORM_ORAL:
      HOIDLA_RETURN_IF_ERROR(ValidateText("consent.witness", c.witness(), true, 200));
      HOIDLA_RETURN_IF_ERROR(ValidateText("consent.note", c.note(), true, 2000));
      break;
    default:
      break;
  }
  if (c.form() != v1::CONSENT_FORM_ORAL) {
    HOIDLA_RETURN_IF_ERROR(ValidateText("consent.note", c.note(), false, 2000));
  }
  r->set_witness(c.witness());
  r->set_note(c.note());
  r->set_cooperation_agreed(c.cooperation_agreed());
  r->set_processing_agreed(c.processing_agreed());
  r->set_given_voluntarily(c.given_voluntarily());
  // When.
  if (!c.has_given_at()) return FieldError("consent.given_at", "required");
  if (Micros(c.given_at()) > now) return FieldError("consent.given_at", "in the future");
  r->set_given_at_micros(Micros(c.given_at()));
  // Provisions.
  if (c.provisions().empty()) return FieldError("consent.provisions", "required: at least one");
  if (c.provisions_size() > 100) return FieldError("consent.provisions", "at most 100");
  for (int i = 0; i < c.provisions_size(); ++i) {
    const auto& p = c.provisions(i);
    const std::string f = StrCat("consent.provisions[", i, "]");
    auto* out = r->add_provisions();
    if (p.recipients().empty() || p.recipients_size() > 50) {
      return FieldError(StrCat(f, ".recipients"), "1 to 50 required");
    }
    for (int j = 0; j < p.recipients_size(); ++j) {
      const auto& rc = p.recipients(j);
      const std::string rf = StrCat(f, ".recipients[", j, "]");
      if (rc.kind() == v1::RECIPIENT_KIND_CASE_NETWORK) {
        if (c.case_id().empty()) {
          return FieldError(StrCat(rf, ".kind"), "a case network needs consent.case_id");
        }
        if (!rc.organization_id().empty() || !rc.project_id().empty()) {
          return FieldError(StrCat(rf, ".organization_id"), "not for a case network");
        }
        auto* ro = out->add_recipients();
        ro->set_kind(rc.kind());
        ro->set_case_id(c.case_id());
        continue;
      }
      HOIDLA_RETURN_IF_ERROR(
          ValidateId(rc.organization_id(), IdKind::kOrganization, StrCat(rf, ".organization_id")));
      HOIDLA_RETURN_IF_ERROR(
          ReferencedField(registry_->LoadOrganization(rc.organization_id()).status(),
                          StrCat(rf, ".organization_id")));
      auto* ro = out->add_recipients();
      ro->set_kind(rc.kind());
      ro->set_organization_id(rc.organization_id());
      if (rc.kind() == v1::RECIPIENT_KIND_PROJECT) {
        HOIDLA_RETURN_IF_ERROR(
            ValidateId(rc.project_id(), IdKind::kProject, StrCat(rf, ".project_id")));
        auto project = registry_->LoadProject(rc.project_id());
        HOIDLA_RETURN_IF_ERROR(ReferencedField(project.status(), StrCat(rf, ".project_id")));
        if (project->organization_id() != rc.organization_id()) {
          return FieldError(StrCat(rf, ".project_id"), "not a project of that organisation");
        }
        ro->set_project_id(rc.project_id());
      } else if (rc.kind() == v1::RECIPIENT_KIND_ORGANIZATION) {
        if (!rc.project_id().empty()) {
          return FieldError(StrCat(rf, ".project_id"), "only for a project recipient");
        }
      } else {
        return FieldError(StrCat(rf, ".kind"), "required: organization, project or case network");
      }
    }
    if (p.kinds().empty() || p.kinds_size() > 100) {
      return FieldError(StrCat(f, ".kinds"), "1 to 100 required");
    }
    for (int j = 0; j < p.kinds_size(); ++j) {
      HOIDLA_RETURN_IF_ERROR(ValidateSlug(StrCat(f, ".kinds[", j, "]"), p.kinds(j), 64));
      out->add_kinds(p.kinds(j));
    }
    if (p.purposes().empty() || p.purposes_size() > 20) {
      return FieldError(StrCat(f, ".purposes"), "1 to 20 required");
    }
    for (int j = 0; j < p.purposes_size(); ++j) {
      HOIDLA_RETURN_IF_ERROR(ValidateSlug(StrCat(f, ".purposes[", j, "]"), p.purposes(j), 64));
      out->add_purposes(p.purposes(j));
    }
    if (!p.has_valid_from()) return FieldError(StrCat(f, ".valid_from"), "required");
    if (!p.has_valid_until()) return FieldError(StrCat(f, ".valid_until"), "required");
    if (Micros(p.valid_until()) <= Micros(p.valid_from())) {
      return FieldError(StrCat(f, ".valid_until"), "must be after valid_from");
    }
    out->set_valid_from_micros(Micros(p.valid_from()));
    out->set_valid_until_micros(Micros(p.valid_until()));
    out->set_existence_queries(p.existence_queries());
  }
  (void)ctx;
  return absl::OkStatus();
}

v1::Consent Consents::ToApi(const rec::ConsentRecord& r, const Chain& chain) const {
  v1::Consent c;
  c.set_id(r.id());
  c.set_version(r.version());
  c.set_client_id(r.client_id());
  c.set_project_id(r.project_id());
  c.set_case_id(r.case_id());
  c.set_organization_id(r.organization_id());
  if (r.release_confirmation_required()) {
    auto* rc = c.mutable_release_confirmation();
    rc->set_required(true);
    rc->set_confirmed_by(r.release_confirmed_by());
    if (!r.release_confirmed_by().empty()) {
      *rc->mutable_confirmed_at() = ToTimestamp(r.release_confirmed_at_micros());
    }
  }
  auto* g = c.mutable_given_by();
  g->set_kind(static_cast<v1::ConsentGiverKind>(r.giver_kind()));
  g->set_name(r.giver_name());
  g->set_personal_code(r.giver_personal_code());
  g->set_authority_basis(r.authority_basis());
  if (r.authority_valid_until_micros() != 0) {
    *g->mutable_authority_valid_until() = ToTimestamp(r.authority_valid_until_micros());
  }
  c.set_subject_participated(r.subject_participated());
  c.set_form(static_cast<v1::ConsentForm>(r.form()));
  c.set_scan_document_id(r.scan_document_id());
  c.set_signature_reference(r.signature_reference());
  c.set_witness(r.witness());
  c.set_note(r.note());
  c.set_cooperation_agreed(r.cooperation_agreed());
  c.set_processing_agreed(r.processing_agreed());
  c.set_given_voluntarily(r.given_voluntarily());
  for (const auto& p : r.provisions()) {
    auto* out = c.add_provisions();
    for (const auto& rc : p.recipients()) {
      auto* o = out->add_recipients();
      o->set_kind(static_cast<v1::RecipientKind>(rc.kind()));
      o->set_organization_id(rc.organization_id());
      o->set_project_id(rc.project_id());
    }
    *out->mutable_kinds() = p.kinds();
    *out->mutable_purposes() = p.purposes();
    *out->mutable_valid_from() = ToTimestamp(p.valid_from_micros());
    *out->mutable_valid_until() = ToTimestamp(p.valid_until_micros());
    out->set_existence_queries(p.existence_queries());
  }
  *c.mutable_given_at() = ToTimestamp(r.given_at_micros());
  *c.mutable_recorded_at() = ToTimestamp(r.recorded_at_micros());
  c.set_recorded_by(r.recorded_by());
  const size_t i = r.version() - 1;
  const bool last = i + 1 == chain.versions.size();
  if (!last) *c.mutable_superseded_at() = ToTimestamp(chain.versions[i + 1].recorded_at_micros());
  const int64_t now = clock_->NowMicros();
  if (!last) {
    c.set_status(v1::CONSENT_STATUS_SUPERSEDED);
  } else if (chain.withdrawal.withdrawn_at_micros() != 0) {
    c.set_status(v1::CONSENT_STATUS_WITHDRAWN);
    *c.mutable_withdrawn_at() = ToTimestamp(chain.withdrawal.withdrawn_at_micros());
    c.set_withdrawn_by(chain.withdrawal.withdrawn_by());
    c.set_withdrawal_note(chain.withdrawal.withdrawal_note());
  } else {
    int64_t until = 0;
    for (const auto& p : r.provisions()) until = std::max(until, p.valid_until_micros());
    until = std::min(until, EndOr(r.authority_ends_micros()));
    c.set_status(until <= now ? v1::CONSENT_STATUS_EXPIRED : v1::CONSENT_STATUS_IN_FORCE);
  }
  return c;
}

absl::StatusOr<std::string> Consents::Receipt(const rec::ConsentRecord& r) const {
  nlohmann::ordered_json j;
  j["receipt_version"] = "hoidla-consent-receipt-1";
  j["jurisdiction"] = "EE";
  j["consent_id"] = r.id();
  j["version"] = r.version();
  j["client_id"] = r.client_id();
  j["organization_id"] = r.organization_id();
  j["project_id"] = r.project_id();
  if (!r.case_id().empty()) j["case_id"] = r.case_id();
  j["given_by"] = v1::ConsentGiverKind_Name(static_cast<v1::ConsentGiverKind>(r.giver_kind()));
  if (!r.authority_basis().empty()) j["authority_basis"] = r.authority_basis();
  if (r.authority_ends_micros() != 0) {
    j["authority_ends"] = Rfc3339Utc(r.authority_ends_micros(), false);
  }
  j["subject_participated"] = r.subject_participated();
  j["form"] = v1::ConsentForm_Name(static_cast<v1::ConsentForm>(r.form()));
  j["cooperation_agreed"] = r.cooperation_agreed();
  j["processing_agreed"] = r.processing_agreed();
  j["given_voluntarily"] = r.given_voluntarily();
  auto time = [](int64_t micros) { return Rfc3339Utc(micros, true); };
  j["given_at"] = time(r.given_at_micros());
  j["recorded_at"] = time(r.recorded_at_micros());
  j["recorded_by"] = r.recorded_by();
  nlohmann::ordered_json provisions = nlohmann::ordered_json::array();
  for (const auto& p : r.provisions()) {
    nlohmann::ordered_json pj;
    nlohmann::ordered_json recipients = nlohmann::ordered_json::array();
    for (const auto& rc : p.recipients()) {
      nlohmann::ordered_json rj;
      if (!rc.organization_id().empty()) rj["organization_id"] = rc.organization_id();
      if (!rc.project_id().empty()) rj["project_id"] = rc.project_id();
      if (!rc.case_id().empty()) rj["case_network"] = rc.case_id();
      recipients.push_back(rj);
    }
    pj["recipients"] = recipients;
    pj["kinds"] = std::vector<std::string>(p.kinds().begin(), p.kinds().end());
    pj["purposes"] = std::vector<std::string>(p.purposes().begin(), p.purposes().end());
    pj["valid_from"] = time(p.valid_from_micros());
    pj["valid_until"] = time(p.valid_until_micros());
    pj["existence_queries"] = p.existence_queries();
    provisions.push_back(pj);
  }
  j["provisions"] = provisions;
  // The sealed record's exact content, so the receipt pins every field
  // (names and notes included) without showing them.
  keys::Sha256 digest;
  digest.Update(r.SerializeAsString());
  j["record_sha256"] = keys::ToHex(digest.Finish());
  const std::string text = StrCat("hoidla consent receipt v1\n", j.dump(), "\n");
  HOIDLA_ASSIGN_OR_RETURN(keys::Keyring::SigningKey key, keyring_->ActiveSigningKey());
  return keys::SignNote(text, receipt_origin_, key.seed);
}

// ---------------------------------------------------------------------------
// Consents

absl::StatusOr<v1::ConsentReceipt> Consents::RecordConsent(const RequestContext& ctx,
                                                           const v1::RecordConsentRequest& req) {
  if (!req.has_consent()) return FieldError("consent", "required");
  const auto& c = req.consent();
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("consent.id", c.id().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("consent.version", c.version() == 0));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("consent.status", c.status() == 0));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("consent.recorded_at", !c.has_recorded_at()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("consent.withdrawn_at", !c.has_withdrawn_at()));
  HOIDLA_RETURN_IF_ERROR(ValidateId(c.client_id(), IdKind::kClient, "consent.client_id"));
  HOIDLA_RETURN_IF_ERROR(ValidateId(c.project_id(), IdKind::kProject, "consent.project_id"));
  if (!c.case_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(c.case_id(), IdKind::kCase, "consent.case_id"));
  }
  auto client = registry_->LoadClient(c.client_id());
  Target target =
      client.ok() ? registry_->ClientTarget(*client) : registry_->LocationOf(c.client_id());
  target.project_id = c.project_id();
  // A client the caller may not read answers as no client, whichever
  // project is named (their own project included: the policy decides a
  // consent's write on the project alone).
  const bool sees_client =
      client.ok() &&
      policy_->Decide(ctx.principal, Action::kReadClient, registry_->ClientTarget(*client)).allowed;
  absl::Status allowed = policy_->Check(ctx, Action::kWriteConsent, target);
  if (!allowed.ok() && allowed.code() != absl::StatusCode::kNotFound) return allowed;
  if (!sees_client) {
    // DATA_LOSS only for one who would have been allowed.
    if (allowed.ok() && !client.ok() && client.status().code() != absl::StatusCode::kNotFound) {
      return client.status();
    }
    return absl::NotFoundError("consent.client_id: not found");
  }
  // The caller sees the client: the project they cannot write consents in
  // answers as one that does not exist.
  if (!allowed.ok()) return absl::NotFoundError("consent.project_id: not found");
  if (std::find(client->project_ids().begin(), client->project_ids().end(), c.project_id()) ==
      client->project_ids().end()) {
    return FieldError("consent.project_id", "the client does not take part in this project");
  }
  if (!c.case_id().empty()) {
    auto kase = registry_->LoadCase(c.case_id());
    if (kase.status().code() == absl::StatusCode::kNotFound ||
        (kase.ok() && kase->client_id() != c.client_id())) {
      return absl::NotFoundError("consent.case_id: not found among the client's cases");
    }
    HOIDLA_RETURN_IF_ERROR(kase.status());
  }
  rec::ConsentRecord r;
  HOIDLA_RETURN_IF_ERROR(FromApi(ctx, c, *client, &r));
  r.set_organization_id(client->organization_id());
  r.set_case_id(c.case_id());
  HOIDLA_RETURN_IF_ERROR(CheckRecorderReach(ctx, &r));
  r.set_id(NewId(IdKind::kConsent, *clock_));
  r.set_version(1);
  r.set_client_id(c.client_id());
  r.set_project_id(c.project_id());
  r.set_case_id(c.case_id());
  r.set_organization_id(client->organization_id());
  r.set_recorded_by(ctx.principal.id);

  std::lock_guard lock(write_mu_);
  r.set_recorded_at_micros(clock_->NowMicros());
  Chain chain;
  chain.versions.push_back(r);
  HOIDLA_ASSIGN_OR_RETURN(std::string receipt, Receipt(r));
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(versions_.Put(r, r.client_id(), &batch));
  batch.Put(Space::kIndex, ours::kClientOfConsent.Key(r.id()), r.client_id());
  batch.Put(Space::kIndex, ours::kConsentsOfClient.Key(r.client_id(), r.id()), "");
  Target where = registry_->ClientTarget(*client);
  where.project_id = r.project_id();
  where.case_id = r.case_id();
  Registry::PutLocation(r.id(), where, &batch);
  HOIDLA_RETURN_IF_ERROR(UpdateState(
      r.client_id(), StrCat("consent:", r.id(), "/"),
      [&](rec::ReleaseState* state) { AppendGrants(chain, state); }, &batch));
  HOIDLA_RETURN_IF_ERROR(Tell(r, true, r.recorded_at_micros(), r.authority_ends_micros(), &batch));
  audit::NoteTarget(ctx.audit, r.client_id(), r.case_id(), r.id());
  HOIDLA_RETURN_IF_ERROR(CommitChange(ctx, r.client_id(), std::move(batch)));
  v1::ConsentReceipt out;
  *out.mutable_consent() = ToApi(r, chain);
  out.set_receipt(std::move(receipt));
  return out;
}

absl::StatusOr<v1::ConsentReceipt> Consents::ReviseConsent(const RequestContext& ctx,
                                                           const v1::ReviseConsentRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kConsent, "id"));
  if (req.expected_version() == 0) return FieldError("expected_version", "required");
  if (!req.has_consent()) return FieldError("consent", "required");
  const auto& c = req.consent();
  if (!c.id().empty() && c.id() != req.id()) {
    return FieldError("consent.id", "must be empty or the id");
  }
  std::lock_guard lock(write_mu_);
  auto chain = LoadChain(req.id());
  HOIDLA_RETURN_IF_ERROR(RevealConsent(ctx, Action::kWriteConsent, req.id(), chain).status());
  HOIDLA_ASSIGN_OR_RETURN(const rec::ClientRecord client,
                          registry_->LoadClient(chain->current().client_id()));
  const rec::ConsentRecord cur = chain->current();  // a copy: versions grows below
  if ((!c.client_id().empty() && c.client_id() != cur.client_id())) {
    return FieldError("consent.client_id", "a revision keeps the client");
  }
  if (!c.project_id().empty() && c.project_id() != cur.project_id()) {
    return FieldError("consent.project_id", "a revision keeps the project");
  }
  if (chain->withdrawal.withdrawn_at_micros() != 0) {
    return WithReason(absl::FailedPreconditionError("id: the consent was withdrawn"),
                      kReasonConsentWithdrawn);
  }
  if (req.expected_version() != cur.version()) {
    return absl::AbortedError(StrCat("expected_version: the current version is ", cur.version(),
                                     "; reload and apply the change again"));
  }
  rec::ConsentRecord r;
  HOIDLA_RETURN_IF_ERROR(FromApi(ctx, c, client, &r));
  r.set_id(cur.id());
  r.set_version(cur.version() + 1);
  r.set_client_id(cur.client_id());
  r.set_project_id(cur.project_id());
  r.set_case_id(c.case_id().empty() ? cur.case_id() : c.case_id());
  if (r.case_id() != cur.case_id())
    return FieldError("consent.case_id", "a revision keeps the case");
  r.set_organization_id(cur.organization_id());
  HOIDLA_RETURN_IF_ERROR(CheckRecorderReach(ctx, &r));
  r.set_recorded_by(ctx.principal.id);
  r.set_recorded_at_micros(std::max(clock_->NowMicros(), cur.recorded_at_micros() + 1));
  chain->versions.push_back(r);
  HOIDLA_ASSIGN_OR_RETURN(std::string receipt, Receipt(r));
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(versions_.Put(r, r.client_id(), &batch));
  HOIDLA_RETURN_IF_ERROR(UpdateState(
      r.client_id(), StrCat("consent:", r.id(), "/"),
      [&](rec::ReleaseState* state) { AppendGrants(*chain, state); }, &batch));
  HOIDLA_RETURN_IF_ERROR(Tell(r, false, r.recorded_at_micros(), r.authority_ends_micros(), &batch));
  audit::NoteTarget(ctx.audit, r.client_id(), r.case_id(), r.id());
  HOIDLA_RETURN_IF_ERROR(CommitChange(ctx, r.client_id(), std::move(batch)));
  v1::ConsentReceipt out;
  *out.mutable_consent() = ToApi(r, *chain);
  out.set_receipt(std::move(receipt));
  return out;
}

absl::Status Consents::CheckRecorderReach(const RequestContext& ctx, rec::ConsentRecord* r) const {
  const Principal& who = ctx.principal;
  auto member_of_org = [&](std::string_view org) {
    for (const auto& m : who.memberships) {
      if (m.organization_id == org) return true;
    }
    return false;
  };
  auto member_of_project = [&](std::string_view prj) {
    for (const auto& m : who.memberships) {
      if (!m.project_id.empty() && m.project_id == prj) return true;
    }
    return false;
  };
  bool confirmation = false;
  for (int i = 0; i < r->provisions_size(); ++i) {
    const auto& p = r->provisions(i);
    for (int j = 0; j < p.recipients_size(); ++j) {
      const auto& rc = p.recipients(j);
      const std::string field = StrCat("consent.provisions[", i, "].recipients[", j, "]");
      switch (rc.kind()) {
        case v1::RECIPIENT_KIND_ORGANIZATION:
          if (member_of_org(rc.organization_id())) {
            return absl::PermissionDeniedError(
                StrCat(field,
                       ": the recorder works for this recipient; a consent never widens "
                       "its recorder's reach"));
          }
          break;
        case v1::RECIPIENT_KIND_PROJECT:
          if (member_of_project(rc.project_id())) {
            return absl::PermissionDeniedError(
                StrCat(field,
                       ": the recorder works in this recipient project; a consent never "
                       "widens its recorder's reach"));
          }
          if (rc.organization_id() == r->organization_id()) confirmation = true;
          break;
        case v1::RECIPIENT_KIND_CASE_NETWORK: {
          auto kase = registry_->LoadCase(rc.case_id().empty() ? r->case_id() : rc.case_id());
          if (kase.ok()) {
            const auto& ids = kase->network_member_ids();
            if (std::find(ids.begin(), ids.end(), who.id) != ids.end()) {
              return absl::PermissionDeniedError(
                  StrCat(field,
                         ": the recorder belongs to this case network; a consent never "
                         "widens its recorder's reach"));
            }
          }
          break;
        }
        default:
          break;
      }
    }
  }
  r->set_release_confirmation_required(confirmation);
  return absl::OkStatus();
}

absl::StatusOr<v1::Consent> Consents::ConfirmConsentRelease(
    const RequestContext& ctx, const v1::ConfirmConsentReleaseRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kConsent, "id"));
  if (req.version() == 0) return FieldError("version", "required");
  std::lock_guard lock(write_mu_);
  auto chain = LoadChain(req.id());
  HOIDLA_RETURN_IF_ERROR(RevealConsent(ctx, Action::kWriteConsent, req.id(), chain).status());
  rec::ConsentRecord& cur = chain->versions.back();
  if (req.version() != cur.version()) {
    return absl::AbortedError(StrCat("version: the current version is ", cur.version()));
  }
  bool manager = false;
  for (const auto& m : ctx.principal.memberships) {
    manager |= (m.role == Role::kProjectManager && m.project_id == cur.project_id()) ||
               (m.role == Role::kHeadOfOrganization && m.organization_id == cur.organization_id());
  }
  if (!manager || !ctx.acting_through.empty()) {
    return absl::PermissionDeniedError(
        "id: only a project manager of the consent's project confirms a release");
  }
  if (cur.recorded_by() == ctx.principal.id) {
    return absl::PermissionDeniedError(
        "id: the recorder of the version may not confirm its release");
  }
  if (!cur.release_confirmation_required() || !cur.release_confirmed_by().empty()) {
    return absl::FailedPreconditionError("version: needs no confirmation or is confirmed already");
  }
  if (chain->withdrawal.withdrawn_at_micros() != 0) {
    return WithReason(absl::FailedPreconditionError("id: the consent was withdrawn"),
                      kReasonConsentWithdrawn);
  }
  cur.set_release_confirmed_by(ctx.principal.id);
  cur.set_release_confirmed_at_micros(clock_->NowMicros());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(versions_.Put(cur, cur.client_id(), &batch));
  HOIDLA_RETURN_IF_ERROR(UpdateState(
      cur.client_id(), StrCat("consent:", cur.id(), "/"),
      [&](rec::ReleaseState* state) { AppendGrants(*chain, state); }, &batch));
  audit::NoteTarget(ctx.audit, cur.client_id(), cur.case_id(), cur.id());
  HOIDLA_RETURN_IF_ERROR(CommitChange(ctx, cur.client_id(), std::move(batch)));
  return ToApi(cur, *chain);
}

absl::StatusOr<v1::Consent> Consents::WithdrawConsent(const RequestContext& ctx,
                                                      const v1::WithdrawConsentRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kConsent, "id"));
  HOIDLA_RETURN_IF_ERROR(ValidateText("note", req.note(), false, 2000));
  std::lock_guard lock(write_mu_);
  auto chain = LoadChain(req.id());
  HOIDLA_RETURN_IF_ERROR(RevealConsent(ctx, Action::kWriteConsent, req.id(), chain).status());
  if (chain->withdrawal.withdrawn_at_micros() != 0) {
    return WithReason(absl::FailedPreconditionError("id: withdrawn already"),
                      kReasonConsentWithdrawn);
  }
  const rec::ConsentRecord& cur = chain->current();
  rec::ConsentRecord& w = chain->withdrawal;
  w.set_id(cur.id());
  w.set_client_id(cur.client_id());
  w.set_withdrawn_at_micros(std::max(clock_->NowMicros(), cur.recorded_at_micros() + 1));
  w.set_withdrawn_by(ctx.principal.id);
  w.set_withdrawal_note(req.note());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kCnw, cur.id(), cur.client_id(), w, &batch));
  HOIDLA_RETURN_IF_ERROR(UpdateState(
      cur.client_id(), StrCat("consent:", cur.id(), "/"),
      [&](rec::ReleaseState* state) { AppendGrants(*chain, state); }, &batch));
  HOIDLA_RETURN_IF_ERROR(
      Tell(cur, false, w.withdrawn_at_micros(), w.withdrawn_at_micros(), &batch));
  audit::NoteTarget(ctx.audit, cur.client_id(), cur.case_id(), cur.id());
  HOIDLA_RETURN_IF_ERROR(CommitChange(ctx, cur.client_id(), std::move(batch)));
  return ToApi(cur, *chain);
}

absl::StatusOr<v1::Consent> Consents::GetConsent(const RequestContext& ctx,
                                                 const v1::GetConsentRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kConsent, "id"));
  auto chain = LoadChain(req.id());
  HOIDLA_RETURN_IF_ERROR(RevealConsent(ctx, Action::kReadConsent, req.id(), chain).status());
  if (req.version() > chain->versions.size()) return absl::NotFoundError("version: not found");
  const auto& r = req.version() == 0 ? chain->current() : chain->versions[req.version() - 1];
  return ToApi(r, *chain);
}

absl::StatusOr<v1::ListConsentsResponse> Consents::ListConsents(
    const RequestContext& ctx, const v1::ListConsentsRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.client_id(), IdKind::kClient, "client_id"));
  if (req.has_at() && req.all_versions()) {
    return FieldError("at", "give at or all_versions, not both");
  }
  auto client = registry_->LoadClient(req.client_id());
  HOIDLA_ASSIGN_OR_RETURN(
      const Target target,
      registry_->RevealClient(
          ctx, {.action = Action::kReadConsent, .id = req.client_id(), .field = "client_id"},
          client));
  HOIDLA_ASSIGN_OR_RETURN(std::vector<Chain> chains, LoadChains(req.client_id()));
  const int64_t at = req.has_at() ? Micros(req.at()) : clock_->NowMicros();
  v1::ListConsentsResponse out;
  std::vector<std::pair<int64_t, v1::Consent>> found;
  for (const Chain& chain : chains) {
    // Each consent is judged as GetConsent judges it (its own project): the
    // list shows nothing the caller would be refused by id.
    Target each = target;
    each.project_id = chain.current().project_id();
    each.object_id = chain.current().id();
    if (!policy_->Decide(ctx.principal, Action::kReadConsent, each).allowed) continue;
    for (size_t i = 0; i < chain.versions.size(); ++i) {
      const auto& v = chain.versions[i];
      if (!req.all_versions()) {
        if (at < v.recorded_at_micros() || at >= chain.EndOf(i)) continue;
        bool any = false;
        for (const auto& p : v.provisions()) {
          any |= p.valid_from_micros() <= at && at < p.valid_until_micros();
        }
        if (!any) continue;
      }
      found.emplace_back(v.recorded_at_micros(), ToApi(v, chain));
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [t, c] : found) *out.add_consents() = std::move(c);
  return out;
}

absl::StatusOr<bool> Consents::HasSignedConsentInForce(const rec::CaseRecord& kase) const {
  HOIDLA_ASSIGN_OR_RETURN(std::vector<Chain> chains, LoadChains(kase.client_id()));
  const int64_t now = clock_->NowMicros();
  for (const Chain& chain : chains) {
    for (size_t i = 0; i < chain.versions.size(); ++i) {
      const auto& v = chain.versions[i];
      if (now < v.recorded_at_micros() || now >= chain.EndOf(i)) continue;
      if (v.form() != v1::CONSENT_FORM_WRITTEN_SIGNED &&
          v.form() != v1::CONSENT_FORM_DIGITAL_SIGNATURE) {
        continue;
      }
      if (v.project_id() != kase.project_id()) continue;
      if (!v.case_id().empty() && v.case_id() != kase.id()) continue;
      if (!v.cooperation_agreed()) continue;
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Disclosures without consent

namespace {

v1::Disclosure DisclosureToApi(const rec::DisclosureRecord& r) {
  v1::Disclosure d;
  d.set_id(r.id());
  d.set_client_id(r.client_id());
  d.set_case_id(r.case_id());
  d.set_organization_id(r.organization_id());
  d.set_project_id(r.project_id());
  d.set_recipient_organization_id(r.recipient_organization_id());
  d.set_legal_basis(static_cast<v1::LegalBasis>(r.legal_basis()));
  d.set_justification(r.justification());
  *d.mutable_item_ids() = r.item_ids();
  d.set_valid_hours(r.valid_hours());
  *d.mutable_valid_until() = ToTimestamp(r.valid_until_micros());
  *d.mutable_created_at() = ToTimestamp(r.created_at_micros());
  d.set_created_by(r.created_by());
  d.set_review(static_cast<v1::DisclosureReview>(r.review()));
  d.set_reviewed_by(r.reviewed_by());
  if (r.reviewed_at_micros() != 0) *d.mutable_reviewed_at() = ToTimestamp(r.reviewed_at_micros());
  d.set_review_note(r.review_note());
  return d;
}

}  // namespace

absl::StatusOr<v1::Disclosure> Consents::DiscloseWithoutConsent(
    const RequestContext& ctx, const v1::DiscloseWithoutConsentRequest& req) {
  if (!req.has_disclosure()) return FieldError("disclosure", "required");
  const auto& d = req.disclosure();
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("disclosure.id", d.id().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("disclosure.review", d.review() == 0));
  HOIDLA_RETURN_IF_ERROR(ValidateId(d.client_id(), IdKind::kClient, "disclosure.client_id"));
  if (!d.case_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(d.case_id(), IdKind::kCase, "disclosure.case_id"));
  }
  HOIDLA_RETURN_IF_ERROR(ValidateId(d.recipient_organization_id(), IdKind::kOrganization,
                                    "disclosure.recipient_organization_id"));
  if (d.legal_basis() == v1::LEGAL_BASIS_UNSPECIFIED || !v1::LegalBasis_IsValid(d.legal_basis())) {
    return FieldError("disclosure.legal_basis",
                      "required: danger_to_others, crime, danger_to_client or "
                      "court_or_prosecutor_request");
  }
  HOIDLA_RETURN_IF_ERROR(ValidateText("disclosure.justification", d.justification(), true, 4000));
  if (d.justification().size() < 20) {
    return FieldError("disclosure.justification", "at least 20 characters: say why");
  }
  if (d.item_ids().empty() || d.item_ids_size() > 100) {
    return FieldError("disclosure.item_ids", "1 to 100 required");
  }
  if (d.valid_hours() < 1 || d.valid_hours() > 168) {
    return FieldError("disclosure.valid_hours", "1 to 168 (a week at most)");
  }
  auto client = registry_->LoadClient(d.client_id());
  HOIDLA_ASSIGN_OR_RETURN(const Target target,
                          registry_->RevealClient(ctx,
                                                  {.action = Action::kDiscloseWithoutConsent,
                                                   .id = d.client_id(),
                                                   .field = "disclosure.client_id"},
                                                  client));
  HOIDLA_RETURN_IF_ERROR(
      ReferencedField(registry_->LoadOrganization(d.recipient_organization_id()).status(),
                      "disclosure.recipient_organization_id"));
  rec::DisclosureRecord r;
  // Every item must be the client's and readable by the discloser.
  std::string project_id;
  for (int i = 0; i < d.item_ids_size(); ++i) {
    const std::string f = StrCat("disclosure.item_ids[", i, "]");
    if (ValidateId(d.item_ids(i), IdKind::kRecord, f).ok() && locate_record_) {
      // An assessment record: the client's, of the case named, readable by
      // the discloser; otherwise as for none.
      const absl::Status none =
          absl::NotFoundError(StrCat(f, ": not found among the client's documents and records"));
      auto at = locate_record_(d.item_ids(i));
      if (at.status().code() == absl::StatusCode::kNotFound) return none;
      HOIDLA_RETURN_IF_ERROR(at.status());
      if (at->target.client_id != d.client_id() ||
          !policy_->Decide(ctx.principal, Action::kReadRecord, at->target).allowed) {
        return none;
      }
      if (!d.case_id().empty() && at->target.case_id != d.case_id()) {
        return FieldError(f, "not a record of disclosure.case_id");
      }
      if (project_id.empty()) project_id = at->target.project_id;
      r.add_item_ids(d.item_ids(i));
      continue;
    }
    HOIDLA_RETURN_IF_ERROR(ValidateId(d.item_ids(i), IdKind::kDocument, f));
    auto doc = documents_->LoadDocument(d.item_ids(i));
    if (doc.status().code() == absl::StatusCode::kNotFound ||
        (doc.ok() && doc->client_id() != d.client_id())) {
      return absl::NotFoundError(StrCat(f, ": not found among the client's documents and records"));
    }
    HOIDLA_RETURN_IF_ERROR(doc.status());
    if (!d.case_id().empty() && doc->case_id() != d.case_id()) {
      return FieldError(f, "not a document of disclosure.case_id");
    }
    HOIDLA_ASSIGN_OR_RETURN(Target t, documents_->DocumentTarget(*doc));
    if (!policy_->Decide(ctx.principal, Action::kReadDocument, t).allowed) {
      return absl::NotFoundError(StrCat(f, ": not found among the client's documents and records"));
    }
    if (project_id.empty()) project_id = doc->project_id();
    r.add_item_ids(d.item_ids(i));
  }
  const int64_t now = clock_->NowMicros();
  r.set_id(NewId(IdKind::kDisclosure, *clock_));
  r.set_client_id(d.client_id());
  r.set_case_id(d.case_id());
  r.set_organization_id(client->organization_id());
  r.set_project_id(project_id);
  r.set_recipient_organization_id(d.recipient_organization_id());
  r.set_legal_basis(d.legal_basis());
  r.set_justification(d.justification());
  r.set_valid_hours(d.valid_hours());
  r.set_valid_until_micros(now + d.valid_hours() * kMicrosPerHour);
  r.set_created_at_micros(now);
  r.set_created_by(ctx.principal.id);
  r.set_review(v1::DISCLOSURE_REVIEW_PENDING);

  std::lock_guard lock(write_mu_);
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kDsc, r.id(), r.client_id(), r, &batch));
  batch.Put(Space::kIndex, ours::kDisclosuresOfClient.Key(r.client_id(), r.id()), "");
  batch.Put(Space::kIndex, ours::kDisclosuresOfOrganization.Key(r.organization_id(), r.id()),
            r.client_id());
  batch.Put(Space::kIndex, ours::kPendingDisclosures.Key(r.organization_id(), r.id()),
            r.client_id());
  Target where = registry_->ClientTarget(*client);
  where.project_id = project_id;
  Registry::PutLocation(r.id(), where, &batch);
  HOIDLA_RETURN_IF_ERROR(UpdateState(
      r.client_id(), StrCat("disclosure:", r.id(), ":"),
      [&](rec::ReleaseState* state) { AppendGrant(r, state); }, &batch));
  if (ctx.audit != nullptr) {
    ctx.audit->entry.set_legal_basis(
        StrCat("disclosure:", r.id(), ":", LegalBasisName(r.legal_basis())));
  }
  audit::NoteTarget(ctx.audit, r.client_id(), r.case_id(), r.id());
  HOIDLA_RETURN_IF_ERROR(CommitChange(ctx, r.client_id(), std::move(batch)));
  return DisclosureToApi(r);
}

absl::StatusOr<v1::ListDisclosuresResponse> Consents::ListDisclosures(
    const RequestContext& ctx, const v1::ListDisclosuresRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  HOIDLA_RETURN_IF_ERROR(
      policy_->Check(ctx, Action::kReadDisclosures, {.organization_id = req.organization_id()}));
  const std::string prefix =
      (req.pending_only() ? ours::kPendingDisclosures : ours::kDisclosuresOfOrganization)
          .Prefix(req.organization_id());
  v1::ListDisclosuresResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(store_, Space::kIndex, prefix, IdKind::kDisclosure, req.page_token(), page_size,
               [&](std::string_view id) -> absl::StatusOr<bool> {
                 HOIDLA_ASSIGN_OR_RETURN(std::string client_id,
                                         store_->Get(Space::kIndex, StrCat(prefix, id)));
                 rec::DisclosureRecord r;
                 HOIDLA_RETURN_IF_ERROR(records_.Get(kDsc, id, client_id, &r));
                 *out.add_disclosures() = DisclosureToApi(r);
                 return true;
               }));
  out.set_next_page_token(next);
  // Each client listed sees this call in their access report.
  if (ctx.audit != nullptr) {
    for (const auto& d : out.disclosures()) ctx.audit->entry.add_listed_client_ids(d.client_id());
  }
  return out;
}

absl::StatusOr<v1::Disclosure> Consents::ReviewDisclosure(const RequestContext& ctx,
                                                          const v1::ReviewDisclosureRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kDisclosure, "id"));
  if (req.review() != v1::DISCLOSURE_REVIEW_UPHELD &&
      req.review() != v1::DISCLOSURE_REVIEW_REJECTED) {
    return FieldError("review", "upheld or rejected");
  }
  HOIDLA_RETURN_IF_ERROR(ValidateText("note", req.note(), false, 2000));
  std::lock_guard lock(write_mu_);
  Target target = registry_->LocationOf(req.id());
  target.object_id = req.id();
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReviewDisclosures, target));
  if (target.client_id.empty()) return absl::NotFoundError("id: not found");
  rec::DisclosureRecord r;
  absl::Status s = records_.Get(kDsc, req.id(), target.client_id, &r);
  if (s.code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError("id: not found");
  }
  HOIDLA_RETURN_IF_ERROR(s);
  if (r.review() != v1::DISCLOSURE_REVIEW_PENDING) {
    return absl::FailedPreconditionError("id: reviewed already");
  }
  r.set_review(req.review());
  r.set_reviewed_by(ctx.principal.id);
  r.set_reviewed_at_micros(clock_->NowMicros());
  r.set_review_note(req.note());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kDsc, r.id(), r.client_id(), r, &batch));
  batch.Delete(Space::kIndex, ours::kPendingDisclosures.Key(r.organization_id(), r.id()));
  HOIDLA_RETURN_IF_ERROR(UpdateState(
      r.client_id(), StrCat("disclosure:", r.id(), ":"),
      [&](rec::ReleaseState* state) { AppendGrant(r, state); }, &batch));
  HOIDLA_RETURN_IF_ERROR(CommitChange(ctx, r.client_id(), std::move(batch)));
  return DisclosureToApi(r);
}

// ---------------------------------------------------------------------------
// Existence queries

absl::StatusOr<v1::QueryRecordExistenceResponse> Consents::QueryRecordExistence(
    const RequestContext& ctx, const v1::QueryRecordExistenceRequest& req) {
  if (req.personal_code().empty() == req.client_id().empty()) {
    return FieldError("personal_code", "give exactly one of personal_code and client_id");
  }
  if (!req.personal_code().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidatePersonalCode(req.personal_code(), "personal_code").status());
  } else {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.client_id(), IdKind::kClient, "client_id"));
  }
  HOIDLA_RETURN_IF_ERROR(ValidateSlug("kind", req.kind(), 64));
  HOIDLA_RETURN_IF_ERROR(
      policy_->Check(ctx, Action::kQueryExistence, {}, absl::StatusCode::kPermissionDenied));
  if (ctx.purpose.empty()) {
    return absl::InvalidArgumentError(
        "x-hoidla-purpose: required: a partner agency's request states its purpose");
  }
  std::vector<std::string> clients;
  if (!req.client_id().empty()) {
    clients.push_back(req.client_id());
  } else {
    HOIDLA_ASSIGN_OR_RETURN(clients, registry_->ClientsWithPersonalCode(req.personal_code()));
  }
  v1::QueryRecordExistenceResponse out;
  const int64_t now = clock_->NowMicros();
  for (const auto& client_id : clients) {
    auto client = registry_->LoadClient(client_id);
    if (client.status().code() == absl::StatusCode::kNotFound) continue;
    HOIDLA_RETURN_IF_ERROR(client.status());
    HOIDLA_ASSIGN_OR_RETURN(auto state, State(client_id));
    // Only grants that let the caller ask about this kind count, each for
    // what its own project holds: a consent recorded in one project says
    // nothing of what another project holds.
    std::optional<Release> release;
    for (const auto& g : state->grants()) {
      if (!g.existence_queries() || g.holding_project_id().empty()) continue;
      rec::ReleaseState one;
      *one.add_grants() = g;
      auto found =
          Decide(one, ctx.principal, ctx.purpose, {client_id, req.kind(), ""}, now, InNetwork());
      if (!found) continue;
      HOIDLA_ASSIGN_OR_RETURN(
          bool has, documents_->ClientHasKind(client_id, req.kind(), g.holding_project_id()));
      if (!has && has_record_kind_) {
        HOIDLA_ASSIGN_OR_RETURN(has,
                                has_record_kind_(client_id, req.kind(), g.holding_project_id()));
      }
      if (has) {
        release = std::move(found);
        break;
      }
    }
    if (!release) continue;
    if (ctx.audit != nullptr) {
      ctx.audit->entry.set_client_id(client_id);
      ctx.audit->entry.set_legal_basis(release->basis);
    }
    out.set_exists(true);
    out.add_organization_ids(client->organization_id());
    out.add_client_ids(client_id);
  }
  return out;
}

absl::StatusOr<std::vector<v1::Consent>> Consents::ConsentHistory(
    std::string_view client_id) const {
  HOIDLA_ASSIGN_OR_RETURN(std::vector<Chain> chains, LoadChains(client_id));
  std::vector<std::pair<int64_t, v1::Consent>> found;
  for (const Chain& chain : chains) {
    for (const auto& v : chain.versions)
      found.emplace_back(v.recorded_at_micros(), ToApi(v, chain));
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<v1::Consent> out;
  for (auto& [t, c] : found) out.push_back(std::move(c));
  return out;
}

absl::StatusOr<std::vector<v1::Disclosure>> Consents::DisclosuresOf(
    std::string_view client_id) const {
  std::vector<std::string> ids;
  const std::string prefix = ours::kDisclosuresOfClient.Prefix(client_id);
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(it->key().substr(prefix.size()));
  HOIDLA_RETURN_IF_ERROR(it->status());
  std::vector<v1::Disclosure> out;
  for (const auto& id : ids) {
    rec::DisclosureRecord r;
    HOIDLA_RETURN_IF_ERROR(records_.Get(kDsc, id, client_id, &r));
    out.push_back(DisclosureToApi(r));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> Consents::DestroyClientConsents(
    const std::string& client_id, storage::WriteBatch* batch,
    std::vector<std::string>* disclosure_ids) const {
  auto ids_under = [&](const std::string& prefix) -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> ids;
    auto it = store_->Scan(Space::kIndex, prefix);
    for (; it->Valid(); it->Next()) ids.emplace_back(storage::layout::Rest(it->key(), prefix));
    HOIDLA_RETURN_IF_ERROR(it->status());
    return ids;
  };
  storage::WriteBatch out;
  HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> consents,
                          ids_under(ours::kConsentsOfClient.Prefix(client_id)));
  for (const std::string& id : consents) {
    HOIDLA_RETURN_IF_ERROR(versions_.Destroy(id, &out).status());
    HOIDLA_RETURN_IF_ERROR(records_.DeleteAll(kCnw, id, &out).status());
    out.Delete(Space::kIndex, ours::kClientOfConsent.Key(id));
    out.Delete(Space::kIndex, ours::kConsentsOfClient.Key(client_id, id));
    Registry::DeleteLocation(id, &out);
  }
  HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> disclosures,
                          ids_under(ours::kDisclosuresOfClient.Prefix(client_id)));
  for (const std::string& id : disclosures) {
    rec::DisclosureRecord d;
    HOIDLA_RETURN_IF_ERROR(records_.Get(kDsc, id, client_id, &d));
    HOIDLA_RETURN_IF_ERROR(records_.DeleteAll(kDsc, id, &out).status());
    out.Delete(Space::kIndex, ours::kDisclosuresOfClient.Key(client_id, id));
    out.Delete(Space::kIndex, ours::kDisclosuresOfOrganization.Key(d.organization_id(), id));
    out.Delete(Space::kIndex, ours::kPendingDisclosures.Key(d.organization_id(), id));
    Registry::DeleteLocation(id, &out);
  }
  HOIDLA_RETURN_IF_ERROR(records_.DeleteAll(kRel, client_id, &out).status());
  if (disclosure_ids != nullptr) *disclosure_ids = std::move(disclosures);
  batch->Append(out);
  return consents;
}

absl::StatusOr<std::vector<std::string>> Consents::ConsentIdsOfClient(
    const std::string& client_id) const {
  std::vector<std::string> ids;
  const std::string prefix = ours::kConsentsOfClient.Prefix(client_id);
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(storage::layout::Rest(it->key(), prefix));
  HOIDLA_RETURN_IF_ERROR(it->status());
  return ids;
}

void Consents::Forget(const std::string& client_id) const {
  absl::MutexLock lock(&cache_mu_);
  cache_.erase(client_id);
  ++generation_;
}

absl::Status Consents::Tell(const rec::ConsentRecord& r, bool created, int64_t at_micros,
                            int64_t ended_at_micros, storage::WriteBatch* batch) {
  if (lifecycle_ == nullptr) return absl::OkStatus();
  return lifecycle_->ItemChanged({.type = v1::RETENTION_ITEM_TYPE_CONSENT,
                                  .id = r.id(),
                                  .organization_id = r.organization_id(),
                                  .project_id = r.project_id(),
                                  .client_id = r.client_id(),
                                  .case_id = r.case_id()},
                                 created, at_micros, ended_at_micros, batch);
}

absl::StatusOr<std::vector<std::string>> Consents::DestroyConsents(
    const std::vector<std::string>& consent_ids, storage::WriteBatch* batch) {
  std::map<std::string, std::vector<std::string>> by_client;
  for (const std::string& id : consent_ids) {
    auto client = store_->Get(Space::kIndex, ours::kClientOfConsent.Key(id));
    if (client.status().code() == absl::StatusCode::kNotFound) continue;
    HOIDLA_RETURN_IF_ERROR(client.status());
    by_client[*client].push_back(id);
  }
  storage::WriteBatch out;
  std::vector<std::string> destroyed;
  for (const auto& [client_id, ids] : by_client) {
    for (const std::string& id : ids) {
      HOIDLA_RETURN_IF_ERROR(versions_.Destroy(id, &out).status());
      HOIDLA_RETURN_IF_ERROR(records_.DeleteAll(kCnw, id, &out).status());
      out.Delete(Space::kIndex, ours::kClientOfConsent.Key(id));
      out.Delete(Space::kIndex, ours::kConsentsOfClient.Key(client_id, id));
      Registry::DeleteLocation(id, &out);
      destroyed.push_back(id);
    }
    // One rewrite of the client's release state without any of their
    // grants (a second rewrite in the same batch would undo the first).
    rec::ReleaseState old;
    absl::Status s = records_.Get(kRel, client_id, client_id, &old);
    if (s.code() == absl::StatusCode::kNotFound) continue;
    HOIDLA_RETURN_IF_ERROR(s);
    rec::ReleaseState state;
    for (auto& g : *old.mutable_grants()) {
      const std::string_view basis = g.basis();
      const bool gone = std::any_of(ids.begin(), ids.end(), [&](const std::string& id) {
        return basis.starts_with(StrCat("consent:", id, "/"));
      });
      if (!gone) *state.add_grants() = std::move(g);
    }
    HOIDLA_RETURN_IF_ERROR(records_.Put(kRel, client_id, client_id, state, &out));
  }
  batch->Append(out);
  return destroyed;
}

}  // namespace hoidla::core
