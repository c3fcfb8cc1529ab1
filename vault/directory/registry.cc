#include "vault/directory/registry.h"

#include <cctype>
#include <optional>

#include "base/error_reason.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "keys/crypto.h"
#include "keys/x509.h"
#include "vault/access/paging.h"
#include "vault/audit/audit_log.h"
#include "vault/directory/isikukood.h"
#include "vault/sealing/kv_key_store.h"
#include "vault/storage/layout.h"

namespace hoidla::core {
namespace {

using storage::Space;

namespace ours = storage::layout::directory;
constexpr std::string_view kOrg = ours::kOrganization;
constexpr std::string_view kPrj = ours::kProject;
constexpr std::string_view kCli = ours::kClient;
constexpr std::string_view kCas = ours::kCase;

v1::Organization ToApi(const rec::OrganizationRecord& r) { return OrganizationToApi(r); }

v1::Project ToApi(const rec::ProjectRecord& r) {
  v1::Project p;
  p.set_id(r.id());
  p.set_organization_id(r.organization_id());
  p.set_name(r.name());
  p.set_description(r.description());
  *p.mutable_created_at() = ToTimestamp(r.created_at_micros());
  p.set_created_by(r.created_by());
  p.set_case_visibility(r.case_visibility() == v1::CASE_VISIBILITY_WHOLE_PROJECT
                            ? v1::CASE_VISIBILITY_WHOLE_PROJECT
                            : v1::CASE_VISIBILITY_ASSIGNED_CASES);
  p.set_accepts_concern_reports(r.accepts_concern_reports());
  return p;
}

v1::Case ToApi(const rec::CaseRecord& r) {
  v1::Case c;
  c.set_id(r.id());
  c.set_project_id(r.project_id());
  c.set_client_id(r.client_id());
  c.set_title(r.title());
  c.set_status(static_cast<v1::CaseStatus>(r.status()));
  *c.mutable_created_at() = ToTimestamp(r.created_at_micros());
  c.set_created_by(r.created_by());
  c.set_assigned_worker_id(r.assigned_worker_id());
  c.set_origin(r.origin() == 0 ? v1::CASE_ORIGIN_APPLICATION
                               : static_cast<v1::CaseOrigin>(r.origin()));
  c.set_reporter_name(r.reporter_name());
  c.set_reporter_contact(r.reporter_contact());
  c.set_linked_case_id(r.linked_case_id());
  for (const auto& e : r.events()) {
    auto* o = c.add_events();
    o->set_kind(static_cast<v1::CaseEvent::Kind>(e.kind()));
    *o->mutable_at() = ToTimestamp(e.at_micros());
    o->set_by(e.by());
    o->set_reason(static_cast<v1::ClosingReason>(e.reason()));
    o->set_referred_to_organization_id(e.referred_to_organization_id());
    o->set_follow_up_record_id(e.follow_up_record_id());
    o->set_note(e.note());
  }
  if (r.retention_clock_started_micros() != 0) {
    *c.mutable_retention_clock_started_at() = ToTimestamp(r.retention_clock_started_micros());
  }
  *c.mutable_network_member_ids() = r.network_member_ids();
  return c;
}

}  // namespace

v1::Organization OrganizationToApi(const rec::OrganizationRecord& r) {
  v1::Organization o;
  o.set_id(r.id());
  o.set_name(r.name());
  o.set_registry_code(r.registry_code());
  *o.mutable_created_at() = ToTimestamp(r.created_at_micros());
  o.set_created_by(r.created_by());
  o.set_has_client_ca(!r.client_ca_pem().empty());
  o.set_has_crl(!r.crl_pem().empty());
  o.set_identity_provider_issuer(r.idp_issuer());
  return o;
}

absl::Status Registry::PutOrganization(const rec::OrganizationRecord& r,
                                       storage::WriteBatch* batch) const {
  return records_.Put(kOrg, r.id(), keys::kSystemSubject, r, batch);
}

absl::StatusOr<bool> Registry::HoldsClientData(std::string_view org) const {
  auto it = store_->Scan(Space::kIndex, ours::kClientsOfOrganization.Prefix(org));
  const bool any = it->Valid();
  HOIDLA_RETURN_IF_ERROR(it->status());
  return any;
}

Registry::Registry(storage::KvStore* store, keys::Keyring* keyring, Clock* clock,
                   const Policy* policy, Limits limits)
    : store_(store),
      keyring_(keyring),
      clock_(clock),
      policy_(policy),
      limits_(limits),
      records_(store, keyring) {}

std::string Registry::NewId(IdKind kind) const { return core::NewId(kind, *clock_); }

absl::StatusOr<rec::OrganizationRecord> Registry::LoadOrganization(std::string_view id) const {
  rec::OrganizationRecord r;
  HOIDLA_RETURN_IF_ERROR(records_.Get(kOrg, id, keys::kSystemSubject, &r));
  if (r.id() != id) return absl::DataLossError("stored organisation does not match its key");
  return r;
}

absl::StatusOr<rec::ProjectRecord> Registry::LoadProject(std::string_view id) const {
  rec::ProjectRecord r;
  HOIDLA_RETURN_IF_ERROR(records_.Get(kPrj, id, keys::kSystemSubject, &r));
  if (r.id() != id) return absl::DataLossError("stored project does not match its key");
  return r;
}

absl::StatusOr<rec::ClientRecord> Registry::LoadClient(std::string_view id) const {
  rec::ClientRecord r;
  // A client's records are sealed under its own key.
  HOIDLA_RETURN_IF_ERROR(records_.Get(kCli, id, id, &r));
  if (r.id() != id) return absl::DataLossError("stored client does not match its key");
  return r;
}

absl::StatusOr<rec::CaseRecord> Registry::LoadCase(std::string_view id) const {
  rec::CaseRecord r;
  std::string owner;
  HOIDLA_RETURN_IF_ERROR(records_.Get(kCas, id, /*owner from header*/ "", &r, nullptr, &owner));
  if (r.id() != id || r.client_id() != owner) {
    return absl::DataLossError("stored case does not match its key");
  }
  return r;
}

void Registry::PutLocation(std::string_view id, const Target& where, storage::WriteBatch* batch) {
  rec::LocationRecord loc;
  loc.set_organization_id(where.organization_id);
  loc.set_project_id(where.project_id);
  for (const auto& p : where.client_project_ids) loc.add_client_project_ids(p);
  loc.set_client_id(where.client_id);
  loc.set_case_id(where.case_id);
  loc.set_case_assignee(where.case_assignee);
  batch->Put(Space::kIndex, ours::kLocation.Key(id), loc.SerializeAsString());
}

void Registry::DeleteLocation(std::string_view id, storage::WriteBatch* batch) {
  batch->Delete(Space::kIndex, ours::kLocation.Key(id));
}

Target Registry::LocationOf(std::string_view id) const {
  Target t{.object_id = std::string(id)};
  auto raw = store_->Get(Space::kIndex, ours::kLocation.Key(id));
  rec::LocationRecord loc;
  if (!raw.ok() || !loc.ParseFromString(*raw)) return t;
  t.organization_id = loc.organization_id();
  t.project_id = loc.project_id();
  t.client_project_ids = {loc.client_project_ids().begin(), loc.client_project_ids().end()};
  t.client_id = loc.client_id();
  t.case_id = loc.case_id();
  t.case_assignee = loc.case_assignee();
  if (!t.case_id.empty() && t.case_id != id) {
    // A document in a case follows the case's current assignment.
    t.case_assignee = LocationOf(t.case_id).case_assignee;
  }
  if (!t.project_id.empty()) {
    auto project = LoadProject(t.project_id);
    t.whole_project_cases =
        project.ok() && project->case_visibility() == v1::CASE_VISIBILITY_WHOLE_PROJECT;
  }
  return t;
}

absl::StatusOr<Target> Registry::RevealClient(
    const RequestContext& ctx, const GuardedCall& call,
    const absl::StatusOr<rec::ClientRecord>& loaded) const {
  return Guard(policy_, this).Reveal(ctx, call, loaded, [&](const rec::ClientRecord& c) {
    return ClientTarget(c);
  });
}

absl::StatusOr<Target> Registry::RevealCase(const RequestContext& ctx, const GuardedCall& call,
                                            const absl::StatusOr<rec::CaseRecord>& loaded) const {
  return Guard(policy_, this).Reveal(ctx, call, loaded, [&](const rec::CaseRecord& c) {
    return CaseTarget(c);
  });
}

absl::StatusOr<Target> Registry::ProjectContainer(std::string_view project_id) const {
  auto project = LoadProject(project_id);
  if (project.ok()) {
    return Target{.organization_id = project->organization_id(),
                  .project_id = std::string(project_id)};
  }
  if (project.status().code() != absl::StatusCode::kNotFound) return project.status();
  // A project that does not exist is answered like one the caller may not
  // see: an object target that no membership covers.
  return Target{.project_id = std::string(project_id), .object_id = std::string(project_id)};
}

Target Registry::ClientTarget(const rec::ClientRecord& c) const {
  return {.organization_id = c.organization_id(),
          .client_project_ids = {c.project_ids().begin(), c.project_ids().end()},
          .client_id = c.id()};
}

Target Registry::CaseLocation(const rec::CaseRecord& c) {
  return {.organization_id = c.organization_id(),
          .project_id = c.project_id(),
          .client_id = c.client_id(),
          .case_id = c.id(),
          .case_assignee = c.assigned_worker_id()};
}

absl::StatusOr<Target> Registry::CaseTarget(const rec::CaseRecord& c) const {
  HOIDLA_ASSIGN_OR_RETURN(auto project, LoadProject(c.project_id()));
  return Target{
      .organization_id = c.organization_id(),
      .project_id = c.project_id(),
      .client_id = c.client_id(),
      .case_id = c.id(),
      .case_assignee = c.assigned_worker_id(),
      .whole_project_cases = project.case_visibility() == v1::CASE_VISIBILITY_WHOLE_PROJECT};
}

// ---------------------------------------------------------------------------
// Organisations

absl::StatusOr<v1::Organization> Registry::CreateOrganization(
    const RequestContext& ctx, const v1::CreateOrganizationRequest& req) {
  if (!req.has_organization()) return FieldError("organization", "required");
  const auto& o = req.organization();
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("organization.id", o.id().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("organization.created_at", !o.has_created_at()));
  HOIDLA_RETURN_IF_ERROR(
      ValidateOutputOnlyEmpty("organization.created_by", o.created_by().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateText("organization.name", o.name(), true, limits_.max_name_bytes));
  HOIDLA_RETURN_IF_ERROR(ValidateText("organization.registry_code", o.registry_code(), false, 32));
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kWriteOrganization, {}));

