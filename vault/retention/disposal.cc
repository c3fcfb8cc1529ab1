// Disposal: the due index, the sweep, the due list and disposal
// certificates (doc/retention.md). The schedules and holds are in
// retention.cc.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "base/ids.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "keys/crypto.h"
#include "keys/signed_note.h"
#include "nlohmann/json.hpp"
#include "vault/access/paging.h"
#include "vault/retention/retention.h"
#include "vault/storage/layout.h"

namespace hoidla::core {
namespace {

using storage::Space;
using storage::v1::RetentionItemRecord;
namespace ours = storage::layout::retention;

constexpr size_t kMaxTextBytes = 2000;
// A run destroys at most this many items (its certificate stays well
// under the 4 MiB of a gRPC message).
constexpr int kMaxRunItems = 2000;
// A sweep looks at most at this many due entries (held ones included).
constexpr int kMaxVisited = 20000;
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000 * 1000;
constexpr int64_t kMaxPostponeMicros = int64_t{100} * 366 * kMicrosPerDay;

std::string Hex16(int64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// `micros` plus `p` in UTC calendar terms: years and months first (a day
// past the end of the month becomes its last day), then days; the time of
// day is kept.
int64_t AddPeriod(int64_t micros, const v1::RetentionPeriod& p) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixMicros(micros), utc);
  absl::CivilMonth month(cs);
  month += int64_t{p.years()} * 12 + p.months();
  const absl::CivilDay first(month);
  const int days_in_month = static_cast<int>(absl::CivilDay(month + 1) - first);
  absl::CivilDay day = first + (std::min(cs.day(), days_in_month) - 1);
  day += p.days();
  const absl::CivilSecond out(day.year(), day.month(), day.day(), cs.hour(), cs.minute(),
                              cs.second());
  const int64_t below_second = micros - absl::ToUnixMicros(absl::FromCivil(cs, utc));
  return absl::ToUnixMicros(absl::FromCivil(out, utc)) + below_second;
}

// Reads "<16 hex digits>/<item id>" (what follows rdue/<org>/).
bool ParseDue(std::string_view rest, int64_t* due) {
  if (rest.size() < 18 || rest[16] != '/') return false;
  uint64_t v = 0;
  for (char c : rest.substr(0, 16)) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return false;
    }
    v = v << 4 | static_cast<uint64_t>(d);
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return false;
  *due = static_cast<int64_t>(v);
  return true;
}

v1::RetentionItemType TypeOf(const RetentionItemRecord& r) {
  return static_cast<v1::RetentionItemType>(r.item_type());
}

v1::DisposalState StateOf(const RetentionItemRecord& r) {
  return static_cast<v1::DisposalState>(r.state());
}

std::string TypeName(v1::RetentionItemType t) {
  std::string name = v1::RetentionItemType_Name(t);
  constexpr std::string_view kPrefix = "RETENTION_ITEM_TYPE_";
  if (name.starts_with(kPrefix)) name.erase(0, kPrefix.size());
  return name;
}

}  // namespace

// ---------------------------------------------------------------------------
// What is due, and when

std::string Retention::DueKey(std::string_view org, int64_t due, std::string_view id) {
  return ours::kDue.Key(org, Hex16(due), id);
}

