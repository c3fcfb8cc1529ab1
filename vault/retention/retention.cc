#include "vault/retention/retention.h"

#include "base/ids.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "vault/access/paging.h"
#include "vault/audit/audit_log.h"
#include "vault/storage/layout.h"

namespace hoidla::core {
namespace {

using storage::Space;
namespace ours = storage::layout::retention;

constexpr size_t kMaxTextBytes = 2000;
constexpr int32_t kMaxMonths = 100 * 12;
constexpr int32_t kMaxDays = 100 * 366;

std::string ScopeKey(std::string_view org, std::string_view project, v1::RetentionItemType type,
                     std::string_view kind) {
  return ours::kScheduleByScope.Key(org, project.empty() ? ours::kAny : project,
                                    std::to_string(static_cast<int>(type)),
                                    kind.empty() ? ours::kAny : kind);
}

// The rule of a schedule: trigger, period, action, basis.
absl::Status ValidateRule(const v1::RetentionSchedule& s) {
  if (s.trigger() == v1::RETENTION_TRIGGER_UNSPECIFIED ||
      !v1::RetentionTrigger_IsValid(s.trigger())) {
    return FieldError("schedule.trigger", "required");
  }
  if ((s.trigger() == v1::RETENTION_TRIGGER_CONSENT_ENDED) !=
      (s.item_type() == v1::RETENTION_ITEM_TYPE_CONSENT)) {
    return FieldError("schedule.trigger",
                      "consents are counted from CONSENT_ENDED, and only consents are");
  }
  if (s.action() == v1::RETENTION_ACTION_UNSPECIFIED || !v1::RetentionAction_IsValid(s.action())) {
    return FieldError("schedule.action", "required");
  }
  const v1::RetentionPeriod& p = s.period();
  if (p.years() < 0 || p.months() < 0 || p.days() < 0) {
    return FieldError("schedule.period", "must not be negative");
  }
  const bool any = p.years() > 0 || p.months() > 0 || p.days() > 0;
  if (s.action() == v1::RETENTION_ACTION_KEEP) {
    if (any) return FieldError("schedule.period", "must be empty when the action is KEEP");
  } else {
    if (!any) return FieldError("schedule.period", "required: years, months or days");
    // Days count as at least a month per 28, so the sum never exceeds it.
    if (p.years() > 100 || p.months() > kMaxMonths || p.days() > kMaxDays ||
        int64_t{p.years()} * 12 + p.months() + (int64_t{p.days()} + 27) / 28 > kMaxMonths) {
      return FieldError("schedule.period", "at most 100 years");
    }
  }
  return ValidateText("schedule.basis", s.basis(), false, kMaxTextBytes, true);
}

// The scope of a new schedule.
absl::Status ValidateScope(const v1::RetentionSchedule& s) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(s.organization_id(), IdKind::kOrganization, "schedule.organization_id"));
  if (!s.project_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(s.project_id(), IdKind::kProject, "schedule.project_id"));
  }
  if (s.item_type() == v1::RETENTION_ITEM_TYPE_UNSPECIFIED ||
      !v1::RetentionItemType_IsValid(s.item_type())) {
    return FieldError("schedule.item_type", "required: RECORD, DOCUMENT or CONSENT");
  }
  if (!s.kind().empty()) {
    if (s.item_type() == v1::RETENTION_ITEM_TYPE_CONSENT) {
      return FieldError("schedule.kind", "consents have no kind");
    }
    HOIDLA_RETURN_IF_ERROR(ValidateSlug("schedule.kind", s.kind(), 64));
  }
  return absl::OkStatus();
}

}  // namespace

Retention::Retention(storage::KvStore* store, keys::Keyring* keyring, Clock* clock,
                     const Policy* policy, const Registry* registry, Documents* documents,
                     Consents* consents, Records* records, std::string note_origin)
    : store_(store),
      keyring_(keyring),
      clock_(clock),
      policy_(policy),
      registry_(registry),
      documents_(documents),
      consents_(consents),
      records_(records),
      note_origin_(std::move(note_origin)),
      sealed_(store, keyring),
      schedules_(store, &sealed_, ours::kSchedule, "retention schedule") {}

