// VaultClient: a typed C++ client for the Hoidla vault: every service of
// hoidla.v1 (Identity, Directory, Cases, Documents, Records, Instruments,
// Consents, Disclosures, Audit, SubjectAccess, KeyAdmin, Retention) over one
// channel.
//
// It is for programs that talk to vaultd: the vaultctl command-line tool, the
// integration tests and any other C++ caller. It wraps a gRPC channel and the
// generated stubs so that callers deal only in request/response messages and
// absl::Status:
//
//   * Every call carries the credential as `authorization: Bearer <token>`
//     metadata (nothing is sent when the token is empty, which the server
//     answers with UNAUTHENTICATED), and, when set, `x-hoidla-act-for` and
//     `x-hoidla-purpose` (ConnectOptions::act_for and purpose).
//   * Every unary call gets a deadline (ConnectOptions::unary_timeout, 30 s by
//     default); the streaming calls (document transfers, the audit export)
//     have none, because their duration depends on the amount of data.
//   * A failed RPC is reported as the absl::Status with the same code and
//     message as the gRPC status (see ToAbslStatus). The server's conventions
//     (NOT_FOUND for objects the caller may not see, INVALID_ARGUMENT naming
//     the offending field, DATA_LOSS for stored bytes that fail
//     authentication, ...) are described in doc/api.md and the proto files.
//   * Nothing here throws.
//
// Example:
//
//   hoidla::client::ConnectOptions options;
//   options.address = "vault.example.org:7443";
//   options.token = token;
//   options.ca_cert_file = "/etc/hoidla/ca.pem";
//   auto client = hoidla::client::VaultClient::Connect(options);
//   if (!client.ok()) return client.status();
//   hoidla::v1::GetClientRequest request;
//   request.set_id("cli_...");
//   absl::StatusOr<hoidla::v1::Client> subject = (*client)->GetClient(request);
//
// Thread-safety: a VaultClient is immutable after construction and safe for
// concurrent use by multiple threads (gRPC stubs are thread-safe). The streams
// passed to the document transfer methods belong to the caller and must not be
// used concurrently with the call.
#ifndef HOIDLA_CLIENT_VAULT_CLIENT_H_
#define HOIDLA_CLIENT_VAULT_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"
#include "hoidla/v1/audit.grpc.pb.h"
#include "hoidla/v1/cases.grpc.pb.h"
#include "hoidla/v1/consents.grpc.pb.h"
#include "hoidla/v1/directory.grpc.pb.h"
#include "hoidla/v1/disclosures.grpc.pb.h"
#include "hoidla/v1/documents.grpc.pb.h"
#include "hoidla/v1/identity.grpc.pb.h"
#include "hoidla/v1/instruments.grpc.pb.h"
#include "hoidla/v1/key_admin.grpc.pb.h"
#include "hoidla/v1/records.grpc.pb.h"
#include "hoidla/v1/retention.grpc.pb.h"
#include "hoidla/v1/subject_access.grpc.pb.h"

namespace hoidla::client {

// Default deadline of each unary call.
inline constexpr std::chrono::milliseconds kDefaultUnaryTimeout = std::chrono::seconds(30);

// Size of the `data` messages UploadDocument sends (1 MiB; the server accepts
// up to 4 MiB per message).
inline constexpr size_t kUploadChunkSize = size_t{1} << 20;

// How to reach and authenticate to a vault.
struct ConnectOptions {
  // Required: "host:port" (or any gRPC target, such as "unix:/path").
  std::string address;
  // The bearer token sent with every call. Never logged or echoed by this
  // library. Empty means calls carry no credential.
  std::string token;
  // PEM file with the CA certificate(s) that sign the server's certificate.
  // Empty means a plaintext channel (development and loopback only).
  std::string ca_cert_file;
  // Optional mutual TLS: PEM files with the client certificate chain and its
  // private key. Both or neither; only together with ca_cert_file.
  std::string client_cert_file;
  std::string client_key_file;
  // Optional: the name to verify the server certificate against instead of
  // the host in `address` (for example when connecting by IP address). Only
  // together with ca_cert_file.
  std::string server_name_override;
  // Deadline of each unary call, measured from when the call starts. Zero or
  // negative means no deadline.
  std::chrono::milliseconds unary_timeout = kDefaultUnaryTimeout;
  // For service accounts allowed to act for users: the principal id of the
  // user every call is made for (sent as `x-hoidla-act-for`). Empty: the
  // token's own principal.
  std::string act_for;
  // For partner agency workers: the purpose of every call (sent as
  // `x-hoidla-purpose`), such as "employment_support": what a consent in
  // force must release to the caller's organisation for. Lowercase letters,
  // digits and `_`, at most 64 characters. Empty: no purpose is stated.
  std::string purpose;
};

// Longest purpose ConnectOptions::purpose accepts.
inline constexpr size_t kMaxPurposeLength = 64;

// Converts a gRPC status to the absl::Status with the same code and message.
// This is the only place the client converts between the two. Codes outside
// the canonical range become UNKNOWN.
absl::Status ToAbslStatus(const grpc::Status& status);

class VaultClient {
 public:
  // Creates a client for `options.address`. Validates the options and reads
  // the PEM files, but does not contact the server: channels connect lazily,
  // and a server that cannot be reached makes the first call fail with
  // UNAVAILABLE. Returns the client on success; INVALID_ARGUMENT whose message
  // names the offending option (for example "ca_cert_file: cannot read
  // '/x.pem': No such file or directory", or "purpose: ..." for a purpose
  // that is not lowercase letters, digits and `_`) when an option is empty,
  // malformed, inconsistent or names an unreadable or empty file. Never
  // includes the token in a message.
  static absl::StatusOr<std::unique_ptr<VaultClient>> Connect(const ConnectOptions& options);