absl::StatusOr<std::optional<v1::RetentionSchedule>> Retention::ResolveFor(
    std::string_view org, std::string_view project, v1::RetentionItemType type,
    std::string_view kind) const {
  std::vector<std::string> scopes;
  for (std::string_view p : {project, std::string_view()}) {
    for (std::string_view k : {kind, std::string_view()}) {
      std::string key = ours::kScheduleByScope.Key(org, p.empty() ? ours::kAny : p,
                                                   std::to_string(static_cast<int>(type)),
                                                   k.empty() ? ours::kAny : k);
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
    const std::string own = ours::kScheduleByScope.Key(
        found.organization_id(), found.project_id().empty() ? ours::kAny : found.project_id(),
        std::to_string(static_cast<int>(found.item_type())),
        found.kind().empty() ? ours::kAny : found.kind());
    if (own != key) return absl::DataLossError("schedule index names a schedule of another scope");
    return std::optional<v1::RetentionSchedule>(found);
  }
  return std::optional<v1::RetentionSchedule>();
}

absl::StatusOr<Retention::Due> Retention::DueOf(const RetentionItemRecord& item,
                                                int64_t case_closed_micros) const {
  Due due;
  HOIDLA_ASSIGN_OR_RETURN(due.schedule, ResolveFor(item.organization_id(), item.project_id(),
                                                   TypeOf(item), item.kind()));
  if (!due.schedule.has_value() || due.schedule->action() == v1::RETENTION_ACTION_KEEP) {
    return due;
  }
  int64_t from = 0;
  switch (due.schedule->trigger()) {
    case v1::RETENTION_TRIGGER_CREATED:
      from = item.created_at_micros();
      break;
    case v1::RETENTION_TRIGGER_LAST_ACTIVITY:
      from = item.last_activity_micros();
      break;
    case v1::RETENTION_TRIGGER_CONSENT_ENDED:
      from = item.ended_at_micros();
      break;
    case v1::RETENTION_TRIGGER_CASE_CLOSED:
      if (case_closed_micros >= 0) {
        from = case_closed_micros;
      } else if (!item.case_id().empty()) {
        auto c = registry_->LoadCase(item.case_id());
        if (c.ok()) {
          from = c->retention_clock_started_micros();
        } else if (c.status().code() != absl::StatusCode::kNotFound) {
          return c.status();
        }
      } else {
        HOIDLA_ASSIGN_OR_RETURN(from, ClientClock(item.client_id(), "", 0));
      }
      break;
    default:
      break;
  }
  if (from > 0) due.at_micros = AddPeriod(from, due.schedule->period());
  return due;
}

absl::StatusOr<RetentionItemRecord> Retention::LoadItem(std::string_view id) const {
  RetentionItemRecord r;
  HOIDLA_RETURN_IF_ERROR(sealed_.Get(ours::kItem, id, keys::kSystemSubject, &r));
  if (r.id() != id) return absl::DataLossError("stored retention item does not match its key");
  return r;
}

absl::Status Retention::PutItem(const RetentionItemRecord& item, storage::WriteBatch* batch) const {
  return sealed_.Put(ours::kItem, item.id(), keys::kSystemSubject, item, batch);
}

absl::Status Retention::Reindex(RetentionItemRecord* item, int64_t case_closed_micros, int64_t now,
                                storage::WriteBatch* batch) const {
  HOIDLA_ASSIGN_OR_RETURN(Due due, DueOf(*item, case_closed_micros));
  const std::string& org = item->organization_id();
  if (item->indexed_due_micros() != 0) {
    batch->Delete(Space::kIndex, DueKey(org, item->indexed_due_micros(), item->id()));
  }
  item->set_due_micros(due.at_micros);
  if (due.schedule.has_value()) {
    item->set_schedule_id(due.schedule->id());
    item->set_schedule_version(due.schedule->version());
  } else {
    item->clear_schedule_id();
    item->clear_schedule_version();
  }
  const bool due_now = due.at_micros != 0 && due.at_micros <= now;
  const v1::DisposalState state = StateOf(*item);
  if (state != v1::DISPOSAL_STATE_UNSPECIFIED && !due_now) {
    // No longer due (a reopened case, a new version, a changed schedule):
    // the decision is void.
    item->set_state(v1::DISPOSAL_STATE_UNSPECIFIED);
    item->clear_decided_by();
    item->clear_decision_reason();
    item->clear_decided_at_micros();
    item->clear_postponed_until_micros();
    batch->Delete(Space::kIndex, ours::kDueList.Key(org, item->id()));
  }
  int64_t index_at = 0;
  switch (StateOf(*item)) {
    case v1::DISPOSAL_STATE_AWAITING_REVIEW:
      break;  // on the due list until someone decides
    case v1::DISPOSAL_STATE_APPROVED:
      index_at = std::max<int64_t>(1, item->decided_at_micros());
      break;
    case v1::DISPOSAL_STATE_POSTPONED:
      index_at = item->postponed_until_micros();
      break;
    default:
      index_at = due.at_micros;
      break;
  }
  item->set_indexed_due_micros(index_at);
  if (index_at != 0) batch->Put(Space::kIndex, DueKey(org, index_at, item->id()), "");
  return PutItem(*item, batch);
}

absl::Status Retention::ItemChanged(const LifeItem& in, bool created, int64_t at_micros,
                                    int64_t ended_at_micros, storage::WriteBatch* batch) {
  std::lock_guard lock(facts_mu_);
  // A change that raced an erasure of its client (an upload that began
  // before it) must not leave anything of theirs behind.
  auto erased = store_->Get(Space::kIndex, ours::kTombstone.Key(in.client_id));
  if (erased.ok()) return absl::FailedPreconditionError("client_id: the client was erased");
  if (erased.status().code() != absl::StatusCode::kNotFound) return erased.status();
  RetentionItemRecord item;
  auto stored = LoadItem(in.id);
  if (stored.ok()) {
    item = std::move(*stored);
  } else if (stored.status().code() != absl::StatusCode::kNotFound) {
    return stored.status();
  }
  const bool fresh = !stored.ok();
  if (fresh || created) {
    item.set_id(in.id);
    item.set_item_type(in.type);
    item.set_organization_id(in.organization_id);
    item.set_project_id(in.project_id);
    item.set_client_id(in.client_id);
    item.set_case_id(in.case_id);
    item.set_kind(in.kind);
    item.set_created_at_micros(in.created_at_micros != 0 ? in.created_at_micros : at_micros);
  }
  item.set_last_activity_micros(at_micros);
  if (ended_at_micros != 0) item.set_ended_at_micros(ended_at_micros);
  storage::WriteBatch out;
  HOIDLA_RETURN_IF_ERROR(Reindex(&item, -1, clock_->NowMicros(), &out));
  if (fresh) {
    out.Put(Space::kIndex, ours::kItemsOfOrganization.Key(item.organization_id(), item.id()), "");
    if (!item.case_id().empty()) {
      out.Put(Space::kIndex, ours::kItemsOfCase.Key(item.case_id(), item.id()), "");
    } else {
      out.Put(Space::kIndex, ours::kCaselessItemsOfClient.Key(item.client_id(), item.id()), "");
    }
  }
  batch->Append(out);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Retention::ClientClock(std::string_view client_id, std::string_view case_id,
                                               int64_t closed_at_micros) const {
  HOIDLA_ASSIGN_OR_RETURN(std::vector<v1::Case> cases, registry_->CasesOfClient(client_id));
  // Starts from the changed case (none: no case, and then no clock unless
  // another one closed).
  int64_t last = case_id.empty() ? -1 : closed_at_micros;
  for (const v1::Case& c : cases) {
    if (c.id() == case_id) continue;  // stored as it was before the change
    const int64_t closed =
        c.status() == v1::CASE_STATUS_CLOSED ? Micros(c.retention_clock_started_at()) : 0;
    if (closed == 0 || last == 0) {
      last = 0;
    } else {
      last = std::max(last, closed);
    }
  }
  return std::max<int64_t>(last, 0);
}

absl::Status Retention::CaseChanged(const std::string& client_id, const std::string& case_id,
                                    int64_t closed_at_micros, storage::WriteBatch* batch) {
  std::lock_guard lock(facts_mu_);
  auto erased = store_->Get(Space::kIndex, ours::kTombstone.Key(client_id));
  if (erased.ok()) return absl::FailedPreconditionError("client_id: the client was erased");
  if (erased.status().code() != absl::StatusCode::kNotFound) return erased.status();
  const int64_t now = clock_->NowMicros();
  storage::WriteBatch out;
  auto reindex_all = [&](const std::string& prefix, int64_t clock_micros) -> absl::Status {
    std::vector<std::string> ids;
    auto it = store_->Scan(Space::kIndex, prefix);
    for (; it->Valid(); it->Next()) ids.emplace_back(storage::layout::Rest(it->key(), prefix));
    HOIDLA_RETURN_IF_ERROR(it->status());
    for (const std::string& id : ids) {
      auto item = LoadItem(id);
      if (item.status().code() == absl::StatusCode::kNotFound) continue;  // destroyed
      HOIDLA_RETURN_IF_ERROR(item.status());
      HOIDLA_RETURN_IF_ERROR(Reindex(&*item, clock_micros, now, &out));
    }
    return absl::OkStatus();
  };
  // The stored case is the old one until the caller's batch commits, so
  // the clocks are worked out from the change itself.
  HOIDLA_RETURN_IF_ERROR(reindex_all(ours::kItemsOfCase.Prefix(case_id), closed_at_micros));
  HOIDLA_ASSIGN_OR_RETURN(int64_t client_clock, ClientClock(client_id, case_id, closed_at_micros));
  HOIDLA_RETURN_IF_ERROR(reindex_all(ours::kCaselessItemsOfClient.Prefix(client_id), client_clock));
  batch->Append(out);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// The sweep

absl::StatusOr<std::vector<std::string>> Retention::HoldsOnItem(
    const RetentionItemRecord& item,
    std::map<std::string, std::vector<std::string>>* projects) const {
  // The item, its case, its client, and every project of the client (a
  // hold on a project covers its clients and what is theirs), as an
  // erasure asks.
  std::vector<std::string> objects = {item.id(), item.case_id(), item.client_id(),
                                      item.project_id()};
  auto known = projects->find(item.client_id());
  if (known == projects->end()) {
    std::vector<std::string> of_client;
    auto client = registry_->LoadClient(item.client_id());
    if (client.ok()) {
      of_client.assign(client->project_ids().begin(), client->project_ids().end());
    } else if (client.status().code() != absl::StatusCode::kNotFound) {
      return client.status();
    }
    known = projects->emplace(item.client_id(), std::move(of_client)).first;
  }
  for (const std::string& p : known->second) {
    if (p != item.project_id()) objects.push_back(p);
  }
  return HoldsOn(objects);
}

absl::Status Retention::Unpark(std::string_view hold_id, storage::WriteBatch* batch) {
  std::lock_guard lock(facts_mu_);
  const std::string prefix = ours::kParkedUnder.Prefix(hold_id);
  std::vector<std::string> ids;
  {
    auto it = store_->Scan(Space::kIndex, prefix);
    for (; it->Valid(); it->Next()) ids.emplace_back(storage::layout::Rest(it->key(), prefix));
    HOIDLA_RETURN_IF_ERROR(it->status());
  }
  const int64_t now = clock_->NowMicros();
  for (const std::string& id : ids) {
    batch->Delete(Space::kIndex, ours::kParkedUnder.Key(hold_id, id));
    auto item = LoadItem(id);
    if (item.status().code() == absl::StatusCode::kNotFound) continue;  // destroyed
    HOIDLA_RETURN_IF_ERROR(item.status());
    if (item->indexed_due_micros() != 0) continue;  // indexed again meanwhile
    HOIDLA_RETURN_IF_ERROR(Reindex(&*item, -1, now, batch));
  }
  return absl::OkStatus();
}

absl::Status Retention::ReindexOrganization(std::string_view org) {
  const std::string marker = ours::kReindex.Key(org);
  auto flag = store_->Get(Space::kIndex, marker);
  if (flag.status().code() == absl::StatusCode::kNotFound) return absl::OkStatus();
  HOIDLA_RETURN_IF_ERROR(flag.status());
  const std::string prefix = ours::kItemsOfOrganization.Prefix(org);
  std::vector<std::string> ids;
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(storage::layout::Rest(it->key(), prefix));
  HOIDLA_RETURN_IF_ERROR(it->status());
  it.reset();
  constexpr size_t kChunk = 500;
  for (size_t at = 0; at < ids.size(); at += kChunk) {
    auto records_lock = records_->LockWrites();
    std::lock_guard lock(facts_mu_);
    const int64_t now = clock_->NowMicros();
    storage::WriteBatch batch;
    for (size_t i = at; i < std::min(ids.size(), at + kChunk); ++i) {
      auto item = LoadItem(ids[i]);
      if (item.status().code() == absl::StatusCode::kNotFound) continue;
      HOIDLA_RETURN_IF_ERROR(item.status());
      HOIDLA_RETURN_IF_ERROR(Reindex(&*item, -1, now, &batch));
    }
    HOIDLA_RETURN_IF_ERROR(store_->Write(batch));
  }
  // A schedule changed meanwhile rewrote the marker: leave it for the next
  // sweep, which works the times out again.
  std::lock_guard lock(write_mu_);
  auto now_flag = store_->Get(Space::kIndex, marker);
  if (now_flag.status().code() == absl::StatusCode::kNotFound) return absl::OkStatus();
  HOIDLA_RETURN_IF_ERROR(now_flag.status());
  if (*now_flag != *flag) return absl::OkStatus();
  storage::WriteBatch done;
  done.Delete(Space::kIndex, marker);
  return store_->Write(done);
}

absl::StatusOr<v1::RunDisposalResponse> Retention::Sweep(std::string_view org,
                                                         std::string_view run_by,
                                                         audit::AuditDraft* draft) {
  std::lock_guard sweep_lock(sweep_mu_);
  HOIDLA_RETURN_IF_ERROR(ReindexOrganization(org));
  // Nothing a run destroys changes between its reads and its write.
  auto records_lock = records_->LockWrites();
  auto consents_lock = consents_->LockWrites();
  std::lock_guard facts_lock(facts_mu_);
  const int64_t now = clock_->NowMicros();
  v1::RunDisposalResponse out;
  storage::WriteBatch batch;

  struct DueEntry {
    std::string key;
    int64_t due;
    std::string id;
  };
  const std::string prefix = ours::kDue.Prefix(org);
  // Read in chunks, so that a run that fills up early reads little more
  // than it destroys.
  constexpr size_t kChunk = 512;
  std::string resume;  // the last key read
  bool exhausted = false;
  int visited = 0;
  auto next_chunk = [&](std::vector<DueEntry>* entries) -> absl::Status {
    entries->clear();
    auto it = store_->Scan(Space::kIndex, prefix, resume);
    if (it->Valid() && !resume.empty() && it->key() == resume) it->Next();
    for (; it->Valid(); it->Next()) {
      const std::string_view rest = storage::layout::Rest(it->key(), prefix);
      int64_t due = 0;
      if (!ParseDue(rest, &due)) {
        batch.Delete(Space::kIndex, it->key());  // not an entry of ours: drop it
        resume = std::string(it->key());
        continue;
      }
      if (due > now) {
        exhausted = true;
        break;
      }
      if (visited == kMaxVisited) {
        out.set_more_due(true);
        exhausted = true;
        break;
      }
      ++visited;
      entries->push_back({std::string(it->key()), due, std::string(rest.substr(17))});
      resume = entries->back().key;
      if (entries->size() == kChunk) return it->status();
    }
    exhausted = true;
    return it->status();
  };

  struct Doomed {
    RetentionItemRecord item;
    std::string approved_by;
  };
  std::vector<Doomed> doomed;
  std::map<std::string, std::vector<std::string>> projects;  // of clients, for holds
  std::vector<DueEntry> entries;
  bool full = false;
  while (!full && !exhausted) {
    HOIDLA_RETURN_IF_ERROR(next_chunk(&entries));
    for (const DueEntry& e : entries) {
      auto item = LoadItem(e.id);
      if (item.status().code() == absl::StatusCode::kNotFound) {
        batch.Delete(Space::kIndex, e.key);  // its item is gone
        continue;
      }
      HOIDLA_RETURN_IF_ERROR(item.status());
      if (item->organization_id() != org) {
        batch.Delete(Space::kIndex, e.key);  // planted: the item's own entry is elsewhere
        continue;
      }
      if (item->indexed_due_micros() != e.due) {
        batch.Delete(Space::kIndex, e.key);  // stale: the item is indexed elsewhere
        continue;
      }
      const v1::DisposalState state = StateOf(*item);
      if (state == v1::DISPOSAL_STATE_POSTPONED) {
        // Due for review again.
        item->set_state(v1::DISPOSAL_STATE_AWAITING_REVIEW);
        item->clear_postponed_until_micros();
        item->set_indexed_due_micros(0);
        batch.Delete(Space::kIndex, e.key);
        batch.Put(Space::kIndex, ours::kDueList.Key(org, item->id()), "");
        HOIDLA_RETURN_IF_ERROR(PutItem(*item, &batch));
        out.set_awaiting_review(out.awaiting_review() + 1);
        continue;
      }
      HOIDLA_ASSIGN_OR_RETURN(Due due, DueOf(*item, -1));
      if (due.at_micros == 0 || due.at_micros > now) {
        // Not due after all (the schedule or the case changed): index it
        // where it now belongs, voiding any decision.
        HOIDLA_RETURN_IF_ERROR(Reindex(&*item, -1, now, &batch));
        continue;
      }
      HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> holds, HoldsOnItem(*item, &projects));
      if (!holds.empty()) {
        // Parked under the hold until it is lifted (LiftHold puts it back),
        // so that held items never crowd the front of the index.
        item->set_indexed_due_micros(0);
        batch.Delete(Space::kIndex, e.key);
        batch.Put(Space::kIndex, ours::kParkedUnder.Key(holds.front(), item->id()), "");
        HOIDLA_RETURN_IF_ERROR(PutItem(*item, &batch));
        out.set_held(out.held() + 1);
        continue;
      }
      item->set_schedule_id(due.schedule->id());
      item->set_schedule_version(due.schedule->version());
      item->set_due_micros(due.at_micros);
      if (due.schedule->action() == v1::RETENTION_ACTION_REVIEW &&
          state != v1::DISPOSAL_STATE_APPROVED) {
        item->set_state(v1::DISPOSAL_STATE_AWAITING_REVIEW);
        item->set_indexed_due_micros(0);
        batch.Delete(Space::kIndex, e.key);
        batch.Put(Space::kIndex, ours::kDueList.Key(org, item->id()), "");
        HOIDLA_RETURN_IF_ERROR(PutItem(*item, &batch));
        out.set_awaiting_review(out.awaiting_review() + 1);
        continue;
      }
      if (doomed.size() == static_cast<size_t>(kMaxRunItems)) {
        out.set_more_due(true);
        full = true;
        break;
      }
      std::string approved_by =
          state == v1::DISPOSAL_STATE_APPROVED ? item->decided_by() : std::string();
      doomed.push_back({std::move(*item), std::move(approved_by)});
    }
  }

  v1::DisposalCertificate cert;
  std::map<std::pair<int, std::string>, int64_t> counts;
  std::set<std::string> clients;
  std::vector<std::string> documents;
  if (!doomed.empty()) cert.set_id(NewId(IdKind::kDisposalCertificate, *clock_));
  // Consents go together: their clients' release states are rewritten
  // once each.
  std::vector<std::string> consent_ids;
  for (const Doomed& d : doomed) {
    if (TypeOf(d.item) == v1::RETENTION_ITEM_TYPE_CONSENT) consent_ids.push_back(d.item.id());
  }
  std::set<std::string> consents_gone;
  if (!consent_ids.empty()) {
    HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> gone,
                            consents_->DestroyConsents(consent_ids, &batch));
    consents_gone.insert(gone.begin(), gone.end());
  }
  std::set<std::string> consent_clients;
  for (const Doomed& d : doomed) {
    const RetentionItemRecord& item = d.item;
    absl::Status destroyed;
    switch (TypeOf(item)) {
      case v1::RETENTION_ITEM_TYPE_RECORD:
        destroyed = records_->DestroyRecord(item.id(), &batch);
        break;
      case v1::RETENTION_ITEM_TYPE_DOCUMENT:
        destroyed = documents_->Destroy(item.id(), &batch);
        if (destroyed.ok()) documents.push_back(item.id());
        break;
      case v1::RETENTION_ITEM_TYPE_CONSENT:
        destroyed = consents_gone.contains(item.id()) ? absl::OkStatus()
                                                      : absl::NotFoundError("consent: not found");
        if (destroyed.ok()) consent_clients.insert(item.client_id());
        break;
      default:
        return absl::DataLossError("retention item of an unknown type");
    }
    if (!destroyed.ok() && destroyed.code() != absl::StatusCode::kNotFound) return destroyed;
    // Retention's own facts go with the item (or with a stale entry).
    HOIDLA_RETURN_IF_ERROR(ForgetItem(item.id(), destroyed.ok() ? cert.id() : "", &batch));
    if (!destroyed.ok()) continue;  // it was gone already: nothing to certify
    v1::DisposedItem* di = cert.add_items();
    di->set_item_id(item.id());
    di->set_item_type(TypeOf(item));
    di->set_kind(item.kind());
    di->set_client_id(item.client_id());
    di->set_case_id(item.case_id());
    di->set_project_id(item.project_id());
    di->set_schedule_id(item.schedule_id());
    di->set_schedule_version(item.schedule_version());
    di->set_approved_by(d.approved_by);
    ++counts[{item.item_type(), item.kind()}];
    clients.insert(item.client_id());
  }
  if (cert.items_size() > 0) {
    cert.set_organization_id(std::string(org));
    cert.set_cause(v1::DISPOSAL_CAUSE_SCHEDULE);
    *cert.mutable_started_at() = ToTimestamp(now);
    *cert.mutable_completed_at() = ToTimestamp(clock_->NowMicros());
    cert.set_run_by(std::string(run_by));
    for (const auto& [key, n] : counts) {
      v1::DisposalCount* c = cert.add_counts();
      c->set_item_type(static_cast<v1::RetentionItemType>(key.first));
      c->set_kind(key.second);
      c->set_count(n);
    }
    HOIDLA_RETURN_IF_ERROR(SignCertificate(&cert));
    HOIDLA_RETURN_IF_ERROR(
        sealed_.Put(ours::kCertificate, cert.id(), keys::kSystemSubject, cert, &batch));
    batch.Put(Space::kIndex, ours::kCertificatesOfOrganization.Key(org, cert.id()), "");
    Registry::PutLocation(cert.id(), PlaceOf(org, "", cert.id()), &batch);
    out.set_certificate_id(cert.id());
    out.set_destroyed(cert.items_size());
    if (draft != nullptr) {
      keys::Sha256 digest;
      digest.Update(cert.signed_note());
      auto* d = draft->entry.mutable_disposal();
      d->set_certificate_id(cert.id());
      d->set_certificate_sha256(keys::ToHex(digest.Finish()));
      d->set_destroyed(cert.items_size());
      for (const std::string& c : clients) draft->entry.add_listed_client_ids(c);
    }
    audit::NoteTarget(draft, "", "", cert.id());
  }
  if (batch.empty()) return out;
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(draft, store_, std::move(batch)));
  for (const std::string& c : consent_clients) consents_->Forget(c);
  // The content of destroyed documents, now that nothing refers to it
  // (their pending markers clean up after a failure or a crash).
  for (const std::string& id : documents) (void)documents_->DeleteDestroyedContent(id);
  return out;
}