  rec::OrganizationRecord r;
  r.set_id(NewId(IdKind::kOrganization));
  r.set_name(o.name());
  r.set_registry_code(o.registry_code());
  r.set_created_at_micros(clock_->NowMicros());
  r.set_created_by(ctx.principal.id);
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kOrg, r.id(), keys::kSystemSubject, r, &batch));
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ToApi(r);
}

absl::StatusOr<v1::Organization> Registry::GetOrganization(const RequestContext& ctx,
                                                           const v1::GetOrganizationRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kOrganization, "id"));
  HOIDLA_RETURN_IF_ERROR(policy_->Check(
      ctx, Action::kReadOrganization, {.organization_id = req.id()}, absl::StatusCode::kNotFound));
  HOIDLA_ASSIGN_OR_RETURN(auto r, LoadOrganization(req.id()));
  return ToApi(r);
}

absl::StatusOr<v1::ListOrganizationsResponse> Registry::ListOrganizations(
    const RequestContext& ctx, const v1::ListOrganizationsRequest& req) {
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kListOrganizations, {}));
  v1::ListOrganizationsResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(store_, Space::kMeta, storage::layout::KindPrefix(kOrg), IdKind::kOrganization,
               req.page_token(), page_size, [&](std::string_view id) -> absl::StatusOr<bool> {
                 if (!policy_
                          ->Decide(ctx.principal, Action::kReadOrganization,
                                   {.organization_id = std::string(id)})
                          .allowed) {
                   return false;
                 }
                 HOIDLA_ASSIGN_OR_RETURN(auto r, LoadOrganization(id));
                 *out.add_organizations() = ToApi(r);
                 return true;
               }));
  out.set_next_page_token(next);
  return out;
}

// ---------------------------------------------------------------------------
// Projects

absl::StatusOr<v1::Project> Registry::CreateProject(const RequestContext& ctx,
                                                    const v1::CreateProjectRequest& req) {
  if (!req.has_project()) return FieldError("project", "required");
  const auto& p = req.project();
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("project.id", p.id().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("project.created_at", !p.has_created_at()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("project.created_by", p.created_by().empty()));
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(p.organization_id(), IdKind::kOrganization, "project.organization_id"));
  HOIDLA_RETURN_IF_ERROR(ValidateText("project.name", p.name(), true, limits_.max_name_bytes));
  HOIDLA_RETURN_IF_ERROR(ValidateText("project.description", p.description(), false,
                                      limits_.max_text_bytes, /*multiline=*/true));
  if (!v1::CaseVisibility_IsValid(p.case_visibility())) {
    return FieldError("project.case_visibility", "unknown value");
  }
  Target target{.organization_id = p.organization_id()};
  HOIDLA_RETURN_IF_ERROR(ReferencedField(policy_->Check(ctx, Action::kWriteProject, target),
                                         "project.organization_id"));
  HOIDLA_RETURN_IF_ERROR(
      ReferencedField(LoadOrganization(p.organization_id()).status(), "project.organization_id"));

  rec::ProjectRecord r;
  r.set_id(NewId(IdKind::kProject));
  r.set_organization_id(p.organization_id());
  r.set_name(p.name());
  r.set_description(p.description());
  r.set_case_visibility(p.case_visibility() == v1::CASE_VISIBILITY_WHOLE_PROJECT
                            ? v1::CASE_VISIBILITY_WHOLE_PROJECT
                            : v1::CASE_VISIBILITY_ASSIGNED_CASES);
  r.set_accepts_concern_reports(p.accepts_concern_reports());
  r.set_created_at_micros(clock_->NowMicros());
  r.set_created_by(ctx.principal.id);
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kPrj, r.id(), keys::kSystemSubject, r, &batch));
  batch.Put(Space::kIndex, ours::kProjectsOfOrganization.Key(r.organization_id(), r.id()), "");
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ToApi(r);
}

