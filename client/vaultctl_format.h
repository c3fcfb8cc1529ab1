// Output formatting for vaultctl: human-readable "key: value" lines and
// protobuf JSON.
//
// Human-readable output prints one object as "key: value" lines, id first,
// and a list as one tab-separated line per item (id first). Text that came
// from the server is escaped so that it cannot break the line structure or
// send terminal control sequences: control characters are printed as \n, \t
// or \xNN, and a backslash as "\\".
//
// Thread-safety: pure functions apart from writing to the given stream.
#ifndef HOIDLA_CLIENT_VAULTCTL_FORMAT_H_
#define HOIDLA_CLIENT_VAULTCTL_FORMAT_H_

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "hoidla/v1/audit.pb.h"
#include "hoidla/v1/cases.pb.h"
#include "hoidla/v1/consents.pb.h"
#include "hoidla/v1/directory.pb.h"
#include "hoidla/v1/disclosures.pb.h"
#include "hoidla/v1/documents.pb.h"
#include "hoidla/v1/identity.pb.h"
#include "hoidla/v1/instruments.pb.h"
#include "hoidla/v1/key_admin.pb.h"
#include "hoidla/v1/records.pb.h"
#include "hoidla/v1/retention.pb.h"
#include "hoidla/v1/subject_access.pb.h"

namespace hoidla::vaultctl {

// Escapes control characters (C0, DEL and C1) and backslashes in `text`.
std::string Escape(std::string_view text);

// A membership as "role@org/project", "role@org" (organisation scope) or
// "role" (deployment scope); not escaped.
std::string MembershipString(const hoidla::v1::Membership& membership);

// Enum values as vaultctl prints them: the value name without its prefix, in
// lowercase ("staff", "whole_project"), or the number for an unknown value.
std::string PrincipalKindName(hoidla::v1::PrincipalKind kind);
std::string CaseVisibilityName(hoidla::v1::CaseVisibility visibility);
std::string ConsentStatusName(hoidla::v1::ConsentStatus status);
std::string ConsentGiverKindName(hoidla::v1::ConsentGiverKind kind);
std::string ConsentFormName(hoidla::v1::ConsentForm form);
std::string LegalBasisName(hoidla::v1::LegalBasis basis);
std::string DisclosureReviewName(hoidla::v1::DisclosureReview review);
std::string GrantRequestStateName(hoidla::v1::GrantRequestState state);
std::string TokenKindName(hoidla::v1::TokenKind kind);

// What a grant request grants: "membership", "certificate", "client_ca",
// "identity_provider", "act_for", "service_token" (or "none").
std::string GrantKindName(const hoidla::v1::GrantRequest& request);
// A grant request's grant on one line: "principal_id=P; role=R@O/P"
// (membership), "principal_id=P; subject=S" (certificate),
// "ca_pem_bytes=N" (client CA), "issuer=I; audience=A" and
// "; principal_id_claim=C" when set (identity provider), "principal_id=P"
// (act for), "principal_id=P; ttl_seconds=N" and "; token_id=T" when set
// (service token); not escaped.
std::string GrantString(const hoidla::v1::GrantRequest& request);
std::string CaseOriginName(hoidla::v1::CaseOrigin origin);
std::string ClosingReasonName(hoidla::v1::ClosingReason reason);
std::string CaseEventKindName(hoidla::v1::CaseEvent::Kind kind);
std::string SignatureMethodName(hoidla::v1::SignatureMethod method);
std::string DeadlineKindName(hoidla::v1::DeadlineKind kind);
std::string InstrumentFieldTypeName(hoidla::v1::InstrumentFieldType type);

// A consent recipient as "org" (a whole organisation) or "org/project".
std::string RecipientString(const hoidla::v1::ConsentRecipient& recipient);
// A consent provision on one line: "recipients=A, B/P; kinds=K1, K2;
// purposes=P1; valid_from=<RFC 3339>; valid_until=<RFC 3339>", followed by
// "; existence_queries" when the recipients may ask; not escaped.
std::string ProvisionString(const hoidla::v1::ConsentProvision& provision);
// A case event on one line: "<kind> at=<RFC 3339>; by=P", then for a
// closing "; reason=R", "; referred_to=ORG", "; follow_up=REC" when set,
// and "; note=TEXT" when there is a note; not escaped.
std::string CaseEventString(const hoidla::v1::CaseEvent& event);
// A signature event on one line: "role=R; signer_name=N", then
// "; participant_id=P", "; method=M", "; scan_document_id=D",
// "; signature_reference=S", "; signed_at=<RFC 3339>", "; recorded_by=P"
// for those set; not escaped.
std::string SignatureString(const hoidla::v1::Signature& signature);
// An instrument field on one line: "NAME type=T", then "; required",
// "; max_length=N", "; options=A, B" and "; description=D" for those set;
// not escaped.
std::string InstrumentFieldString(const hoidla::v1::InstrumentField& field);
// A record's content as one line of JSON (proto field names, only the
// fields set): what `record create --file` reads back. Control characters
// (C0, DEL and C1) inside strings are JSON escapes, so the line is safe to
// print as is. INTERNAL when it cannot be converted (it never should).
absl::StatusOr<std::string> RecordContentJson(const hoidla::v1::RecordContent& content);

// Writes `message` as one JSON object (proto field names, default values
// included, two-space indentation) followed by a newline. Returns INTERNAL
// when the message cannot be converted (it never should).
absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out);

