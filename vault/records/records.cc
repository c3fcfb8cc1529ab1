#include "vault/records/records.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "base/error_reason.h"
#include "base/ids.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "vault/access/paging.h"
#include "vault/audit/audit_log.h"
#include "vault/records/record_forms.h"
#include "vault/storage/layout.h"

namespace hoidla::core {
namespace {

using storage::Space;

namespace ours = storage::layout::records;
constexpr std::string_view kRec = ours::kRecord;      // a version (VersionChain)
constexpr std::string_view kRsg = ours::kSignatures;  // a version's signatures

std::string VersionId(std::string_view record_id, uint32_t version) {
  return storage::layout::VersionedId(record_id, version);
}

int32_t Today(const Clock& clock) {
  const absl::CivilDay d = UtcDay(clock.NowMicros());
  return static_cast<int32_t>(d.year() * 10000 + d.month() * 100 + d.day());
}

// The kinds the form has signed (A1, B, B1, D3; A2 is a consent).
bool Signed(std::string_view kind) {
  return kind == "initial_decision" || kind == "case_plan" || kind == "plan_evaluation" ||
         kind == "meeting_minutes";
}

// Meeting minutes are locked when the minute-taker and every present
// participant have signed.
bool Locked(const v1::RecordContent& content, const rec::RecordSignatures& sigs) {
  if (!content.has_meeting_minutes()) return false;
  const auto& m = content.meeting_minutes();
  std::set<std::string> signed_ids;
  for (const auto& s : sigs.signatures()) signed_ids.insert(s.participant_id());
  if (m.minute_taker().participant_id().empty() ||
      !signed_ids.contains(m.minute_taker().participant_id())) {
    return false;
  }
  for (const auto& p : m.participants()) {
    if (p.present() && !signed_ids.contains(p.participant_id())) return false;
  }
  return true;
}

int32_t DateNumber(const v1::Date& d) { return d.year() * 10000 + d.month() * 100 + d.day(); }

v1::Date FromCivil(absl::CivilDay d) {
  v1::Date out;
  out.set_year(static_cast<int32_t>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

absl::CivilDay ToCivil(const v1::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

// `days` working days (Monday to Friday) after `from`.
absl::CivilDay AddWorkingDays(absl::CivilDay from, int days) {
  absl::CivilDay d = from;
  while (days > 0) {
    ++d;
    const absl::Weekday w = absl::GetWeekday(d);
    if (w != absl::Weekday::saturday && w != absl::Weekday::sunday) --days;
  }
  return d;
}

// Tells retention (if any) that record `r` was created or changed at
// `at_micros`, in the change's own batch.
absl::Status Tell(Lifecycle* lifecycle, const rec::AssessmentRecord& r, bool created,
                  int64_t at_micros, storage::WriteBatch* batch) {
  if (lifecycle == nullptr) return absl::OkStatus();
  LifeItem item{.type = v1::RETENTION_ITEM_TYPE_RECORD,
                .id = r.id(),
                .organization_id = r.organization_id(),
                .project_id = r.project_id(),
                .client_id = r.client_id(),
                .case_id = r.case_id(),
                .kind = r.kind(),
                .created_at_micros = r.created_at_micros()};
  return lifecycle->ItemChanged(item, created, at_micros, 0, batch);
}

}  // namespace

Records::Records(storage::KvStore* store, keys::Keyring* keyring, Clock* clock,
                 const Policy* policy, const Registry* registry, const Consents* consents,
                 const Instruments* instruments)
    : store_(store),
      clock_(clock),
      policy_(policy),
      registry_(registry),
      consents_(consents),
      instruments_(instruments),
      records_(store, keyring),
      versions_(store, &records_, kRec, "record") {}

absl::StatusOr<std::string> Records::CheckContent(const v1::RecordContent& content,
                                                  std::string_view organization_id,
                                                  std::string_view prefix) const {
  if (content.has_custom()) {
    return instruments_->CheckRecord(content.custom(), organization_id, StrCat(prefix, ".custom"));
  }
  HOIDLA_RETURN_IF_ERROR(ValidateRecordContent(content, prefix, Today(*clock_)));
  return std::string(RecordKind(content));
}

absl::StatusOr<Records::Chain> Records::LoadChain(std::string_view record_id) const {
  HOIDLA_ASSIGN_OR_RETURN(std::string client_id,
                          store_->Get(Space::kIndex, ours::kClientOfRecord.Key(record_id)));
  Chain chain;
  HOIDLA_ASSIGN_OR_RETURN(chain.versions, versions_.Load(record_id, client_id));
  return chain;
}

absl::StatusOr<Target> Records::RevealRecord(const RequestContext& ctx, Action action,
                                             std::string_view id,
                                             const absl::StatusOr<Chain>& chain) const {
  return Guard(policy_, registry_, consents_)
      .Reveal(
          ctx,
          {.action = action, .id = id, .field = "id", .releasable = action == Action::kReadRecord},
          chain,
          [&](const Chain& c) -> absl::StatusOr<Target> {
            HOIDLA_ASSIGN_OR_RETURN(Target t, CaseTargetOf(c.current().case_id()));
            t.object_id = std::string(id);
            return t;
          },
          [](const Chain& c) { return std::string_view(c.current().kind()); });
}

absl::StatusOr<rec::RecordSignatures> Records::LoadSignatures(
    const rec::AssessmentRecord& r) const {
  rec::RecordSignatures sigs;
  absl::Status s = records_.Get(kRsg, VersionId(r.id(), r.version()), r.client_id(), &sigs);
  if (!s.ok() && s.code() != absl::StatusCode::kNotFound) return s;
  return sigs;
}

absl::StatusOr<std::vector<rec::AssessmentRecord>> Records::CaseRecords(
    std::string_view case_id, std::string_view kind) const {
  // The index holds ids only (a kind in plaintext would say what is known
  // about the client): the kind is read from the sealed record.
  std::vector<std::string> ids;
  const std::string prefix = ours::kRecordsOfCase.Prefix(case_id);
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(it->key().substr(prefix.size()));
  HOIDLA_RETURN_IF_ERROR(it->status());
  std::vector<rec::AssessmentRecord> out;
  for (const auto& id : ids) {
    HOIDLA_ASSIGN_OR_RETURN(Chain c, LoadChain(id));
    if (kind.empty() || c.current().kind() == kind) out.push_back(c.current());
  }
  return out;
}

absl::StatusOr<Records::Located> Records::Locate(std::string_view record_id) const {
  HOIDLA_ASSIGN_OR_RETURN(Chain chain, LoadChain(record_id));
  Located out;
  HOIDLA_ASSIGN_OR_RETURN(out.target, CaseTargetOf(chain.current().case_id()));
  out.target.object_id = std::string(record_id);
  out.kind = chain.current().kind();
  return out;
}

absl::StatusOr<Target> Records::CaseTargetOf(std::string_view case_id) const {
  HOIDLA_ASSIGN_OR_RETURN(rec::CaseRecord c, registry_->LoadCase(case_id));
  return registry_->CaseTarget(c);
}

absl::Status Records::CheckCaseOpen(std::string_view case_id, std::string_view field) const {
  HOIDLA_ASSIGN_OR_RETURN(rec::CaseRecord c, registry_->LoadCase(case_id));
  if (c.status() == v1::CASE_STATUS_CLOSED) {
    return WithReason(absl::FailedPreconditionError(
                          StrCat(field, ": the case is closed and read-only; reopen it first")),
                      kReasonCaseClosed);
  }
  return absl::OkStatus();
}

absl::Status Records::CheckAcrossRecords(const rec::CaseRecord& kase,
                                         const v1::RecordContent& content, std::string_view own_id,
                                         std::string_view field) const {
  if (content.has_case_plan()) {
    // Once the first assessment chose case management, a plan needs the
    // initial decision (A1) and a signed cooperation agreement (A2).
    HOIDLA_ASSIGN_OR_RETURN(auto intakes, CaseRecords(kase.id(), "intake_assessment"));
    bool case_management = false;
    for (const auto& r : intakes) {
      v1::RecordContent c;
      if (!c.ParseFromString(r.content())) return absl::DataLossError("stored record is corrupt");
      case_management |=
          c.intake_assessment().first_assessment().decision() == v1::DECISION_CASE_MANAGEMENT;
    }
    if (case_management) {
      HOIDLA_ASSIGN_OR_RETURN(auto decisions, CaseRecords(kase.id(), "initial_decision"));
      if (decisions.empty()) {
        return absl::FailedPreconditionError(
            StrCat(field,
                   ".case_plan: the first assessment chose case management: record the "
                   "initial decision (A1) first"));
      }
      HOIDLA_ASSIGN_OR_RETURN(bool consent, consents_->HasSignedConsentInForce(kase));
      if (!consent) {
        return absl::FailedPreconditionError(StrCat(
            field,
            ".case_plan: the first assessment chose case management: a signed "
            "cooperation agreement (A2, a written or digitally signed consent in force for the "
            "case) is needed first"));
      }
    }
  }
  if (content.has_plan_evaluation()) {
    HOIDLA_ASSIGN_OR_RETURN(auto evaluations, CaseRecords(kase.id(), "plan_evaluation"));
    int64_t highest = 0;
    for (const auto& r : evaluations) {
      if (r.id() == own_id) continue;
      v1::RecordContent c;
      if (!c.ParseFromString(r.content())) return absl::DataLossError("stored record is corrupt");
      highest = std::max<int64_t>(highest, c.plan_evaluation().sequence_number());
    }
    if (content.plan_evaluation().sequence_number() <= highest) {
      return FieldError(StrCat(field, ".plan_evaluation.sequence_number"),
                        StrCat("must be greater than ", highest, ", the case's last evaluation"));
    }
  }
  if (content.has_activity_log_entry() &&
      !content.activity_log_entry().corrects_record_id().empty()) {
    const std::string& target = content.activity_log_entry().corrects_record_id();
    const std::string corrects = StrCat(field, ".activity_log_entry.corrects_record_id");
    HOIDLA_RETURN_IF_ERROR(ValidateId(target, IdKind::kRecord, corrects));
    auto corrected = LoadChain(target);
    if (corrected.status().code() == absl::StatusCode::kNotFound ||
        (corrected.ok() && (corrected->current().case_id() != kase.id() ||
                            corrected->current().kind() != "activity_log_entry"))) {
      return absl::NotFoundError(StrCat(corrects, ": not an activity log entry of the case"));
    }
    HOIDLA_RETURN_IF_ERROR(corrected.status());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Record> Records::ToApi(const rec::AssessmentRecord& r, bool mask) const {
  v1::Record out;
  out.set_id(r.id());
  out.set_version(r.version());
  out.set_case_id(r.case_id());
  out.set_client_id(r.client_id());
  out.set_project_id(r.project_id());
  out.set_organization_id(r.organization_id());
  out.set_kind(r.kind());
  if (!out.mutable_content()->ParseFromString(r.content())) {
    return absl::DataLossError("stored record content is corrupt");
  }
  if (mask) {
    MaskThirdParties(out.mutable_content());
    out.set_third_parties_withheld(true);
  }
  *out.mutable_created_at() = ToTimestamp(r.created_at_micros());
  out.set_created_by(r.created_by());
  *out.mutable_updated_at() = ToTimestamp(r.updated_at_micros());
  out.set_updated_by(r.updated_by());
  out.set_change_note(r.change_note());
  HOIDLA_ASSIGN_OR_RETURN(rec::RecordSignatures sigs, LoadSignatures(r));
  for (const auto& s : sigs.signatures()) {
    auto* o = out.add_signatures();
    o->set_role(s.role());
    o->set_signer_name(mask && s.role() == "network_member" ? "[withheld]" : s.signer_name());
    o->set_participant_id(s.participant_id());
    o->set_method(static_cast<v1::SignatureMethod>(s.method()));
    o->set_scan_document_id(s.scan_document_id());
    o->set_signature_reference(s.signature_reference());
    *o->mutable_signed_at() = ToTimestamp(s.signed_at_micros());
    o->set_recorded_by(s.recorded_by());
  }
  out.set_locked(Locked(out.content(), sigs));
  return out;
}

// ---------------------------------------------------------------------------

absl::StatusOr<v1::Record> Records::CreateRecord(const RequestContext& ctx,
                                                 const v1::CreateRecordRequest& req) {
  if (!req.has_record()) return FieldError("record", "required");
  const auto& in = req.record();
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("record.id", in.id().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("record.version", in.version() == 0));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("record.signatures", in.signatures().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateId(in.case_id(), IdKind::kCase, "record.case_id"));
  if (!in.has_content()) return FieldError("record.content", "required");
  if (RecordKind(in.content()).empty()) {
    return FieldError("record.content", "required: one part of the form");
  }
  HOIDLA_RETURN_IF_ERROR(ValidateText("record.change_note", in.change_note(), false, 2000));
  if (!in.content().has_custom()) {
    HOIDLA_RETURN_IF_ERROR(ValidateRecordContent(in.content(), "record.content", Today(*clock_)));
  }
  auto kase = registry_->LoadCase(in.case_id());
  HOIDLA_ASSIGN_OR_RETURN(
      const Target target,
      registry_->RevealCase(
          ctx, {.action = Action::kWriteRecord, .id = in.case_id(), .field = "record.case_id"},
          kase));
  if (kase->status() == v1::CASE_STATUS_CLOSED) {
    return WithReason(absl::FailedPreconditionError(
                          "record.case_id: the case is closed and read-only; reopen it first"),
                      kReasonCaseClosed);
  }
  HOIDLA_ASSIGN_OR_RETURN(
      const std::string kind,
      in.content().has_custom()
          ? CheckContent(in.content(), kase->organization_id(), "record.content")
          : absl::StatusOr<std::string>(std::string(RecordKind(in.content()))));
  std::lock_guard lock(write_mu_);
  HOIDLA_RETURN_IF_ERROR(CheckAcrossRecords(*kase, in.content(), "", "record.content"));
  rec::AssessmentRecord r;
  r.set_id(NewId(IdKind::kRecord, *clock_));
  r.set_version(1);
  r.set_case_id(kase->id());
  r.set_client_id(kase->client_id());
  r.set_project_id(kase->project_id());
  r.set_organization_id(kase->organization_id());
  r.set_kind(kind);
  r.set_content(in.content().SerializeAsString());
  r.set_created_at_micros(clock_->NowMicros());
  r.set_created_by(ctx.principal.id);
  r.set_updated_at_micros(r.created_at_micros());
  r.set_updated_by(ctx.principal.id);
  r.set_change_note(in.change_note());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(versions_.Put(r, r.client_id(), &batch));
  batch.Put(Space::kIndex, ours::kClientOfRecord.Key(r.id()), r.client_id());
  batch.Put(Space::kIndex, ours::kRecordsOfCase.Key(r.case_id(), r.id()), "");
  batch.Put(Space::kIndex, ours::kRecordsOfClient.Key(r.client_id(), r.id()), "");
  Target where = target;
  where.object_id = r.id();
  Registry::PutLocation(r.id(), where, &batch);
  HOIDLA_RETURN_IF_ERROR(Tell(lifecycle_, r, true, r.created_at_micros(), &batch));
  audit::NoteTarget(ctx.audit, r.client_id(), r.case_id(), r.id());
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ToApi(r, false);
}

absl::StatusOr<v1::Record> Records::UpdateRecord(const RequestContext& ctx,
                                                 const v1::UpdateRecordRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kRecord, "id"));
  if (req.expected_version() == 0) return FieldError("expected_version", "required");
  if (!req.has_content()) return FieldError("content", "required");
  HOIDLA_RETURN_IF_ERROR(ValidateText("change_note", req.change_note(), false, 2000));
  std::lock_guard lock(write_mu_);
  auto chain = LoadChain(req.id());
  HOIDLA_ASSIGN_OR_RETURN(const Target target,
                          RevealRecord(ctx, Action::kWriteRecord, req.id(), chain));
  const rec::AssessmentRecord cur = chain->current();
  if (RecordKind(req.content()) != std::string_view(cur.kind()).substr(0, cur.kind().find('.'))) {
    return FieldError("content", StrCat("must stay a ", cur.kind()));
  }
  if (cur.kind() == "activity_log_entry") {
    return absl::FailedPreconditionError(
        "id: the activity log is append-only; add an entry that corrects this one "
        "(corrects_record_id)");
  }
  HOIDLA_RETURN_IF_ERROR(CheckCaseOpen(cur.case_id(), "id"));
  if (req.expected_version() != cur.version()) {
    return absl::AbortedError(StrCat("expected_version: the current version is ", cur.version(),
                                     "; reload and apply the change again"));
  }
  HOIDLA_ASSIGN_OR_RETURN(v1::Record current, ToApi(cur, false));
  if (current.locked() && req.change_note().empty()) {
    return absl::FailedPreconditionError(
        "change_note: the minutes are signed and locked; a correction must say why");
  }
  HOIDLA_ASSIGN_OR_RETURN(const std::string kind,
                          CheckContent(req.content(), cur.organization_id(), "content"));
  if (kind != cur.kind()) return FieldError("content", StrCat("must stay a ", cur.kind()));
  HOIDLA_ASSIGN_OR_RETURN(rec::CaseRecord kase, registry_->LoadCase(cur.case_id()));
  HOIDLA_RETURN_IF_ERROR(CheckAcrossRecords(kase, req.content(), cur.id(), "content"));
  rec::AssessmentRecord r = cur;
  r.set_version(cur.version() + 1);
  r.set_content(req.content().SerializeAsString());
  r.set_updated_at_micros(clock_->NowMicros());
  r.set_updated_by(ctx.principal.id);
  r.set_change_note(req.change_note());
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(versions_.Put(r, r.client_id(), &batch));
  HOIDLA_RETURN_IF_ERROR(Tell(lifecycle_, r, false, r.updated_at_micros(), &batch));
  audit::NoteTarget(ctx.audit, r.client_id(), r.case_id(), r.id());
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ToApi(r, false);
}

absl::StatusOr<v1::Record> Records::GetRecord(const RequestContext& ctx,
                                              const v1::GetRecordRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kRecord, "id"));
  auto chain = LoadChain(req.id());
  HOIDLA_ASSIGN_OR_RETURN(const Target target,
                          RevealRecord(ctx, Action::kReadRecord, req.id(), chain));
  if (req.version() > chain->versions.size()) return absl::NotFoundError("version: not found");
  const auto& r = req.version() == 0 ? chain->current() : chain->versions[req.version() - 1];
  return ToApi(r, target.release.has_value());
}

absl::StatusOr<v1::ListRecordVersionsResponse> Records::ListRecordVersions(
    const RequestContext& ctx, const v1::ListRecordVersionsRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kRecord, "id"));
  auto chain = LoadChain(req.id());
  HOIDLA_ASSIGN_OR_RETURN(const Target target,
                          RevealRecord(ctx, Action::kReadRecord, req.id(), chain));
  v1::ListRecordVersionsResponse out;
  for (const auto& v : chain->versions) {
    HOIDLA_ASSIGN_OR_RETURN(*out.add_versions(), ToApi(v, target.release.has_value()));
  }
  return out;
}