  // Creates a client over an existing channel (for example an in-process
  // channel in tests). `token` and `unary_timeout` as in ConnectOptions.
  // Never fails; `channel` must not be null.
  static std::unique_ptr<VaultClient> FromChannel(
      std::shared_ptr<grpc::Channel> channel, std::string token,
      std::chrono::milliseconds unary_timeout = kDefaultUnaryTimeout);

  VaultClient(const VaultClient&) = delete;
  VaultClient& operator=(const VaultClient&) = delete;
  ~VaultClient();

  // Unary calls. Each sends `request` once with the credential and the unary
  // deadline. On success returns the server's response. On failure returns the
  // RPC's status unchanged in code and message: the server's error, or
  // UNAVAILABLE when the server cannot be reached, DEADLINE_EXCEEDED when the
  // deadline passes, and so on. The calls are not retried.

  // Who the presented credential belongs to.
  absl::StatusOr<hoidla::v1::WhoAmIResponse> WhoAmI(
      const hoidla::v1::WhoAmIRequest& request = {}) const;

  // Creates a principal (kind, display name, organisation; no memberships).
  // On success returns it with its new id. On failure returns the server's
  // status, for example INVALID_ARGUMENT naming a bad field, or
  // PERMISSION_DENIED for a caller who may not manage principals.
  absl::StatusOr<hoidla::v1::Principal> CreatePrincipal(
      const hoidla::v1::CreatePrincipalRequest& request) const;
  // On success returns the principal with its memberships; NOT_FOUND when
  // there is none the caller may see.
  absl::StatusOr<hoidla::v1::Principal> GetPrincipal(
      const hoidla::v1::GetPrincipalRequest& request) const;
  // On success returns one page of principals (all the caller may see, or
  // those of request.organization_id()) and the next page's token.
  absl::StatusOr<hoidla::v1::ListPrincipalsResponse> ListPrincipals(
      const hoidla::v1::ListPrincipalsRequest& request) const;
  // Grants a role in a scope. On success returns the principal with its
  // memberships after the change. On failure returns the server's status:
  // ALREADY_EXISTS when the principal holds the role in that scope,
  // INVALID_ARGUMENT when the scope does not fit the role, ...
  absl::StatusOr<hoidla::v1::Principal> AddMembership(
      const hoidla::v1::AddMembershipRequest& request) const;
  // Withdraws a role; effective for the principal's very next call. On
  // success returns the principal with its remaining memberships; NOT_FOUND
  // when the principal does not hold the role in that scope.
  absl::StatusOr<hoidla::v1::Principal> RemoveMembership(
      const hoidla::v1::RemoveMembershipRequest& request) const;

  // Issues an API token: a session for the caller (request.principal_id()
  // empty or the caller's own) or a service account's token. On success the
  // response holds the bearer token itself, which the vault cannot show again (the caller must
  // hand it on or store it, and must not log it; this library never does),
  // its id and its expiry. On failure returns the server's status, for
  // example INVALID_ARGUMENT for a ttl_seconds outside 1 to 31536000.
  absl::StatusOr<hoidla::v1::IssueTokenResponse> IssueToken(
      const hoidla::v1::IssueTokenRequest& request) const;
  // Revokes a token by its id (not the token itself); effective for the
  // token's very next call. On success returns an empty response; NOT_FOUND
  // when there is no such token the caller may see.
  absl::StatusOr<hoidla::v1::RevokeTokenResponse> RevokeToken(
      const hoidla::v1::RevokeTokenRequest& request) const;
  // On success returns one page of a principal's tokens (ids, kinds, times
  // and state, never the tokens) and the next page's token; NOT_FOUND for a
  // principal the caller may not see.
  absl::StatusOr<hoidla::v1::ListTokensResponse> ListTokens(
      const hoidla::v1::ListTokensRequest& request) const;
  // Disables an account: every credential of it is refused from its very
  // next call. On success returns the principal (disabled); the server's
  // status otherwise (PERMISSION_DENIED, NOT_FOUND, ...).
  absl::StatusOr<hoidla::v1::Principal> DisablePrincipal(
      const hoidla::v1::DisablePrincipalRequest& request) const;
  // Removes a certificate mapping; returns the principal without it.
  // NOT_FOUND "subject: not mapped to this principal" otherwise.
  absl::StatusOr<hoidla::v1::Principal> RemoveCertificateMapping(
      const hoidla::v1::RemoveCertificateMappingRequest& request) const;

