// The local parts of `vaultctl record ...`, `vaultctl instrument register`
// and `vaultctl case close|create`: reading a record's content or an
// instrument from its protobuf JSON file (`record create|update --file`,
// `instrument register --file`) and mapping the enumeration options to the
// API's values, without a server.
//
//  * A record file holds one hoidla.v1.RecordContent (proto/hoidla/v1/
//    forms.proto) in the protobuf JSON mapping: one form part, such as
//    {"casePlan": {...}} (field names as in the proto or in lowerCamelCase,
//    enums by name, dates as {"year", "month", "day"});
//    doc/records-forms.md has an example of every kind. Unknown fields are
//    an error.
//  * An instrument file holds one hoidla.v1.Instrument (proto/hoidla/v1/
//    instruments.proto) in the protobuf JSON mapping, without its output-only
//    fields: {"organizationId": "org_...", "name": "care_action_plan",
//    "fields": [{"name": "goal", "type": "INSTRUMENT_FIELD_TYPE_TEXT",
//    "required": true}, ...]}. Unknown fields are an error; the server
//    checks the rest.
//
// Status conventions: INVALID_ARGUMENT for a file that does not parse or
// (a record's content) holds no form part.
//
// Thread-safety: pure functions.
#ifndef HOIDLA_CLIENT_VAULTCTL_RECORD_H_
#define HOIDLA_CLIENT_VAULTCTL_RECORD_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hoidla/v1/cases.pb.h"
#include "hoidla/v1/forms.pb.h"
#include "hoidla/v1/instruments.pb.h"

namespace hoidla::vaultctl {

// Parses `json` as a hoidla.v1.RecordContent in the protobuf JSON mapping.
// INVALID_ARGUMENT "not a hoidla.v1.RecordContent in protobuf JSON: " and
// the first line of the parser's message when it is not one (malformed
// JSON, an unknown field or enum value, a value of the wrong type, ...);
// INVALID_ARGUMENT "no form part: expected one of intakeAssessment, ..."
// when it parses but holds none (`{}`).
absl::StatusOr<hoidla::v1::RecordContent> ParseRecordContentJson(std::string_view json);

// Parses `json` as a hoidla.v1.Instrument in the protobuf JSON mapping.
// INVALID_ARGUMENT "not a hoidla.v1.Instrument in protobuf JSON: " and the
// first line of the parser's message when it is not one (malformed JSON, an
// unknown field or enum value, a value of the wrong type, ...).
absl::StatusOr<hoidla::v1::Instrument> ParseInstrumentJson(std::string_view json);

// The values of `case close --reason`: "referral", "transfer",
// "terminated_by_client", "time_limit", "goals_met", "impossible" (the
// ClosingReason names without their prefix, in lowercase);
// CLOSING_REASON_UNSPECIFIED for anything else.
hoidla::v1::ClosingReason ParseClosingReason(std::string_view text);

// The values of `case create --origin`: "application",
// "third_party_report"; CASE_ORIGIN_UNSPECIFIED for anything else
// (including empty: the server's default, an application).
hoidla::v1::CaseOrigin ParseCaseOrigin(std::string_view text);

}  // namespace hoidla::vaultctl

#endif  // HOIDLA_CLIENT_VAULTCTL_RECORD_H_