absl::StatusOr<v1::ListRecordsResponse> Records::ListRecords(const RequestContext& ctx,
                                                             const v1::ListRecordsRequest& req) {
  if (req.case_id().empty() == req.client_id().empty()) {
    return FieldError("case_id", "give exactly one of case_id and client_id");
  }
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  if (!req.kind().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateSlug("kind", req.kind(), 64));
  }
  Target target;
  Action container = Action::kReadCase;
  std::string prefix;
  if (!req.case_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.case_id(), IdKind::kCase, "case_id"));
    prefix = ours::kRecordsOfCase.Prefix(req.case_id());
    target.case_id = req.case_id();
    auto c = registry_->LoadCase(req.case_id());
    if (c.ok()) {
      HOIDLA_ASSIGN_OR_RETURN(target, registry_->CaseTarget(*c));
    } else if (c.status().code() != absl::StatusCode::kNotFound) {
      return c.status();
    }
  } else {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.client_id(), IdKind::kClient, "client_id"));
    prefix = ours::kRecordsOfClient.Prefix(req.client_id());
    container = Action::kReadClient;
    target.client_id = req.client_id();
    auto c = registry_->LoadClient(req.client_id());
    if (c.ok()) {
      target = registry_->ClientTarget(*c);
    } else if (c.status().code() != absl::StatusCode::kNotFound) {
      return c.status();
    }
  }
  // Reading the container, or a release of some item of the client.
  if (policy_->Decide(ctx.principal, container, target).allowed) {
    HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, container, target));
  } else {
    HOIDLA_ASSIGN_OR_RETURN(target.release, consents_->ReleaseFor(ctx.principal, ctx.purpose,
                                                                  {target.client_id, "", ""}));
    if (!target.release && policy_->Decide(ctx.principal, Action::kListRecords, target).allowed) {
      return policy_->Check(ctx, container, target);
    }
  }
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kListRecords, target));
  const int64_t from = req.has_created_from() ? Micros(req.created_from()) : INT64_MIN;
  const int64_t until = req.has_created_until() ? Micros(req.created_until()) : INT64_MAX;
  v1::ListRecordsResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(store_, Space::kIndex, prefix, IdKind::kRecord, req.page_token(), page_size,
               [&](std::string_view id) -> absl::StatusOr<bool> {
                 HOIDLA_ASSIGN_OR_RETURN(Chain chain, LoadChain(id));
                 const auto& r = chain.current();
                 if (!req.kind().empty() && r.kind() != req.kind()) return false;
                 const int64_t created = chain.versions.front().created_at_micros();
                 if (created < from || created >= until) return false;
                 HOIDLA_ASSIGN_OR_RETURN(Target t, CaseTargetOf(r.case_id()));
                 t.object_id = r.id();
                 bool masked = false;
                 if (!policy_->Decide(ctx.principal, Action::kReadRecord, t).allowed) {
                   HOIDLA_ASSIGN_OR_RETURN(
                       t.release,
                       consents_->ReleaseFor(ctx.principal, ctx.purpose,
                                             {r.client_id(), r.kind(), r.id(), t.project_id}));
                   if (!t.release ||
                       !policy_->Decide(ctx.principal, Action::kReadRecord, t).allowed) {
                     return false;
                   }
                   masked = true;
                 }
                 HOIDLA_ASSIGN_OR_RETURN(*out.add_records(), ToApi(r, masked));
                 return true;
               }));
  out.set_next_page_token(next);
  return out;
}

