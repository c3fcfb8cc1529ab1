// Consents: what each client agreed to share, with whom, for what, and when;
// disclosures without consent; and the release decisions built on both
// (doc/domain.md §3, doc/consents.md).
//
// A consent is a chain of versions (never edited): RecordConsent makes
// version 1, ReviseConsent a new version that supersedes the current one,
// WithdrawConsent an event that ends the chain. Each version is sealed under
// the client's key. Every change also rewrites the client's release state
// (the compiled grants of every version and disclosure, sealed too) in the
// same atomic write as the change and its audit entry, so a decision reads
// one record, and a withdrawal or a rejected disclosure holds for the very
// next call.
//
// When a release holds (doc/consents.md, "Deciding a release"):
//  * a consent version's provision releases an item to a caller at time T
//    when the version is in force at T (recorded at or before T, not
//    superseded or withdrawn at or before T, the giver's authority not ended
//    by T), T lies in the provision's [valid_from, valid_until), the item's
//    kind is one of the provision's kinds, the stated purpose one of its
//    purposes, and a recipient matches one of the caller's memberships
//    (an ORGANIZATION recipient: a partner worker of that organisation; a
//    PROJECT recipient: a project manager or case worker of that project; a
//    CASE_NETWORK recipient: a partner worker in the consent's case's
//    network at that moment);
//  * a disclosure without consent releases the items it names, for any
//    purpose, to partner workers of its recipient organisation, from its
//    creation until valid_until, unless its review rejected it.
//
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_CONSENT_CONSENTS_H_
#define HOIDLA_VAULT_CONSENT_CONSENTS_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "hoidla/storage/v1/records.pb.h"
#include "hoidla/v1/consents.pb.h"
#include "hoidla/v1/disclosures.pb.h"
#include "keys/keyring.h"
#include "vault/access/guard.h"
#include "vault/access/lifecycle.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/access/release.h"
#include "vault/directory/registry.h"
#include "vault/documents/documents.h"
#include "vault/sealing/sealed_records.h"
#include "vault/sealing/version_chain.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

class Consents : public ReleaseSource {
 public:
  // All pointers must outlive this object. Receipts are signed with the
  // keyring's audit signing key under the note name `receipt_origin` (the
  // audit log's origin, so GetAuditPublicKeys' keys verify them).
  Consents(storage::KvStore* store, keys::Keyring* keyring, Clock* clock, const Policy* policy,
           const Registry* registry, const Documents* documents, std::string receipt_origin);

  // Where an assessment record sits (its case's target, client and case
  // ids filled) and its kind; NOT_FOUND when there is none. Records depend
  // on consents, so the server hands this in once Records exist (the seam
  // keeps the dependency one way). Until it is set, disclosures name
  // documents only. Not thread-safe against concurrent calls; set at start.
  struct RecordLocation {
    Target target;
    std::string kind;
  };
  using RecordLocator = std::function<absl::StatusOr<RecordLocation>(std::string_view)>;
  void SetRecordLocator(RecordLocator locate) { locate_record_ = std::move(locate); }
  // Whether a client has an assessment record of a kind held by a project
  // (existence queries count records as well as documents, and only what
  // the consent's own project holds); set with the locator.
  using RecordKindCheck = std::function<absl::StatusOr<bool>(
      std::string_view client_id, std::string_view kind, std::string_view project_id)>;
  void SetRecordKindCheck(RecordKindCheck check) { has_record_kind_ = std::move(check); }
  // Tells `lifecycle` (retention) of every consent recorded, revised or
  // withdrawn from now on, in the change's own batch. Set once, before
  // serving; may be null.
  void SetLifecycle(Lifecycle* lifecycle) { lifecycle_ = lifecycle; }
  // Holds back every change of consents while the returned lock lives (a
  // disposal or erasure destroys what it read).
  std::unique_lock<std::mutex> LockWrites() const { return std::unique_lock(write_mu_); }
  // For retention's own use (disposal): adds to `batch` the removal of
  // the consents `consent_ids` (every version and the withdrawal, indexes,
  // location) and of their grants from their clients' release states.
  // Returns the ids that were stored (the others are skipped); call
  // Forget() for their clients once the batch has committed. Errors of the
  // store as they are.
  absl::StatusOr<std::vector<std::string>> DestroyConsents(
      const std::vector<std::string>& consent_ids, storage::WriteBatch* batch);

