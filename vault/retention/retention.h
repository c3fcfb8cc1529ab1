// Retention: an organisation's retention schedules and its legal holds
// (doc/retention.md).
//
// A schedule says, for a scope (organisation; optionally one project; an
// item type; optionally one kind), from which event a period is counted
// and what happens when it has run. Schedules are versioned: a change is a
// new version, and the version that decided a disposal can be named later.
// Resolve() finds the schedule that decides an item: the most specific one.
//
// A legal hold on a client, case, record, document or project keeps what it
// covers from disposal and erasure until it is lifted. HoldsOn() is what
// disposal and erasure ask.
//
// Disposal (Retention implements the rooms' Lifecycle seam): every
// record and document is tracked from its creation in the same write, with
// the time its schedule makes it due in an index by due time. A sweep
// (RunDisposal, or SweepAll from the server at intervals) reads that index
// up to now, never the whole store: what a hold keeps stays due; what a
// REVIEW schedule governs goes on the due list, where a head of
// organisation or data protection officer approves or postpones it; what
// is due and not held nor awaiting a decision is destroyed. A run's
// destruction, its bookkeeping, its signed disposal certificate and its
// audit entry are one atomic write.
//
// Neither grants access to client data: placing a hold on a client reveals
// nothing of the client, and is decided on the client's own target, so a
// caller learns no more than a read would tell them (NOT_FOUND naming the
// field for anything outside their organisation).
//
// Every call decides through the policy (recorded in the call's audit
// entry) and commits its writes atomically with that entry.
//
// Thread-safety: safe for concurrent use; writes are serialised.
#ifndef HOIDLA_VAULT_RETENTION_RETENTION_H_
#define HOIDLA_VAULT_RETENTION_RETENTION_H_

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "hoidla/storage/v1/records.pb.h"
#include "hoidla/v1/retention.pb.h"
#include "keys/keyring.h"
#include "vault/access/guard.h"
#include "vault/access/lifecycle.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/audit/audit_log.h"
#include "vault/directory/registry.h"
#include "vault/documents/documents.h"
#include "vault/records/records.h"
#include "vault/sealing/sealed_records.h"
#include "vault/sealing/version_chain.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

// The first line of a disposal certificate's signed text; the second is
// one JSON object (doc/retention.md gives its fields).
inline constexpr std::string_view kCertificateHeader = "hoidla disposal certificate v1";
// The actor of the vault's own sweeps in the audit log.
inline constexpr std::string_view kSystemActor = "system";

class Retention : public Lifecycle {
 public:
  // All pointers must outlive this object. `note_origin` names the audit
  // signing key in disposal certificates (the audit log's origin).
  Retention(storage::KvStore* store, keys::Keyring* keyring, Clock* clock, const Policy* policy,
            const Registry* registry, Documents* documents, Consents* consents, Records* records,
            std::string note_origin);

  // Lifecycle: keeps what retention knows of an item, and its due time,
  // in the caller's batch. Errors of the store as they are.
  absl::Status ItemChanged(const LifeItem& item, bool created, int64_t at_micros,
                           int64_t ended_at_micros, storage::WriteBatch* batch) override;
  absl::Status CaseChanged(const std::string& client_id, const std::string& case_id,
                           int64_t closed_at_micros, storage::WriteBatch* batch) override;

  // Version 1 of a schedule for a scope without one. INVALID_ARGUMENT
  // naming the field; NOT_FOUND "schedule.organization_id" or
  // "schedule.project_id" for an organisation or project that does not
  // exist or is outside the caller's; PERMISSION_DENIED without a role that
  // manages retention; ALREADY_EXISTS "schedule: ..." when the scope has a
  // schedule.
  absl::StatusOr<v1::RetentionSchedule> CreateSchedule(
      const RequestContext& ctx, const v1::CreateRetentionScheduleRequest& req);