absl::StatusOr<v1::Project> Registry::GetProject(const RequestContext& ctx,
                                                 const v1::GetProjectRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kProject, "id"));
  auto r = LoadProject(req.id());
  Target target{.project_id = req.id()};
  if (r.ok()) target.organization_id = r->organization_id();
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kReadProject, target, absl::StatusCode::kNotFound), "id"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(r.status(), "id"));
  return ToApi(*r);
}

absl::StatusOr<v1::ListProjectsResponse> Registry::ListProjects(
    const RequestContext& ctx, const v1::ListProjectsRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kListProjects,
                                        {.organization_id = req.organization_id()},
                                        absl::StatusCode::kNotFound));
  v1::ListProjectsResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(store_, Space::kIndex, ours::kProjectsOfOrganization.Prefix(req.organization_id()),
               IdKind::kProject, req.page_token(), page_size,
               [&](std::string_view id) -> absl::StatusOr<bool> {
                 HOIDLA_ASSIGN_OR_RETURN(auto r, LoadProject(id));
                 if (!policy_
                          ->Decide(ctx.principal, Action::kReadProject,
                                   {.organization_id = r.organization_id(), .project_id = r.id()})
                          .allowed) {
                   return false;
                 }
                 *out.add_projects() = ToApi(r);
                 return true;
               }));
  out.set_next_page_token(next);
  return out;
}

// ---------------------------------------------------------------------------
// Clients

absl::StatusOr<v1::Client> Registry::ClientToApi(const rec::ClientRecord& r) const {
  v1::Client c;
  c.set_id(r.id());
  c.set_organization_id(r.organization_id());
  for (const auto& p : r.project_ids()) c.add_project_ids(p);
  c.set_given_name(r.given_name());
  c.set_family_name(r.family_name());
  c.set_personal_code(r.personal_code());
  c.set_no_personal_code_reason(r.no_personal_code_reason());
  if (r.has_date_of_birth()) {
    c.mutable_date_of_birth()->set_year(r.date_of_birth().year());
    c.mutable_date_of_birth()->set_month(r.date_of_birth().month());
    c.mutable_date_of_birth()->set_day(r.date_of_birth().day());
  }
  *c.mutable_created_at() = ToTimestamp(r.created_at_micros());
  c.set_created_by(r.created_by());
  return c;
}

namespace {
// Lower case for ASCII and the Estonian letters (Õ Ä Ö Ü Š Ž in UTF-8), for
// name searches.
std::string FoldCase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(std::tolower(c)));
      continue;
    }
    if (i + 1 < s.size()) {
      const unsigned char d = static_cast<unsigned char>(s[i + 1]);
      // Latin-1 capitals U+00C0-U+00DE (but U+00D7): C3 80-9E -> C3 A0-BE.
      if (c == 0xC3 && d >= 0x80 && d <= 0x9E && d != 0x97) {
        out.push_back(static_cast<char>(c));
        out.push_back(static_cast<char>(d + 0x20));
        ++i;
        continue;
      }
      // Š U+0160 -> š U+0161, Ž U+017D -> ž U+017E (C5 A0/BD).
      if (c == 0xC5 && (d == 0xA0 || d == 0xBD)) {
        out.push_back(static_cast<char>(c));
        out.push_back(static_cast<char>(d + 1));
        ++i;
        continue;
      }
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string BlindIndexKey(const keys::Keyring& keyring, std::string_view org,
                          std::string_view code) {
  std::string h =
      keys::KeyedHash(keyring.blind_index_key(), hoidla::StrCat("isikukood|", org, "|", code));
  return ours::kPersonalCode.Key(org, keys::ToHex(h));
}
}  // namespace

absl::StatusOr<v1::Client> Registry::CreateClient(const RequestContext& ctx,
                                                  const v1::CreateClientRequest& req) {
  if (!req.has_client()) return FieldError("client", "required");
  const auto& c = req.client();
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("client.id", c.id().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("client.created_at", !c.has_created_at()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("client.created_by", c.created_by().empty()));
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(c.organization_id(), IdKind::kOrganization, "client.organization_id"));
  if (c.project_ids().empty())
    return FieldError("client.project_ids", "at least one project required");
  if (c.project_ids().size() > 100) return FieldError("client.project_ids", "at most 100 projects");
  for (int i = 0; i < c.project_ids().size(); ++i) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(c.project_ids(i), IdKind::kProject,
                                      hoidla::StrCat("client.project_ids[", i, "]")));
    for (int j = 0; j < i; ++j) {
      if (c.project_ids(j) == c.project_ids(i)) {
        return FieldError(hoidla::StrCat("client.project_ids[", i, "]"), "duplicate");
      }
    }
  }
  HOIDLA_RETURN_IF_ERROR(
      ValidateText("client.given_name", c.given_name(), true, limits_.max_name_bytes));
  HOIDLA_RETURN_IF_ERROR(
      ValidateText("client.family_name", c.family_name(), true, limits_.max_name_bytes));
  std::optional<CivilDate> code_birth;
  if (!c.personal_code().empty()) {
    HOIDLA_ASSIGN_OR_RETURN(CivilDate d,
                            ValidatePersonalCode(c.personal_code(), "client.personal_code"));
    code_birth = d;
    HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("client.no_personal_code_reason",
                                                   c.no_personal_code_reason().empty()));
  } else {
    HOIDLA_RETURN_IF_ERROR(ValidateText("client.no_personal_code_reason",
                                        c.no_personal_code_reason(), true, limits_.max_name_bytes));
  }
  std::optional<CivilDate> birth;
  if (c.has_date_of_birth()) {
    CivilDate d{c.date_of_birth().year(), c.date_of_birth().month(), c.date_of_birth().day()};
    if (!IsValidDate(d)) return FieldError("client.date_of_birth", "not a real date");
    if (code_birth && !(*code_birth == d)) {
      return FieldError("client.date_of_birth", "does not match the personal code");
    }
    birth = d;
  } else {
    birth = code_birth;
  }
  if (birth) {
    // Not in the future (a day of slack for time zones).
    int64_t now_days = clock_->NowMicros() / 1000000 / 86400 + 1;
    auto days_from_civil = [](int y, int m, int d) {
      y -= m <= 2;
      const int era = (y >= 0 ? y : y - 399) / 400;
      const int yoe = y - era * 400;
      const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
      const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
      return int64_t{era} * 146097 + doe - 719468;
    };
    if (days_from_civil(birth->year, birth->month, birth->day) > now_days) {
      return FieldError(c.has_date_of_birth() ? "client.date_of_birth" : "client.personal_code",
                        "birth date is in the future");
    }
  }

  // The caller must be able to write clients into every project named.
  for (int i = 0; i < c.project_ids().size(); ++i) {
    std::string field = hoidla::StrCat("client.project_ids[", i, "]");
    absl::Status s =
        policy_->Check(ctx, Action::kWriteClient,
                       {.organization_id = c.organization_id(), .project_id = c.project_ids(i)});
    if (s.code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(hoidla::StrCat(field, ": not found"));
    }
    HOIDLA_RETURN_IF_ERROR(s);
  }
  HOIDLA_RETURN_IF_ERROR(
      ReferencedField(LoadOrganization(c.organization_id()).status(), "client.organization_id"));
  for (int i = 0; i < c.project_ids().size(); ++i) {
    std::string field = hoidla::StrCat("client.project_ids[", i, "]");
    auto p = LoadProject(c.project_ids(i));
    HOIDLA_RETURN_IF_ERROR(ReferencedField(p.status(), field));
    if (p->organization_id() != c.organization_id()) {
      // Only a caller who may see that project learns where it belongs.
      if (!policy_
               ->Decide(ctx.principal, Action::kReadProject,
                        {.organization_id = p->organization_id(), .project_id = p->id()})
               .allowed) {
        return absl::NotFoundError(hoidla::StrCat(field, ": not found"));
      }
      return FieldError(field, "project belongs to another organisation");
    }
  }

  rec::ClientRecord r =
      NewClientRecord(c.organization_id(), c.given_name(), c.family_name(), c.personal_code(),
                      c.no_personal_code_reason(), birth, ctx.principal.id);
  for (const auto& p : c.project_ids()) r.add_project_ids(p);

  storage::WriteBatch batch;
  auto kek_guard = keyring_->HoldKeks();  // until the batch is committed
  std::unique_lock<std::mutex> lock(personal_code_mu_, std::defer_lock);
  if (!r.personal_code().empty()) {
    std::string bkey = BlindIndexKey(*keyring_, r.organization_id(), r.personal_code());
    lock.lock();
    auto existing = store_->Get(Space::kIndex, bkey);
    if (existing.ok()) {
      HOIDLA_ASSIGN_OR_RETURN(rec::ClientRecord known, LoadClient(*existing));
      if (policy_->Decide(ctx.principal, Action::kReadClient, ClientTarget(known)).allowed) {
        return absl::AlreadyExistsError(
            "client.personal_code: the organisation already has a client with this code");
      }
      // A client of projects the caller cannot see: the person joins the
      // named projects, and the caller learns nothing of the others.
      JoinProjects(c.project_ids(), &known, &batch);
      HOIDLA_RETURN_IF_ERROR(records_.Put(kCli, known.id(), known.id(), known, &batch));
      audit::NoteTarget(ctx.audit, known.id(), "", "");
      HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
      return ClientView(ctx.principal, known);
    }
    if (existing.status().code() != absl::StatusCode::kNotFound) return existing.status();
    batch.Put(Space::kIndex, bkey, r.id());
  }
  HOIDLA_RETURN_IF_ERROR(PutNewClient(r, &batch));
  audit::NoteTarget(ctx.audit, r.id(), "", "");
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ClientView(ctx.principal, r);
}