  // Signing in: exchanges an OpenID Connect ID token for a vault session
  // token. Needs no credential (a client made with an empty token will do).
  // On success the response holds the session token (shown once), its id
  // and expiry. On failure returns the server's status: UNAUTHENTICATED, with
  // one message, for every ID token the vault does not accept;
  // FAILED_PRECONDITION naming client_organization_id for a data subject
  // who is a client of several organisations.
  absl::StatusOr<hoidla::v1::IssueTokenResponse> ExchangeIdToken(
      const hoidla::v1::ExchangeIdTokenRequest& request) const;

  // Grant requests (four eyes). Creates a request; on success returns it
  // (APPLIED when no approval was needed, PENDING otherwise) and, for a
  // service-account token, the token itself (shown once; refused until the
  // request is approved).
  absl::StatusOr<hoidla::v1::CreateGrantRequestResponse> CreateGrantRequest(
      const hoidla::v1::CreateGrantRequestRequest& request) const;
  // On success returns the request; NOT_FOUND for one the caller may not see.
  absl::StatusOr<hoidla::v1::GrantRequest> GetGrantRequest(
      const hoidla::v1::GetGrantRequestRequest& request) const;
  // On success returns one page of an organisation's requests, newest first
  // (optionally of one state), and the next page's token.
  absl::StatusOr<hoidla::v1::ListGrantRequestsResponse> ListGrantRequests(
      const hoidla::v1::ListGrantRequestsRequest& request) const;
  // Approves and applies a pending request; returns it, APPROVED. On failure
  // returns the server's status: PERMISSION_DENIED for its requester, the
  // account it is for or anyone but a head of its organisation,
  // FAILED_PRECONDITION when it is no longer pending, ...
  absl::StatusOr<hoidla::v1::GrantRequest> ApproveGrantRequest(
      const hoidla::v1::ApproveGrantRequestRequest& request) const;
  // Denies a pending request (an approver) or withdraws it (its requester);
  // returns it, DENIED or WITHDRAWN.
  absl::StatusOr<hoidla::v1::GrantRequest> DenyGrantRequest(
      const hoidla::v1::DenyGrantRequestRequest& request) const;

  absl::StatusOr<hoidla::v1::Organization> CreateOrganization(
      const hoidla::v1::CreateOrganizationRequest& request) const;
  absl::StatusOr<hoidla::v1::Organization> GetOrganization(
      const hoidla::v1::GetOrganizationRequest& request) const;
  absl::StatusOr<hoidla::v1::ListOrganizationsResponse> ListOrganizations(
      const hoidla::v1::ListOrganizationsRequest& request) const;

  absl::StatusOr<hoidla::v1::Project> CreateProject(
      const hoidla::v1::CreateProjectRequest& request) const;
  absl::StatusOr<hoidla::v1::Project> GetProject(
      const hoidla::v1::GetProjectRequest& request) const;
  absl::StatusOr<hoidla::v1::ListProjectsResponse> ListProjects(
      const hoidla::v1::ListProjectsRequest& request) const;

  absl::StatusOr<hoidla::v1::Client> CreateClient(
      const hoidla::v1::CreateClientRequest& request) const;
  absl::StatusOr<hoidla::v1::Client> GetClient(const hoidla::v1::GetClientRequest& request) const;
  absl::StatusOr<hoidla::v1::Client> FindClientByPersonalCode(
      const hoidla::v1::FindClientByPersonalCodeRequest& request) const;
  absl::StatusOr<hoidla::v1::ListClientsResponse> ListClients(
      const hoidla::v1::ListClientsRequest& request) const;