  // The next version of schedule `req.id()`. As CreateSchedule, and
  // NOT_FOUND "id: not found"; ABORTED "expected_version: ..." when the
  // schedule is at another version; INVALID_ARGUMENT when a scope field
  // differs from the schedule's.
  absl::StatusOr<v1::RetentionSchedule> UpdateSchedule(
      const RequestContext& ctx, const v1::UpdateRetentionScheduleRequest& req);

  // One version (0: the newest). NOT_FOUND "id: not found" or "version: not
  // found"; DATA_LOSS when its stored bytes fail authentication.
  absl::StatusOr<v1::RetentionSchedule> GetSchedule(const RequestContext& ctx,
                                                    const v1::GetRetentionScheduleRequest& req);

  // The newest version of each schedule of an organisation, a page at a
  // time. NOT_FOUND "organization_id: not found" outside the caller's.
  absl::StatusOr<v1::ListRetentionSchedulesResponse> ListSchedules(
      const RequestContext& ctx, const v1::ListRetentionSchedulesRequest& req);

  // The newest version of the schedule that decides an item of
  // `req.item_type()` and `req.kind()` held by `req.project_id()`: the
  // first that exists of (project, kind), (project, every kind),
  // (organisation, kind), (organisation, every kind). NOT_FOUND "kind: no
  // schedule applies" when none does.
  absl::StatusOr<v1::RetentionSchedule> ResolveSchedule(
      const RequestContext& ctx, const v1::ResolveRetentionScheduleRequest& req);

  // Places a hold on the target the request names, decided on that
  // target's own place (its organisation, project, client, case).
  // INVALID_ARGUMENT naming the field; NOT_FOUND "hold.<target>_id: not
  // found" for a target that does not exist or is outside the caller's
  // organisation; PERMISSION_DENIED without a role that places holds.
  absl::StatusOr<v1::LegalHold> PlaceHold(const RequestContext& ctx,
                                          const v1::PlaceLegalHoldRequest& req);

  // Lifts an active hold. NOT_FOUND "id: not found"; FAILED_PRECONDITION
  // "id: ..." when it is lifted already.
  absl::StatusOr<v1::LegalHold> LiftHold(const RequestContext& ctx,
                                         const v1::LiftLegalHoldRequest& req);

  absl::StatusOr<v1::LegalHold> GetHold(const RequestContext& ctx,
                                        const v1::GetLegalHoldRequest& req);

  absl::StatusOr<v1::ListLegalHoldsResponse> ListHolds(const RequestContext& ctx,
                                                       const v1::ListLegalHoldsRequest& req);

  // The due list of an organisation, in item id order, a page at a time.
  // NOT_FOUND "organization_id: not found" outside the caller's;
  // PERMISSION_DENIED without a role that reads disposals.
  absl::StatusOr<v1::ListDueDisposalsResponse> ListDueDisposals(
      const RequestContext& ctx, const v1::ListDueDisposalsRequest& req);

  // Decides an item of the due list: approve (the next sweep destroys it
  // unless a hold applies then) or postpone (due for review again at
  // `until`). NOT_FOUND "item_id: not found" for an id not stored or
  // outside the caller's organisation; FAILED_PRECONDITION "item_id: not
  // on the due list" (also for one no longer due); INVALID_ARGUMENT naming
  // the field (item_id, reason, until).
  absl::StatusOr<v1::DueDisposal> ApproveDisposal(const RequestContext& ctx,
                                                  const v1::ApproveDisposalRequest& req);
  absl::StatusOr<v1::DueDisposal> PostponeDisposal(const RequestContext& ctx,
                                                   const v1::PostponeDisposalRequest& req);

  // Sweeps organisation `req.organization_id()` now, as the caller.
  // NOT_FOUND "organization_id: not found" outside the caller's;
  // PERMISSION_DENIED without a role that disposes; UNAVAILABLE when the
  // write fails (nothing of the sweep is applied then).
  absl::StatusOr<v1::RunDisposalResponse> RunDisposal(const RequestContext& ctx,
                                                      const v1::RunDisposalRequest& req);