Target Retention::PlaceOf(std::string_view organization_id, std::string_view project_id,
                          std::string_view object_id) {
  return Target{.organization_id = std::string(organization_id),
                .project_id = std::string(project_id),
                .object_id = std::string(object_id)};
}

// ---------------------------------------------------------------------------
// Schedules

absl::StatusOr<std::vector<v1::RetentionSchedule>> Retention::LoadSchedule(
    std::string_view id) const {
  // The index says the schedule exists; the chain then must be whole.
  HOIDLA_RETURN_IF_ERROR(
      store_->Get(Space::kIndex, ours::kOrganizationOfSchedule.Key(id)).status());
  return schedules_.Load(id, keys::kSystemSubject);
}

absl::Status Retention::DecideScope(const RequestContext& ctx, Action action,
                                    const v1::RetentionSchedule& s) const {
  auto org = registry_->LoadOrganization(s.organization_id());
  absl::Status allowed =
      policy_->Check(ctx, action, PlaceOf(s.organization_id(), s.project_id(), ""));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(allowed, "schedule.organization_id"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(org.status(), "schedule.organization_id"));
  if (!s.project_id().empty()) {
    auto project = registry_->LoadProject(s.project_id());
    if (project.ok() && project->organization_id() != s.organization_id()) {
      return absl::NotFoundError("schedule.project_id: not found");
    }
    HOIDLA_RETURN_IF_ERROR(ReferencedField(project.status(), "schedule.project_id"));
  }
  return absl::OkStatus();
}

absl::Status Retention::PutSchedule(const RequestContext& ctx, const v1::RetentionSchedule& s,
                                    bool first) {
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(schedules_.Put(s, keys::kSystemSubject, &batch));
  if (first) {
    batch.Put(Space::kIndex, ours::kSchedulesOfOrganization.Key(s.organization_id(), s.id()), "");
    batch.Put(Space::kIndex, ours::kOrganizationOfSchedule.Key(s.id()), s.organization_id());
    batch.Put(Space::kIndex, ScopeKey(s.organization_id(), s.project_id(), s.item_type(), s.kind()),
              s.id());
    Registry::PutLocation(s.id(), PlaceOf(s.organization_id(), s.project_id(), s.id()), &batch);
  }
  // Which schedule decides an item, and when it is due, may have changed
  // for any item of the organisation: the next sweep works it out again.
  // The value tells a reindex under way that it missed this change.
  batch.Put(Space::kIndex, ours::kReindex.Key(s.organization_id()),
            StrCat(s.id(), "/", s.version(), "/", clock_->NowMicros()));
  audit::NoteTarget(ctx.audit, "", "", s.id());
  return audit::CommitEffect(ctx.audit, store_, std::move(batch));
}

absl::StatusOr<v1::RetentionSchedule> Retention::CreateSchedule(
    const RequestContext& ctx, const v1::CreateRetentionScheduleRequest& req) {
  if (!req.has_schedule()) return FieldError("schedule", "required");
  const v1::RetentionSchedule& in = req.schedule();
  HOIDLA_RETURN_IF_ERROR(ValidateScope(in));
  HOIDLA_RETURN_IF_ERROR(ValidateRule(in));
  HOIDLA_RETURN_IF_ERROR(DecideScope(ctx, Action::kManageRetention, in));
  std::lock_guard lock(write_mu_);
  auto existing = store_->Get(
      Space::kIndex, ScopeKey(in.organization_id(), in.project_id(), in.item_type(), in.kind()));
  if (existing.ok()) {
    return absl::AlreadyExistsError(
        StrCat("schedule: the scope has a schedule already (", *existing, "): update it"));
  }
  if (existing.status().code() != absl::StatusCode::kNotFound) return existing.status();
  v1::RetentionSchedule s;
  s.set_id(NewId(IdKind::kRetentionSchedule, *clock_));
  s.set_version(1);
  s.set_organization_id(in.organization_id());
  s.set_project_id(in.project_id());
  s.set_item_type(in.item_type());
  s.set_kind(in.kind());
  s.set_trigger(in.trigger());
  *s.mutable_period() = in.period();
  s.set_action(in.action());
  s.set_basis(in.basis());
  *s.mutable_created_at() = ToTimestamp(clock_->NowMicros());
  s.set_created_by(ctx.principal.id);
  HOIDLA_RETURN_IF_ERROR(PutSchedule(ctx, s, true));
  return s;
}

