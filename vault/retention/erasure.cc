// Erasure on request (GDPR Art. 17): doc/retention.md, Erasure. The
// schedules and holds are in retention.cc, disposal in disposal.cc.
#include <map>

#include "base/ids.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "keys/crypto.h"
#include "vault/access/paging.h"
#include "vault/retention/retention.h"
#include "vault/sealing/kv_key_store.h"
#include "vault/storage/layout.h"

namespace hoidla::core {
namespace {

using storage::Space;
using storage::v1::RetentionItemRecord;
namespace ours = storage::layout::retention;

constexpr size_t kMaxTextBytes = 2000;
constexpr int kMaxCertifiedItems = 2000;

}  // namespace

absl::Status Retention::ForgetItem(std::string_view id, std::string_view certificate,
                                   storage::WriteBatch* batch) const {
  auto item = LoadItem(id);
  if (item.ok()) {
    const std::string& org = item->organization_id();
    HOIDLA_RETURN_IF_ERROR(sealed_.DeleteAll(ours::kItem, id, batch).status());
    batch->Delete(Space::kIndex, ours::kItemsOfOrganization.Key(org, id));
    if (!item->case_id().empty()) {
      batch->Delete(Space::kIndex, ours::kItemsOfCase.Key(item->case_id(), id));
    } else {
      batch->Delete(Space::kIndex, ours::kCaselessItemsOfClient.Key(item->client_id(), id));
    }
    if (item->indexed_due_micros() != 0) {
      batch->Delete(Space::kIndex, DueKey(org, item->indexed_due_micros(), id));
    }
    batch->Delete(Space::kIndex, ours::kDueList.Key(org, id));
  } else if (item.status().code() != absl::StatusCode::kNotFound) {
    return item.status();
  }
  if (!certificate.empty()) {
    batch->Put(Space::kIndex, ours::kTombstone.Key(id), std::string(certificate));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::DisposalCertificate> Retention::EraseClient(const RequestContext& ctx,
                                                               const v1::EraseClientRequest& req) {
  HOIDLA_ASSIGN_OR_RETURN(v1::DisposalCertificate cert, EraseLocked(ctx, req));
  // The key's bytes out of the store's files, with no lock held (a purge
  // flushes and compacts: writes elsewhere must not wait for it). A
  // compaction the engine runs meanwhile can make it fail: try again.
  absl::Status purged;
  for (int attempt = 0; attempt < 3; ++attempt) {
    purged = store_->Purge(Space::kKeys);
    if (purged.ok()) return cert;
  }
  return absl::UnavailableError(
      StrCat("client_id: erased (certificate ", cert.id(),
             "), but the store could not yet remove the destroyed key's bytes from its files; "
             "they go at its next compaction"));
}

absl::StatusOr<v1::DisposalCertificate> Retention::EraseLocked(const RequestContext& ctx,
                                                               const v1::EraseClientRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.client_id(), IdKind::kClient, "client_id"));
  HOIDLA_RETURN_IF_ERROR(ValidateText("reason", req.reason(), true, kMaxTextBytes, true));
  const std::string& client_id = req.client_id();
  auto client = registry_->LoadClient(client_id);
  HOIDLA_RETURN_IF_ERROR(
      registry_
          ->RevealClient(
              ctx, {.action = Action::kEraseClient, .id = client_id, .field = "client_id"}, client)
          .status());

  // Nothing of the client changes while it is looked at and erased.
  std::lock_guard sweep_lock(sweep_mu_);
  auto records_lock = records_->LockWrites();
  auto consents_lock = consents_->LockWrites();
  std::lock_guard facts_lock(facts_mu_);
  const int64_t started = clock_->NowMicros();
  // A second request for the same client waited for the first: it is gone.
  if (registry_->LoadClient(client_id).status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError("client_id: not found");
  }

  HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> record_ids,
                          records_->RecordIdsOfClient(client_id));
  HOIDLA_ASSIGN_OR_RETURN(std::vector<v1::Document> documents,
                          documents_->DocumentsOfClient(client_id));
  HOIDLA_ASSIGN_OR_RETURN(std::vector<v1::Case> cases, registry_->CasesOfClient(client_id));