void Registry::JoinProjects(const google::protobuf::RepeatedPtrField<std::string>& projects,
                            rec::ClientRecord* client, storage::WriteBatch* batch) const {
  for (const auto& p : projects) {
    bool in = false;
    for (const auto& have : client->project_ids()) in |= have == p;
    if (in) continue;
    client->add_project_ids(p);
    batch->Put(Space::kIndex, ours::kClientsOfProject.Key(p, client->id()), "");
  }
  PutLocation(client->id(), ClientTarget(*client), batch);
}

absl::StatusOr<v1::Client> Registry::ClientView(const Principal& caller,
                                                const rec::ClientRecord& r) const {
  HOIDLA_ASSIGN_OR_RETURN(v1::Client c, ClientToApi(r));
  c.clear_project_ids();
  for (const auto& p : r.project_ids()) {
    if (policy_
            ->Decide(caller, Action::kReadClient,
                     {.organization_id = r.organization_id(), .project_id = p, .client_id = r.id()})
            .allowed) {
      c.add_project_ids(p);
    }
  }
  return c;
}

rec::ClientRecord Registry::NewClientRecord(std::string_view org, std::string_view given,
                                            std::string_view family, std::string_view code,
                                            std::string_view no_code_reason,
                                            const std::optional<CivilDate>& birth,
                                            std::string_view created_by) const {
  rec::ClientRecord r;
  r.set_id(NewId(IdKind::kClient));
  r.set_organization_id(std::string(org));
  r.set_given_name(std::string(given));
  r.set_family_name(std::string(family));
  r.set_personal_code(std::string(code));
  r.set_no_personal_code_reason(std::string(no_code_reason));
  if (birth) {
    r.mutable_date_of_birth()->set_year(birth->year);
    r.mutable_date_of_birth()->set_month(birth->month);
    r.mutable_date_of_birth()->set_day(birth->day);
  }
  r.set_created_at_micros(clock_->NowMicros());
  r.set_created_by(std::string(created_by));
  return r;
}

absl::Status Registry::PutNewCase(const rec::CaseRecord& r, storage::WriteBatch* batch) {
  HOIDLA_RETURN_IF_ERROR(records_.Put(kCas, r.id(), r.client_id(), r, batch));
  batch->Put(Space::kIndex, ours::kCasesOfClient.Key(r.client_id(), r.id()), "");
  batch->Put(Space::kIndex, ours::kCasesOfProject.Key(r.project_id(), r.id()), "");
  PutLocation(r.id(), CaseLocation(r), batch);
  return absl::OkStatus();
}