// Schedules are decided on their scope (organisation, project), not as
// objects: who may read a scope may read its rules.
absl::StatusOr<v1::RetentionSchedule> Retention::UpdateSchedule(
    const RequestContext& ctx, const v1::UpdateRetentionScheduleRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kRetentionSchedule, "id"));
  if (req.expected_version() == 0) return FieldError("expected_version", "required");
  if (!req.has_schedule()) return FieldError("schedule", "required");
  const v1::RetentionSchedule& in = req.schedule();
  std::lock_guard lock(write_mu_);
  auto chain = LoadSchedule(req.id());
  HOIDLA_RETURN_IF_ERROR(
      Guard(policy_, registry_)
          .Reveal(ctx, {.action = Action::kManageRetention, .id = req.id(), .field = "id"}, chain,
                  [&](const std::vector<v1::RetentionSchedule>& v) {
                    return PlaceOf(v.back().organization_id(), v.back().project_id(), "");
                  })
          .status());
  const v1::RetentionSchedule& cur = chain->back();
  if (req.expected_version() != cur.version()) {
    return absl::AbortedError(
        StrCat("expected_version: the schedule is at version ", cur.version()));
  }
  auto keeps = [](std::string_view field, bool same) {
    return same ? absl::OkStatus() : FieldError(field, "a new version keeps the scope");
  };
  HOIDLA_RETURN_IF_ERROR(
      keeps("schedule.organization_id",
            in.organization_id().empty() || in.organization_id() == cur.organization_id()));
  HOIDLA_RETURN_IF_ERROR(
      keeps("schedule.project_id", in.project_id().empty() || in.project_id() == cur.project_id()));
  HOIDLA_RETURN_IF_ERROR(keeps(
      "schedule.item_type",
      in.item_type() == v1::RETENTION_ITEM_TYPE_UNSPECIFIED || in.item_type() == cur.item_type()));
  HOIDLA_RETURN_IF_ERROR(keeps("schedule.kind", in.kind().empty() || in.kind() == cur.kind()));
  v1::RetentionSchedule s = cur;
  s.set_version(cur.version() + 1);
  s.set_trigger(in.trigger());
  *s.mutable_period() = in.period();
  s.set_action(in.action());
  s.set_basis(in.basis());
  HOIDLA_RETURN_IF_ERROR(ValidateRule(s));
  *s.mutable_created_at() = ToTimestamp(clock_->NowMicros());
  s.set_created_by(ctx.principal.id);
  HOIDLA_RETURN_IF_ERROR(PutSchedule(ctx, s, false));
  return s;
}

absl::StatusOr<v1::RetentionSchedule> Retention::GetSchedule(
    const RequestContext& ctx, const v1::GetRetentionScheduleRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kRetentionSchedule, "id"));
  auto chain = LoadSchedule(req.id());
  HOIDLA_RETURN_IF_ERROR(
      Guard(policy_, registry_)
          .Reveal(ctx, {.action = Action::kReadRetention, .id = req.id(), .field = "id"}, chain,
                  [&](const std::vector<v1::RetentionSchedule>& v) {
                    return PlaceOf(v.back().organization_id(), v.back().project_id(), "");
                  })
          .status());
  audit::NoteTarget(ctx.audit, "", "", req.id());
  if (req.version() > chain->size()) return absl::NotFoundError("version: not found");
  return req.version() == 0 ? chain->back() : (*chain)[req.version() - 1];
}

absl::StatusOr<v1::ListRetentionSchedulesResponse> Retention::ListSchedules(
    const RequestContext& ctx, const v1::ListRetentionSchedulesRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kReadRetention, PlaceOf(req.organization_id(), "", "")),
      "organization_id"));
  v1::ListRetentionSchedulesResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(store_, Space::kIndex, ours::kSchedulesOfOrganization.Prefix(req.organization_id()),
               IdKind::kRetentionSchedule, req.page_token(), page_size,
               [&](std::string_view id) -> absl::StatusOr<bool> {
                 HOIDLA_ASSIGN_OR_RETURN(auto chain, schedules_.Load(id, keys::kSystemSubject));
                 const v1::RetentionSchedule& newest = chain.back();
                 if (newest.organization_id() != req.organization_id()) {
                   return absl::DataLossError("schedule index names another organisation's");
                 }
                 // A project manager sees the organisation's schedules and
                 // their own project's, as GetRetentionSchedule decides.
                 if (!policy_
                          ->Decide(ctx.principal, Action::kReadRetention,
                                   PlaceOf(newest.organization_id(), newest.project_id(), ""))
                          .allowed) {
                   return false;
                 }
                 *out.add_schedules() = newest;
                 return true;
               }));
  out.set_next_page_token(next);
  return out;
}

