// Registry: organisations, projects, clients (data subjects) and cases.
//
// Every method takes the caller's RequestContext, validates every field of
// the request (INVALID_ARGUMENT naming the field; nothing written), asks the
// Policy (objects the caller may not see are NOT_FOUND), and either commits
// one atomic, synced batch or changes nothing.
//
// Client names, personal codes and case titles are sealed under the client's
// own key; the personal code is findable only through a keyed blind index
// scoped to the organisation.
//
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_DIRECTORY_REGISTRY_H_
#define HOIDLA_VAULT_DIRECTORY_REGISTRY_H_

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/ids.h"
#include "base/limits.h"
#include "hoidla/storage/v1/records.pb.h"
#include "hoidla/v1/cases.pb.h"
#include "hoidla/v1/directory.pb.h"
#include "keys/keyring.h"
#include "vault/access/guard.h"
#include "vault/access/lifecycle.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/directory/isikukood.h"
#include "vault/sealing/sealed_records.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

namespace v1 = ::hoidla::v1;
namespace rec = ::hoidla::storage::v1;

class Registry : public Locations {
 public:
  // All pointers must outlive the registry.
  Registry(storage::KvStore* store, keys::Keyring* keyring, Clock* clock, const Policy* policy,
           Limits limits);

  // Each returns the stored object (with its output-only fields) on success.
  absl::StatusOr<v1::Organization> CreateOrganization(const RequestContext& ctx,
                                                      const v1::CreateOrganizationRequest& req);
  absl::StatusOr<v1::Organization> GetOrganization(const RequestContext& ctx,
                                                   const v1::GetOrganizationRequest& req);
  absl::StatusOr<v1::ListOrganizationsResponse> ListOrganizations(
      const RequestContext& ctx, const v1::ListOrganizationsRequest& req);

  absl::StatusOr<v1::Project> CreateProject(const RequestContext& ctx,
                                            const v1::CreateProjectRequest& req);
  absl::StatusOr<v1::Project> GetProject(const RequestContext& ctx,
                                         const v1::GetProjectRequest& req);
  absl::StatusOr<v1::ListProjectsResponse> ListProjects(const RequestContext& ctx,
                                                        const v1::ListProjectsRequest& req);

  // ALREADY_EXISTS when the organisation already has a client with the same
  // personal code.
  absl::StatusOr<v1::Client> CreateClient(const RequestContext& ctx,
                                          const v1::CreateClientRequest& req);
  absl::StatusOr<v1::Client> GetClient(const RequestContext& ctx, const v1::GetClientRequest& req);
  absl::StatusOr<v1::Client> FindClientByPersonalCode(
      const RequestContext& ctx, const v1::FindClientByPersonalCodeRequest& req);
  absl::StatusOr<v1::ListClientsResponse> ListClients(const RequestContext& ctx,
                                                      const v1::ListClientsRequest& req);

  absl::StatusOr<v1::Case> CreateCase(const RequestContext& ctx, const v1::CreateCaseRequest& req);
  absl::StatusOr<v1::Case> GetCase(const RequestContext& ctx, const v1::GetCaseRequest& req);
  absl::StatusOr<v1::ListCasesResponse> ListCases(const RequestContext& ctx,
                                                  const v1::ListCasesRequest& req);
  // Assigns or transfers a case. INVALID_ARGUMENT "worker_id: ..." when the
  // worker holds no case_worker or project_manager role in the project.
  absl::StatusOr<v1::Case> AssignCase(const RequestContext& ctx, const v1::AssignCaseRequest& req);
  // A partner worker's report of a concern: opens a case from a third
  // party's report in the project (registering the person unless the
  // organisation has a client with the personal code), with the reporter
  // protected (the audit entry is marked actor_protected). INVALID_ARGUMENT
  // naming the field; NOT_FOUND "project_id" for a project not of the
  // organisation; PERMISSION_DENIED for anyone but partner workers.
  absl::StatusOr<v1::ReportConcernResponse> ReportConcern(const RequestContext& ctx,
                                                          const v1::ReportConcernRequest& req);
  // Adds partner workers to, or removes principals from, the case's network
  // (who case-network consents release to). NOT_FOUND
  // "add_member_ids[i]" for an unknown principal, INVALID_ARGUMENT for one
  // who is not a partner worker; FAILED_PRECONDITION for a closed case.
  absl::StatusOr<v1::Case> UpdateCaseNetwork(const RequestContext& ctx,
                                             const v1::UpdateCaseNetworkRequest& req);
  // Closes an open case (read-only from then on; its retention clock
  // starts). Project managers, heads and the assigned case worker.
  // FAILED_PRECONDITION when closed already; NOT_FOUND "follow_up_record_id"
  // unless it names a record of the case (its follow-up evaluation).
  absl::StatusOr<v1::Case> CloseCase(const RequestContext& ctx, const v1::CloseCaseRequest& req);
  // Reopens a closed case (its retention clock stops). FAILED_PRECONDITION
  // when it is open.
  absl::StatusOr<v1::Case> ReopenCase(const RequestContext& ctx, const v1::ReopenCaseRequest& req);