absl::Status Retention::SignCertificate(v1::DisposalCertificate* cert) const {
  auto time = [](const google::protobuf::Timestamp& t) { return Rfc3339Utc(Micros(t), true); };
  nlohmann::ordered_json j;
  j["certificate_version"] = "hoidla-disposal-certificate-1";
  j["certificate_id"] = cert->id();
  j["organization_id"] = cert->organization_id();
  j["cause"] = cert->cause() == v1::DISPOSAL_CAUSE_ERASURE ? "ERASURE" : "SCHEDULE";
  j["started_at"] = time(cert->started_at());
  j["completed_at"] = time(cert->completed_at());
  j["run_by"] = cert->run_by();
  if (!cert->client_id().empty()) j["client_id"] = cert->client_id();
  if (!cert->reason().empty()) j["reason"] = cert->reason();
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const v1::DisposedItem& i : cert->items()) {
    nlohmann::ordered_json ij;
    ij["item_id"] = i.item_id();
    ij["item_type"] = TypeName(i.item_type());
    if (!i.kind().empty()) ij["kind"] = i.kind();
    ij["client_id"] = i.client_id();
    if (!i.case_id().empty()) ij["case_id"] = i.case_id();
    ij["project_id"] = i.project_id();
    if (!i.schedule_id().empty()) {
      ij["schedule_id"] = i.schedule_id();
      ij["schedule_version"] = i.schedule_version();
    }
    if (!i.approved_by().empty()) ij["approved_by"] = i.approved_by();
    items.push_back(std::move(ij));
  }
  j["items"] = std::move(items);
  nlohmann::ordered_json counts = nlohmann::ordered_json::array();
  for (const v1::DisposalCount& c : cert->counts()) {
    nlohmann::ordered_json cj;
    cj["item_type"] = TypeName(c.item_type());
    if (!c.kind().empty()) cj["kind"] = c.kind();
    cj["count"] = c.count();
    counts.push_back(std::move(cj));
  }
  j["counts"] = std::move(counts);
  const std::string text = StrCat(kCertificateHeader, "\n", j.dump(), "\n");
  HOIDLA_ASSIGN_OR_RETURN(keys::Keyring::SigningKey key, keyring_->ActiveSigningKey());
  HOIDLA_ASSIGN_OR_RETURN(std::string note, keys::SignNote(text, note_origin_, key.seed));
  cert->set_key_version(key.version);
  cert->set_signed_note(std::move(note));
  return absl::OkStatus();
}