absl::StatusOr<v1::Record> Records::SignRecord(const RequestContext& ctx,
                                               const v1::SignRecordRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kRecord, "id"));
  if (req.version() == 0) return FieldError("version", "required");
  if (!req.has_signature()) return FieldError("signature", "required");
  const auto& s = req.signature();
  static const std::set<std::string> kRoles = {"client",         "case_manager",
                                               "network_member", "minute_taker",
                                               "participant",    "legal_representative"};
  if (!kRoles.contains(s.role())) {
    return FieldError("signature.role",
                      "client, legal_representative, case_manager, network_member, "
                      "minute_taker or participant");
  }
  HOIDLA_RETURN_IF_ERROR(ValidateText("signature.signer_name", s.signer_name(), true, 200));
  if (s.has_signed_at() || !s.recorded_by().empty()) {
    return FieldError("signature.signed_at", "output only");
  }
  switch (s.method()) {
    case v1::SIGNATURE_METHOD_PAPER:
      HOIDLA_RETURN_IF_ERROR(
          ValidateId(s.scan_document_id(), IdKind::kDocument, "signature.scan_document_id"));
      break;
    case v1::SIGNATURE_METHOD_DIGITAL:
      HOIDLA_RETURN_IF_ERROR(
          ValidateText("signature.signature_reference", s.signature_reference(), true, 500));
      break;
    default:
      return FieldError("signature.method", "required: paper or digital");
  }
  std::lock_guard lock(write_mu_);
  auto chain = LoadChain(req.id());
  HOIDLA_ASSIGN_OR_RETURN(const Target target,
                          RevealRecord(ctx, Action::kWriteRecord, req.id(), chain));
  const rec::AssessmentRecord& cur = chain->current();
  if (!Signed(cur.kind())) {
    return absl::FailedPreconditionError(StrCat("id: the form does not sign a ", cur.kind()));
  }
  HOIDLA_RETURN_IF_ERROR(CheckCaseOpen(cur.case_id(), "id"));
  if (req.version() != cur.version()) {
    return absl::AbortedError(StrCat("version: the current version is ", cur.version()));
  }
  v1::RecordContent content;
  if (!content.ParseFromString(cur.content())) {
    return absl::DataLossError("stored record content is corrupt");
  }
  HOIDLA_ASSIGN_OR_RETURN(rec::RecordSignatures sigs, LoadSignatures(cur));
  if (content.has_meeting_minutes()) {
    if (Locked(content, sigs)) {
      return absl::FailedPreconditionError("id: the minutes are signed and locked");
    }
    const auto& m = content.meeting_minutes();
    bool known =
        s.participant_id() == m.minute_taker().participant_id() && !s.participant_id().empty();
    for (const auto& p : m.participants()) known |= p.participant_id() == s.participant_id();
    if (!known) {
      return FieldError("signature.participant_id",
                        "the minute-taker's or a participant's participant_id");
    }
    for (const auto& have : sigs.signatures()) {
      if (have.participant_id() == s.participant_id()) {
        return absl::AlreadyExistsError("signature.participant_id: signed already");
      }
    }
  }
  auto* added = sigs.add_signatures();
  added->set_role(s.role());
  added->set_signer_name(s.signer_name());
  added->set_participant_id(s.participant_id());
  added->set_method(s.method());
  added->set_scan_document_id(s.scan_document_id());
  added->set_signature_reference(s.signature_reference());
  added->set_signed_at_micros(clock_->NowMicros());
  added->set_recorded_by(ctx.principal.id);
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(
      records_.Put(kRsg, VersionId(cur.id(), cur.version()), cur.client_id(), sigs, &batch));
  HOIDLA_RETURN_IF_ERROR(Tell(lifecycle_, cur, false, added->signed_at_micros(), &batch));
  audit::NoteTarget(ctx.audit, cur.client_id(), cur.case_id(), cur.id());
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ToApi(cur, false);
}