  absl::StatusOr<hoidla::v1::Case> CreateCase(const hoidla::v1::CreateCaseRequest& request) const;
  absl::StatusOr<hoidla::v1::Case> GetCase(const hoidla::v1::GetCaseRequest& request) const;
  absl::StatusOr<hoidla::v1::ListCasesResponse> ListCases(
      const hoidla::v1::ListCasesRequest& request) const;
  // Assigns a case to a worker of its project, or transfers it (the previous
  // worker's access ends). On success returns the case with its new
  // assigned_worker_id. On failure returns the server's status, for example
  // PERMISSION_DENIED for a caller who may not assign cases.
  absl::StatusOr<hoidla::v1::Case> AssignCase(const hoidla::v1::AssignCaseRequest& request) const;
  // Adds partner workers to, or removes principals from, a case's network;
  // returns the case with its network. NOT_FOUND / INVALID_ARGUMENT naming
  // the member field; FAILED_PRECONDITION for a closed case.
  absl::StatusOr<hoidla::v1::Case> UpdateCaseNetwork(
      const hoidla::v1::UpdateCaseNetworkRequest& request) const;
  // Closes a case with a reason (a referral names the organisation referred
  // to; a follow-up names a plan_evaluation record of the case). The case is
  // read-only from then on and its retention clock starts. On success
  // returns the case with status closed, its new closing event and
  // retention_clock_started_at. On failure returns the server's status:
  // FAILED_PRECONDITION when it is closed already, INVALID_ARGUMENT naming a
  // bad field (no reason, a referral without its organisation, ...),
  // NOT_FOUND for a case, organisation or follow-up record the caller may
  // not see.
  absl::StatusOr<hoidla::v1::Case> CloseCase(const hoidla::v1::CloseCaseRequest& request) const;
  // Reopens a closed case (the client returned; the retention clock stops).
  // On success returns the case, open, with its new reopening event. On
  // failure returns the server's status: FAILED_PRECONDITION when it is
  // open, NOT_FOUND when there is no such case the caller may see, ...
  absl::StatusOr<hoidla::v1::Case> ReopenCase(const hoidla::v1::ReopenCaseRequest& request) const;
  // Sets an organisation's client certificate authority. Returns the
  // organisation; the server's status otherwise.
  absl::StatusOr<hoidla::v1::Organization> SetOrganizationClientCa(
      const hoidla::v1::SetOrganizationClientCaRequest& request) const;
  // Sets (or, with an empty crl_pem, removes) an organisation's certificate
  // revocation lists. Returns the organisation; the server's status
  // otherwise.
  absl::StatusOr<hoidla::v1::Organization> SetOrganizationCrl(
      const hoidla::v1::SetOrganizationCrlRequest& request) const;
  // Sets an organisation's OpenID Connect identity provider. Returns the
  // organisation; FAILED_PRECONDITION once it has a head (use
  // CreateGrantRequest), the server's status otherwise.
  absl::StatusOr<hoidla::v1::Organization> SetOrganizationIdentityProvider(
      const hoidla::v1::SetOrganizationIdentityProviderRequest& request) const;
  // Maps a certificate subject to a principal. Returns the principal; the
  // server's status otherwise.
  absl::StatusOr<hoidla::v1::Principal> MapCertificate(
      const hoidla::v1::MapCertificateRequest& request) const;

  absl::StatusOr<hoidla::v1::Document> GetDocument(
      const hoidla::v1::GetDocumentRequest& request) const;
  absl::StatusOr<hoidla::v1::ListDocumentsResponse> ListDocuments(
      const hoidla::v1::ListDocumentsRequest& request) const;

  absl::StatusOr<hoidla::v1::KeyStatus> GetKeyStatus(
      const hoidla::v1::GetKeyStatusRequest& request = {}) const;
  absl::StatusOr<hoidla::v1::KeyStatus> RotateKeyEncryptionKey(
      const hoidla::v1::RotateKeyEncryptionKeyRequest& request = {}) const;
  absl::StatusOr<hoidla::v1::RewrapKeysResponse> RewrapKeys(
      const hoidla::v1::RewrapKeysRequest& request = {}) const;
  absl::StatusOr<hoidla::v1::KeyStatus> RetireKeyEncryptionKey(
      const hoidla::v1::RetireKeyEncryptionKeyRequest& request) const;

  // Consents (doc/consents.md): who may release what to whom. The calls send
  // the purpose of ConnectOptions like every other call; partner workers
  // need it for QueryRecordExistence and to read released documents.