absl::StatusOr<v1::RetentionSchedule> Retention::ResolveSchedule(
    const RequestContext& ctx, const v1::ResolveRetentionScheduleRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  if (!req.project_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.project_id(), IdKind::kProject, "project_id"));
  }
  if (req.item_type() == v1::RETENTION_ITEM_TYPE_UNSPECIFIED ||
      !v1::RetentionItemType_IsValid(req.item_type())) {
    return FieldError("item_type", "required: RECORD, DOCUMENT or CONSENT");
  }
  if (!req.kind().empty()) HOIDLA_RETURN_IF_ERROR(ValidateSlug("kind", req.kind(), 64));
  HOIDLA_RETURN_IF_ERROR(
      ReferencedField(policy_->Check(ctx, Action::kReadRetention,
                                     PlaceOf(req.organization_id(), req.project_id(), "")),
                      req.project_id().empty() ? "organization_id" : "project_id"));
  // Most specific first: the narrower container, then the narrower kind.
  std::vector<std::string> scopes;
  for (std::string_view project : {std::string_view(req.project_id()), std::string_view()}) {
    for (std::string_view kind : {std::string_view(req.kind()), std::string_view()}) {
      std::string key = ScopeKey(req.organization_id(), project, req.item_type(), kind);
      if (std::find(scopes.begin(), scopes.end(), key) == scopes.end()) scopes.push_back(key);
    }
  }
  for (const std::string& key : scopes) {
    auto id = store_->Get(Space::kIndex, key);
    if (id.status().code() == absl::StatusCode::kNotFound) continue;
    HOIDLA_RETURN_IF_ERROR(id.status());
    HOIDLA_ASSIGN_OR_RETURN(auto chain, schedules_.Load(*id, keys::kSystemSubject));
    const v1::RetentionSchedule& found = chain.back();
    // The index may only name the schedule of its own scope.
    if (ScopeKey(found.organization_id(), found.project_id(), found.item_type(), found.kind()) !=
        key) {
      return absl::DataLossError("schedule index names a schedule of another scope");
    }
    audit::NoteTarget(ctx.audit, "", "", *id);
    return found;
  }
  return absl::NotFoundError("kind: no schedule applies");
}

// ---------------------------------------------------------------------------
// Legal holds

absl::StatusOr<v1::LegalHold> Retention::LoadHold(std::string_view id) const {
  v1::LegalHold h;
  HOIDLA_RETURN_IF_ERROR(sealed_.Get(ours::kHold, id, keys::kSystemSubject, &h));
  if (h.id() != id) return absl::DataLossError("stored legal hold does not match its key");
  return h;
}