// Single objects, as "key: value" lines with "id: ..." first. Memberships are
// printed one per "membership: <MembershipString>" line.
void PrintWhoAmI(const hoidla::v1::WhoAmIResponse& who, std::ostream& out);
// A principal: id, display_name, kind, organization_id, one "membership:"
// line per role, may_act_for_users, certificate_subject lines, client_id,
// created_*, and "disabled: true" with disabled_at and disabled_by for a
// disabled account.
void PrintPrincipal(const hoidla::v1::Principal& principal, std::ostream& out);
// The issued token as "token: hdl_...", "token_id: tok_..." and
// "expires_at: <RFC 3339>" lines (`token issue`, `login`). With
// PrintCreateGrantRequest, the only output that contains a token.
void PrintIssueToken(const hoidla::v1::IssueTokenResponse& response, std::ostream& out);
// An organisation: id, name, registry_code, "client_ca: configured",
// "crl: configured" and identity_provider_issuer (when set), created_*.
void PrintOrganization(const hoidla::v1::Organization& org, std::ostream& out);
// A grant request: id, state (GrantRequestStateName), organization_id,
// grant (GrantKindName), then the grant's details (membership:
// MembershipString; subject; issuer, audience, principal_id_claim;
// ttl_seconds, token_id), principal_id, justification, requested_*,
// decided_*, decision_note and expires_at, those set.
void PrintGrantRequest(const hoidla::v1::GrantRequest& request, std::ostream& out);
// The created request (PrintGrantRequest), then "token: hdl_..." for a
// service-account token (shown once; it works once the request is
// approved).
void PrintCreateGrantRequest(const hoidla::v1::CreateGrantRequestResponse& response,
                             std::ostream& out);
void PrintProject(const hoidla::v1::Project& project, std::ostream& out);
void PrintClient(const hoidla::v1::Client& client, std::ostream& out);
// A case: id, project, client, title, status, origin (when set), the
// reporter's name and contact and the linked case (when set), assigned
// worker, created_*, one "event: " line per closing or reopening
// (CaseEventString, oldest first) and retention_clock_started_at while it
// is closed.
void PrintCase(const hoidla::v1::Case& c, std::ostream& out);
void PrintDocument(const hoidla::v1::Document& document, std::ostream& out);
void PrintKeyStatus(const hoidla::v1::KeyStatus& status, std::ostream& out);
void PrintRewrapKeys(const hoidla::v1::RewrapKeysResponse& response, std::ostream& out);