absl::StatusOr<v1::RunDisposalResponse> Retention::RunDisposal(const RequestContext& ctx,
                                                               const v1::RunDisposalRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  HOIDLA_RETURN_IF_ERROR(
      ReferencedField(policy_->Check(ctx, Action::kDispose, PlaceOf(req.organization_id(), "", "")),
                      "organization_id"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      registry_->LoadOrganization(req.organization_id()).status(), "organization_id"));
  return Sweep(req.organization_id(), ctx.principal.id, ctx.audit);
}

absl::StatusOr<int64_t> Retention::SweepAll(audit::AuditLog* log,
                                            const std::function<bool()>& keep_going) {
  // The organisations with a schedule: only they can have anything due.
  std::vector<std::string> orgs;
  const std::string prefix = ours::kSchedulesOfOrganization.Prefix();
  {
    auto it = store_->Scan(Space::kIndex, prefix);
    for (; it->Valid(); it->Next()) {
      const std::string_view rest = storage::layout::Rest(it->key(), prefix);
      std::string org(rest.substr(0, rest.find('/')));
      if (orgs.empty() || orgs.back() != org) orgs.push_back(std::move(org));
    }
    HOIDLA_RETURN_IF_ERROR(it->status());
  }
  int64_t destroyed = 0;
  absl::Status first_error;
  for (const std::string& org : orgs) {
    while (keep_going == nullptr || keep_going()) {
      audit::AuditDraft draft;
      draft.log = log;
      draft.entry.set_actor(std::string(kSystemActor));
      draft.entry.set_method("RetentionSweep");
      draft.entry.set_action(std::string(ActionName(Action::kDispose)));
      draft.entry.set_organization_id(org);
      draft.entry.set_allowed(true);
      draft.entry.set_reason("system:sweep");
      absl::StatusOr<v1::RunDisposalResponse> r = Sweep(org, kSystemActor, &draft);
      if (!r.ok()) {
        // One organisation's trouble does not keep the others from theirs.
        if (first_error.ok()) first_error = r.status();
        break;
      }
      destroyed += r->destroyed();
      if (!r->more_due()) break;
    }
  }
  if (!first_error.ok()) return first_error;
  return destroyed;
}