absl::Status Registry::PutNewClient(const rec::ClientRecord& r, storage::WriteBatch* batch) {
  keys::KeyChanges key;
  HOIDLA_RETURN_IF_ERROR(keyring_->AddSubjectKey(r.id(), &key));
  sealing::AppendKeyChanges(key, batch);
  HOIDLA_RETURN_IF_ERROR(records_.Put(kCli, r.id(), r.id(), r, batch));
  batch->Put(Space::kIndex, ours::kClientsOfOrganization.Key(r.organization_id(), r.id()), "");
  PutLocation(r.id(), ClientTarget(r), batch);
  for (const auto& p : r.project_ids()) {
    batch->Put(Space::kIndex, ours::kClientsOfProject.Key(p, r.id()), "");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ReportConcernResponse> Registry::ReportConcern(
    const RequestContext& ctx, const v1::ReportConcernRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.project_id(), IdKind::kProject, "project_id"));
  HOIDLA_RETURN_IF_ERROR(
      ValidateText("given_name", req.given_name(), true, limits_.max_name_bytes));
  HOIDLA_RETURN_IF_ERROR(
      ValidateText("family_name", req.family_name(), true, limits_.max_name_bytes));
  std::optional<CivilDate> birth;
  if (!req.personal_code().empty()) {
    HOIDLA_ASSIGN_OR_RETURN(birth, ValidatePersonalCode(req.personal_code(), "personal_code"));
    HOIDLA_RETURN_IF_ERROR(
        ValidateOutputOnlyEmpty("no_personal_code_reason", req.no_personal_code_reason().empty()));
  } else {
    HOIDLA_RETURN_IF_ERROR(ValidateText("no_personal_code_reason", req.no_personal_code_reason(),
                                        true, limits_.max_name_bytes));
  }
  HOIDLA_RETURN_IF_ERROR(ValidateText("concern", req.concern(), true, limits_.max_name_bytes));
  HOIDLA_RETURN_IF_ERROR(ValidateText("reporter_contact", req.reporter_contact(), false, 200));
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReportConcern,
                                        {.organization_id = req.organization_id()},
                                        absl::StatusCode::kPermissionDenied));
  // The reporter is protected: the entry says so before anything else.
  if (ctx.audit != nullptr) ctx.audit->entry.set_actor_protected(true);
  auto project = LoadProject(req.project_id());
  // Reports go only to the intakes the organisation chose; any other
  // project answers as one that does not exist.
  if (project.status().code() == absl::StatusCode::kNotFound ||
      (project.ok() && (project->organization_id() != req.organization_id() ||
                        !project->accepts_concern_reports()))) {
    return absl::NotFoundError("project_id: not found in the organisation");
  }
  HOIDLA_RETURN_IF_ERROR(project.status());
  HOIDLA_ASSIGN_OR_RETURN(auto org, LoadOrganization(req.organization_id()));
  auto reporter_org = LoadOrganization(ctx.principal.organization_id);

  storage::WriteBatch batch;
  auto kek_guard = keyring_->HoldKeks();
  std::lock_guard lock(personal_code_mu_);
  // The organisation's client with this personal code, or a new one.
  rec::ClientRecord client;
  bool known = false;
  if (!req.personal_code().empty()) {
    const std::string bkey = BlindIndexKey(*keyring_, org.id(), req.personal_code());
    auto existing = store_->Get(Space::kIndex, bkey);
    if (existing.ok()) {
      HOIDLA_ASSIGN_OR_RETURN(client, LoadClient(*existing));
      known = true;
    } else if (existing.status().code() != absl::StatusCode::kNotFound) {
      return existing.status();
    }
  }
  if (known) {
    bool in_project = false;
    for (const auto& p : client.project_ids()) in_project |= p == req.project_id();
    if (!in_project) {
      google::protobuf::RepeatedPtrField<std::string> intake;
      intake.Add(std::string(req.project_id()));
      JoinProjects(intake, &client, &batch);
      HOIDLA_RETURN_IF_ERROR(records_.Put(kCli, client.id(), client.id(), client, &batch));
    }
  } else {
    // created_by stays empty: the reporter's account is never an id in
    // what the client sees.
    client = NewClientRecord(org.id(), req.given_name(), req.family_name(), req.personal_code(),
                             req.no_personal_code_reason(), birth, "");
    client.add_project_ids(req.project_id());
    HOIDLA_RETURN_IF_ERROR(PutNewClient(client, &batch));
    if (!req.personal_code().empty()) {
      batch.Put(Space::kIndex, BlindIndexKey(*keyring_, org.id(), req.personal_code()),
                client.id());
    }
  }
  rec::CaseRecord r;
  r.set_id(NewId(IdKind::kCase));
  r.set_project_id(req.project_id());
  r.set_client_id(client.id());
  r.set_organization_id(org.id());
  r.set_title(req.concern());
  r.set_status(v1::CASE_STATUS_OPEN);
  r.set_created_at_micros(clock_->NowMicros());
  r.set_reporter_principal_id(ctx.principal.id);
  r.set_origin(v1::CASE_ORIGIN_THIRD_PARTY_REPORT);
  r.set_reporter_name(StrCat(ctx.principal.display_name, " (",
                             reporter_org.ok() ? reporter_org->name() : "partner agency", ")"));
  r.set_reporter_contact(req.reporter_contact());
  HOIDLA_RETURN_IF_ERROR(PutNewCase(r, &batch));
  audit::NoteTarget(ctx.audit, client.id(), r.id(), "");
  if (ctx.audit != nullptr) {
    ctx.audit->entry.set_organization_id(org.id());
    ctx.audit->entry.set_project_id(r.project_id());
  }
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  v1::ReportConcernResponse out;
  out.set_report_id(r.id());
  return out;
}

absl::StatusOr<v1::Client> Registry::GetClient(const RequestContext& ctx,
                                               const v1::GetClientRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kClient, "id"));
  auto r = LoadClient(req.id());
  HOIDLA_RETURN_IF_ERROR(
      RevealClient(ctx, {.action = Action::kReadClient, .id = req.id(), .field = "id"}, r)
          .status());
  return ClientView(ctx.principal, *r);
}

absl::StatusOr<std::vector<std::string>> Registry::ClientsWithPersonalCode(
    std::string_view code) const {
  std::vector<std::string> orgs;
  {
    const std::string prefix = storage::layout::KindPrefix(kOrg);
    auto it = store_->Scan(Space::kMeta, prefix);
    for (; it->Valid(); it->Next()) orgs.emplace_back(storage::layout::Rest(it->key(), prefix));
    HOIDLA_RETURN_IF_ERROR(it->status());
  }
  std::vector<std::string> out;
  for (const auto& org : orgs) {
    auto id = store_->Get(Space::kIndex, BlindIndexKey(*keyring_, org, code));
    if (id.status().code() == absl::StatusCode::kNotFound) continue;
    HOIDLA_RETURN_IF_ERROR(id.status());
    out.push_back(std::move(*id));
  }
  return out;
}