  // Records version 1. Returns it with a signed receipt. INVALID_ARGUMENT
  // naming the field for bad input (a consent given in the future, a
  // guardian without authority_valid_until, a legal representative of an
  // adult); NOT_FOUND "consent.scan_document_id: not found among the
  // client's documents" for a scan that is not the client's document (as
  // for no document at all); NOT_FOUND "consent.client_id: not found" for a
  // client the caller cannot see, and "consent.project_id: not found" for a
  // project they cannot write consents in of a client they can see;
  // PERMISSION_DENIED without a role that writes consents.
  absl::StatusOr<v1::ConsentReceipt> RecordConsent(const RequestContext& ctx,
                                                   const v1::RecordConsentRequest& req);
  // Records a new version superseding the current one. ABORTED when
  // expected_version is not the current version; FAILED_PRECONDITION when
  // the consent was withdrawn; INVALID_ARGUMENT when client or project
  // changed.
  absl::StatusOr<v1::ConsentReceipt> ReviseConsent(const RequestContext& ctx,
                                                   const v1::ReviseConsentRequest& req);
  // Withdraws the consent now. FAILED_PRECONDITION when already withdrawn.
  // ConfirmConsentRelease (consents.proto).
  absl::StatusOr<v1::Consent> ConfirmConsentRelease(const RequestContext& ctx,
                                                    const v1::ConfirmConsentReleaseRequest& req);
  absl::StatusOr<v1::Consent> WithdrawConsent(const RequestContext& ctx,
                                              const v1::WithdrawConsentRequest& req);
  absl::StatusOr<v1::Consent> GetConsent(const RequestContext& ctx,
                                         const v1::GetConsentRequest& req);
  absl::StatusOr<v1::ListConsentsResponse> ListConsents(const RequestContext& ctx,
                                                        const v1::ListConsentsRequest& req);

  // Disclosure without consent: the named items of one client to one
  // organisation under a legal basis, for valid_hours. INVALID_ARGUMENT
  // naming the field; NOT_FOUND "disclosure.item_ids[i]" for an item the
  // caller cannot read or that is not the client's.
  absl::StatusOr<v1::Disclosure> DiscloseWithoutConsent(
      const RequestContext& ctx, const v1::DiscloseWithoutConsentRequest& req);
  absl::StatusOr<v1::ListDisclosuresResponse> ListDisclosures(
      const RequestContext& ctx, const v1::ListDisclosuresRequest& req);
  // FAILED_PRECONDITION when already reviewed.
  absl::StatusOr<v1::Disclosure> ReviewDisclosure(const RequestContext& ctx,
                                                  const v1::ReviewDisclosureRequest& req);

  absl::StatusOr<v1::QueryRecordExistenceResponse> QueryRecordExistence(
      const RequestContext& ctx, const v1::QueryRecordExistenceRequest& req);

  // For the core's own use (a subject access export): every version of
  // every consent of the client, oldest first, and its disclosures without
  // consent.
  absl::StatusOr<std::vector<v1::Consent>> ConsentHistory(std::string_view client_id) const;
  absl::StatusOr<std::vector<v1::Disclosure>> DisclosuresOf(std::string_view client_id) const;

  // Whether a signed (written or digital) consent of the case's client is in
  // force now for the case: recorded in its project, for the case or for no
  // particular case (the cooperation agreement, form part A2).
  absl::StatusOr<bool> HasSignedConsentInForce(const rec::CaseRecord& kase) const;

  // ReleaseSource.
  absl::StatusOr<std::optional<Release>> ReleaseFor(const Principal& principal,
                                                    std::string_view purpose,
                                                    const ReleaseQuery& query) const override;

  // Whether principal `principal_id` is in the network of case `case_id`.
  using NetworkCheck = std::function<bool(std::string_view case_id, std::string_view principal_id)>;
  // The decision of ReleaseFor against an explicit state and moment (for
  // tests that compare it with a reference evaluator). Without
  // `in_network`, case-network recipients match nobody.
  static std::optional<Release> Decide(const rec::ReleaseState& state, const Principal& principal,
                                       std::string_view purpose, const ReleaseQuery& query,
                                       int64_t now_micros, const NetworkCheck& in_network = {});

