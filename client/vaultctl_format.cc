#include "client/vaultctl_format.h"

#include <cctype>
#include <cstdio>
#include <string>

#include "base/strings.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"

namespace hoidla::vaultctl {
namespace {

std::string Hex2(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string{kHex[c >> 4], kHex[c & 0xf]};
}

std::string Time(const google::protobuf::Timestamp& ts) {
  return google::protobuf::util::TimeUtil::ToString(ts);
}

bool IsSet(const google::protobuf::Timestamp& ts) { return ts.seconds() != 0 || ts.nanos() != 0; }

std::string DateString(const hoidla::v1::Date& date) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", date.year(), date.month(), date.day());
  return buf;
}

// `name` (an enum value's name, empty for an unknown value) without `prefix`,
// in lowercase; the number `value` when `name` is empty.
std::string EnumName(std::string name, std::string_view prefix, int value) {
  if (name.empty()) return std::to_string(value);
  if (std::string_view(name).substr(0, prefix.size()) == prefix) name.erase(0, prefix.size());
  for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return name;
}

std::string CaseStatusName(hoidla::v1::CaseStatus status) {
  return EnumName(hoidla::v1::CaseStatus_Name(status), "CASE_STATUS_", static_cast<int>(status));
}

// `list` joined by ", ".
std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& list) {
  std::string out;
  for (const std::string& item : list) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// The memberships joined by ", ".
std::string MembershipList(const google::protobuf::RepeatedPtrField<hoidla::v1::Membership>& list) {
  std::string out;
  for (const hoidla::v1::Membership& m : list) {
    if (!out.empty()) out += ", ";
    out += MembershipString(m);
  }
  return out;
}

// One "key: value" line; the value is escaped.
void Line(std::ostream& out, std::string_view key, std::string_view value) {
  out << key << ": " << Escape(value) << '\n';
}

// A "key: value" line only when the value is not empty.
void OptionalLine(std::ostream& out, std::string_view key, std::string_view value) {
  if (!value.empty()) Line(out, key, value);
}

// A "key: <RFC 3339>" line only when the time is set.
void TimeLine(std::ostream& out, std::string_view key, const google::protobuf::Timestamp& at) {
  if (IsSet(at)) Line(out, key, Time(at));
}

void BoolLine(std::ostream& out, std::string_view key, bool value) {
  Line(out, key, value ? "true" : "false");
}

void CreatedLines(std::ostream& out, const google::protobuf::Timestamp& at, const std::string& by) {
  if (IsSet(at)) Line(out, "created_at", Time(at));
  OptionalLine(out, "created_by", by);
}

// Joins escaped fields with tabs (empty fields as "-").
template <typename... Fields>
void Row(std::ostream& out, const Fields&... fields) {
  bool first = true;
  auto one = [&](std::string_view field) {
    if (!first) out << '\t';
    first = false;
    out << (field.empty() ? std::string("-") : Escape(field));
  };
  (one(fields), ...);
  out << '\n';
}

void NextPage(const std::string& token, std::ostream& note) {
  if (!token.empty()) note << "next_page_token: " << Escape(token) << '\n';
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      out += StrCat("\\x", Hex2(c));
    } else if (c == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      // A C1 control character (U+0080..U+009F) in UTF-8.
      out += StrCat("\\u00", Hex2(static_cast<unsigned char>(text[i + 1])));
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string MembershipString(const hoidla::v1::Membership& membership) {
  std::string out = membership.role();
  if (membership.organization_id().empty() && membership.project_id().empty()) return out;
  out += StrCat("@", membership.organization_id());
  if (!membership.project_id().empty()) out += StrCat("/", membership.project_id());
  return out;
}

std::string PrincipalKindName(hoidla::v1::PrincipalKind kind) {
  return EnumName(hoidla::v1::PrincipalKind_Name(kind), "PRINCIPAL_KIND_", static_cast<int>(kind));
}

std::string CaseVisibilityName(hoidla::v1::CaseVisibility visibility) {
  return EnumName(hoidla::v1::CaseVisibility_Name(visibility), "CASE_VISIBILITY_",
                  static_cast<int>(visibility));
}

std::string ConsentStatusName(hoidla::v1::ConsentStatus status) {
  return EnumName(hoidla::v1::ConsentStatus_Name(status), "CONSENT_STATUS_",
                  static_cast<int>(status));
}

std::string ConsentGiverKindName(hoidla::v1::ConsentGiverKind kind) {
  return EnumName(hoidla::v1::ConsentGiverKind_Name(kind), "CONSENT_GIVER_KIND_",
                  static_cast<int>(kind));
}

std::string ConsentFormName(hoidla::v1::ConsentForm form) {
  return EnumName(hoidla::v1::ConsentForm_Name(form), "CONSENT_FORM_", static_cast<int>(form));
}

std::string LegalBasisName(hoidla::v1::LegalBasis basis) {
  return EnumName(hoidla::v1::LegalBasis_Name(basis), "LEGAL_BASIS_", static_cast<int>(basis));
}

std::string GrantRequestStateName(hoidla::v1::GrantRequestState state) {
  return EnumName(hoidla::v1::GrantRequestState_Name(state), "GRANT_REQUEST_STATE_",
                  static_cast<int>(state));
}

std::string TokenKindName(hoidla::v1::TokenKind kind) {
  return EnumName(hoidla::v1::TokenKind_Name(kind), "TOKEN_KIND_", static_cast<int>(kind));
}

std::string GrantKindName(const hoidla::v1::GrantRequest& request) {
  switch (request.grant_case()) {
    case hoidla::v1::GrantRequest::kMembership:
      return "membership";
    case hoidla::v1::GrantRequest::kCertificate:
      return "certificate";
    case hoidla::v1::GrantRequest::kClientCa:
      return "client_ca";
    case hoidla::v1::GrantRequest::kIdentityProvider:
      return "identity_provider";
    case hoidla::v1::GrantRequest::kActFor:
      return "act_for";
    case hoidla::v1::GrantRequest::kServiceToken:
      return "service_token";
    case hoidla::v1::GrantRequest::GRANT_NOT_SET:
      break;
  }
  return "none";
}

std::string GrantString(const hoidla::v1::GrantRequest& request) {
  switch (request.grant_case()) {
    case hoidla::v1::GrantRequest::kMembership:
      return StrCat("principal_id=", request.membership().principal_id(),
                    "; role=", MembershipString(request.membership().membership()));
    case hoidla::v1::GrantRequest::kCertificate:
      return StrCat("principal_id=", request.certificate().principal_id(),
                    "; subject=", request.certificate().subject());
    case hoidla::v1::GrantRequest::kClientCa:
      return StrCat("ca_pem_bytes=", request.client_ca().ca_pem().size());
    case hoidla::v1::GrantRequest::kIdentityProvider: {
      const hoidla::v1::IdentityProvider& p = request.identity_provider();
      std::string out = StrCat("issuer=", p.issuer(), "; audience=", p.audience());
      if (!p.principal_id_claim().empty())
        out += StrCat("; principal_id_claim=", p.principal_id_claim());
      return out;
    }
    case hoidla::v1::GrantRequest::kActFor:
      return StrCat("principal_id=", request.act_for().principal_id());
    case hoidla::v1::GrantRequest::kServiceToken: {
      std::string out = StrCat("principal_id=", request.service_token().principal_id(),
                               "; ttl_seconds=", request.service_token().ttl_seconds());
      if (!request.service_token().token_id().empty())
        out += StrCat("; token_id=", request.service_token().token_id());
      return out;
    }
    case hoidla::v1::GrantRequest::GRANT_NOT_SET:
      break;
  }
  return "";
}

std::string DisclosureReviewName(hoidla::v1::DisclosureReview review) {
  return EnumName(hoidla::v1::DisclosureReview_Name(review), "DISCLOSURE_REVIEW_",
                  static_cast<int>(review));
}

std::string CaseOriginName(hoidla::v1::CaseOrigin origin) {
  return EnumName(hoidla::v1::CaseOrigin_Name(origin), "CASE_ORIGIN_", static_cast<int>(origin));
}

std::string ClosingReasonName(hoidla::v1::ClosingReason reason) {
  return EnumName(hoidla::v1::ClosingReason_Name(reason), "CLOSING_REASON_",
                  static_cast<int>(reason));
}

std::string CaseEventKindName(hoidla::v1::CaseEvent::Kind kind) {
  return EnumName(hoidla::v1::CaseEvent::Kind_Name(kind), "KIND_", static_cast<int>(kind));
}

std::string SignatureMethodName(hoidla::v1::SignatureMethod method) {
  return EnumName(hoidla::v1::SignatureMethod_Name(method), "SIGNATURE_METHOD_",
                  static_cast<int>(method));
}

std::string DeadlineKindName(hoidla::v1::DeadlineKind kind) {
  return EnumName(hoidla::v1::DeadlineKind_Name(kind), "DEADLINE_KIND_", static_cast<int>(kind));
}

std::string InstrumentFieldTypeName(hoidla::v1::InstrumentFieldType type) {
  return EnumName(hoidla::v1::InstrumentFieldType_Name(type), "INSTRUMENT_FIELD_TYPE_",
                  static_cast<int>(type));
}

std::string InstrumentFieldString(const hoidla::v1::InstrumentField& field) {
  std::string out = StrCat(field.name(), " type=", InstrumentFieldTypeName(field.type()));
  if (field.required()) out += "; required";
  if (field.max_length() != 0) out += StrCat("; max_length=", field.max_length());
  if (field.options_size() > 0) out += StrCat("; options=", Joined(field.options()));
  if (!field.description().empty()) out += StrCat("; description=", field.description());
  return out;
}

std::string CaseEventString(const hoidla::v1::CaseEvent& event) {
  std::string out = CaseEventKindName(event.kind());
  if (IsSet(event.at())) out += StrCat(" at=", Time(event.at()));
  if (!event.by().empty()) out += StrCat("; by=", event.by());
  if (event.reason() != hoidla::v1::CLOSING_REASON_UNSPECIFIED)
    out += StrCat("; reason=", ClosingReasonName(event.reason()));
  if (!event.referred_to_organization_id().empty())
    out += StrCat("; referred_to=", event.referred_to_organization_id());
  if (!event.follow_up_record_id().empty())
    out += StrCat("; follow_up=", event.follow_up_record_id());
  if (!event.note().empty()) out += StrCat("; note=", event.note());
  return out;
}

std::string SignatureString(const hoidla::v1::Signature& signature) {
  std::string out = StrCat("role=", signature.role(), "; signer_name=", signature.signer_name());
  if (!signature.participant_id().empty())
    out += StrCat("; participant_id=", signature.participant_id());
  if (signature.method() != hoidla::v1::SIGNATURE_METHOD_UNSPECIFIED)
    out += StrCat("; method=", SignatureMethodName(signature.method()));
  if (!signature.scan_document_id().empty())
    out += StrCat("; scan_document_id=", signature.scan_document_id());
  if (!signature.signature_reference().empty())
    out += StrCat("; signature_reference=", signature.signature_reference());
  if (IsSet(signature.signed_at())) out += StrCat("; signed_at=", Time(signature.signed_at()));
  if (!signature.recorded_by().empty()) out += StrCat("; recorded_by=", signature.recorded_by());
  return out;
}

absl::StatusOr<std::string> RecordContentJson(const hoidla::v1::RecordContent& content) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(content, &json, options);
  if (!status.ok()) {
    return absl::InternalError(StrCat("cannot convert the content to JSON: ", status.ToString()));
  }
  const nlohmann::ordered_json parsed =
      nlohmann::ordered_json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded()) {
    // One line; C0 controls become JSON escapes here.
    json = parsed.dump(-1, ' ', /*ensure_ascii=*/false,
                       nlohmann::ordered_json::error_handler_t::replace);
  }
  // Raw control characters can only be inside strings (JSON syntax has
  // none outside them), where a \u escape means the same character.
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    const auto c = static_cast<unsigned char>(json[i]);
    if (c < 0x20 || c == 0x7f) {
      out += StrCat("\\u00", Hex2(c));
    } else if (c == 0xc2 && i + 1 < json.size() &&
               static_cast<unsigned char>(json[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(json[i + 1]) <= 0x9f) {
      out += StrCat("\\u00", Hex2(static_cast<unsigned char>(json[i + 1])));
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string RecipientString(const hoidla::v1::ConsentRecipient& recipient) {
  if (recipient.project_id().empty()) return recipient.organization_id();
  return StrCat(recipient.organization_id(), "/", recipient.project_id());
}

std::string ProvisionString(const hoidla::v1::ConsentProvision& provision) {
  std::string recipients;
  for (const hoidla::v1::ConsentRecipient& r : provision.recipients()) {
    if (!recipients.empty()) recipients += ", ";
    recipients += RecipientString(r);
  }
  std::string out = StrCat("recipients=", recipients, "; kinds=", Joined(provision.kinds()),
                           "; purposes=", Joined(provision.purposes()));
  if (IsSet(provision.valid_from())) out += StrCat("; valid_from=", Time(provision.valid_from()));
  if (IsSet(provision.valid_until()))
    out += StrCat("; valid_until=", Time(provision.valid_until()));
  if (provision.existence_queries()) out += "; existence_queries";
  return out;
}

absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(StrCat("cannot convert the response to JSON: ", status.ToString()));
  }
  // Re-indent for readability; the protobuf output stays the source of truth
  // for field names and value encodings.
  const nlohmann::ordered_json parsed =
      nlohmann::ordered_json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    out << json << '\n';
  } else {
    out << parsed.dump(2, ' ', /*ensure_ascii=*/false,
                       nlohmann::ordered_json::error_handler_t::replace)
        << '\n';
  }
  return absl::OkStatus();
}

void PrintWhoAmI(const hoidla::v1::WhoAmIResponse& who, std::ostream& out) {
  Line(out, "id", who.principal_id());
  Line(out, "display_name", who.display_name());
  std::string roles;
  for (const std::string& role : who.roles()) {
    if (!roles.empty()) roles += ", ";
    roles += role;
  }
  Line(out, "roles", roles);
  if (who.has_principal()) {
    const hoidla::v1::Principal& p = who.principal();
    if (p.kind() != hoidla::v1::PRINCIPAL_KIND_UNSPECIFIED)
      Line(out, "kind", PrincipalKindName(p.kind()));
    OptionalLine(out, "organization_id", p.organization_id());
    for (const hoidla::v1::Membership& m : p.memberships())
      Line(out, "membership", MembershipString(m));
  }
}

void PrintPrincipal(const hoidla::v1::Principal& principal, std::ostream& out) {
  Line(out, "id", principal.id());
  Line(out, "display_name", principal.display_name());
  Line(out, "kind", PrincipalKindName(principal.kind()));
  OptionalLine(out, "organization_id", principal.organization_id());
  for (const hoidla::v1::Membership& m : principal.memberships())
    Line(out, "membership", MembershipString(m));
  if (principal.may_act_for_users()) Line(out, "may_act_for_users", "true");
  for (const std::string& subject : principal.certificate_subjects())
    Line(out, "certificate_subject", subject);
  OptionalLine(out, "client_id", principal.client_id());
  CreatedLines(out, principal.created_at(), principal.created_by());
  if (principal.disabled()) {
    Line(out, "disabled", "true");
    TimeLine(out, "disabled_at", principal.disabled_at());
    OptionalLine(out, "disabled_by", principal.disabled_by());
  }
}

void PrintIssueToken(const hoidla::v1::IssueTokenResponse& response, std::ostream& out) {
  Line(out, "token", response.token());
  Line(out, "token_id", response.token_id());
  if (IsSet(response.expires_at())) Line(out, "expires_at", Time(response.expires_at()));
}

void PrintOrganization(const hoidla::v1::Organization& org, std::ostream& out) {
  Line(out, "id", org.id());
  Line(out, "name", org.name());
  OptionalLine(out, "registry_code", org.registry_code());
  if (org.has_client_ca()) Line(out, "client_ca", "configured");
  if (org.has_crl()) Line(out, "crl", "configured");
  OptionalLine(out, "identity_provider_issuer", org.identity_provider_issuer());
  CreatedLines(out, org.created_at(), org.created_by());
}

void PrintProject(const hoidla::v1::Project& project, std::ostream& out) {
  Line(out, "id", project.id());
  Line(out, "organization_id", project.organization_id());
  Line(out, "name", project.name());
  OptionalLine(out, "description", project.description());
  if (project.case_visibility() != hoidla::v1::CASE_VISIBILITY_UNSPECIFIED)
    Line(out, "case_visibility", CaseVisibilityName(project.case_visibility()));
  if (project.accepts_concern_reports()) Line(out, "accepts_concern_reports", "true");
  CreatedLines(out, project.created_at(), project.created_by());
}

void PrintClient(const hoidla::v1::Client& client, std::ostream& out) {
  Line(out, "id", client.id());
  Line(out, "organization_id", client.organization_id());
  std::string projects;
  for (const std::string& id : client.project_ids()) {
    if (!projects.empty()) projects += ", ";
    projects += id;
  }
  Line(out, "project_ids", projects);
  Line(out, "given_name", client.given_name());
  Line(out, "family_name", client.family_name());
  OptionalLine(out, "personal_code", client.personal_code());
  OptionalLine(out, "no_personal_code_reason", client.no_personal_code_reason());
  if (client.has_date_of_birth() && client.date_of_birth().year() != 0) {
    Line(out, "date_of_birth", DateString(client.date_of_birth()));
  }
  CreatedLines(out, client.created_at(), client.created_by());
}

void PrintCase(const hoidla::v1::Case& c, std::ostream& out) {
  Line(out, "id", c.id());
  Line(out, "project_id", c.project_id());
  Line(out, "client_id", c.client_id());
  Line(out, "title", c.title());
  Line(out, "status", CaseStatusName(c.status()));
  if (c.origin() != hoidla::v1::CASE_ORIGIN_UNSPECIFIED)
    Line(out, "origin", CaseOriginName(c.origin()));
  OptionalLine(out, "reporter_name", c.reporter_name());
  OptionalLine(out, "reporter_contact", c.reporter_contact());
  OptionalLine(out, "linked_case_id", c.linked_case_id());
  OptionalLine(out, "assigned_worker_id", c.assigned_worker_id());
  CreatedLines(out, c.created_at(), c.created_by());
  for (const hoidla::v1::CaseEvent& e : c.events()) Line(out, "event", CaseEventString(e));
  TimeLine(out, "retention_clock_started_at", c.retention_clock_started_at());
  for (const std::string& member : c.network_member_ids()) Line(out, "network_member", member);
}

void PrintRecord(const hoidla::v1::Record& record, std::ostream& out) {
  Line(out, "id", record.id());
  Line(out, "version", std::to_string(record.version()));
  Line(out, "kind", record.kind());
  Line(out, "case_id", record.case_id());
  OptionalLine(out, "client_id", record.client_id());
  OptionalLine(out, "project_id", record.project_id());
  OptionalLine(out, "organization_id", record.organization_id());
  BoolLine(out, "locked", record.locked());
  if (record.third_parties_withheld()) BoolLine(out, "third_parties_withheld", true);
  OptionalLine(out, "change_note", record.change_note());
  CreatedLines(out, record.created_at(), record.created_by());
  TimeLine(out, "updated_at", record.updated_at());
  OptionalLine(out, "updated_by", record.updated_by());
  for (const hoidla::v1::Signature& s : record.signatures())
    Line(out, "signature", SignatureString(s));
  absl::StatusOr<std::string> json = RecordContentJson(record.content());
  // Already free of control characters; Escape would double its
  // backslashes and break the JSON.
  out << "content: " << (json.ok() ? *json : Escape(std::string(json.status().message()))) << '\n';
}

void PrintDocument(const hoidla::v1::Document& document, std::ostream& out) {
  Line(out, "id", document.id());
  Line(out, "project_id", document.project_id());
  Line(out, "client_id", document.client_id());
  OptionalLine(out, "case_id", document.case_id());
  Line(out, "title", document.title());
  Line(out, "kind", document.kind());
  Line(out, "content_type", document.content_type());
  Line(out, "size", std::to_string(document.size()));
  OptionalLine(out, "sha256", document.sha256());
  CreatedLines(out, document.created_at(), document.created_by());
}

void PrintKeyStatus(const hoidla::v1::KeyStatus& status, std::ostream& out) {
  Line(out, "master_key_mode", status.master_key_mode());
  Line(out, "data_cipher", status.data_cipher());
  for (const hoidla::v1::KeyEncryptionKeyVersion& v : status.versions()) {
    std::string line = StrCat(v.version(), std::string_view(v.active() ? " (active)" : ""),
                              " wrapped_keys=", v.wrapped_keys());
    if (IsSet(v.created_at())) line += StrCat(" created_at=", Time(v.created_at()));
    Line(out, "kek_version", line);
  }
}

void PrintRewrapKeys(const hoidla::v1::RewrapKeysResponse& response, std::ostream& out) {
  Line(out, "rewrapped", std::to_string(response.rewrapped()));
  PrintKeyStatus(response.status(), out);
}

void PrintConsent(const hoidla::v1::Consent& consent, std::ostream& out) {
  Line(out, "id", consent.id());
  Line(out, "version", std::to_string(consent.version()));
  Line(out, "status", ConsentStatusName(consent.status()));
  Line(out, "client_id", consent.client_id());
  Line(out, "project_id", consent.project_id());
  OptionalLine(out, "case_id", consent.case_id());
  OptionalLine(out, "organization_id", consent.organization_id());
  const hoidla::v1::ConsentGiver& giver = consent.given_by();
  Line(out, "given_by", ConsentGiverKindName(giver.kind()));
  OptionalLine(out, "given_by_name", giver.name());
  OptionalLine(out, "given_by_personal_code", giver.personal_code());
  OptionalLine(out, "given_by_authority_basis", giver.authority_basis());
  TimeLine(out, "given_by_authority_valid_until", giver.authority_valid_until());
  BoolLine(out, "subject_participated", consent.subject_participated());
  Line(out, "form", ConsentFormName(consent.form()));
  OptionalLine(out, "scan_document_id", consent.scan_document_id());
  OptionalLine(out, "signature_reference", consent.signature_reference());
  OptionalLine(out, "witness", consent.witness());
  OptionalLine(out, "note", consent.note());
  BoolLine(out, "cooperation_agreed", consent.cooperation_agreed());
  BoolLine(out, "processing_agreed", consent.processing_agreed());
  BoolLine(out, "given_voluntarily", consent.given_voluntarily());
  for (const hoidla::v1::ConsentProvision& p : consent.provisions())
    Line(out, "provision", ProvisionString(p));
  TimeLine(out, "given_at", consent.given_at());
  TimeLine(out, "recorded_at", consent.recorded_at());
  OptionalLine(out, "recorded_by", consent.recorded_by());
  TimeLine(out, "superseded_at", consent.superseded_at());
  TimeLine(out, "withdrawn_at", consent.withdrawn_at());
  OptionalLine(out, "withdrawn_by", consent.withdrawn_by());
  OptionalLine(out, "withdrawal_note", consent.withdrawal_note());
  if (consent.release_confirmation().required()) {
    const hoidla::v1::ReleaseConfirmation& c = consent.release_confirmation();
    Line(out, "release_confirmation", c.confirmed_by().empty() ? "required" : "confirmed");
    OptionalLine(out, "release_confirmed_by", c.confirmed_by());
    TimeLine(out, "release_confirmed_at", c.confirmed_at());
  }
}

void PrintGrantRequest(const hoidla::v1::GrantRequest& request, std::ostream& out) {
  Line(out, "id", request.id());
  Line(out, "state", GrantRequestStateName(request.state()));
  Line(out, "organization_id", request.organization_id());
  Line(out, "grant", GrantKindName(request));
  switch (request.grant_case()) {
    case hoidla::v1::GrantRequest::kMembership:
      Line(out, "membership", MembershipString(request.membership().membership()));
      break;
    case hoidla::v1::GrantRequest::kCertificate:
      Line(out, "subject", request.certificate().subject());
      break;
    case hoidla::v1::GrantRequest::kIdentityProvider:
      Line(out, "issuer", request.identity_provider().issuer());
      Line(out, "audience", request.identity_provider().audience());
      OptionalLine(out, "principal_id_claim", request.identity_provider().principal_id_claim());
      break;
    case hoidla::v1::GrantRequest::kServiceToken:
      Line(out, "ttl_seconds", std::to_string(request.service_token().ttl_seconds()));
      OptionalLine(out, "token_id", request.service_token().token_id());
      break;
    default:
      break;
  }
  OptionalLine(out, "principal_id", request.principal_id());
  OptionalLine(out, "justification", request.justification());
  OptionalLine(out, "requested_by", request.requested_by());
  TimeLine(out, "requested_at", request.requested_at());
  OptionalLine(out, "decided_by", request.decided_by());
  TimeLine(out, "decided_at", request.decided_at());
  OptionalLine(out, "decision_note", request.decision_note());
  TimeLine(out, "expires_at", request.expires_at());
}

void PrintCreateGrantRequest(const hoidla::v1::CreateGrantRequestResponse& response,
                             std::ostream& out) {
  PrintGrantRequest(response.grant_request(), out);
  OptionalLine(out, "token", response.token());
}

void PrintConsentReceipt(const hoidla::v1::ConsentReceipt& receipt, std::ostream& out) {
  PrintConsent(receipt.consent(), out);
  std::string_view note = receipt.receipt();
  while (!note.empty()) {
    const size_t end = note.find('\n');
    Line(out, "receipt", note.substr(0, end));
    note.remove_prefix(end == std::string_view::npos ? note.size() : end + 1);
  }
}

void PrintInstrument(const hoidla::v1::Instrument& instrument, std::ostream& out) {
  Line(out, "id", instrument.id());
  Line(out, "organization_id", instrument.organization_id());
  Line(out, "name", instrument.name());
  Line(out, "version", std::to_string(instrument.version()));
  OptionalLine(out, "description", instrument.description());
  for (const hoidla::v1::InstrumentField& f : instrument.fields())
    Line(out, "field", InstrumentFieldString(f));
  CreatedLines(out, instrument.created_at(), instrument.created_by());
}

void PrintSubjectDataExportSummary(const hoidla::v1::SubjectDataExport& data, std::ostream& out) {
  Line(out, "client_id", data.client().id());
  TimeLine(out, "exported_at", data.exported_at());
  Line(out, "cases", std::to_string(data.cases_size()));
  Line(out, "records", std::to_string(data.records_size()));
  Line(out, "documents", std::to_string(data.documents_size()));
  Line(out, "consents", std::to_string(data.consents_size()));
  Line(out, "disclosures", std::to_string(data.disclosures_size()));
  Line(out, "accesses", std::to_string(data.accesses_size()));
}

void PrintDisclosure(const hoidla::v1::Disclosure& disclosure, std::ostream& out) {
  Line(out, "id", disclosure.id());
  Line(out, "client_id", disclosure.client_id());
  OptionalLine(out, "case_id", disclosure.case_id());
  OptionalLine(out, "organization_id", disclosure.organization_id());
  OptionalLine(out, "project_id", disclosure.project_id());
  Line(out, "recipient_organization_id", disclosure.recipient_organization_id());
  Line(out, "legal_basis", LegalBasisName(disclosure.legal_basis()));
  OptionalLine(out, "justification", disclosure.justification());
  for (const std::string& item : disclosure.item_ids()) Line(out, "item_id", item);
  Line(out, "valid_hours", std::to_string(disclosure.valid_hours()));
  TimeLine(out, "valid_until", disclosure.valid_until());
  CreatedLines(out, disclosure.created_at(), disclosure.created_by());
  if (disclosure.review() != hoidla::v1::DISCLOSURE_REVIEW_UNSPECIFIED)
    Line(out, "review", DisclosureReviewName(disclosure.review()));
  OptionalLine(out, "reviewed_by", disclosure.reviewed_by());
  TimeLine(out, "reviewed_at", disclosure.reviewed_at());
  OptionalLine(out, "review_note", disclosure.review_note());
}

void PrintRecordExistence(const hoidla::v1::QueryRecordExistenceResponse& response,
                          std::ostream& out) {
  BoolLine(out, "exists", response.exists());
  for (const std::string& id : response.organization_ids()) Line(out, "organization_id", id);
  for (const std::string& id : response.client_ids()) Line(out, "client_id", id);
}

void PrintReceiptFields(const std::vector<std::pair<std::string, std::string>>& fields,
                        std::ostream& out) {
  for (const auto& [key, value] : fields) Line(out, Escape(key), value);
}

void PrintConsents(const hoidla::v1::ListConsentsResponse& list, std::ostream& out,
                   std::ostream& /*note*/) {
  for (const auto& c : list.consents()) {
    Row(out, c.id(), std::to_string(c.version()), ConsentStatusName(c.status()), c.project_id(),
        c.case_id(), ConsentGiverKindName(c.given_by().kind()), ConsentFormName(c.form()),
        IsSet(c.given_at()) ? Time(c.given_at()) : std::string());
  }
}

void PrintRecords(const hoidla::v1::ListRecordsResponse& list, std::ostream& out,
                  std::ostream& note) {
  for (const auto& r : list.records()) {
    Row(out, r.id(), r.kind(), std::to_string(r.version()), r.case_id(),
        IsSet(r.created_at()) ? Time(r.created_at()) : std::string(),
        IsSet(r.updated_at()) ? Time(r.updated_at()) : std::string(), r.updated_by(),
        r.locked() ? "locked" : "");
  }
  NextPage(list.next_page_token(), note);
}

void PrintRecordVersions(const hoidla::v1::ListRecordVersionsResponse& list, std::ostream& out,
                         std::ostream& /*note*/) {
  for (const auto& r : list.versions()) {
    Row(out, r.id(), std::to_string(r.version()),
        IsSet(r.updated_at()) ? Time(r.updated_at()) : std::string(), r.updated_by(),
        std::to_string(r.signatures_size()), r.locked() ? "locked" : "", r.change_note());
  }
}

void PrintDeadlines(const hoidla::v1::ListDeadlinesResponse& list, std::ostream& out,
                    std::ostream& /*note*/) {
  for (const auto& d : list.deadlines()) {
    Row(out, d.has_due_on() ? DateString(d.due_on()) : std::string(), DeadlineKindName(d.kind()),
        d.overdue() ? "overdue" : "due", d.case_id(), d.record_id(), d.detail());
  }
}

void PrintInstruments(const hoidla::v1::ListInstrumentsResponse& list, std::ostream& out,
                      std::ostream& /*note*/) {
  for (const auto& i : list.instruments()) {
    Row(out, i.id(), i.name(), std::to_string(i.version()), std::to_string(i.fields_size()),
        IsSet(i.created_at()) ? Time(i.created_at()) : std::string(), i.description());
  }
}

void PrintDisclosures(const hoidla::v1::ListDisclosuresResponse& list, std::ostream& out,
                      std::ostream& note) {
  for (const auto& d : list.disclosures()) {
    Row(out, d.id(), DisclosureReviewName(d.review()), LegalBasisName(d.legal_basis()),
        d.client_id(), d.recipient_organization_id(), std::to_string(d.item_ids_size()),
        IsSet(d.valid_until()) ? Time(d.valid_until()) : std::string(), d.created_by());
  }
  NextPage(list.next_page_token(), note);
}

void PrintGrantRequests(const hoidla::v1::ListGrantRequestsResponse& list, std::ostream& out,
                        std::ostream& note) {
  for (const auto& g : list.grant_requests()) {
    Row(out, g.id(), GrantRequestStateName(g.state()), GrantKindName(g), g.principal_id(),
        GrantString(g), g.requested_by(),
        IsSet(g.requested_at()) ? Time(g.requested_at()) : std::string());
  }
  NextPage(list.next_page_token(), note);
}

void PrintTokens(const hoidla::v1::ListTokensResponse& list, std::ostream& out,
                 std::ostream& note) {
  for (const auto& t : list.tokens()) {
    const std::string state = t.revoked() ? "revoked" : (t.pending() ? "pending" : "active");
    Row(out, t.token_id(), TokenKindName(t.kind()), state,
        IsSet(t.created_at()) ? Time(t.created_at()) : std::string(),
        IsSet(t.expires_at()) ? Time(t.expires_at()) : std::string(), t.issued_by(),
        t.grant_request_id());
  }
  NextPage(list.next_page_token(), note);
}

void PrintPrincipals(const hoidla::v1::ListPrincipalsResponse& list, std::ostream& out,
                     std::ostream& note) {
  for (const auto& p : list.principals()) {
    Row(out, p.id(), PrincipalKindName(p.kind()), p.display_name(),
        MembershipList(p.memberships()));
  }
  NextPage(list.next_page_token(), note);
}

void PrintOrganizations(const hoidla::v1::ListOrganizationsResponse& list, std::ostream& out,
                        std::ostream& note) {
  for (const auto& org : list.organizations()) Row(out, org.id(), org.name(), org.registry_code());
  NextPage(list.next_page_token(), note);
}

void PrintProjects(const hoidla::v1::ListProjectsResponse& list, std::ostream& out,
                   std::ostream& note) {
  for (const auto& project : list.projects()) {
    const std::string visibility =
        project.case_visibility() == hoidla::v1::CASE_VISIBILITY_UNSPECIFIED
            ? std::string()
            : CaseVisibilityName(project.case_visibility());
    Row(out, project.id(), project.organization_id(), project.name(), visibility);
  }
  NextPage(list.next_page_token(), note);
}

void PrintClients(const hoidla::v1::ListClientsResponse& list, std::ostream& out,
                  std::ostream& note) {
  for (const auto& client : list.clients()) {
    const std::string birth = client.has_date_of_birth() && client.date_of_birth().year() != 0
                                  ? DateString(client.date_of_birth())
                                  : std::string();
    Row(out, client.id(), client.given_name(), client.family_name(), client.personal_code(), birth);
  }
  NextPage(list.next_page_token(), note);
}

void PrintCases(const hoidla::v1::ListCasesResponse& list, std::ostream& out, std::ostream& note) {
  for (const auto& c : list.cases()) {
    Row(out, c.id(), CaseStatusName(c.status()), c.client_id(), c.title(), c.assigned_worker_id());
  }
  NextPage(list.next_page_token(), note);
}

void PrintDocuments(const hoidla::v1::ListDocumentsResponse& list, std::ostream& out,
                    std::ostream& note) {
  for (const auto& d : list.documents()) {
    Row(out, d.id(), d.kind(), std::to_string(d.size()), d.content_type(), d.title());
  }
  NextPage(list.next_page_token(), note);
}

void PrintAuditEntries(const hoidla::v1::ListAuditEntriesResponse& list, std::ostream& out,
                       std::ostream& note) {
  for (const auto& e : list.entries()) {
    Row(out, std::to_string(e.seq()), Time(e.time()), e.actor().empty() ? "-" : e.actor(),
        e.action().empty() ? e.method() : e.action(), e.allowed() ? "allowed" : "denied",
        e.status(), StrCat(e.organization_id(), "/", e.project_id()), e.client_id(), e.case_id(),
        e.object_id());
  }
  NextPage(list.next_page_token(), note);
}

void PrintAccessReport(const hoidla::v1::AccessReport& report, std::ostream& out,
                       std::ostream& note) {
  for (const auto& e : report.entries()) {
    const auto& a = e.actor();
    std::string who =
        a.withheld()
            ? std::string("withheld (protected third party)")
            : StrCat(a.display_name().empty() ? a.principal_id() : a.display_name(), " (",
                     PrincipalKindName(a.kind()), ", ",
                     a.organization_name().empty() ? a.organization_id() : a.organization_name(),
                     a.role().empty() ? "" : StrCat(", ", a.role()), ")");
    Row(out, std::to_string(e.seq()), Time(e.time()), who, e.action(),
        e.allowed() ? "allowed" : "denied", e.status(), e.case_id(), e.object_id(),
        e.legal_basis());
  }
  NextPage(report.next_page_token(), note);
}

void PrintAuditPublicKeys(const hoidla::v1::AuditPublicKeys& keys, std::ostream& out) {
  for (const std::string& key : keys.verifier_keys()) out << Escape(key) << '\n';
}

void PrintCheckpoint(const hoidla::v1::Checkpoint& checkpoint, std::ostream& out) {
  std::string_view note = checkpoint.note();
  while (!note.empty()) {
    const size_t end = note.find('\n');
    out << Escape(note.substr(0, end)) << '\n';
    note.remove_prefix(end == std::string_view::npos ? note.size() : end + 1);
  }
}

// ---------------------------------------------------------------------------
// Retention

namespace {

// "10y 6m" from a period; "-" when empty (an action of KEEP).
std::string PeriodString(const hoidla::v1::RetentionPeriod& p) {
  std::string out;
  auto part = [&out](int32_t n, char unit) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(n);
    out += unit;
  };
  part(p.years(), 'y');
  part(p.months(), 'm');
  part(p.days(), 'd');
  return out;
}

// The lower-case name of an enum value without its prefix
// (RETENTION_TRIGGER_CASE_CLOSED -> case_closed).
std::string EnumWord(const std::string& name, std::string_view prefix) {
  std::string word = name.starts_with(prefix) ? name.substr(prefix.size()) : name;
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

std::string HoldTarget(const hoidla::v1::LegalHold& h) {
  switch (h.target_case()) {
    case hoidla::v1::LegalHold::kClientId:
      return StrCat("client ", h.client_id());
    case hoidla::v1::LegalHold::kCaseId:
      return StrCat("case ", h.case_id());
    case hoidla::v1::LegalHold::kRecordId:
      return StrCat("record ", h.record_id());
    case hoidla::v1::LegalHold::kDocumentId:
      return StrCat("document ", h.document_id());
    case hoidla::v1::LegalHold::kProjectId:
      return StrCat("project ", h.project_id());
    case hoidla::v1::LegalHold::TARGET_NOT_SET:
      break;
  }
  return "";
}

}  // namespace

void PrintRetentionSchedule(const hoidla::v1::RetentionSchedule& s, std::ostream& out) {
  Line(out, "id", s.id());
  Line(out, "version", std::to_string(s.version()));
  Line(out, "organization_id", s.organization_id());
  Line(out, "project_id", s.project_id().empty() ? "*" : s.project_id());
  Line(out, "item_type",
       EnumWord(hoidla::v1::RetentionItemType_Name(s.item_type()), "RETENTION_ITEM_TYPE_"));
  Line(out, "kind", s.kind().empty() ? "*" : s.kind());
  Line(out, "trigger",
       EnumWord(hoidla::v1::RetentionTrigger_Name(s.trigger()), "RETENTION_TRIGGER_"));
  OptionalLine(out, "period", PeriodString(s.period()));
  Line(out, "action", EnumWord(hoidla::v1::RetentionAction_Name(s.action()), "RETENTION_ACTION_"));
  OptionalLine(out, "basis", s.basis());
  CreatedLines(out, s.created_at(), s.created_by());
}

void PrintRetentionSchedules(const hoidla::v1::ListRetentionSchedulesResponse& list,
                             std::ostream& out, std::ostream& note) {
  for (const auto& s : list.schedules()) {
    Row(out, s.id(), std::to_string(s.version()), s.project_id().empty() ? "*" : s.project_id(),
        EnumWord(hoidla::v1::RetentionItemType_Name(s.item_type()), "RETENTION_ITEM_TYPE_"),
        s.kind().empty() ? "*" : s.kind(),
        EnumWord(hoidla::v1::RetentionTrigger_Name(s.trigger()), "RETENTION_TRIGGER_"),
        PeriodString(s.period()),
        EnumWord(hoidla::v1::RetentionAction_Name(s.action()), "RETENTION_ACTION_"));
  }
  NextPage(list.next_page_token(), note);
}

void PrintLegalHold(const hoidla::v1::LegalHold& h, std::ostream& out) {
  Line(out, "id", h.id());
  Line(out, "organization_id", h.organization_id());
  Line(out, "target", HoldTarget(h));
  Line(out, "reason", h.reason());
  BoolLine(out, "active", h.active());
  TimeLine(out, "placed_at", h.placed_at());
  OptionalLine(out, "placed_by", h.placed_by());
  TimeLine(out, "lifted_at", h.lifted_at());
  OptionalLine(out, "lifted_by", h.lifted_by());
  OptionalLine(out, "lift_reason", h.lift_reason());
}

void PrintLegalHolds(const hoidla::v1::ListLegalHoldsResponse& list, std::ostream& out,
                     std::ostream& note) {
  for (const auto& h : list.holds()) {
    Row(out, h.id(), h.active() ? "active" : "lifted", HoldTarget(h),
        IsSet(h.placed_at()) ? Time(h.placed_at()) : std::string(), h.placed_by());
  }
  NextPage(list.next_page_token(), note);
}

void PrintDueDisposal(const hoidla::v1::DueDisposal& d, std::ostream& out) {
  Line(out, "item_id", d.item_id());
  Line(out, "item_type",
       EnumWord(hoidla::v1::RetentionItemType_Name(d.item_type()), "RETENTION_ITEM_TYPE_"));
  OptionalLine(out, "kind", d.kind());
  Line(out, "organization_id", d.organization_id());
  OptionalLine(out, "project_id", d.project_id());
  OptionalLine(out, "client_id", d.client_id());
  OptionalLine(out, "case_id", d.case_id());
  OptionalLine(out, "schedule_id", d.schedule_id());
  if (d.schedule_version() != 0)
    Line(out, "schedule_version", std::to_string(d.schedule_version()));
  TimeLine(out, "due_at", d.due_at());
  Line(out, "state", EnumWord(hoidla::v1::DisposalState_Name(d.state()), "DISPOSAL_STATE_"));
  TimeLine(out, "postponed_until", d.postponed_until());
  OptionalLine(out, "decided_by", d.decided_by());
  OptionalLine(out, "decision_reason", d.decision_reason());
  TimeLine(out, "decided_at", d.decided_at());
  for (const std::string& h : d.hold_ids()) Line(out, "held_by", h);
}

void PrintDueDisposals(const hoidla::v1::ListDueDisposalsResponse& list, std::ostream& out,
                       std::ostream& note) {
  for (const auto& d : list.items()) {
    Row(out, d.item_id(),
        EnumWord(hoidla::v1::RetentionItemType_Name(d.item_type()), "RETENTION_ITEM_TYPE_"),
        d.kind(), d.client_id(), IsSet(d.due_at()) ? Time(d.due_at()) : std::string(),
        EnumWord(hoidla::v1::DisposalState_Name(d.state()), "DISPOSAL_STATE_"),
        d.hold_ids_size() > 0 ? "held" : "");
  }
  NextPage(list.next_page_token(), note);
}

void PrintRunDisposal(const hoidla::v1::RunDisposalResponse& r, std::ostream& out) {
  OptionalLine(out, "certificate_id", r.certificate_id());
  Line(out, "destroyed", std::to_string(r.destroyed()));
  Line(out, "awaiting_review", std::to_string(r.awaiting_review()));
  Line(out, "held", std::to_string(r.held()));
  BoolLine(out, "more_due", r.more_due());
}

void PrintDisposalCertificate(const hoidla::v1::DisposalCertificate& c, std::ostream& out) {
  Line(out, "id", c.id());
  Line(out, "organization_id", c.organization_id());
  Line(out, "cause", EnumWord(hoidla::v1::DisposalCause_Name(c.cause()), "DISPOSAL_CAUSE_"));
  TimeLine(out, "started_at", c.started_at());
  TimeLine(out, "completed_at", c.completed_at());
  Line(out, "run_by", c.run_by());
  OptionalLine(out, "client_id", c.client_id());
  OptionalLine(out, "reason", c.reason());
  for (const auto& n : c.counts()) {
    Line(out, "count",
         StrCat(EnumWord(hoidla::v1::RetentionItemType_Name(n.item_type()), "RETENTION_ITEM_TYPE_"),
                n.kind().empty() ? "" : StrCat(" ", n.kind()), " ", n.count()));
  }
  for (const auto& i : c.items()) {
    Line(out, "item",
         StrCat(
             i.item_id(), " ", i.client_id(),
             i.schedule_id().empty() ? "" : StrCat(" ", i.schedule_id(), "@", i.schedule_version()),
             i.approved_by().empty() ? "" : StrCat(" approved_by ", i.approved_by())));
  }
  Line(out, "key_version", std::to_string(c.key_version()));
}

void PrintDisposalCertificates(const hoidla::v1::ListDisposalCertificatesResponse& list,
                               std::ostream& out, std::ostream& note) {
  for (const auto& c : list.certificates()) {
    int64_t n = 0;
    for (const auto& k : c.counts()) n += k.count();
    Row(out, c.id(), EnumWord(hoidla::v1::DisposalCause_Name(c.cause()), "DISPOSAL_CAUSE_"),
        IsSet(c.completed_at()) ? Time(c.completed_at()) : std::string(), c.run_by(),
        std::to_string(n));
  }
  NextPage(list.next_page_token(), note);
}

}  // namespace hoidla::vaultctl