  // Records version 1 of a new consent (request.consent() without its
  // output-only fields). On success returns the consent with its new id,
  // version 1 and status, and the receipt: a C2SP signed note signed with the
  // audit signing key (check it offline with `vaultctl consent verify`). On
  // failure returns the server's status, for example INVALID_ARGUMENT naming
  // a bad field, NOT_FOUND "consent.client_id" for a client the caller may
  // not see, or PERMISSION_DENIED for a caller who may not record consents.
  absl::StatusOr<hoidla::v1::ConsentReceipt> RecordConsent(
      const hoidla::v1::RecordConsentRequest& request) const;
  // Records a new version of a consent, superseding request.expected_version().
  // On success returns the new version and its receipt. On failure returns
  // the server's status: ABORTED when expected_version is no longer the
  // current version (someone revised it meanwhile), FAILED_PRECONDITION when
  // the consent was withdrawn, INVALID_ARGUMENT when the client or project
  // changed, NOT_FOUND, ...
  absl::StatusOr<hoidla::v1::ConsentReceipt> ReviseConsent(
      const hoidla::v1::ReviseConsentRequest& request) const;
  // Withdraws a consent from now on. On success returns the current version
  // with its withdrawal (status withdrawn, withdrawn_at, withdrawn_by). On
  // failure returns the server's status: FAILED_PRECONDITION when it was
  // withdrawn already, NOT_FOUND when there is no such consent the caller may
  // see.
  absl::StatusOr<hoidla::v1::Consent> WithdrawConsent(
      const hoidla::v1::WithdrawConsentRequest& request) const;
  // Confirms the in-organisation release of a consent's current version
  // (request.version()). On success returns the consent with its
  // release_confirmation. On failure returns the server's status:
  // PERMISSION_DENIED for its recorder or anyone but a project manager or
  // head of the consent's project, FAILED_PRECONDITION when the version
  // needs no confirmation or is confirmed already, ABORTED when it is not
  // the current version, ...
  absl::StatusOr<hoidla::v1::Consent> ConfirmConsentRelease(
      const hoidla::v1::ConfirmConsentReleaseRequest& request) const;
  // On success returns one version of a consent (the current one when
  // request.version() is 0); NOT_FOUND when there is no such consent or
  // version the caller may see.
  absl::StatusOr<hoidla::v1::Consent> GetConsent(
      const hoidla::v1::GetConsentRequest& request) const;
  // On success returns a client's consents in force at request.at() (now
  // when unset), or with request.all_versions() every version, oldest first.
  // On failure returns the server's status (NOT_FOUND for a client the caller
  // may not see, ...).
  absl::StatusOr<hoidla::v1::ListConsentsResponse> ListConsents(
      const hoidla::v1::ListConsentsRequest& request) const;
  // Releases named items of a client to a recipient organisation without
  // consent, under a legal basis, for request.disclosure().valid_hours(). On
  // success returns the disclosure with its id, valid_until and review
  // pending (it is in the data protection officer's review queue from then
  // on). On failure returns the server's status, for example
  // INVALID_ARGUMENT naming a bad field or NOT_FOUND "disclosure.item_ids[i]"
  // for an item the caller cannot read.
  absl::StatusOr<hoidla::v1::Disclosure> DiscloseWithoutConsent(
      const hoidla::v1::DiscloseWithoutConsentRequest& request) const;
  // On success returns one page of an organisation's disclosures without
  // consent, newest first (with request.pending_only(), the review queue),
  // and the next page's token; the server's status otherwise.
  absl::StatusOr<hoidla::v1::ListDisclosuresResponse> ListDisclosures(
      const hoidla::v1::ListDisclosuresRequest& request) const;
  // Records a data protection officer's review (upheld or rejected; a
  // rejected release ends at once). On success returns the reviewed
  // disclosure. On failure returns the server's status: FAILED_PRECONDITION
  // when it was reviewed already, PERMISSION_DENIED for a caller who is not a
  // data protection officer, ...
  absl::StatusOr<hoidla::v1::Disclosure> ReviewDisclosure(
      const hoidla::v1::ReviewDisclosureRequest& request) const;
  // A partner worker's existence query for the stated purpose. On success
  // returns whether a record or document of request.kind() exists where a
  // consent in force lets the caller's organisation ask, with the owning
  // organisations (and client ids where the kind is also released); "no"
  // otherwise, never content. On failure returns the server's status, for
  // example INVALID_ARGUMENT for a malformed personal code or kind.
  absl::StatusOr<hoidla::v1::QueryRecordExistenceResponse> QueryRecordExistence(
      const hoidla::v1::QueryRecordExistenceRequest& request) const;

  // Assessment records (doc/records.md, doc/records-forms.md): versioned
  // form parts and instruments of a case, sealed under the client's key.

  // Creates version 1 of a record in request.record().case_id() with
  // request.record().content() (and an optional change note; the other
  // fields are output only). On success returns the record with its new id,
  // version 1, kind, creation time and author. On failure returns the
  // server's status: INVALID_ARGUMENT naming a bad field of the content
  // ("record.content.intake_assessment.client.personal_code: ..."),
  // FAILED_PRECONDITION when the case is closed or a rule across the case's
  // records refuses it (a case plan before the initial decision, ...),
  // NOT_FOUND for a case the caller may not see, PERMISSION_DENIED for a
  // caller who may not write records.
  absl::StatusOr<hoidla::v1::Record> CreateRecord(
      const hoidla::v1::CreateRecordRequest& request) const;
  // Records a new version of a record with new content of the same kind,
  // replacing request.expected_version(). On success returns the new
  // version. On failure returns the server's status: ABORTED when
  // expected_version is no longer the current version (someone changed it
  // meanwhile), FAILED_PRECONDITION for an activity log entry (append-only),
  // locked minutes without a change note or a closed case,
  // INVALID_ARGUMENT naming a bad field, NOT_FOUND, ...
  absl::StatusOr<hoidla::v1::Record> UpdateRecord(
      const hoidla::v1::UpdateRecordRequest& request) const;
  // On success returns one version of a record (the current one when
  // request.version() is 0), third parties withheld where the caller reads
  // through a consent; NOT_FOUND when there is no such record or version
  // the caller may see.
  absl::StatusOr<hoidla::v1::Record> GetRecord(const hoidla::v1::GetRecordRequest& request) const;
  // On success returns every version of a record, oldest first; NOT_FOUND
  // when there is no such record the caller may see.
  absl::StatusOr<hoidla::v1::ListRecordVersionsResponse> ListRecordVersions(
      const hoidla::v1::ListRecordVersionsRequest& request) const;
  // On success returns one page of a case's or a client's records (current
  // versions; exactly one of case_id and client_id), optionally of one kind
  // and created in [created_from, created_until), and the next page's
  // token. On failure returns the server's status (INVALID_ARGUMENT when
  // both or neither scope is given, NOT_FOUND for a case or client the
  // caller may not see, ...).
  absl::StatusOr<hoidla::v1::ListRecordsResponse> ListRecords(
      const hoidla::v1::ListRecordsRequest& request) const;
  // Records a signature event (who signed, in which role, on paper with a
  // scan or digitally with a container reference) on request.version(),
  // which must be the current version. On success returns the record with
  // its signatures (and locked, for minutes every required signer has
  // signed). On failure returns the server's status: ABORTED when the
  // version is not the current one, FAILED_PRECONDITION for locked minutes
  // or a closed case, INVALID_ARGUMENT naming a bad field of the signature,
  // NOT_FOUND, ...
  absl::StatusOr<hoidla::v1::Record> SignRecord(const hoidla::v1::SignRecordRequest& request) const;