  // For retention's own use (erasure): adds to `batch` the removal of
  // every consent of client `client_id` (every version and its withdrawal),
  // every disclosure of theirs and their release state, with their indexes
  // and locations. Returns the consent ids; `disclosure_ids` (if not null)
  // gets the disclosures'. Call Forget(client_id) once the batch has
  // committed. Errors of the store as they are (DATA_LOSS for a stored
  // disclosure that fails to open).
  absl::StatusOr<std::vector<std::string>> DestroyClientConsents(
      const std::string& client_id, storage::WriteBatch* batch,
      std::vector<std::string>* disclosure_ids) const;
  // For retention's own use (erasure): the ids of every consent of client
  // `client_id`. Errors of the store as they are.
  absl::StatusOr<std::vector<std::string>> ConsentIdsOfClient(const std::string& client_id) const;
  // Drops what is cached of client `client_id`'s release state.
  void Forget(const std::string& client_id) const;

 private:
  // A consent never widens its recorder's reach: PERMISSION_DENIED naming
  // the recipient when it is the recorder (an organisation or project they
  // work in, a case network they belong to). Marks `r` as needing the
  // holding project's manager's confirmation when it names a project of its
  // own organisation. `r` has its organisation and case set.
  absl::Status CheckRecorderReach(const RequestContext& ctx, rec::ConsentRecord* r) const;
  struct Chain;  // every version of one consent
  absl::StatusOr<Chain> LoadChain(std::string_view consent_id) const;
  // The guarded prologue (access/guard.h) of `action` on consent `id`.
  absl::StatusOr<Target> RevealConsent(const RequestContext& ctx, Action action,
                                       std::string_view id,
                                       const absl::StatusOr<Chain>& chain) const;
  // Reads a case's network from the registry.
  NetworkCheck InNetwork() const;
  absl::StatusOr<std::vector<Chain>> LoadChains(std::string_view client_id) const;
  // The client's release state, from the cache or the store.
  absl::StatusOr<std::shared_ptr<const rec::ReleaseState>> State(
      const std::string& client_id) const;
  // The grants of every version of `chain` (doc/consents.md).
  static void AppendGrants(const Chain& chain, rec::ReleaseState* state);
  // The grant of disclosure `d` (none when its review rejected it).
  static void AppendGrant(const rec::DisclosureRecord& d, rec::ReleaseState* state);
  // Puts into `batch` the client's release state as stored, without the
  // grants whose basis starts with `drop_prefix` (those of the consent or
  // disclosure being changed), plus what `add` appends. Reads one record,
  // whatever the number of consents. The caller holds write_mu_.
  // Tells the lifecycle (if any) of consent `r`'s change.
  absl::Status Tell(const rec::ConsentRecord& r, bool created, int64_t at_micros,
                    int64_t ended_at_micros, storage::WriteBatch* batch);
  absl::Status UpdateState(const std::string& client_id, std::string_view drop_prefix,
                           const std::function<void(rec::ReleaseState*)>& add,
                           storage::WriteBatch* batch);
  // Validates `c` and fills `r` (everything but ids, version and times).
  absl::Status FromApi(const RequestContext& ctx, const v1::Consent& c,
                       const rec::ClientRecord& client, rec::ConsentRecord* r) const;
  v1::Consent ToApi(const rec::ConsentRecord& r, const Chain& chain) const;
  absl::StatusOr<std::string> Receipt(const rec::ConsentRecord& r) const;
  // Commits `batch` with the call's audit entry and drops the client's
  // cached state. The caller holds write_mu_.
  absl::Status CommitChange(const RequestContext& ctx, const std::string& client_id,
                            storage::WriteBatch batch);

  storage::KvStore* store_;
  keys::Keyring* keyring_;
  Clock* clock_;
  const Policy* policy_;
  const Registry* registry_;
  const Documents* documents_;
  std::string receipt_origin_;
  SealedRecords records_;
  VersionChain<rec::ConsentRecord> versions_;  // cns/: every version of a consent
  RecordLocator locate_record_;
  RecordKindCheck has_record_kind_;
  Lifecycle* lifecycle_ = nullptr;

  // Serialises changes (version numbers, release states).
  mutable std::mutex write_mu_;
  // Decoded release states by client. A change erases its client's entry
  // and bumps generation_ after it commits, so a call that starts after a
  // change returns never sees the state from before it.
  mutable absl::Mutex cache_mu_;
  mutable std::map<std::string, std::shared_ptr<const rec::ReleaseState>> cache_
      ABSL_GUARDED_BY(cache_mu_);
  mutable uint64_t generation_ ABSL_GUARDED_BY(cache_mu_) = 0;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_CONSENT_CONSENTS_H_