absl::Status Records::CaseDeadlines(const rec::CaseRecord& kase, int32_t today, int32_t horizon,
                                    v1::ListDeadlinesResponse* out) const {
  auto add = [&](v1::DeadlineKind kind, const std::string& record_id, const v1::Date& due,
                 const std::string& detail) {
    const int32_t n = DateNumber(due);
    if (n > horizon) return;
    auto* d = out->add_deadlines();
    d->set_kind(kind);
    d->set_case_id(kase.id());
    d->set_record_id(record_id);
    *d->mutable_due_on() = due;
    d->set_overdue(n < today);
    d->set_detail(detail);
  };
  HOIDLA_ASSIGN_OR_RETURN(auto records, CaseRecords(kase.id(), ""));
  bool probation = false, has_plan = false;
  for (const auto& r : records) {
    v1::RecordContent c;
    if (!c.ParseFromString(r.content())) return absl::DataLossError("stored record is corrupt");
    if (c.has_meeting_minutes()) {
      HOIDLA_ASSIGN_OR_RETURN(rec::RecordSignatures sigs, LoadSignatures(r));
      const auto& m = c.meeting_minutes();
      if (!Locked(c, sigs) && m.meeting_date().year() != 0) {
        add(v1::DEADLINE_KIND_MINUTES_UNSIGNED, r.id(),
            FromCivil(AddWorkingDays(ToCivil(m.meeting_date()), 7)),
            StrCat("meeting ", m.meeting_number(), " minutes unsigned"));
      }
      for (const auto& d : m.decisions()) {
        if (d.due_on().year() != 0) {
          add(v1::DEADLINE_KIND_ACTION_DUE, r.id(), d.due_on(), d.decision());
        }
      }
    }
    if (c.has_initial_decision()) {
      for (const auto& a : c.initial_decision().actions()) {
        if (a.scheduled_on().year() != 0) {
          add(v1::DEADLINE_KIND_ACTION_DUE, r.id(), a.scheduled_on(), a.action());
        }
      }
    }
    if (c.has_care_need_assessment() && c.care_need_assessment().valid_until().year() != 0) {
      add(v1::DEADLINE_KIND_ASSESSMENT_VALIDITY_ENDS, r.id(),
          c.care_need_assessment().valid_until(), "care-need assessment expires");
    }
    if (c.has_intake_assessment()) {
      for (const auto& p : c.intake_assessment().client().previous_assessments()) {
        probation |= p.kind() == v1::PREVIOUS_ASSESSMENT_KIND_PROBATION_RISK;
      }
    }
    if (c.has_probation_supervision_plan()) has_plan = true;
  }
  if (probation && !has_plan) {
    const absl::CivilDay opened = UtcDay(kase.created_at_micros());
    add(v1::DEADLINE_KIND_PROBATION_RISK_ASSESSMENT, "", FromCivil(opened + 42),
        "probation risk assessment and supervision plan");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListDeadlinesResponse> Records::ListDeadlines(
    const RequestContext& ctx, const v1::ListDeadlinesRequest& req) {
  if (req.project_id().empty() == req.case_id().empty()) {
    return FieldError("project_id", "give exactly one of project_id and case_id");
  }
  int32_t within = req.within_days() == 0 ? 14 : req.within_days();
  if (within < 0 || within > 366) return FieldError("within_days", "0 to 366");
  const absl::CivilDay today = UtcDay(clock_->NowMicros());
  const int32_t today_n = DateNumber(FromCivil(today));
  const int32_t horizon = DateNumber(FromCivil(today + within));
  std::vector<rec::CaseRecord> cases;
  if (!req.case_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.case_id(), IdKind::kCase, "case_id"));
    auto c = registry_->LoadCase(req.case_id());
    HOIDLA_RETURN_IF_ERROR(
        registry_
            ->RevealCase(ctx,
                         {.action = Action::kReadCase, .id = req.case_id(), .field = "case_id"}, c)
            .status());
    cases.push_back(std::move(*c));
  } else {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.project_id(), IdKind::kProject, "project_id"));
    HOIDLA_ASSIGN_OR_RETURN(Target container, registry_->ProjectContainer(req.project_id()));
    HOIDLA_RETURN_IF_ERROR(
        ReferencedField(policy_->Check(ctx, Action::kListCases, container), "project_id"));
    HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                            registry_->CaseIdsOfProject(req.project_id()));
    for (const auto& id : ids) {
      HOIDLA_ASSIGN_OR_RETURN(rec::CaseRecord c, registry_->LoadCase(id));
      HOIDLA_ASSIGN_OR_RETURN(Target t, registry_->CaseTarget(c));
      if (policy_->Decide(ctx.principal, Action::kReadCase, t).allowed) {
        cases.push_back(std::move(c));
      }
    }
  }
  v1::ListDeadlinesResponse out;
  for (const auto& c : cases) {
    if (c.status() == v1::CASE_STATUS_CLOSED) continue;
    HOIDLA_RETURN_IF_ERROR(CaseDeadlines(c, today_n, horizon, &out));
  }
  std::stable_sort(out.mutable_deadlines()->begin(), out.mutable_deadlines()->end(),
                   [](const v1::Deadline& a, const v1::Deadline& b) {
                     return DateNumber(a.due_on()) < DateNumber(b.due_on());
                   });
  return out;
}