  // Instruments (doc/records.md): an organisation's own assessment
  // instruments, registered as versioned schemas that custom records are
  // checked against.

  // Registers request.instrument() (organisation, name, description and
  // fields; without its output-only fields): version 1 of a new instrument,
  // or the next version when the organisation has one of that name. On success returns the version
  // registered with its id (the same for every version), version number, creation time and author.
  // On failure returns the server's status: INVALID_ARGUMENT naming a bad field
  // ("instrument.fields[2].options: ...", "instrument.id" when an output-only
  // field is set), NOT_FOUND for an organisation the
  // caller may not see, PERMISSION_DENIED for a caller who is not a head of
  // the organisation.
  absl::StatusOr<hoidla::v1::Instrument> RegisterInstrument(
      const hoidla::v1::RegisterInstrumentRequest& request) const;
  // On success returns one version of an instrument (the newest when
  // request.version() is 0); NOT_FOUND when there is no such instrument or
  // version the caller may see.
  absl::StatusOr<hoidla::v1::Instrument> GetInstrument(
      const hoidla::v1::GetInstrumentRequest& request) const;
  // On success returns the newest version of each instrument of
  // request.organization_id(). On failure returns the server's status
  // (NOT_FOUND for an organisation the caller may not see, ...).
  absl::StatusOr<hoidla::v1::ListInstrumentsResponse> ListInstruments(
      const hoidla::v1::ListInstrumentsRequest& request) const;

  // Retention (doc/retention.md): schedules and legal holds. Each returns
  // what the server answered: on success the schedule (or hold) as stored,
  // or the list page; on failure the server's status as the method in
  // proto/hoidla/v1/retention.proto documents it (INVALID_ARGUMENT naming
  // the field, NOT_FOUND naming the field for what the caller may not see,
  // PERMISSION_DENIED without a role that manages retention, ALREADY_EXISTS
  // for a scope that has a schedule, ABORTED for a stale expected_version,
  // FAILED_PRECONDITION for a hold lifted already).
  absl::StatusOr<hoidla::v1::RetentionSchedule> CreateRetentionSchedule(
      const hoidla::v1::CreateRetentionScheduleRequest& request) const;
  absl::StatusOr<hoidla::v1::RetentionSchedule> UpdateRetentionSchedule(
      const hoidla::v1::UpdateRetentionScheduleRequest& request) const;
  absl::StatusOr<hoidla::v1::RetentionSchedule> GetRetentionSchedule(
      const hoidla::v1::GetRetentionScheduleRequest& request) const;
  absl::StatusOr<hoidla::v1::ListRetentionSchedulesResponse> ListRetentionSchedules(
      const hoidla::v1::ListRetentionSchedulesRequest& request) const;
  absl::StatusOr<hoidla::v1::RetentionSchedule> ResolveRetentionSchedule(
      const hoidla::v1::ResolveRetentionScheduleRequest& request) const;
  absl::StatusOr<hoidla::v1::LegalHold> PlaceLegalHold(
      const hoidla::v1::PlaceLegalHoldRequest& request) const;
  absl::StatusOr<hoidla::v1::LegalHold> LiftLegalHold(
      const hoidla::v1::LiftLegalHoldRequest& request) const;
  absl::StatusOr<hoidla::v1::LegalHold> GetLegalHold(
      const hoidla::v1::GetLegalHoldRequest& request) const;
  absl::StatusOr<hoidla::v1::ListLegalHoldsResponse> ListLegalHolds(
      const hoidla::v1::ListLegalHoldsRequest& request) const;
  // Disposal (doc/retention.md): the due list and its decisions, a sweep
  // on demand, and disposal certificates. As above: NOT_FOUND naming the
  // field for what the caller may not see, PERMISSION_DENIED without a
  // role that disposes (or reads disposals), FAILED_PRECONDITION for an
  // item not on the due list, INVALID_ARGUMENT naming the field.
  absl::StatusOr<hoidla::v1::ListDueDisposalsResponse> ListDueDisposals(
      const hoidla::v1::ListDueDisposalsRequest& request) const;
  absl::StatusOr<hoidla::v1::DueDisposal> ApproveDisposal(
      const hoidla::v1::ApproveDisposalRequest& request) const;
  absl::StatusOr<hoidla::v1::DueDisposal> PostponeDisposal(
      const hoidla::v1::PostponeDisposalRequest& request) const;
  absl::StatusOr<hoidla::v1::RunDisposalResponse> RunDisposal(
      const hoidla::v1::RunDisposalRequest& request) const;
  absl::StatusOr<hoidla::v1::DisposalCertificate> GetDisposalCertificate(
      const hoidla::v1::GetDisposalCertificateRequest& request) const;
  absl::StatusOr<hoidla::v1::ListDisposalCertificatesResponse> ListDisposalCertificates(
      const hoidla::v1::ListDisposalCertificatesRequest& request) const;
  // Erasure on request: the certificate on success; FAILED_PRECONDITION
  // naming the hold or schedule that still applies.
  absl::StatusOr<hoidla::v1::DisposalCertificate> EraseClient(
      const hoidla::v1::EraseClientRequest& request) const;