// A consent: id, version, status, client, project, case, organisation, who
// gave it (given_by and given_by_* lines), subject_participated, form and
// its evidence, the three declarations (true/false), one "provision: "
// line per provision (ProvisionString), given_at, recorded_at, recorded_by,
// and superseded_at or the withdrawal when there is one.
void PrintConsent(const hoidla::v1::Consent& consent, std::ostream& out);
// The consent (PrintConsent), then the receipt note line by line as
// "receipt: <line>" (escaped; `consent record -o FILE` saves the note byte
// for byte, which `consent verify` needs).
void PrintConsentReceipt(const hoidla::v1::ConsentReceipt& receipt, std::ostream& out);
// A record: id, version, kind, case_id, client_id, project_id,
// organization_id, locked (true/false), third_parties_withheld (when true),
// change_note (when set), created_*, updated_*, one "signature: " line per
// signature event (SignatureString), and last "content: " with the content
// as one line of JSON (RecordContentJson; "content: <error>" should it not
// convert).
void PrintRecord(const hoidla::v1::Record& record, std::ostream& out);
// An instrument version: id, organization_id, name, version, description
// (when set), one "field: " line per field (InstrumentFieldString), in
// order, and created_*.
void PrintInstrument(const hoidla::v1::Instrument& instrument, std::ostream& out);
// The summary of a subject access export (`client export -o FILE`):
// client_id, exported_at, then the number of cases, records (versions),
// documents, consents (versions), disclosures and accesses, one
// "key: N" line each.
void PrintSubjectDataExportSummary(const hoidla::v1::SubjectDataExport& data, std::ostream& out);
// A disclosure without consent: id, client, case, organisation, project,
// recipient_organization_id, legal_basis, justification, one "item_id: "
// line per item, valid_hours, valid_until, created_*, review and its
// reviewer, time and note.
void PrintDisclosure(const hoidla::v1::Disclosure& disclosure, std::ostream& out);
// "exists: true|false", then "organization_id: " and "client_id: " lines,
// one per id.
void PrintRecordExistence(const hoidla::v1::QueryRecordExistenceResponse& response,
                          std::ostream& out);
// A verified consent receipt's fields as "key: value" lines (escaped), in
// the receipt's order.
void PrintReceiptFields(const std::vector<std::pair<std::string, std::string>>& fields,
                        std::ostream& out);

// The verifier keys, one per line (escaped), oldest first: the format of a
// `vaultctl audit verify --public-key` file.
void PrintAuditPublicKeys(const hoidla::v1::AuditPublicKeys& keys, std::ostream& out);
// The checkpoint's signed note, line by line with each line escaped (a
// well-formed note is printed byte for byte, so the output can be saved and
// checked later).
void PrintCheckpoint(const hoidla::v1::Checkpoint& checkpoint, std::ostream& out);

// Lists: one tab-separated line per item on `out`. A non-empty next page
// token goes to `note` as "next_page_token: T" so that `out` holds only
// items.
// Principals: id, kind, display name, memberships (MembershipString joined
// by ", ", or "-" when there are none).
// One line per entry: seq, time, actor, action, decision, status,
// organisation/project, client, case, object.
void PrintAuditEntries(const hoidla::v1::ListAuditEntriesResponse& list, std::ostream& out,
                       std::ostream& note);
// One line per entry: seq, time, who (person, kind, organisation, role, or
// "withheld"), action, allowed/denied, status, case, object, legal basis.
void PrintAccessReport(const hoidla::v1::AccessReport& report, std::ostream& out,
                       std::ostream& note);
void PrintPrincipals(const hoidla::v1::ListPrincipalsResponse& list, std::ostream& out,
                     std::ostream& note);
// One line per grant request, newest first: id, state, grant kind,
// principal, grant (GrantString), requested by, requested at.
void PrintGrantRequests(const hoidla::v1::ListGrantRequestsResponse& list, std::ostream& out,
                        std::ostream& note);
// One line per token: token id, kind (bootstrap, session, service), state
// (active, pending, revoked), created at, expires at, issued by, grant
// request.
void PrintTokens(const hoidla::v1::ListTokensResponse& list, std::ostream& out, std::ostream& note);
void PrintOrganizations(const hoidla::v1::ListOrganizationsResponse& list, std::ostream& out,
                        std::ostream& note);
void PrintProjects(const hoidla::v1::ListProjectsResponse& list, std::ostream& out,
                   std::ostream& note);
void PrintClients(const hoidla::v1::ListClientsResponse& list, std::ostream& out,
                  std::ostream& note);