absl::StatusOr<std::vector<v1::Record>> Records::RecordsOfClient(std::string_view client_id) const {
  std::vector<std::string> ids;
  const std::string prefix = ours::kRecordsOfClient.Prefix(client_id);
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(it->key().substr(prefix.size()));
  HOIDLA_RETURN_IF_ERROR(it->status());
  std::vector<v1::Record> out;
  for (const auto& id : ids) {
    HOIDLA_ASSIGN_OR_RETURN(Chain chain, LoadChain(id));
    for (const auto& v : chain.versions) {
      HOIDLA_ASSIGN_OR_RETURN(v1::Record r, ToApi(v, true));
      out.push_back(std::move(r));
    }
  }
  return out;
}

absl::StatusOr<bool> Records::IsRecordOfCase(std::string_view case_id,
                                             std::string_view record_id) const {
  auto where = store_->Get(Space::kIndex, ours::kRecordsOfCase.Key(case_id, record_id));
  if (where.status().code() == absl::StatusCode::kNotFound) return false;
  HOIDLA_RETURN_IF_ERROR(where.status());
  return true;
}

absl::StatusOr<bool> Records::ClientHasKind(std::string_view client_id, std::string_view kind,
                                            std::string_view project_id) const {
  std::vector<std::string> ids;
  const std::string prefix = ours::kRecordsOfClient.Prefix(client_id);
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(it->key().substr(prefix.size()));
  HOIDLA_RETURN_IF_ERROR(it->status());
  for (const auto& id : ids) {
    HOIDLA_ASSIGN_OR_RETURN(Chain chain, LoadChain(id));
    const auto& r = chain.current();
    if (r.kind() == kind && (project_id.empty() || r.project_id() == project_id)) return true;
  }
  return false;
}