  // On success returns what is overdue or due within request.within_days()
  // (14 when 0) in the open cases of request.project_id(), or in the case
  // request.case_id() (exactly one), that the caller may read, soonest
  // first. On failure returns the server's status: INVALID_ARGUMENT when
  // both or neither scope is given or within_days is outside 0 to 366,
  // NOT_FOUND for a project or case the caller may not see, ...
  absl::StatusOr<hoidla::v1::ListDeadlinesResponse> ListDeadlines(
      const hoidla::v1::ListDeadlinesRequest& request) const;

  // Audit log integrity (system administrators, auditors and data protection
  // officers; see doc/audit.md). The responses are what the server says: a
  // caller that does not trust the server checks the signed note with a
  // verifier key it trusts and the proofs with the verifiers of
  // vault/audit/merkle.h (vaultctl audit verify/watch do).

  // The newest signed checkpoint (with request.fresh(), one of the current
  // tree head signed first).
  absl::StatusOr<hoidla::v1::Checkpoint> GetCheckpoint(
      const hoidla::v1::GetCheckpointRequest& request = {}) const;
  // The inclusion proof of entry request.seq() in the tree of
  // request.tree_size() entries, with the entry's bytes.
  absl::StatusOr<hoidla::v1::InclusionProof> GetInclusionProof(
      const hoidla::v1::GetInclusionProofRequest& request) const;
  // The consistency proof between the trees of request.old_size() and
  // request.new_size() entries.
  absl::StatusOr<hoidla::v1::ConsistencyProof> GetConsistencyProof(
      const hoidla::v1::GetConsistencyProofRequest& request) const;
  // The checkpoint signing keys as C2SP verifier keys, oldest first.
  absl::StatusOr<hoidla::v1::AuditPublicKeys> GetAuditPublicKeys(
      const hoidla::v1::GetAuditPublicKeysRequest& request = {}) const;
  // Adds and activates a new checkpoint signing key; returns the keys after
  // the change.
  absl::StatusOr<hoidla::v1::AuditPublicKeys> RotateAuditSigningKey(
      const hoidla::v1::RotateAuditSigningKeyRequest& request = {}) const;

  // Audit entries matching every filter set in `request`, newest first
  // (auditors and data protection officers of an organisation, system
  // administrators).
  absl::StatusOr<hoidla::v1::ListAuditEntriesResponse> ListAuditEntries(
      const hoidla::v1::ListAuditEntriesRequest& request) const;
  // A client's access report ("who saw my data"), newest first: for the data
  // subject and data protection officers of the client's organisation.
  absl::StatusOr<hoidla::v1::AccessReport> GetAccessReport(
      const hoidla::v1::GetAccessReportRequest& request) const;
  // A subject access request: everything held on request.client_id(),
  // closed cases included (the client record, cases with the reporter of a
  // concern withheld, every version of every record with third parties
  // withheld, document metadata, the consent history, disclosures without
  // consent and the access report). On success returns the export; it may
  // be large, and the caller must treat it as the client's personal data.
  // On failure returns the server's status: NOT_FOUND for a client the
  // caller may not see, PERMISSION_DENIED for a caller who is neither the
  // data subject nor a data protection officer of the client's
  // organisation, ...
  absl::StatusOr<hoidla::v1::SubjectDataExport> ExportSubjectData(
      const hoidla::v1::ExportSubjectDataRequest& request) const;

  // Audit export (streaming, no deadline).

  // Exports an audit bundle: writes each streamed AuditBundle part's
  // serialized bytes to `out`, back to back, as they arrive (the bytes parse
  // as one AuditBundle; memory use does not grow with the bundle). On success
  // returns the number of entries written, after `out` has been flushed;
  // when `header` is not null it receives the bundle's header fields (format,
  // origin, verifier keys, checkpoint, tree size, first seq; no entries).
  // Nothing is verified here (see vault/audit/bundle.h). On failure returns
  // the server's status, or ABORTED when writing to `out` fails (the export
  // is then cancelled); `out` may already hold part of the bundle.
  absl::StatusOr<int64_t> ExportAudit(const hoidla::v1::ExportAuditRequest& request,
                                      std::ostream& out,
                                      hoidla::v1::AuditBundle* header = nullptr) const;