absl::StatusOr<Target> Retention::DecideHoldTarget(const RequestContext& ctx,
                                                   const v1::LegalHold& h,
                                                   std::string* object_id) const {
  const Guard guard(policy_, registry_);
  const Action a = Action::kPlaceLegalHold;
  switch (h.target_case()) {
    case v1::LegalHold::kClientId: {
      HOIDLA_RETURN_IF_ERROR(ValidateId(h.client_id(), IdKind::kClient, "hold.client_id"));
      *object_id = h.client_id();
      return registry_->RevealClient(ctx,
                                     {.action = a, .id = h.client_id(), .field = "hold.client_id"},
                                     registry_->LoadClient(h.client_id()));
    }
    case v1::LegalHold::kCaseId: {
      HOIDLA_RETURN_IF_ERROR(ValidateId(h.case_id(), IdKind::kCase, "hold.case_id"));
      *object_id = h.case_id();
      return registry_->RevealCase(ctx, {.action = a, .id = h.case_id(), .field = "hold.case_id"},
                                   registry_->LoadCase(h.case_id()));
    }
    case v1::LegalHold::kRecordId: {
      HOIDLA_RETURN_IF_ERROR(ValidateId(h.record_id(), IdKind::kRecord, "hold.record_id"));
      *object_id = h.record_id();
      return guard.Reveal(ctx, {.action = a, .id = h.record_id(), .field = "hold.record_id"},
                          records_->Locate(h.record_id()),
                          [](const Records::Located& l) { return l.target; });
    }
    case v1::LegalHold::kDocumentId: {
      HOIDLA_RETURN_IF_ERROR(ValidateId(h.document_id(), IdKind::kDocument, "hold.document_id"));
      *object_id = h.document_id();
      return guard.Reveal(
          ctx, {.action = a, .id = h.document_id(), .field = "hold.document_id"},
          documents_->LoadDocument(h.document_id()),
          [&](const rec::DocumentRecord& r) { return documents_->DocumentTarget(r); });
    }
    case v1::LegalHold::kProjectId: {
      HOIDLA_RETURN_IF_ERROR(ValidateId(h.project_id(), IdKind::kProject, "hold.project_id"));
      *object_id = h.project_id();
      return guard.Reveal(ctx, {.action = a, .id = h.project_id(), .field = "hold.project_id"},
                          registry_->LoadProject(h.project_id()), [](const rec::ProjectRecord& p) {
                            return PlaceOf(p.organization_id(), p.id(), p.id());
                          });
    }
    case v1::LegalHold::TARGET_NOT_SET:
      break;
  }
  return FieldError("hold", "name a client_id, case_id, record_id, document_id or project_id");
}

absl::StatusOr<v1::LegalHold> Retention::PlaceHold(const RequestContext& ctx,
                                                   const v1::PlaceLegalHoldRequest& req) {
  if (!req.has_hold()) return FieldError("hold", "required");
  const v1::LegalHold& in = req.hold();
  HOIDLA_RETURN_IF_ERROR(ValidateText("hold.reason", in.reason(), true, kMaxTextBytes, true));
  std::string object_id;
  HOIDLA_ASSIGN_OR_RETURN(Target target, DecideHoldTarget(ctx, in, &object_id));
  if (target.organization_id.empty()) {
    return absl::InternalError("the hold's target has no organisation");
  }
  v1::LegalHold h;
  h.set_id(NewId(IdKind::kLegalHold, *clock_));
  h.set_organization_id(target.organization_id);
  switch (in.target_case()) {
    case v1::LegalHold::kClientId:
      h.set_client_id(in.client_id());
      break;
    case v1::LegalHold::kCaseId:
      h.set_case_id(in.case_id());
      break;
    case v1::LegalHold::kRecordId:
      h.set_record_id(in.record_id());
      break;
    case v1::LegalHold::kDocumentId:
      h.set_document_id(in.document_id());
      break;
    case v1::LegalHold::kProjectId:
      h.set_project_id(in.project_id());
      break;
    case v1::LegalHold::TARGET_NOT_SET:
      break;
  }
  h.set_reason(in.reason());
  *h.mutable_placed_at() = ToTimestamp(clock_->NowMicros());
  h.set_placed_by(ctx.principal.id);
  h.set_active(true);
  // A hold placed while a sweep or an erasure runs waits for it, so that
  // once this returns nothing it covers is destroyed.
  std::lock_guard sweep_lock(sweep_mu_);
  std::lock_guard lock(write_mu_);
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(sealed_.Put(ours::kHold, h.id(), keys::kSystemSubject, h, &batch));
  batch.Put(Space::kIndex, ours::kHoldsOfOrganization.Key(h.organization_id(), h.id()), "");
  batch.Put(Space::kIndex, ours::kActiveHoldsOn.Key(object_id, h.id()), "");
  Registry::PutLocation(h.id(), PlaceOf(h.organization_id(), "", h.id()), &batch);
  audit::NoteTarget(ctx.audit, target.client_id, target.case_id, h.id());
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return h;
}