  // What still applies: a hold on the client or on anything of theirs...
  std::vector<std::string> held = {client_id};
  for (const std::string& p : client->project_ids()) held.push_back(p);
  for (const v1::Case& c : cases) held.push_back(c.id());
  for (const std::string& r : record_ids) held.push_back(r);
  for (const v1::Document& d : documents) held.push_back(d.id());
  // A data subject is told what applies, not the ids of holds or items
  // (a hold may be confidential); their organisation's DPO gets the ids.
  const bool subject = !ctx.principal.subject_client_id.empty();
  HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> holds, HoldsOn(held));
  if (!holds.empty()) {
    if (subject) {
      return absl::FailedPreconditionError(
          "client_id: a legal hold applies; the organisation's data protection officer can say "
          "more");
    }
    return absl::FailedPreconditionError(
        StrCat("client_id: legal hold ", holds.front(), " applies; it must be lifted first"));
  }
  // ... or a schedule that keeps one of their items.
  std::vector<std::string> item_ids = record_ids;
  for (const v1::Document& d : documents) item_ids.push_back(d.id());
  for (const std::string& id : item_ids) {
    auto item = LoadItem(id);
    if (item.status().code() == absl::StatusCode::kNotFound) {
      // Written before retention tracked items: its times are not known
      // here, so any schedule that governs it keeps it (never erase what
      // a legal duty may still keep).
      RetentionItemRecord untracked;
      untracked.set_id(id);
      untracked.set_organization_id(client->organization_id());
      if (id.starts_with(IdPrefix(IdKind::kDocument))) {
        auto d = documents_->LoadDocument(id);
        HOIDLA_RETURN_IF_ERROR(d.status());
        untracked.set_item_type(v1::RETENTION_ITEM_TYPE_DOCUMENT);
        untracked.set_project_id(d->project_id());
        untracked.set_kind(d->kind());
      } else {
        auto r = records_->Locate(id);
        HOIDLA_RETURN_IF_ERROR(r.status());
        untracked.set_item_type(v1::RETENTION_ITEM_TYPE_RECORD);
        untracked.set_project_id(r->target.project_id);
        untracked.set_kind(r->kind);
      }
      item = std::move(untracked);
    }
    HOIDLA_RETURN_IF_ERROR(item.status());
    if (static_cast<v1::DisposalState>(item->state()) == v1::DISPOSAL_STATE_POSTPONED) {
      return absl::FailedPreconditionError(
          subject ? std::string("client_id: a decision to keep part of the record applies")
                  : StrCat("client_id: the disposal of ", item->id(), " was postponed until ",
                           Rfc3339Utc(item->postponed_until_micros(), false)));
    }
    HOIDLA_ASSIGN_OR_RETURN(Due due, DueOf(*item, -1));
    if (!due.schedule.has_value()) continue;
    const v1::RetentionSchedule& s = *due.schedule;
    const std::string named =
        subject ? StrCat("client_id: a retention duty (schedule ", s.id(), ") applies")
                : StrCat("client_id: retention schedule ", s.id(), " (version ", s.version(),
                         ") keeps ", item->id());
    if (s.action() == v1::RETENTION_ACTION_KEEP) {
      return absl::FailedPreconditionError(StrCat(named, " permanently"));
    }
    if (item->created_at_micros() == 0) {
      return absl::FailedPreconditionError(
          StrCat(named, ": it predates retention tracking, so its period cannot be told"));
    }
    if (due.at_micros == 0) {
      return absl::FailedPreconditionError(StrCat(named, ": its period has not started"));
    }
    if (due.at_micros > started) {
      return absl::FailedPreconditionError(
          StrCat(named, " until ", Rfc3339Utc(due.at_micros, false)));
    }
  }

  // A consent that has ended may still have to be kept as proof for its
  // schedule's period; one in force does not stand in the way (asking to
  // be erased withdraws it).
  HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> consent_ids,
                          consents_->ConsentIdsOfClient(client_id));
  for (const std::string& id : consent_ids) {
    auto item = LoadItem(id);
    if (item.status().code() == absl::StatusCode::kNotFound) continue;  // not tracked
    HOIDLA_RETURN_IF_ERROR(item.status());
    if (item->ended_at_micros() == 0 || item->ended_at_micros() > started) continue;
    HOIDLA_ASSIGN_OR_RETURN(Due due, DueOf(*item, -1));
    if (!due.schedule.has_value()) continue;
    const v1::RetentionSchedule& s = *due.schedule;
    const std::string named =
        subject ? StrCat("client_id: a retention duty (schedule ", s.id(), ") applies")
                : StrCat("client_id: retention schedule ", s.id(), " (version ", s.version(),
                         ") keeps ", id);
    if (s.action() == v1::RETENTION_ACTION_KEEP) {
      return absl::FailedPreconditionError(StrCat(named, " permanently"));
    }
    if (due.at_micros > started) {
      return absl::FailedPreconditionError(
          StrCat(named, " until ", Rfc3339Utc(due.at_micros, false)));
    }
  }

  v1::DisposalCertificate cert;
  cert.set_id(NewId(IdKind::kDisposalCertificate, *clock_));
  std::map<std::pair<int, std::string>, int64_t> counts;
  auto note = [&](std::string_view id, v1::RetentionItemType type, std::string_view kind,
                  std::string_view case_id, std::string_view project_id) {
    ++counts[{type, std::string(kind)}];
    // The certificate names the first kMaxCertifiedItems; its counts
    // cover all (it must stay well within a message).
    if (cert.items_size() >= kMaxCertifiedItems) return;
    v1::DisposedItem* di = cert.add_items();
    di->set_item_id(std::string(id));
    di->set_item_type(type);
    di->set_kind(std::string(kind));
    di->set_client_id(client_id);
    di->set_case_id(std::string(case_id));
    di->set_project_id(std::string(project_id));
  };

  note(client_id, v1::RETENTION_ITEM_TYPE_UNSPECIFIED, "client", "", "");
  storage::WriteBatch batch;
  for (const std::string& id : record_ids) {
    auto located = records_->Locate(id);
    absl::Status s = records_->DestroyRecord(id, &batch);
    if (s.code() == absl::StatusCode::kNotFound) continue;
    HOIDLA_RETURN_IF_ERROR(s);
    HOIDLA_RETURN_IF_ERROR(ForgetItem(id, cert.id(), &batch));
    if (located.ok()) {
      note(id, v1::RETENTION_ITEM_TYPE_RECORD, located->kind, located->target.case_id,
           located->target.project_id);
    } else {
      note(id, v1::RETENTION_ITEM_TYPE_RECORD, "", "", "");
    }
  }
  for (const v1::Document& d : documents) {
    absl::Status s = documents_->Destroy(d.id(), &batch);
    if (s.code() == absl::StatusCode::kNotFound) continue;
    HOIDLA_RETURN_IF_ERROR(s);
    HOIDLA_RETURN_IF_ERROR(ForgetItem(d.id(), cert.id(), &batch));
    note(d.id(), v1::RETENTION_ITEM_TYPE_DOCUMENT, d.kind(), d.case_id(), d.project_id());
  }
  std::vector<std::string> disclosures;
  HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> consents,
                          consents_->DestroyClientConsents(client_id, &batch, &disclosures));
  for (const std::string& id : consents) {
    HOIDLA_RETURN_IF_ERROR(ForgetItem(id, cert.id(), &batch));
    note(id, v1::RETENTION_ITEM_TYPE_CONSENT, "", "", "");
  }
  for (const std::string& id : disclosures) {
    batch.Put(Space::kIndex, ours::kTombstone.Key(id), cert.id());
    note(id, v1::RETENTION_ITEM_TYPE_UNSPECIFIED, "disclosure", "", "");
  }
  HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> case_ids,
                          registry_->DestroyClient(client_id, &batch));
  std::map<std::string, std::string> project_of_case;
  for (const v1::Case& c : cases) project_of_case[c.id()] = c.project_id();
  for (const std::string& id : case_ids) {
    batch.Put(Space::kIndex, ours::kTombstone.Key(id), cert.id());
    note(id, v1::RETENTION_ITEM_TYPE_UNSPECIFIED, "case", id, project_of_case[id]);
  }
  batch.Put(Space::kIndex, ours::kTombstone.Key(client_id), cert.id());

  const std::string& org = client->organization_id();
  cert.set_organization_id(org);
  cert.set_cause(v1::DISPOSAL_CAUSE_ERASURE);
  *cert.mutable_started_at() = ToTimestamp(started);
  *cert.mutable_completed_at() = ToTimestamp(clock_->NowMicros());
  cert.set_run_by(ctx.principal.id);
  cert.set_client_id(client_id);
  cert.set_reason(req.reason());
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
  if (ctx.audit != nullptr) {
    keys::Sha256 digest;
    digest.Update(cert.signed_note());
    auto* d = ctx.audit->entry.mutable_disposal();
    d->set_certificate_id(cert.id());
    d->set_certificate_sha256(keys::ToHex(digest.Finish()));
    int64_t total = 0;
    for (const auto& [key, n] : counts) total += n;
    d->set_destroyed(total);
  }
  audit::NoteTarget(ctx.audit, client_id, "", cert.id());

  // The key goes in the same write as everything else.
  HOIDLA_RETURN_IF_ERROR(
      keyring_->DestroySubjectKey(client_id, [&](keys::KeyChanges changes) -> absl::Status {
        sealing::AppendKeyChanges(changes, &batch);
        return audit::CommitEffect(ctx.audit, store_, std::move(batch));
      }));
  consents_->Forget(client_id);
  for (const v1::Document& d : documents) (void)documents_->DeleteDestroyedContent(d.id());
  return cert;
}

}  // namespace hoidla::core