  // As ExportAudit, writing to the file at `path` all-or-nothing like
  // DownloadDocumentToFile: `path` + ".part" (mode 0600) is synced and renamed
  // to `path` only on success, and removed on failure.
  absl::StatusOr<int64_t> ExportAuditToFile(const hoidla::v1::ExportAuditRequest& request,
                                            const std::string& path,
                                            hoidla::v1::AuditBundle* header = nullptr) const;

  // Document transfers (streaming, no deadline).

  // Uploads a document: sends `header` (output-only fields empty), then the
  // bytes read from `content` until its end in `data` messages of
  // kUploadChunkSize bytes, reusing one buffer, so memory use does not grow
  // with the document. On success returns the stored document's metadata (id,
  // size, sha256, ...); the document exists from then on. On failure returns
  // the server's status (for example INVALID_ARGUMENT for a bad header, which
  // the server may report before all content is sent), or, when reading
  // `content` fails, cancels the upload (so nothing is stored) and returns
  // ABORTED "reading content failed after N bytes".
  absl::StatusOr<hoidla::v1::Document> UploadDocument(const hoidla::v1::Document& header,
                                                      std::istream& content) const;

  // As UploadDocument, reading the content from the file at `path`. Fails
  // with the errno-derived code (NOT_FOUND, PERMISSION_DENIED, ...) and a
  // message naming the path when the file cannot be opened, without
  // contacting the server.
  absl::StatusOr<hoidla::v1::Document> UploadDocumentFromFile(const hoidla::v1::Document& header,
                                                              const std::string& path) const;

  // Downloads a document's content, or the byte range in `request`, writing
  // the bytes to `out` as they arrive. On success returns the document's
  // metadata (from the first streamed message) after every byte has been
  // written and `out` flushed. The number of bytes received is checked
  // against the metadata's size, and for whole-document downloads the
  // content's SHA-256 against its sha256; a mismatch is DATA_LOSS. On failure
  // returns the server's status (NOT_FOUND, OUT_OF_RANGE when the offset is
  // past the end, DATA_LOSS, ...), DATA_LOSS for a mismatch as above,
  // INTERNAL when the server breaks the stream protocol, or ABORTED when
  // writing to `out` fails; the download is cancelled in the last two cases.
  // On failure `out` may already have received part of the content.
  absl::StatusOr<hoidla::v1::Document> DownloadDocument(
      const hoidla::v1::DownloadDocumentRequest& request, std::ostream& out) const;

  // As DownloadDocument, writing to the file at `path`: the content goes to
  // `path` + ".part" (created with mode 0600), which is synced and renamed to
  // `path` only when the download succeeds, so `path` never holds a partial
  // document. On failure the ".part" file is removed and `path` is left as it
  // was; errors creating, writing, syncing or renaming the file get the
  // errno-derived code and a message naming the file.
  absl::StatusOr<hoidla::v1::Document> DownloadDocumentToFile(
      const hoidla::v1::DownloadDocumentRequest& request, const std::string& path) const;

 private:
  VaultClient(std::shared_ptr<grpc::Channel> channel, std::string token,
              std::chrono::milliseconds unary_timeout);

  // Prepares `context` for a call: credential, act-for and purpose metadata,
  // and the unary deadline when `unary` is true.
  void PrepareContext(grpc::ClientContext* context, bool unary) const;

  // Performs one unary call through `method` of `stub`.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> CallUnary(Stub* stub,
                                     grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                  const Request&, Response*),
                                     const Request& request) const;

  std::shared_ptr<grpc::Channel> channel_;
  // One stub per service of hoidla.v1, all on `channel_`.
  std::unique_ptr<hoidla::v1::Identity::StubInterface> identity_;
  std::unique_ptr<hoidla::v1::Directory::StubInterface> directory_;
  std::unique_ptr<hoidla::v1::Cases::StubInterface> cases_;
  std::unique_ptr<hoidla::v1::Documents::StubInterface> documents_;
  std::unique_ptr<hoidla::v1::Records::StubInterface> records_;
  std::unique_ptr<hoidla::v1::Instruments::StubInterface> instruments_;
  std::unique_ptr<hoidla::v1::Consents::StubInterface> consents_;
  std::unique_ptr<hoidla::v1::Disclosures::StubInterface> disclosures_;
  std::unique_ptr<hoidla::v1::Audit::StubInterface> audit_;
  std::unique_ptr<hoidla::v1::SubjectAccess::StubInterface> subject_access_;
  std::unique_ptr<hoidla::v1::KeyAdmin::StubInterface> key_admin_;
  std::unique_ptr<hoidla::v1::Retention::StubInterface> retention_;
  std::string authorization_;  // "Bearer <token>", or empty for no credential
  std::chrono::milliseconds unary_timeout_;
  std::string act_for_;  // x-hoidla-act-for, or empty
  std::string purpose_;  // x-hoidla-purpose, or empty
};

}  // namespace hoidla::client

#endif  // HOIDLA_CLIENT_VAULT_CLIENT_H_