absl::StatusOr<std::vector<rec::CaseRecord>> Registry::CaseRecordsOfClient(
    std::string_view client_id) const {
  std::vector<std::string> ids;
  const std::string prefix = ours::kCasesOfClient.Prefix(client_id);
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(it->key().substr(prefix.size()));
  HOIDLA_RETURN_IF_ERROR(it->status());
  std::vector<rec::CaseRecord> out;
  for (const auto& id : ids) {
    HOIDLA_ASSIGN_OR_RETURN(rec::CaseRecord r, LoadCase(id));
    out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> Registry::CaseIdsOfProject(
    std::string_view project_id) const {
  const std::string prefix = ours::kCasesOfProject.Prefix(project_id);
  std::vector<std::string> ids;
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(it->key().substr(prefix.size()));
  HOIDLA_RETURN_IF_ERROR(it->status());
  return ids;
}

absl::StatusOr<std::vector<v1::Case>> Registry::CasesOfClient(std::string_view client_id) const {
  HOIDLA_ASSIGN_OR_RETURN(std::vector<rec::CaseRecord> records, CaseRecordsOfClient(client_id));
  std::vector<v1::Case> out;
  for (const auto& r : records) {
    v1::Case c = ToApi(r);
    if (!c.reporter_name().empty()) c.set_reporter_name("[withheld]");
    c.clear_reporter_contact();
    out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> Registry::ProtectedActorsOf(
    std::string_view client_id) const {
  HOIDLA_ASSIGN_OR_RETURN(std::vector<rec::CaseRecord> records, CaseRecordsOfClient(client_id));
  std::vector<std::string> out;
  for (const auto& r : records) {
    if (!r.reporter_principal_id().empty()) out.push_back(r.reporter_principal_id());
  }
  return out;
}

absl::StatusOr<v1::Client> Registry::FindClientByPersonalCode(
    const RequestContext& ctx, const v1::FindClientByPersonalCodeRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  HOIDLA_RETURN_IF_ERROR(ValidatePersonalCode(req.personal_code(), "personal_code").status());
  // None, and one the caller may not see (or in an organisation they may
  // not search): the same answer.
  const absl::Status none = absl::NotFoundError("personal_code: not found");
  absl::Status may_search =
      policy_->Check(ctx, Action::kFindClient, {.organization_id = req.organization_id()},
                     absl::StatusCode::kNotFound);
  if (may_search.code() == absl::StatusCode::kNotFound) return none;
  HOIDLA_RETURN_IF_ERROR(may_search);
  auto id = store_->Get(Space::kIndex,
                        BlindIndexKey(*keyring_, req.organization_id(), req.personal_code()));
  if (id.status().code() == absl::StatusCode::kNotFound) return none;
  HOIDLA_RETURN_IF_ERROR(id.status());
  auto r = LoadClient(*id);
  Target target = r.ok() ? ClientTarget(*r) : LocationOf(*id);
  if (!policy_->Check(ctx, Action::kReadClient, target, absl::StatusCode::kNotFound).ok()) {
    return none;
  }
  HOIDLA_RETURN_IF_ERROR(r.status());
  if (r->personal_code() != req.personal_code()) {
    return absl::DataLossError("blind index points at the wrong client");
  }
  return ClientView(ctx.principal, *r);
}

absl::StatusOr<v1::ListClientsResponse> Registry::ListClients(const RequestContext& ctx,
                                                              const v1::ListClientsRequest& req) {
  std::string prefix;
  Target target;
  if (!req.organization_id().empty() && !req.project_id().empty()) {
    return FieldError("project_id", "give organization_id or project_id, not both");
  }
  if (!req.project_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.project_id(), IdKind::kProject, "project_id"));
    prefix = ours::kClientsOfProject.Prefix(req.project_id());
    HOIDLA_ASSIGN_OR_RETURN(target, ProjectContainer(req.project_id()));
  } else {
    HOIDLA_RETURN_IF_ERROR(
        ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
    prefix = ours::kClientsOfOrganization.Prefix(req.organization_id());
    target.organization_id = req.organization_id();
  }
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  std::string needle;
  if (!req.name().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateText("name", req.name(), true, 200));
    needle = FoldCase(req.name());
    if (needle.size() < 2) return FieldError("name", "at least 2 characters");
  }
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx,
                                        needle.empty() ? Action::kListClients : Action::kFindClient,
                                        target, absl::StatusCode::kNotFound));
  v1::ListClientsResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(
          store_, Space::kIndex, prefix, IdKind::kClient, req.page_token(), page_size,
          [&](std::string_view id) -> absl::StatusOr<bool> {
            HOIDLA_ASSIGN_OR_RETURN(auto r, LoadClient(id));
            if (!policy_->Decide(ctx.principal, Action::kReadClient, ClientTarget(r)).allowed) {
              return false;
            }
            if (!needle.empty() && FoldCase(r.given_name()).find(needle) == std::string::npos &&
                FoldCase(r.family_name()).find(needle) == std::string::npos &&
                FoldCase(StrCat(r.given_name(), " ", r.family_name())).find(needle) ==
                    std::string::npos) {
              return false;
            }
            HOIDLA_ASSIGN_OR_RETURN(*out.add_clients(), ClientView(ctx.principal, r));
            return true;
          }));
  out.set_next_page_token(next);
  // Each client listed sees this call in their access report.
  if (ctx.audit != nullptr) {
    for (const auto& c : out.clients()) ctx.audit->entry.add_listed_client_ids(c.id());
  }
  return out;
}

// ---------------------------------------------------------------------------
// Cases

absl::StatusOr<v1::Case> Registry::CreateCase(const RequestContext& ctx,
                                              const v1::CreateCaseRequest& req) {
  if (!req.has_case_()) return FieldError("case", "required");
  const auto& c = req.case_();
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("case.id", c.id().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("case.status", c.status() == 0));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("case.created_at", !c.has_created_at()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("case.created_by", c.created_by().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateId(c.project_id(), IdKind::kProject, "case.project_id"));
  HOIDLA_RETURN_IF_ERROR(ValidateId(c.client_id(), IdKind::kClient, "case.client_id"));
  if (!c.assigned_worker_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(
        ValidateId(c.assigned_worker_id(), IdKind::kPrincipal, "case.assigned_worker_id"));
  }
  HOIDLA_RETURN_IF_ERROR(ValidateText("case.title", c.title(), true, limits_.max_name_bytes));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("case.events", c.events().empty()));
  if (!v1::CaseOrigin_IsValid(c.origin())) return FieldError("case.origin", "unknown value");
  if (c.origin() == v1::CASE_ORIGIN_THIRD_PARTY_REPORT) {
    HOIDLA_RETURN_IF_ERROR(ValidateText("case.reporter_name", c.reporter_name(), true, 200));
    HOIDLA_RETURN_IF_ERROR(ValidateText("case.reporter_contact", c.reporter_contact(), false, 200));
  } else if (!c.reporter_name().empty() || !c.reporter_contact().empty()) {
    return FieldError("case.reporter_name", "only for a case opened from a third party's report");
  }
  if (!c.linked_case_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(c.linked_case_id(), IdKind::kCase, "case.linked_case_id"));
  }

  // A caller no role of whom ever opens cases learns nothing of the
  // project or client named: PERMISSION_DENIED before either is looked at.
  if (const Decision d = policy_->Decide(ctx.principal, Action::kWriteCase, {});
      !d.allowed && d.deny == DenyReason::kNoRole) {
    return policy_->Check(ctx, Action::kWriteCase, {}, absl::StatusCode::kPermissionDenied);
  }
  // The project and the client must be visible to the caller.
  auto project = LoadProject(c.project_id());
  Target project_target{.project_id = c.project_id()};
  if (project.ok()) project_target.organization_id = project->organization_id();
  HOIDLA_RETURN_IF_ERROR(ReferencedField(policy_->Check(ctx, Action::kReadProject, project_target),
                                         "case.project_id"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(project.status(), "case.project_id"));
  auto client = LoadClient(c.client_id());
  HOIDLA_RETURN_IF_ERROR(
      RevealClient(ctx,
                   {.action = Action::kReadClient, .id = c.client_id(), .field = "case.client_id"},
                   client)
          .status());
  bool in_project = false;
  for (const auto& p : client->project_ids()) in_project |= (p == c.project_id());
  if (!in_project) return FieldError("case.client_id", "client does not take part in the project");

  // A case worker's new case is theirs unless they name someone else.
  std::string assignee = c.assigned_worker_id();
  if (assignee.empty()) {
    for (const auto& m : ctx.principal.memberships) {
      if (m.role == Role::kCaseWorker && m.project_id == c.project_id()) {
        assignee = ctx.principal.id;
      }
    }
  }
  Target target = project_target;
  target.client_project_ids = {client->project_ids().begin(), client->project_ids().end()};
  target.case_assignee = assignee;
  target.whole_project_cases = project->case_visibility() == v1::CASE_VISIBILITY_WHOLE_PROJECT;
  HOIDLA_RETURN_IF_ERROR(
      policy_->Check(ctx, Action::kWriteCase, target, absl::StatusCode::kPermissionDenied));
  if (!assignee.empty() && assignee != ctx.principal.id) {
    HOIDLA_RETURN_IF_ERROR(CheckWorker(assignee, c.project_id(), "case.assigned_worker_id"));
  }

  // Never a duplicate: a client with a closed case in the project gets a new
  // one only linked to it (or the old one reopened).
  std::string closed_case;
  {
    auto it = store_->Scan(Space::kIndex, ours::kCasesOfClient.Prefix(c.client_id()));
    std::vector<std::string> ids;
    for (; it->Valid(); it->Next()) {
      ids.emplace_back(it->key().substr(it->key().rfind('/') + 1));
    }
    HOIDLA_RETURN_IF_ERROR(it->status());
    for (const auto& id : ids) {
      HOIDLA_ASSIGN_OR_RETURN(auto other, LoadCase(id));
      if (other.project_id() == c.project_id() && other.status() == v1::CASE_STATUS_CLOSED) {
        closed_case = other.id();
      }
      if (other.id() == c.linked_case_id() && other.client_id() != c.client_id()) {
        return absl::NotFoundError("case.linked_case_id: not a case of the client");
      }
    }
  }
  if (!c.linked_case_id().empty()) {
    auto linked = LoadCase(c.linked_case_id());
    if (linked.status().code() == absl::StatusCode::kNotFound ||
        (linked.ok() && linked->client_id() != c.client_id())) {
      return absl::NotFoundError("case.linked_case_id: not a case of the client");
    }
    HOIDLA_RETURN_IF_ERROR(linked.status());
  } else if (!closed_case.empty()) {
    return absl::FailedPreconditionError(
        StrCat("case.linked_case_id: the client has a closed case in this project (", closed_case,
               "): reopen it, or link the new case to it"));
  }

  rec::CaseRecord r;
  r.set_id(NewId(IdKind::kCase));
  r.set_project_id(c.project_id());
  r.set_client_id(c.client_id());
  r.set_organization_id(project->organization_id());
  r.set_title(c.title());
  r.set_status(v1::CASE_STATUS_OPEN);
  r.set_created_at_micros(clock_->NowMicros());
  r.set_created_by(ctx.principal.id);
  r.set_assigned_worker_id(assignee);
  r.set_origin(c.origin() == v1::CASE_ORIGIN_UNSPECIFIED ? v1::CASE_ORIGIN_APPLICATION
                                                         : c.origin());
  r.set_reporter_name(c.reporter_name());
  r.set_reporter_contact(c.reporter_contact());
  r.set_linked_case_id(c.linked_case_id());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(PutNewCase(r, &batch));
  if (lifecycle_ != nullptr) {
    HOIDLA_RETURN_IF_ERROR(lifecycle_->CaseChanged(r.client_id(), r.id(), 0, &batch));
  }
  audit::NoteTarget(ctx.audit, r.client_id(), r.id(), "");
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ToApi(r);
}