// ---------------------------------------------------------------------------
// The due list

absl::StatusOr<v1::DueDisposal> Retention::ToDueDisposal(const RetentionItemRecord& item) const {
  v1::DueDisposal d;
  d.set_item_id(item.id());
  d.set_item_type(TypeOf(item));
  d.set_kind(item.kind());
  d.set_organization_id(item.organization_id());
  d.set_project_id(item.project_id());
  d.set_client_id(item.client_id());
  d.set_case_id(item.case_id());
  d.set_schedule_id(item.schedule_id());
  d.set_schedule_version(item.schedule_version());
  if (item.due_micros() != 0) *d.mutable_due_at() = ToTimestamp(item.due_micros());
  d.set_state(StateOf(item));
  if (item.postponed_until_micros() != 0) {
    *d.mutable_postponed_until() = ToTimestamp(item.postponed_until_micros());
  }
  d.set_decided_by(item.decided_by());
  d.set_decision_reason(item.decision_reason());
  if (item.decided_at_micros() != 0) {
    *d.mutable_decided_at() = ToTimestamp(item.decided_at_micros());
  }
  std::map<std::string, std::vector<std::string>> projects;
  HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> holds, HoldsOnItem(item, &projects));
  for (std::string& h : holds) d.add_hold_ids(std::move(h));
  return d;
}

