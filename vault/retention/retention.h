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

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "hoidla/v1/retention.pb.h"
#include "keys/keyring.h"
#include "vault/access/guard.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/directory/registry.h"
#include "vault/documents/documents.h"
#include "vault/records/records.h"
#include "vault/sealing/sealed_records.h"
#include "vault/sealing/version_chain.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

class Retention {
 public:
  // All pointers must outlive this object.
  Retention(storage::KvStore* store, keys::Keyring* keyring, Clock* clock, const Policy* policy,
            const Registry* registry, const Documents* documents, const Records* records);

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

  storage::KvStore* store_;
  Clock* clock_;
  const Policy* policy_;
  const Registry* registry_;
  const Documents* documents_;
  const Records* records_;
  SealedRecords sealed_;
  VersionChain<v1::RetentionSchedule> schedules_;
  std::mutex write_mu_;  // one writer: scope uniqueness and versions
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_RETENTION_RETENTION_H_