  // A certificate. NOT_FOUND "id: not found" (also outside the caller's
  // organisation); DATA_LOSS when its stored bytes fail authentication.
  absl::StatusOr<v1::DisposalCertificate> GetDisposalCertificate(
      const RequestContext& ctx, const v1::GetDisposalCertificateRequest& req);
  // An organisation's certificates, oldest first, without their items.
  absl::StatusOr<v1::ListDisposalCertificatesResponse> ListDisposalCertificates(
      const RequestContext& ctx, const v1::ListDisposalCertificatesRequest& req);

  // Erases client `req.client_id()` on request (GDPR Art. 17), as the
  // proto's EraseClient says: refused with FAILED_PRECONDITION
  // "client_id: ..." naming an active legal hold on the client or anything
  // of theirs, or a schedule that still keeps one of their items (KEEP, a
  // period not run, or a clock not started); otherwise every record,
  // document, consent, disclosure, case of theirs and the client record are
  // removed and their key destroyed, with the certificate and the audit
  // entry, in one atomic write; then the store purges the key's bytes from
  // its files (UNAVAILABLE if that fails: the erasure stands, the bytes go
  // at the next compaction). NOT_FOUND "client_id: not found" for a client
  // not stored or outside the caller's reach; PERMISSION_DENIED without the
  // right (a DPO of the client's organisation, or the data subject).
  absl::StatusOr<v1::DisposalCertificate> EraseClient(const RequestContext& ctx,
                                                      const v1::EraseClientRequest& req);

  // The vault's own sweep: every organisation with a schedule, until
  // nothing more is due there, each run audited as actor "system" in
  // `log`. Returns how many items were destroyed; the first error stops
  // it (what committed before stays).
  // `keep_going` (if set) is asked before each run; false stops the
  // sweep there (the server's shutdown). An organisation whose sweep fails
  // does not stop the others; the first error is returned at the end.
  absl::StatusOr<int64_t> SweepAll(audit::AuditLog* log,
                                   const std::function<bool()>& keep_going = nullptr);

  // The ids of the active holds on any of `object_ids` (an item and what
  // contains it: its case, client and project), for disposal and erasure.
  // Errors of the store as they are.
  absl::StatusOr<std::vector<std::string>> HoldsOn(
      const std::vector<std::string>& object_ids) const;

 private:
  // Every version of a schedule, oldest first.
  absl::StatusOr<std::vector<v1::RetentionSchedule>> LoadSchedule(std::string_view id) const;
  absl::StatusOr<v1::LegalHold> LoadHold(std::string_view id) const;
  // The policy target of a schedule's or hold's organisation and project.
  static Target PlaceOf(std::string_view organization_id, std::string_view project_id,
                        std::string_view object_id);
  // Decides `action` on the organisation (and project) a new schedule
  // names, answering NOT_FOUND naming the field for one outside the
  // caller's.
  absl::Status DecideScope(const RequestContext& ctx, Action action,
                           const v1::RetentionSchedule& s) const;
  // The hold's target: the object it names, located and decided.
  absl::StatusOr<Target> DecideHoldTarget(const RequestContext& ctx, const v1::LegalHold& h,
                                          std::string* object_id) const;
  absl::Status PutSchedule(const RequestContext& ctx, const v1::RetentionSchedule& s, bool first);