namespace {
absl::Status ValidateItemId(std::string_view id, std::string_view field) {
  if (ValidateId(id, IdKind::kRecord, field).ok()) return absl::OkStatus();
  if (ValidateId(id, IdKind::kDocument, field).ok()) return absl::OkStatus();
  if (ValidateId(id, IdKind::kConsent, field).ok()) return absl::OkStatus();
  return FieldError(field,
                    "must be the id of a record (rec_...), a document (doc_...) or a consent "
                    "(cns_...)");
}
}  // namespace

absl::StatusOr<v1::ListDueDisposalsResponse> Retention::ListDueDisposals(
    const RequestContext& ctx, const v1::ListDueDisposalsRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  if (!req.page_token().empty())
    HOIDLA_RETURN_IF_ERROR(ValidateItemId(req.page_token(), "page_token"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kReadDisposals, PlaceOf(req.organization_id(), "", "")),
      "organization_id"));
  v1::ListDueDisposalsResponse out;
  const std::string prefix = ours::kDueList.Prefix(req.organization_id());
  auto it = store_->Scan(Space::kIndex, prefix,
                         req.page_token().empty() ? "" : StrCat(prefix, req.page_token()));
  if (it->Valid() && !req.page_token().empty() &&
      storage::layout::Rest(it->key(), prefix) == req.page_token()) {
    it->Next();
  }
  std::string last;
  for (; it->Valid(); it->Next()) {
    const std::string id(storage::layout::Rest(it->key(), prefix));
    if (out.items_size() == page_size) {
      out.set_next_page_token(last);
      break;
    }
    HOIDLA_ASSIGN_OR_RETURN(RetentionItemRecord item, LoadItem(id));
    if (item.organization_id() != req.organization_id()) {
      return absl::DataLossError("due list names another organisation's item");
    }
    HOIDLA_ASSIGN_OR_RETURN(*out.add_items(), ToDueDisposal(item));
    last = id;
  }
  HOIDLA_RETURN_IF_ERROR(it->status());
  return out;
}