  // Internal lookups for other core modules (no policy check; callers check).
  // NOT_FOUND when absent; DATA_LOSS when stored bytes fail authentication.
  absl::StatusOr<rec::ProjectRecord> LoadProject(std::string_view id) const;
  absl::StatusOr<rec::ClientRecord> LoadClient(std::string_view id) const;
  absl::StatusOr<rec::CaseRecord> LoadCase(std::string_view id) const;
  absl::StatusOr<rec::OrganizationRecord> LoadOrganization(std::string_view id) const;
  // Seals `r` into `batch` (the identity module sets trust anchors).
  absl::Status PutOrganization(const rec::OrganizationRecord& r, storage::WriteBatch* batch) const;
  // Whether organisation `org` holds any client. UNAVAILABLE when the store
  // fails.
  absl::StatusOr<bool> HoldsClientData(std::string_view org) const;
  // The clients with personal code `code` in every organisation (through
  // each organisation's blind index), without a policy decision: for the
  // core's own use. The code must be valid.
  absl::StatusOr<std::vector<std::string>> ClientsWithPersonalCode(std::string_view code) const;
  // For the core's own use (a subject access export, decided once for the
  // client): the client as the API shows it, and every case of the client
  // (closed ones included) with the reporter of a concern withheld.
  absl::StatusOr<v1::Client> ClientToApi(const rec::ClientRecord& r) const;
  // The client as `caller` sees it: ClientToApi with only the projects the
  // caller may read the client in.
  absl::StatusOr<v1::Client> ClientView(const Principal& caller, const rec::ClientRecord& r) const;
  // The principals who reported a concern about the client (protected
  // reporters): the access report withholds them in every entry.
  absl::StatusOr<std::vector<std::string>> ProtectedActorsOf(std::string_view client_id) const;
  absl::StatusOr<std::vector<v1::Case>> CasesOfClient(std::string_view client_id) const;
  // The ids of every case of project `project_id` (closed ones included),
  // without a policy decision: for modules that decide case by case.
  absl::StatusOr<std::vector<std::string>> CaseIdsOfProject(std::string_view project_id) const;

  // Whether record `record_id` is a record of case `case_id`: asked of the
  // records module, which comes after this one and owns its index (set
  // when the vault is wired). Unset: every such question is NOT_FOUND.
  using RecordOfCaseCheck =
      std::function<absl::StatusOr<bool>(std::string_view case_id, std::string_view record_id)>;
  void SetRecordOfCaseCheck(RecordOfCaseCheck check) { record_of_case_ = std::move(check); }
  // Tells `lifecycle` (retention) of every case closed or reopened from
  // now on, in the change's own batch. Set once, before serving.
  void SetLifecycle(Lifecycle* lifecycle) { lifecycle_ = lifecycle; }

  // Principal `id` as the policy sees it (kind, memberships), or NOT_FOUND:
  // asked of the identity module, which comes after this one and owns the
  // principals' records (set when the vault is wired). Unset: NOT_FOUND.
  using PrincipalLookup = std::function<absl::StatusOr<Principal>(std::string_view id)>;
  void SetPrincipalLookup(PrincipalLookup lookup) { principal_lookup_ = std::move(lookup); }