absl::StatusOr<Principal> Registry::LookUpPrincipal(std::string_view id) const {
  if (!principal_lookup_) return absl::NotFoundError("principal not found");
  return principal_lookup_(id);
}

absl::Status Registry::CheckWorker(std::string_view worker_id, std::string_view project_id,
                                   std::string_view field) const {
  auto worker = LookUpPrincipal(worker_id);
  if (worker.status().code() == absl::StatusCode::kNotFound) {
    return FieldError(field, "not a case worker of the case's project");
  }
  HOIDLA_RETURN_IF_ERROR(worker.status());
  for (const auto& m : worker->memberships) {
    if (m.project_id == project_id &&
        (m.role == Role::kCaseWorker || m.role == Role::kProjectManager)) {
      return absl::OkStatus();
    }
  }
  return FieldError(field, "not a case worker of the case's project");
}

absl::StatusOr<v1::Case> Registry::GetCase(const RequestContext& ctx,
                                           const v1::GetCaseRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kCase, "id"));
  auto r = LoadCase(req.id());
  HOIDLA_RETURN_IF_ERROR(
      RevealCase(ctx, {.action = Action::kReadCase, .id = req.id(), .field = "id"}, r).status());
  return ToApi(*r);
}

absl::StatusOr<v1::ListCasesResponse> Registry::ListCases(const RequestContext& ctx,
                                                          const v1::ListCasesRequest& req) {
  std::string prefix;
  Target target;
  if (!req.client_id().empty() && !req.project_id().empty()) {
    return FieldError("project_id", "give client_id or project_id, not both");
  }
  int32_t page_size = req.page_size();
  if (!req.project_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.project_id(), IdKind::kProject, "project_id"));
    HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
    prefix = ours::kCasesOfProject.Prefix(req.project_id());
    HOIDLA_ASSIGN_OR_RETURN(target, ProjectContainer(req.project_id()));
  } else {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.client_id(), IdKind::kClient, "client_id"));
    HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
    prefix = ours::kCasesOfClient.Prefix(req.client_id());
    auto client = LoadClient(req.client_id());
    if (client.ok()) {
      target = ClientTarget(*client);
    } else if (client.status().code() != absl::StatusCode::kNotFound) {
      return client.status();
    } else {
      target.client_id = req.client_id();
    }
  }
  // The listing's own right first: a client out of reach and one that does
  // not exist get the same answer.
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kListCases, target));
  if (!req.client_id().empty() && !target.client_project_ids.empty()) {
    HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReadClient, target));
  }
  v1::ListCasesResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(store_, Space::kIndex, prefix, IdKind::kCase, req.page_token(), page_size,
               [&](std::string_view id) -> absl::StatusOr<bool> {
                 HOIDLA_ASSIGN_OR_RETURN(auto r, LoadCase(id));
                 HOIDLA_ASSIGN_OR_RETURN(Target t, CaseTarget(r));
                 if (!policy_->Decide(ctx.principal, Action::kReadCase, t).allowed) {
                   return false;
                 }
                 *out.add_cases() = ToApi(r);
                 return true;
               }));
  out.set_next_page_token(next);
  return out;
}

absl::StatusOr<v1::Case> Registry::AssignCase(const RequestContext& ctx,
                                              const v1::AssignCaseRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kCase, "id"));
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.worker_id(), IdKind::kPrincipal, "worker_id"));
  std::lock_guard lock(assign_mu_);
  auto r = LoadCase(req.id());
  HOIDLA_RETURN_IF_ERROR(
      RevealCase(ctx, {.action = Action::kAssignCase, .id = req.id(), .field = "id"}, r).status());
  HOIDLA_RETURN_IF_ERROR(CheckWorker(req.worker_id(), r->project_id(), "worker_id"));
  r->set_assigned_worker_id(req.worker_id());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kCas, r->id(), r->client_id(), *r, &batch));
  PutLocation(r->id(), CaseLocation(*r), &batch);
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ToApi(*r);
}