absl::StatusOr<v1::DueDisposal> Retention::Decide(
    const RequestContext& ctx, std::string_view item_id,
    const std::function<void(RetentionItemRecord*)>& change) {
  auto records_lock = records_->LockWrites();
  std::lock_guard lock(facts_mu_);
  auto item = LoadItem(item_id);
  HOIDLA_RETURN_IF_ERROR(
      Guard(policy_, registry_)
          .Reveal(
              ctx, {.action = Action::kDispose, .id = item_id, .field = "item_id"}, item,
              [](const RetentionItemRecord& r) { return PlaceOf(r.organization_id(), "", r.id()); })
          .status());
  const v1::DisposalState state = StateOf(*item);
  if (state != v1::DISPOSAL_STATE_AWAITING_REVIEW && state != v1::DISPOSAL_STATE_POSTPONED &&
      state != v1::DISPOSAL_STATE_APPROVED) {
    return absl::FailedPreconditionError("item_id: not on the due list");
  }
  const int64_t now = clock_->NowMicros();
  HOIDLA_ASSIGN_OR_RETURN(Due due, DueOf(*item, -1));
  if (due.at_micros == 0 || due.at_micros > now) {
    return absl::FailedPreconditionError("item_id: not on the due list (no longer due)");
  }
  change(&*item);
  item->set_decided_by(ctx.principal.id);
  item->set_decided_at_micros(now);
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(Reindex(&*item, -1, now, &batch));
  audit::NoteTarget(ctx.audit, item->client_id(), item->case_id(), item->id());
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return ToDueDisposal(*item);
}