  // Where an object sits (organisation, projects, client, case, assignee):
  // a plain, ids-only index written with the object. It answers only one
  // question: when an object's sealed record cannot be opened (DATA_LOSS),
  // whether the caller would have been allowed to read it, so that they get
  // DATA_LOSS and everybody else NOT_FOUND. Authorization of readable
  // objects always uses the authenticated record.
  static void PutLocation(std::string_view id, const Target& where, storage::WriteBatch* batch);
  // Adds to `batch` the removal of object `id`'s location (it is destroyed).
  static void DeleteLocation(std::string_view id, storage::WriteBatch* batch);
  // For retention's own use (erasure): adds to `batch` the removal of
  // client `client_id` and every case of theirs, with their indexes, their
  // locations and the blind index of the client's personal code, so that
  // neither the id nor the code finds anything once the batch commits.
  // Returns the ids of the cases. NOT_FOUND "client: not found"; DATA_LOSS
  // when a stored record fails to open; errors of the store as they are.
  absl::StatusOr<std::vector<std::string>> DestroyClient(std::string_view client_id,
                                                         storage::WriteBatch* batch) const;
  Target LocationOf(std::string_view id) const override;

  // The policy target of a list over project `project_id`. A project that
  // does not exist gets a target nobody's scope covers.
  absl::StatusOr<Target> ProjectContainer(std::string_view project_id) const;

  // The guarded prologue (access/guard.h) of `call` on the client or the
  // case it names, `loaded` being the caller's load of it: decides on the
  // loaded record's target, or on its location when it could not be
  // loaded, and reveals the load's error only to an allowed caller.
  // Returns the target decided; the denial or the load's error otherwise
  // (NOT_FOUND as "<call.field>: not found").
  absl::StatusOr<Target> RevealClient(const RequestContext& ctx, const GuardedCall& call,
                                      const absl::StatusOr<rec::ClientRecord>& loaded) const;
  absl::StatusOr<Target> RevealCase(const RequestContext& ctx, const GuardedCall& call,
                                    const absl::StatusOr<rec::CaseRecord>& loaded) const;

  // Policy targets of stored objects (loading what they depend on).
  Target ClientTarget(const rec::ClientRecord& c) const;
  // DATA_LOSS/UNAVAILABLE when the case's project cannot be read.
  absl::StatusOr<Target> CaseTarget(const rec::CaseRecord& c) const;
  // A case's target without its project's visibility setting.
  static Target CaseLocation(const rec::CaseRecord& c);

 private:
  RecordOfCaseCheck record_of_case_;
  Lifecycle* lifecycle_ = nullptr;
  PrincipalLookup principal_lookup_;
  absl::StatusOr<Principal> LookUpPrincipal(std::string_view id) const;
  std::string NewId(IdKind kind) const;
  // Adds a new client's subject key, record and indexes to `batch` (not its
  // blind index, which needs personal_code_mu_).
  absl::Status PutNewClient(const rec::ClientRecord& r, storage::WriteBatch* batch);
  // Every case of the client as stored (closed ones included).
  absl::StatusOr<std::vector<rec::CaseRecord>> CaseRecordsOfClient(
      std::string_view client_id) const;
  // Adds `projects` the client is not in yet to `client` with their index
  // entries and location; the caller puts the client record itself.
  void JoinProjects(const google::protobuf::RepeatedPtrField<std::string>& projects,
                    rec::ClientRecord* client, storage::WriteBatch* batch) const;
  // A new client record (id, names, code or the reason for none, birth date,
  // creation stamp); the caller adds its projects.
  rec::ClientRecord NewClientRecord(std::string_view org, std::string_view given,
                                    std::string_view family, std::string_view code,
                                    std::string_view no_code_reason,
                                    const std::optional<CivilDate>& birth,
                                    std::string_view created_by) const;
  // Adds a new case's record and indexes to `batch`.
  absl::Status PutNewCase(const rec::CaseRecord& r, storage::WriteBatch* batch);
  // OK when `worker_id` holds case_worker or project_manager in the project;
  // INVALID_ARGUMENT naming `field` otherwise.
  absl::Status CheckWorker(std::string_view worker_id, std::string_view project_id,
                           std::string_view field) const;

  storage::KvStore* store_;
  keys::Keyring* keyring_;
  Clock* clock_;
  const Policy* policy_;
  Limits limits_;
  SealedRecords records_;
  std::mutex personal_code_mu_;  // serialises uniqueness check + insert
  std::mutex assign_mu_;         // serialises read-modify-write of cases, organisations
};

// An organisation as the API shows it.
v1::Organization OrganizationToApi(const rec::OrganizationRecord& r);

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_DIRECTORY_REGISTRY_H_
