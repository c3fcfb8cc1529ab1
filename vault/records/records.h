// Records: the assessment records of a case (form parts and instruments,
// proto/hoidla/v1/forms.proto), versioned, signed and sealed.
//
// A record is a chain of versions 1, 2, ... under one id, each sealed under
// the client's key and never changed; UpdateRecord adds a version (the
// writer names the version it edited: ABORTED on a conflict). Signature
// events attach to a version. Rules (doc/domain.md §5-§6, doc/records.md):
//  * content is checked by ValidateRecordContent (required fields, enums,
//    dates) and across records: a case plan needs an initial decision and a
//    signed consent in force for the case once the first assessment chose
//    case management; evaluation sequence numbers increase;
//  * activity log entries are append-only: a correction is a new entry
//    naming the entry it corrects;
//  * meeting minutes lock once the minute-taker and every present
//    participant have signed a version; a correction is a new version that
//    says why (change_note), and the signed version stays as it was;
//  * a closed case is read-only;
//  * partner workers (and members of other projects) read what a consent in
//    force or a disclosure releases (the record's kind), with third parties
//    withheld (MaskThirdParties).
//
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_RECORDS_RECORDS_H_
#define HOIDLA_VAULT_RECORDS_RECORDS_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "hoidla/storage/v1/records.pb.h"
#include "hoidla/v1/records.pb.h"
#include "keys/keyring.h"
#include "vault/access/guard.h"
#include "vault/access/lifecycle.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/access/release.h"
#include "vault/consent/consents.h"
#include "vault/directory/registry.h"
#include "vault/records/instruments.h"
#include "vault/sealing/sealed_records.h"
#include "vault/sealing/version_chain.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

class Records {
 public:
  // All pointers must outlive this object.
  Records(storage::KvStore* store, keys::Keyring* keyring, Clock* clock, const Policy* policy,
          const Registry* registry, const Consents* consents, const Instruments* instruments);

  // Creates version 1. INVALID_ARGUMENT naming the field; NOT_FOUND
  // "record.case_id" for a case the caller cannot write; FAILED_PRECONDITION
  // for a closed case or a case plan whose preconditions are missing.
  absl::StatusOr<v1::Record> CreateRecord(const RequestContext& ctx,
                                          const v1::CreateRecordRequest& req);
  // Adds a version. ABORTED when expected_version is not the current one;
  // FAILED_PRECONDITION for an activity log entry (append-only), locked
  // minutes without a change_note, or a closed case.
  absl::StatusOr<v1::Record> UpdateRecord(const RequestContext& ctx,
                                          const v1::UpdateRecordRequest& req);
  absl::StatusOr<v1::Record> GetRecord(const RequestContext& ctx, const v1::GetRecordRequest& req);
  absl::StatusOr<v1::ListRecordVersionsResponse> ListRecordVersions(
      const RequestContext& ctx, const v1::ListRecordVersionsRequest& req);
  absl::StatusOr<v1::ListRecordsResponse> ListRecords(const RequestContext& ctx,
                                                      const v1::ListRecordsRequest& req);
  // ABORTED when `version` is not the current one; FAILED_PRECONDITION for a
  // kind the form does not sign, locked minutes or a closed case.
  absl::StatusOr<v1::Record> SignRecord(const RequestContext& ctx,
                                        const v1::SignRecordRequest& req);
  // What is overdue or due within req.within_days in the open cases of a
  // project (those the caller may read) or in one case, soonest first.
  absl::StatusOr<v1::ListDeadlinesResponse> ListDeadlines(const RequestContext& ctx,
                                                          const v1::ListDeadlinesRequest& req);
  // For the core's own use (a subject access export): every version of
  // every record of the client, with third parties withheld.
  absl::StatusOr<std::vector<v1::Record>> RecordsOfClient(std::string_view client_id) const;
  // For the core's own use (a disclosure naming records): where record
  // `record_id` sits (its case's target, with client and case ids) and its
  // kind. NOT_FOUND when there is none; DATA_LOSS as LoadChain.
  struct Located {
    Target target;
    std::string kind;
  };
  absl::StatusOr<Located> Locate(std::string_view record_id) const;
  // Whether record `record_id` belongs to case `case_id` (the registry asks
  // when a case closes with a follow-up record).
  absl::StatusOr<bool> IsRecordOfCase(std::string_view case_id, std::string_view record_id) const;
  // For the core's own use (existence queries): whether the client has a
  // record of `kind` held by project `project_id` (empty: by any project),
  // closed cases included.
  absl::StatusOr<bool> ClientHasKind(std::string_view client_id, std::string_view kind,
                                     std::string_view project_id) const;