absl::Status Records::DestroyRecord(std::string_view record_id, storage::WriteBatch* batch) const {
  auto client = store_->Get(Space::kIndex, ours::kClientOfRecord.Key(record_id));
  if (client.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError("record: not found");
  }
  HOIDLA_RETURN_IF_ERROR(client.status());
  const Target where = registry_->LocationOf(record_id);
  storage::WriteBatch out;
  HOIDLA_RETURN_IF_ERROR(versions_.Destroy(record_id, &out).status());
  HOIDLA_RETURN_IF_ERROR(
      records_.DeleteAll(kRsg, storage::layout::KindPrefix(record_id), &out).status());
  out.Delete(Space::kIndex, ours::kClientOfRecord.Key(record_id));
  out.Delete(Space::kIndex, ours::kRecordsOfClient.Key(*client, record_id));
  if (!where.case_id.empty()) {
    out.Delete(Space::kIndex, ours::kRecordsOfCase.Key(where.case_id, record_id));
  }
  Registry::DeleteLocation(record_id, &out);
  batch->Append(out);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Records::RecordIdsOfClient(
    std::string_view client_id) const {
  std::vector<std::string> ids;
  const std::string prefix = ours::kRecordsOfClient.Prefix(client_id);
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(storage::layout::Rest(it->key(), prefix));
  HOIDLA_RETURN_IF_ERROR(it->status());
  return ids;
}

}  // namespace hoidla::core