namespace {
std::string_view HeldObject(const v1::LegalHold& h) {
  switch (h.target_case()) {
    case v1::LegalHold::kClientId:
      return h.client_id();
    case v1::LegalHold::kCaseId:
      return h.case_id();
    case v1::LegalHold::kRecordId:
      return h.record_id();
    case v1::LegalHold::kDocumentId:
      return h.document_id();
    case v1::LegalHold::kProjectId:
      return h.project_id();
    case v1::LegalHold::TARGET_NOT_SET:
      break;
  }
  return "";
}
}  // namespace

absl::StatusOr<v1::LegalHold> Retention::LiftHold(const RequestContext& ctx,
                                                  const v1::LiftLegalHoldRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kLegalHold, "id"));
  HOIDLA_RETURN_IF_ERROR(ValidateText("reason", req.reason(), true, kMaxTextBytes, true));
  std::lock_guard sweep_lock(sweep_mu_);
  std::lock_guard lock(write_mu_);
  auto h = LoadHold(req.id());
  HOIDLA_RETURN_IF_ERROR(
      Guard(policy_, registry_)
          .Reveal(ctx, {.action = Action::kPlaceLegalHold, .id = req.id(), .field = "id"}, h,
                  [&](const v1::LegalHold& x) { return PlaceOf(x.organization_id(), "", x.id()); })
          .status());
  if (!h->active()) return absl::FailedPreconditionError("id: the hold was lifted already");
  const std::string_view object = HeldObject(*h);
  if (object.empty()) return absl::DataLossError("stored legal hold names no target");
  h->set_active(false);
  *h->mutable_lifted_at() = ToTimestamp(clock_->NowMicros());
  h->set_lifted_by(ctx.principal.id);
  h->set_lift_reason(req.reason());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(sealed_.Put(ours::kHold, h->id(), keys::kSystemSubject, *h, &batch));
  batch.Delete(Space::kIndex, ours::kActiveHoldsOn.Key(object, h->id()));
  // What a sweep parked under the hold is due again from now on.
  HOIDLA_RETURN_IF_ERROR(Unpark(h->id(), &batch));
  audit::NoteTarget(ctx.audit, h->client_id(), h->case_id(), h->id());
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return *h;
}

absl::StatusOr<v1::LegalHold> Retention::GetHold(const RequestContext& ctx,
                                                 const v1::GetLegalHoldRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kLegalHold, "id"));
  auto h = LoadHold(req.id());
  HOIDLA_RETURN_IF_ERROR(
      Guard(policy_, registry_)
          .Reveal(ctx, {.action = Action::kReadLegalHolds, .id = req.id(), .field = "id"}, h,
                  [&](const v1::LegalHold& x) { return PlaceOf(x.organization_id(), "", x.id()); })
          .status());
  audit::NoteTarget(ctx.audit, h->client_id(), h->case_id(), h->id());
  return *h;
}

absl::StatusOr<v1::ListLegalHoldsResponse> Retention::ListHolds(
    const RequestContext& ctx, const v1::ListLegalHoldsRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kReadLegalHolds, PlaceOf(req.organization_id(), "", "")),
      "organization_id"));
  v1::ListLegalHoldsResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(store_, Space::kIndex, ours::kHoldsOfOrganization.Prefix(req.organization_id()),
               IdKind::kLegalHold, req.page_token(), page_size,
               [&](std::string_view id) -> absl::StatusOr<bool> {
                 HOIDLA_ASSIGN_OR_RETURN(v1::LegalHold h, LoadHold(id));
                 if (h.organization_id() != req.organization_id()) {
                   return absl::DataLossError("hold index names another organisation's");
                 }
                 if (req.active_only() && !h.active()) return false;
                 *out.add_holds() = std::move(h);
                 return true;
               }));
  out.set_next_page_token(next);
  return out;
}

absl::StatusOr<std::vector<std::string>> Retention::HoldsOn(
    const std::vector<std::string>& object_ids) const {
  std::vector<std::string> out;
  for (const std::string& object : object_ids) {
    if (object.empty()) continue;
    const std::string prefix = ours::kActiveHoldsOn.Prefix(object);
    auto it = store_->Scan(Space::kIndex, prefix);
    for (; it->Valid(); it->Next()) {
      out.emplace_back(storage::layout::Rest(it->key(), prefix));
    }
    HOIDLA_RETURN_IF_ERROR(it->status());
  }
  return out;
}

}  // namespace hoidla::core