  // Tells `lifecycle` (retention) of every record created, changed or
  // signed from now on, in the change's own batch. Call before serving.
  void SetLifecycle(Lifecycle* lifecycle) { lifecycle_ = lifecycle; }

  // For retention's own use (disposal, erasure): adds to `batch` the
  // removal of record `record_id`: every version, their signatures, its
  // indexes and its location. Nothing of it can be read once the batch is
  // committed. NOT_FOUND "record: not found" when it is not stored; errors
  // of the store as they are.
  absl::Status DestroyRecord(std::string_view record_id, storage::WriteBatch* batch) const;
  // For retention's own use (erasure): the ids of every record of client
  // `client_id`. Errors of the store as they are.
  absl::StatusOr<std::vector<std::string>> RecordIdsOfClient(std::string_view client_id) const;

  // Holds back every change of records while the returned lock lives, so
  // that a disposal's batch destroys what it read (nothing is written in
  // between). Never call another method of Records that writes meanwhile.
  std::unique_lock<std::mutex> LockWrites() { return std::unique_lock(write_mu_); }

 private:
  struct Chain {
    std::vector<rec::AssessmentRecord> versions;  // oldest first
    const rec::AssessmentRecord& current() const { return versions.back(); }
  };
  absl::StatusOr<Chain> LoadChain(std::string_view record_id) const;
  absl::StatusOr<rec::RecordSignatures> LoadSignatures(const rec::AssessmentRecord& r) const;
  // The guarded prologue (access/guard.h) of `action` on record `id`.
  absl::StatusOr<Target> RevealRecord(const RequestContext& ctx, Action action, std::string_view id,
                                      const absl::StatusOr<Chain>& chain) const;

  // The current versions of a case's records (of `kind` when not empty).
  absl::StatusOr<std::vector<rec::AssessmentRecord>> CaseRecords(std::string_view case_id,
                                                                 std::string_view kind) const;
  // The target of a record's case; NOT_FOUND when the case is gone.
  absl::StatusOr<Target> CaseTargetOf(std::string_view case_id) const;
  absl::Status CheckCaseOpen(std::string_view case_id, std::string_view field) const;
  // The rules across records for `content` about to be stored in `case_id`;
  // errors name fields under `field` (the request's path to the content:
  // "record.content" on create, "content" on update).
  absl::Status CheckAcrossRecords(const rec::CaseRecord& kase, const v1::RecordContent& content,
                                  std::string_view own_id, std::string_view field) const;
  absl::StatusOr<v1::Record> ToApi(const rec::AssessmentRecord& r, bool mask) const;
  // The checks of one record's content on its own (form rules, or the
  // instrument of a custom record). Returns its kind.
  absl::StatusOr<std::string> CheckContent(const v1::RecordContent& content,
                                           std::string_view organization_id,
                                           std::string_view prefix) const;
  // The deadlines of one open case, due by `horizon` (yyyymmdd).
  absl::Status CaseDeadlines(const rec::CaseRecord& kase, int32_t today, int32_t horizon,
                             v1::ListDeadlinesResponse* out) const;

  storage::KvStore* store_;
  Clock* clock_;
  const Policy* policy_;
  const Registry* registry_;
  const Consents* consents_;
  const Instruments* instruments_;
  SealedRecords records_;
  VersionChain<rec::AssessmentRecord> versions_;  // every version of one record
  // Serialises changes (version numbers, signatures).
  std::mutex write_mu_;
  Lifecycle* lifecycle_ = nullptr;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_RECORDS_RECORDS_H_