absl::StatusOr<v1::Case> Registry::CloseCase(const RequestContext& ctx,
                                             const v1::CloseCaseRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kCase, "id"));
  if (req.reason() == v1::CLOSING_REASON_UNSPECIFIED || !v1::ClosingReason_IsValid(req.reason())) {
    return FieldError("reason", "required: how the case closed");
  }
  if (req.reason() == v1::CLOSING_REASON_REFERRAL) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.referred_to_organization_id(), IdKind::kOrganization,
                                      "referred_to_organization_id"));
  } else if (!req.referred_to_organization_id().empty()) {
    return FieldError("referred_to_organization_id", "only for a referral");
  }
  if (!req.follow_up_record_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(
        ValidateId(req.follow_up_record_id(), IdKind::kRecord, "follow_up_record_id"));
  }
  HOIDLA_RETURN_IF_ERROR(ValidateText("note", req.note(), false, 2000));
  std::lock_guard lock(assign_mu_);
  auto r = LoadCase(req.id());
  HOIDLA_RETURN_IF_ERROR(
      RevealCase(ctx, {.action = Action::kWriteCase, .id = req.id(), .field = "id"}, r).status());
  if (r->status() == v1::CASE_STATUS_CLOSED) {
    return absl::FailedPreconditionError("id: closed already");
  }
  if (req.reason() == v1::CLOSING_REASON_REFERRAL) {
    HOIDLA_RETURN_IF_ERROR(
        ReferencedField(LoadOrganization(req.referred_to_organization_id()).status(),
                        "referred_to_organization_id"));
  }
  if (!req.follow_up_record_id().empty()) {
    bool of_case = false;
    if (record_of_case_) {
      HOIDLA_ASSIGN_OR_RETURN(of_case, record_of_case_(r->id(), req.follow_up_record_id()));
    }
    if (!of_case) return absl::NotFoundError("follow_up_record_id: not a record of the case");
  }
  const int64_t now = clock_->NowMicros();
  r->set_status(v1::CASE_STATUS_CLOSED);
  r->set_retention_clock_started_micros(now);
  auto* e = r->add_events();
  e->set_kind(v1::CaseEvent::KIND_CLOSED);
  e->set_at_micros(now);
  e->set_by(ctx.principal.id);
  e->set_reason(req.reason());
  e->set_referred_to_organization_id(req.referred_to_organization_id());
  e->set_follow_up_record_id(req.follow_up_record_id());
  e->set_note(req.note());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kCas, r->id(), r->client_id(), *r, &batch));
  if (lifecycle_ != nullptr) {
    HOIDLA_RETURN_IF_ERROR(lifecycle_->CaseChanged(r->client_id(), r->id(), now, &batch));
  }
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ToApi(*r);
}

absl::StatusOr<v1::Case> Registry::ReopenCase(const RequestContext& ctx,
                                              const v1::ReopenCaseRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kCase, "id"));
  HOIDLA_RETURN_IF_ERROR(ValidateText("note", req.note(), false, 2000));
  std::lock_guard lock(assign_mu_);
  auto r = LoadCase(req.id());
  HOIDLA_RETURN_IF_ERROR(
      RevealCase(ctx, {.action = Action::kWriteCase, .id = req.id(), .field = "id"}, r).status());
  if (r->status() != v1::CASE_STATUS_CLOSED) {
    return absl::FailedPreconditionError("id: the case is open");
  }
  const int64_t now = clock_->NowMicros();
  r->set_status(v1::CASE_STATUS_OPEN);
  r->set_retention_clock_started_micros(0);
  auto* e = r->add_events();
  e->set_kind(v1::CaseEvent::KIND_REOPENED);
  e->set_at_micros(now);
  e->set_by(ctx.principal.id);
  e->set_note(req.note());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kCas, r->id(), r->client_id(), *r, &batch));
  if (lifecycle_ != nullptr) {
    HOIDLA_RETURN_IF_ERROR(lifecycle_->CaseChanged(r->client_id(), r->id(), 0, &batch));
  }
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ToApi(*r);
}

absl::StatusOr<v1::Case> Registry::UpdateCaseNetwork(const RequestContext& ctx,
                                                     const v1::UpdateCaseNetworkRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kCase, "id"));
  if (req.add_member_ids().empty() && req.remove_member_ids().empty()) {
    return FieldError("add_member_ids", "add or remove at least one member");
  }
  for (int i = 0; i < req.add_member_ids_size(); ++i) {
    HOIDLA_RETURN_IF_ERROR(
        ValidateId(req.add_member_ids(i), IdKind::kPrincipal, StrCat("add_member_ids[", i, "]")));
  }
  for (int i = 0; i < req.remove_member_ids_size(); ++i) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.remove_member_ids(i), IdKind::kPrincipal,
                                      StrCat("remove_member_ids[", i, "]")));
  }
  std::lock_guard lock(assign_mu_);
  auto r = LoadCase(req.id());
  HOIDLA_RETURN_IF_ERROR(
      RevealCase(ctx, {.action = Action::kWriteCase, .id = req.id(), .field = "id"}, r).status());
  if (r->status() == v1::CASE_STATUS_CLOSED) {
    return WithReason(absl::FailedPreconditionError("id: the case is closed and read-only"),
                      kReasonCaseClosed);
  }
  std::vector<std::string> members(r->network_member_ids().begin(), r->network_member_ids().end());
  for (int i = 0; i < req.add_member_ids_size(); ++i) {
    const std::string& id = req.add_member_ids(i);
    const std::string field = StrCat("add_member_ids[", i, "]");
    // Only existence and kind: network members belong to other
    // organisations, which the caller need not see.
    auto p = LookUpPrincipal(id);
    if (p.status().code() == absl::StatusCode::kNotFound)
      return absl::NotFoundError(StrCat(field, ": not found"));
    HOIDLA_RETURN_IF_ERROR(p.status());
    if (p->kind != v1::PRINCIPAL_KIND_PARTNER_WORKER) {
      return FieldError(field, "a case network member is a partner agency worker");
    }
    if (std::find(members.begin(), members.end(), id) == members.end()) members.push_back(id);
  }
  for (const auto& id : req.remove_member_ids()) {
    members.erase(std::remove(members.begin(), members.end(), id), members.end());
  }
  r->clear_network_member_ids();
  for (auto& id : members) r->add_network_member_ids(std::move(id));
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(records_.Put(kCas, r->id(), r->client_id(), *r, &batch));
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ToApi(*r);
}

absl::StatusOr<std::vector<std::string>> Registry::DestroyClient(std::string_view client_id,
                                                                 storage::WriteBatch* batch) const {
  auto c = LoadClient(client_id);
  if (c.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError("client: not found");
  }
  HOIDLA_RETURN_IF_ERROR(c.status());
  storage::WriteBatch out;
  std::vector<std::string> cases;
  const std::string prefix = ours::kCasesOfClient.Prefix(client_id);
  {
    auto it = store_->Scan(Space::kIndex, prefix);
    for (; it->Valid(); it->Next()) cases.emplace_back(storage::layout::Rest(it->key(), prefix));
    HOIDLA_RETURN_IF_ERROR(it->status());
  }
  for (const std::string& id : cases) {
    auto k = LoadCase(id);
    if (k.ok()) {
      out.Delete(Space::kIndex, ours::kCasesOfProject.Key(k->project_id(), id));
    } else if (k.status().code() != absl::StatusCode::kNotFound) {
      return k.status();
    }
    HOIDLA_RETURN_IF_ERROR(records_.DeleteAll(kCas, id, &out).status());
    out.Delete(Space::kIndex, ours::kCasesOfClient.Key(client_id, id));
    DeleteLocation(id, &out);
  }
  HOIDLA_RETURN_IF_ERROR(records_.DeleteAll(kCli, client_id, &out).status());
  out.Delete(Space::kIndex, ours::kClientsOfOrganization.Key(c->organization_id(), client_id));
  for (const auto& p : c->project_ids()) {
    out.Delete(Space::kIndex, ours::kClientsOfProject.Key(p, client_id));
  }
  if (!c->personal_code().empty()) {
    const std::string key = BlindIndexKey(*keyring_, c->organization_id(), c->personal_code());
    auto owner = store_->Get(Space::kIndex, key);
    if (owner.ok() && *owner == client_id) out.Delete(Space::kIndex, key);
  }
  DeleteLocation(client_id, &out);
  batch->Append(out);
  return cases;
}

}  // namespace hoidla::core