void PrintCases(const hoidla::v1::ListCasesResponse& list, std::ostream& out, std::ostream& note);
void PrintDocuments(const hoidla::v1::ListDocumentsResponse& list, std::ostream& out,
                    std::ostream& note);
// One line per consent (version): id, version, status, project, case, who
// gave it (kind), form, given_at. The response has no pages; `note` is
// unused.
void PrintConsents(const hoidla::v1::ListConsentsResponse& list, std::ostream& out,
                   std::ostream& note);
// One line per record (current version): id, kind, version, case, created
// at, updated at, updated by, locked or "-".
void PrintRecords(const hoidla::v1::ListRecordsResponse& list, std::ostream& out,
                  std::ostream& note);
// One line per version, oldest first: id, version, updated at, updated by,
// number of signatures, locked or "-", change note. The response has no
// pages; `note` is unused.
void PrintRecordVersions(const hoidla::v1::ListRecordVersionsResponse& list, std::ostream& out,
                         std::ostream& note);
// One line per deadline, soonest first: due date (YYYY-MM-DD), kind
// (DeadlineKindName: minutes_unsigned, probation_risk_assessment,
// action_due, assessment_validity_ends), "overdue" or "due", case, record
// ("-" for a missing record), detail. The response has no pages; `note` is
// unused.
void PrintDeadlines(const hoidla::v1::ListDeadlinesResponse& list, std::ostream& out,
                    std::ostream& note);
// One line per instrument (its newest version): id, name, version, number
// of fields, created at, description. The response has no pages; `note` is
// unused.
void PrintInstruments(const hoidla::v1::ListInstrumentsResponse& list, std::ostream& out,
                      std::ostream& note);
// One line per disclosure: id, review, legal basis, client, recipient
// organisation, number of items, valid_until, created_by.
void PrintDisclosures(const hoidla::v1::ListDisclosuresResponse& list, std::ostream& out,
                      std::ostream& note);

// A retention schedule as "key: value" lines ("*" for every project or
// kind); its enums in lower case without their prefix (case_closed).
void PrintRetentionSchedule(const hoidla::v1::RetentionSchedule& schedule, std::ostream& out);
// One line per schedule (its newest version): id, version, project, item
// type, kind, trigger, period ("10y 6m"), action; the next page token on
// `note`.
void PrintRetentionSchedules(const hoidla::v1::ListRetentionSchedulesResponse& list,
                             std::ostream& out, std::ostream& note);
// A legal hold as "key: value" lines; its target as "client cli_...".
void PrintLegalHold(const hoidla::v1::LegalHold& hold, std::ostream& out);
// One line per hold: id, active or lifted, target, placed at, placed by;
// the next page token on `note`.
void PrintLegalHolds(const hoidla::v1::ListLegalHoldsResponse& list, std::ostream& out,
                     std::ostream& note);
// An item of the due list as "key: value" lines (one held_by line per
// active hold).
void PrintDueDisposal(const hoidla::v1::DueDisposal& item, std::ostream& out);
// One line per item of the due list: item id, item type, kind, client, due
// at, state, "held" when a hold keeps it; the next page token on `note`.
void PrintDueDisposals(const hoidla::v1::ListDueDisposalsResponse& list, std::ostream& out,
                       std::ostream& note);
// What a sweep did, as "key: value" lines.
void PrintRunDisposal(const hoidla::v1::RunDisposalResponse& run, std::ostream& out);
// A disposal certificate as "key: value" lines: one count line per item
// type and kind ("record case_plan 3"), one item line per destroyed item
// ("rec_... cli_... rsc_...@2 approved_by prn_...").
void PrintDisposalCertificate(const hoidla::v1::DisposalCertificate& cert, std::ostream& out);
// One line per certificate: id, cause, completed at, run by, items
// destroyed; the next page token on `note`.
void PrintDisposalCertificates(const hoidla::v1::ListDisposalCertificatesResponse& list,
                               std::ostream& out, std::ostream& note);

}  // namespace hoidla::vaultctl

#endif  // HOIDLA_CLIENT_VAULTCTL_FORMAT_H_