  // The newest version of the schedule deciding an item of `type` and
  // `kind` held by `project` of `org`, or none.
  absl::StatusOr<std::optional<v1::RetentionSchedule>> ResolveFor(std::string_view org,
                                                                  std::string_view project,
                                                                  v1::RetentionItemType type,
                                                                  std::string_view kind) const;
  // When `item` is due under its schedule (0: never, as things stand), the
  // schedule noted in it. `case_closed_micros` overrides the stored case's
  // clock (-1: read it; 0: open).
  struct Due {
    int64_t at_micros = 0;
    std::optional<v1::RetentionSchedule> schedule;
  };
  absl::StatusOr<Due> DueOf(const storage::v1::RetentionItemRecord& item,
                            int64_t case_closed_micros) const;
  absl::StatusOr<storage::v1::RetentionItemRecord> LoadItem(std::string_view id) const;
  // When the CASE_CLOSED clock of `client_id`'s items without a case
  // started: the last closing of their cases once none is open (0: a case
  // is open, or they have none). `case_id` (if not empty) is a case being
  // changed to `closed_at_micros` (0: open), whatever is stored of it.
  absl::StatusOr<int64_t> ClientClock(std::string_view client_id, std::string_view case_id,
                                      int64_t closed_at_micros) const;
  // Recomputes `item`'s due time and state and adds its rewrite (record
  // and index entries) to `batch`.
  absl::Status Reindex(storage::v1::RetentionItemRecord* item, int64_t case_closed_micros,
                       int64_t now, storage::WriteBatch* batch) const;
  absl::Status PutItem(const storage::v1::RetentionItemRecord& item,
                       storage::WriteBatch* batch) const;
  // Recomputes the due time of every item of `org` after a schedule change
  // (rreindex/ marker), in writes of their own.
  absl::Status ReindexOrganization(std::string_view org);
  // One sweep of `org`, audited in `draft`.
  absl::StatusOr<v1::RunDisposalResponse> Sweep(std::string_view org, std::string_view run_by,
                                                audit::AuditDraft* draft);
  // A due-list decision: loads, decides and rewrites item `item_id`.
  absl::StatusOr<v1::DueDisposal> Decide(
      const RequestContext& ctx, std::string_view item_id,
      const std::function<void(storage::v1::RetentionItemRecord*)>& change);
  absl::StatusOr<v1::DueDisposal> ToDueDisposal(const storage::v1::RetentionItemRecord& item) const;
  absl::StatusOr<v1::DisposalCertificate> LoadCertificate(std::string_view id) const;
  // EraseClient but the purge, under the locks.
  absl::StatusOr<v1::DisposalCertificate> EraseLocked(const RequestContext& ctx,
                                                      const v1::EraseClientRequest& req);
  // Fills in `cert`'s signed note (and key version) from its fields.
  absl::Status SignCertificate(v1::DisposalCertificate* cert) const;
  // The active holds on `item`: on it, its case, its client, or any
  // project of the client (`projects` caches clients' projects).
  absl::StatusOr<std::vector<std::string>> HoldsOnItem(
      const storage::v1::RetentionItemRecord& item,
      std::map<std::string, std::vector<std::string>>* projects) const;
  // Adds to `batch` the return of every item parked under hold `hold_id`
  // to the due index. Errors of the store as they are.
  absl::Status Unpark(std::string_view hold_id, storage::WriteBatch* batch);
  // The due index key of item `id` of `org` due at `due` micros.
  static std::string DueKey(std::string_view org, int64_t due, std::string_view id);
  // Adds to `batch` the removal of retention's facts about item `id` (and
  // its due and due-list entries) and, unless `certificate` is empty, its
  // tombstone naming the certificate.
  absl::Status ForgetItem(std::string_view id, std::string_view certificate,
                          storage::WriteBatch* batch) const;

  storage::KvStore* store_;
  keys::Keyring* keyring_;
  Clock* clock_;
  const Policy* policy_;
  const Registry* registry_;
  Documents* documents_;
  Consents* consents_;
  Records* records_;
  std::string note_origin_;
  SealedRecords sealed_;
  VersionChain<v1::RetentionSchedule> schedules_;
  std::mutex write_mu_;  // one writer: scope uniqueness and versions
  // Lock order: sweep_mu_, then write_mu_, then Records::LockWrites(),
  // then Consents::LockWrites(), then facts_mu_. Held by sweeps, erasures, and placing and lifting
  // a hold.
  std::mutex sweep_mu_;
  std::mutex facts_mu_;  // read-modify-write of item records
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_RETENTION_RETENTION_H_