absl::StatusOr<v1::DueDisposal> Retention::ApproveDisposal(const RequestContext& ctx,
                                                           const v1::ApproveDisposalRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateItemId(req.item_id(), "item_id"));
  HOIDLA_RETURN_IF_ERROR(ValidateText("reason", req.reason(), true, kMaxTextBytes, true));
  return Decide(ctx, req.item_id(), [&](RetentionItemRecord* item) {
    item->set_state(v1::DISPOSAL_STATE_APPROVED);
    item->set_decision_reason(req.reason());
    item->clear_postponed_until_micros();
  });
}

absl::StatusOr<v1::DueDisposal> Retention::PostponeDisposal(
    const RequestContext& ctx, const v1::PostponeDisposalRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateItemId(req.item_id(), "item_id"));
  HOIDLA_RETURN_IF_ERROR(ValidateText("reason", req.reason(), true, kMaxTextBytes, true));
  if (!req.has_until()) return FieldError("until", "required");
  // Within 0001..9999 first, so that the microseconds cannot overflow.
  if (req.until().seconds() < -62135596800 || req.until().seconds() > 253402300799) {
    return FieldError("until", "not a valid time");
  }
  const int64_t until = Micros(req.until());
  const int64_t now = clock_->NowMicros();
  if (req.until().nanos() < 0 || req.until().nanos() > 999999999 || until <= now) {
    return FieldError("until", "must be after now");
  }
  if (until - now > kMaxPostponeMicros) return FieldError("until", "at most 100 years ahead");
  return Decide(ctx, req.item_id(), [&](RetentionItemRecord* item) {
    item->set_state(v1::DISPOSAL_STATE_POSTPONED);
    item->set_decision_reason(req.reason());
    item->set_postponed_until_micros(until);
  });
}

// ---------------------------------------------------------------------------
// Certificates

absl::StatusOr<v1::DisposalCertificate> Retention::LoadCertificate(std::string_view id) const {
  v1::DisposalCertificate c;
  HOIDLA_RETURN_IF_ERROR(sealed_.Get(ours::kCertificate, id, keys::kSystemSubject, &c));
  if (c.id() != id) return absl::DataLossError("stored certificate does not match its key");
  return c;
}

absl::StatusOr<v1::DisposalCertificate> Retention::GetDisposalCertificate(
    const RequestContext& ctx, const v1::GetDisposalCertificateRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kDisposalCertificate, "id"));
  auto c = LoadCertificate(req.id());
  HOIDLA_RETURN_IF_ERROR(
      Guard(policy_, registry_)
          .Reveal(ctx, {.action = Action::kReadDisposals, .id = req.id(), .field = "id"}, c,
                  [](const v1::DisposalCertificate& x) {
                    return PlaceOf(x.organization_id(), "", x.id());
                  })
          .status());
  audit::NoteTarget(ctx.audit, c->client_id(), "", c->id());
  return *c;
}

absl::StatusOr<v1::ListDisposalCertificatesResponse> Retention::ListDisposalCertificates(
    const RequestContext& ctx, const v1::ListDisposalCertificatesRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kReadDisposals, PlaceOf(req.organization_id(), "", "")),
      "organization_id"));
  v1::ListDisposalCertificatesResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      std::string next,
      ScanPage(store_, Space::kIndex,
               ours::kCertificatesOfOrganization.Prefix(req.organization_id()),
               IdKind::kDisposalCertificate, req.page_token(), page_size,
               [&](std::string_view id) -> absl::StatusOr<bool> {
                 HOIDLA_ASSIGN_OR_RETURN(v1::DisposalCertificate c, LoadCertificate(id));
                 if (c.organization_id() != req.organization_id()) {
                   return absl::DataLossError("certificate index names another organisation's");
                 }
                 c.clear_items();
                 c.clear_signed_note();  // it names every item too
                 *out.add_certificates() = std::move(c);
                 return true;
               }));
  out.set_next_page_token(next);
  return out;
}

}  // namespace hoidla::core
