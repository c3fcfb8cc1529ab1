// Record forms: what each kind of assessment record (proto/hoidla/v1/
// forms.proto) is called, what it must contain, and what of it names third
// parties. Pure functions over the messages; the records module stores,
// versions and authorises them.
//
// Thread-safety: pure functions; safe for concurrent use.
#ifndef HOIDLA_VAULT_RECORDS_RECORD_FORMS_H_
#define HOIDLA_VAULT_RECORDS_RECORD_FORMS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "hoidla/v1/forms.pb.h"

namespace hoidla::core {

// The kind of a record, as consents and lists name it: "intake_assessment"
// (part A), "initial_decision" (A1), "case_plan" (B), "plan_evaluation"
// (B1), "action_plan" (C), "activity_log_entry" (C1), "meeting_plan" (D1),
// "meeting_preparation" (D2), "meeting_minutes" (D3), "job_search_plan",
// "probation_supervision_plan", "care_need_assessment", and "custom" for an
// organisation's own instrument. "" when no part is set.
std::string_view RecordKind(const ::hoidla::v1::RecordContent& content);

// Every built-in kind name above, in form order ("custom" last).
const std::vector<std::string_view>& RecordKinds();

// Checks one record's content on its own: a part is set; the form's
// required fields are present (those marked `*` are optional); enumerations
// hold a known value, and OTHER comes with its text; dates are real dates,
// not in the future where the form records what happened, and ranges are
// ordered; texts are within their limits. On failure returns
// INVALID_ARGUMENT whose message starts with the field's path under
// `prefix` (for example "record.content.intake_assessment.client.
// social_status: required"). `today` is the current date (UTC) as
// year * 10000 + month * 100 + day. Custom records are checked against their
// instrument elsewhere (only that one is set).
absl::Status ValidateRecordContent(const ::hoidla::v1::RecordContent& content,
                                   std::string_view prefix, int32_t today);

// Blanks what identifies third parties whom the law protects from partner
// agencies and from the client (doc/domain.md §5.4; form parts A.2-A.5, §9.1):
// who conveyed a problem or made a statement, network members and family
// members with their personal codes and contacts. Each blanked text becomes
// "[withheld]"; personal codes and contacts become empty. Leaves the
// client's own data and the professionals' roles.
void MaskThirdParties(::hoidla::v1::RecordContent* content);

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_RECORDS_RECORD_FORMS_H_
