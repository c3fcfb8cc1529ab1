// Record forms: kind names, per-form validation and third-party masking for
// the assessment records of proto/hoidla/v1/forms.proto. Which field is
// required, optional or third-party is documented field by field in the
// .proto; this file follows it.
#include "vault/records/record_forms.h"

#include <cstddef>
#include <set>
#include <string>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/validation.h"
#include "vault/directory/isikukood.h"

namespace hoidla::core {
namespace {

namespace v1 = ::hoidla::v1;

// Text limits, bytes of UTF-8.
constexpr size_t kShort = 200;   // names, one-line texts
constexpr size_t kText = 2000;   // ordinary texts (multi-line)
constexpr size_t kLong = 10000;  // descriptions, assessments, minutes
constexpr size_t kIdBytes = 64;  // participant ids
constexpr size_t kRecordIdBytes = 128;

constexpr std::string_view kWithheld = "[withheld]";

std::string Field(std::string_view base, std::string_view name) {
  if (base.empty()) return std::string(name);
  return hoidla::StrCat(base, ".", name);
}
std::string Index(std::string_view base, int i) { return hoidla::StrCat(base, "[", i, "]"); }

enum class When { kAny, kPast };

// Checks the limits and validators of one form; `today` is yyyymmdd.
class Checker {
 public:
  explicit Checker(int32_t today) : today_(today) {}

  // A one-line text (names, short fields).
  absl::Status Short(std::string_view path, std::string_view v, bool required) const {
    return ValidateText(path, v, required, kShort, false);
  }
  // A multi-line text of up to 2000 bytes.
  absl::Status Text(std::string_view path, std::string_view v, bool required) const {
    return ValidateText(path, v, required, kText, true);
  }
  // A multi-line text of up to 10000 bytes.
  absl::Status Long(std::string_view path, std::string_view v, bool required) const {
    return ValidateText(path, v, required, kLong, true);
  }

  // A date that is present (`has`) or, if `required`, must be.
  absl::Status DateField(std::string_view path, bool has, const v1::Date& d, bool required,
                         When when) const {
    if (!has) return required ? FieldError(path, "required") : absl::OkStatus();
    if (!IsRealDate(d)) return FieldError(path, "not a real calendar date in 1900-2199");
    if (when == When::kPast && Key(d) > today_) return FieldError(path, "in the future");
    return absl::OkStatus();
  }

  // A DateRange: from required when present; until required if
  // `until_required`; from <= until.
  absl::Status Range(std::string_view path, bool has, const v1::DateRange& r, bool required,
                     bool until_required, When when) const {
    if (!has) return required ? FieldError(path, "required") : absl::OkStatus();
    HOIDLA_RETURN_IF_ERROR(DateField(Field(path, "from"), r.has_from(), r.from(), true, when));
    HOIDLA_RETURN_IF_ERROR(
        DateField(Field(path, "until"), r.has_until(), r.until(), until_required, when));
    if (r.has_until() && Key(r.until()) < Key(r.from())) {
      return FieldError(Field(path, "until"), "before from");
    }
    return absl::OkStatus();
  }

  // A TimeOfDayRange: both ends "HH:MM", from <= until.
  absl::Status Times(std::string_view path, bool has, const v1::TimeOfDayRange& r) const {
    if (!has) return FieldError(path, "required");
    int from = 0;
    int until = 0;
    HOIDLA_RETURN_IF_ERROR(Clock(Field(path, "from"), r.from(), &from));
    HOIDLA_RETURN_IF_ERROR(Clock(Field(path, "until"), r.until(), &until));
    if (until < from) return FieldError(Field(path, "until"), "before from");
    return absl::OkStatus();
  }

  // An enumeration at `path`: a known value, required unless `required` is
  // false; OTHER needs the text at `path`_other, which is empty otherwise.
  absl::Status Enum(std::string_view path, int value, bool (*is_valid)(int), int other,
                    std::string_view other_text, bool required) const {
    const std::string other_path = hoidla::StrCat(path, "_other");
    if (value == 0) {
      if (required) return FieldError(path, "required");
      if (!other_text.empty()) return FieldError(other_path, "set only with OTHER");
      return absl::OkStatus();
    }
    if (!is_valid(value)) return FieldError(path, "unknown value");
    if (value == other) return Short(other_path, other_text, true);
    if (!other_text.empty()) return FieldError(other_path, "set only with OTHER");
    return absl::OkStatus();
  }

  // A positive sequence number.
  static absl::Status Positive(std::string_view path, int32_t v) {
    if (v == 0) return FieldError(path, "required");
    if (v < 0) return FieldError(path, "must be 1 or more");
    return absl::OkStatus();
  }

  // A caller-assigned id: [A-Za-z0-9_.-], 1..64 bytes.
  static absl::Status Id(std::string_view path, std::string_view v) {
    if (v.empty()) return FieldError(path, "required");
    if (v.size() > kIdBytes) {
      return FieldError(path, hoidla::StrCat("longer than ", kIdBytes, " bytes"));
    }
    for (char c : v) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-' || c == '.';
      if (!ok) return FieldError(path, "only letters, digits, '_', '-' and '.'");
    }
    return absl::OkStatus();
  }

  // A personal code, or the reason there is none. Returns the encoded birth
  // date through `birth` when a code is given.
  static absl::Status PersonalCode(std::string_view base, std::string_view code,
                                   std::string_view reason, CivilDate* birth) {
    const std::string code_path = Field(base, "personal_code");
    const std::string reason_path = Field(base, "no_personal_code_reason");
    if (code.empty()) {
      if (reason.empty()) return FieldError(code_path, "required (or no_personal_code_reason)");
      return ValidateText(reason_path, reason, true, kShort, false);
    }
    if (!reason.empty()) return FieldError(reason_path, "set only when personal_code is empty");
    HOIDLA_ASSIGN_OR_RETURN(*birth, ValidatePersonalCode(code, code_path));
    return absl::OkStatus();
  }

  static int32_t Key(const v1::Date& d) { return d.year() * 10000 + d.month() * 100 + d.day(); }

 private:
  static bool IsRealDate(const v1::Date& d) {
    if (d.year() < 1900 || d.year() > 2199) return false;
    return IsValidDate(CivilDate{d.year(), d.month(), d.day()});
  }
  static absl::Status Clock(std::string_view path, std::string_view v, int* minutes) {
    if (v.empty()) return FieldError(path, "required");
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (v.size() != 5 || !digit(v[0]) || !digit(v[1]) || v[2] != ':' || !digit(v[3]) ||
        !digit(v[4])) {
      return FieldError(path, "not a time HH:MM");
    }
    int h = (v[0] - '0') * 10 + (v[1] - '0');
    int m = (v[3] - '0') * 10 + (v[4] - '0');
    if (h > 23 || m > 59) return FieldError(path, "not a time HH:MM");
    *minutes = h * 60 + m;
    return absl::OkStatus();
  }

  int32_t today_;
};

#define R HOIDLA_RETURN_IF_ERROR

// Repeated rows: at least `min` of them, each checked by `row(path, row)`.
template <typename Rows, typename F>
absl::Status EachRow(std::string_view path, const Rows& rows, int min, F row) {
  if (rows.size() < min) {
    return FieldError(path, min == 1 ? std::string("at least one required")
                                     : hoidla::StrCat("at least ", min, " required"));
  }
  for (int i = 0; i < rows.size(); ++i) R(row(Index(path, i), rows.Get(i)));
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Part A.

absl::Status CheckServiceRecipient(const Checker& c, const std::string& p,
                                   const v1::ServiceRecipient& m) {
  R(c.Short(Field(p, "first_name"), m.first_name(), true));
  R(c.Short(Field(p, "surname"), m.surname(), true));
  CivilDate birth;
  R(Checker::PersonalCode(p, m.personal_code(), m.no_personal_code_reason(), &birth));
  R(c.DateField(Field(p, "date_of_birth"), m.has_date_of_birth(), m.date_of_birth(), false,
                When::kPast));
  if (m.has_date_of_birth() && !m.personal_code().empty() &&
      !(birth ==
        CivilDate{m.date_of_birth().year(), m.date_of_birth().month(), m.date_of_birth().day()})) {
    return FieldError(Field(p, "date_of_birth"), "does not match personal_code");
  }
  R(c.Enum(Field(p, "citizenship"), m.citizenship(), v1::Citizenship_IsValid, v1::CITIZENSHIP_OTHER,
           m.citizenship_other(), true));
  R(c.Enum(Field(p, "identity_document"), m.identity_document(), v1::IdentityDocument_IsValid,
           v1::IDENTITY_DOCUMENT_OTHER, m.identity_document_other(), true));
  R(c.Short(Field(p, "identity_document_number"), m.identity_document_number(), false));
  R(c.DateField(Field(p, "identity_document_valid_until"), m.has_identity_document_valid_until(),
                m.identity_document_valid_until(), false, When::kAny));
  R(c.Short(Field(p, "registered_address"), m.registered_address(), true));
  R(c.Short(Field(p, "actual_address"), m.actual_address(), false));
  R(c.Short(Field(p, "phone"), m.phone(), true));
  R(c.Short(Field(p, "email"), m.email(), false));
  R(c.Short(Field(p, "bank_account_number"), m.bank_account_number(), false));
  R(c.Short(Field(p, "bank"), m.bank(), false));
  R(c.Enum(Field(p, "social_status"), m.social_status(), v1::SocialStatus_IsValid,
           v1::SOCIAL_STATUS_OTHER, m.social_status_other(), true));
  R(c.Text(Field(p, "social_status_info"), m.social_status_info(), false));
  R(c.Enum(Field(p, "education"), m.education(), v1::Education_IsValid, v1::EDUCATION_OTHER,
           m.education_other(), false));
  R(c.Text(Field(p, "education_info"), m.education_info(), false));
  R(c.Enum(Field(p, "marital_status"), m.marital_status(), v1::MaritalStatus_IsValid,
           v1::MARITAL_STATUS_OTHER, m.marital_status_other(), true));
  R(c.Text(Field(p, "marital_status_info"), m.marital_status_info(), false));
  R(c.Enum(Field(p, "health_insurance"), m.health_insurance(), v1::HealthInsurance_IsValid,
           v1::HEALTH_INSURANCE_OTHER, m.health_insurance_other(), true));
  R(c.Range(Field(p, "health_insurance_validity"), m.has_health_insurance_validity(),
            m.health_insurance_validity(), false, false, When::kAny));
  R(c.Enum(Field(p, "disability_severity"), m.disability_severity(), v1::DisabilitySeverity_IsValid,
           v1::DISABILITY_SEVERITY_OTHER, m.disability_severity_other(), false));
  if (m.has_incapacity_for_work_percent() &&
      (m.incapacity_for_work_percent() < 0 || m.incapacity_for_work_percent() > 100)) {
    return FieldError(Field(p, "incapacity_for_work_percent"), "not in 0-100");
  }
  const bool has_decision = m.disability_severity() != v1::DISABILITY_SEVERITY_UNSPECIFIED ||
                            m.has_incapacity_for_work_percent();
  R(c.Range(Field(p, "disability_decision_validity"), m.has_disability_decision_validity(),
            m.disability_decision_validity(), has_decision, false, When::kAny));
  R(EachRow(Field(p, "previous_assessments"), m.previous_assessments(), 0,
            [&](const std::string& rp, const v1::PreviousAssessment& a) -> absl::Status {
              R(c.Enum(Field(rp, "kind"), a.kind(), v1::PreviousAssessmentKind_IsValid,
                       v1::PREVIOUS_ASSESSMENT_KIND_OTHER, a.kind_other(), true));
              R(c.DateField(Field(rp, "conducted_on"), a.has_conducted_on(), a.conducted_on(),
                            false, When::kPast));
              R(c.DateField(Field(rp, "valid_until"), a.has_valid_until(), a.valid_until(), false,
                            When::kAny));
              if (a.has_conducted_on() && a.has_valid_until() &&
                  Checker::Key(a.valid_until()) < Checker::Key(a.conducted_on())) {
                return FieldError(Field(rp, "valid_until"), "before conducted_on");
              }
              return absl::OkStatus();
            }));
  R(EachRow(Field(p, "family_members"), m.family_members(), 0,
            [&](const std::string& rp, const v1::FamilyMember& f) -> absl::Status {
              R(c.Short(Field(rp, "name"), f.name(), true));
              R(c.Short(Field(rp, "relation_to_client"), f.relation_to_client(), true));
              return c.Text(Field(rp, "info"), f.info(), false);
            }));
  return c.Text(Field(p, "other_info"), m.other_info(), true);
}

absl::Status CheckProblemDescription(const Checker& c, const std::string& p,
                                     const v1::ProblemDescription& m) {
  R(EachRow(Field(p, "statements"), m.statements(), 1,
            [&](const std::string& rp, const v1::ProblemStatement& s) -> absl::Status {
              R(c.Enum(Field(rp, "source"), s.source(), v1::ProblemSource_IsValid,
                       v1::PROBLEM_SOURCE_OTHER, s.source_other(), true));
              R(c.Short(Field(rp, "conveyor_name"), s.conveyor_name(),
                        s.source() != v1::PROBLEM_SOURCE_CLIENT));
              R(c.Text(Field(rp, "reason_for_contact"), s.reason_for_contact(), true));
              return c.Long(Field(rp, "description"), s.description(), true);
            }));
  return c.Text(Field(p, "case_manager_comments"), m.case_manager_comments(), false);
}

absl::Status CheckDomain(const Checker& c, const std::string& p, bool has,
                         const v1::DomainInformation& m) {
  if (!has) return absl::OkStatus();
  R(c.Text(Field(p, "from_client"), m.from_client(), false));
  R(c.Text(Field(p, "from_network_members"), m.from_network_members(), false));
  return EachRow(Field(p, "network_sources"), m.network_sources(), 0,
                 [&](const std::string& rp, const std::string& s) { return c.Short(rp, s, true); });
}

absl::Status CheckAdditionalData(const Checker& c, const std::string& p,
                                 const v1::AdditionalData& m) {
  R(CheckDomain(c, Field(p, "economic_coping"), m.has_economic_coping(), m.economic_coping()));
  R(CheckDomain(c, Field(p, "housing"), m.has_housing(), m.housing()));
  R(CheckDomain(c, Field(p, "relationships"), m.has_relationships(), m.relationships()));
  R(CheckDomain(c, Field(p, "health_and_lifestyle"), m.has_health_and_lifestyle(),
                m.health_and_lifestyle()));
  R(CheckDomain(c, Field(p, "study_and_work"), m.has_study_and_work(), m.study_and_work()));
  R(CheckDomain(c, Field(p, "leisure"), m.has_leisure(), m.leisure()));
  R(CheckDomain(c, Field(p, "other"), m.has_other(), m.other()));
  return c.Text(Field(p, "case_manager_comments"), m.case_manager_comments(), false);
}

absl::Status CheckNeedNoticer(const Checker& c, const std::string& p, const v1::NeedNoticer& m) {
  R(c.Short(Field(p, "first_name"), m.first_name(), true));
  R(c.Short(Field(p, "surname"), m.surname(), true));
  R(c.DateField(Field(p, "contact_date"), m.has_contact_date(), m.contact_date(), true,
                When::kPast));
  R(c.Short(Field(p, "contact_mode"), m.contact_mode(), true));
  R(c.Short(Field(p, "relation_to_client"), m.relation_to_client(), true));
  R(c.Short(Field(p, "phone"), m.phone(), false));
  R(c.Short(Field(p, "address"), m.address(), false));
  R(c.Short(Field(p, "email"), m.email(), false));
  R(c.Text(Field(p, "other_info"), m.other_info(), false));
  return c.Text(Field(p, "case_manager_comments"), m.case_manager_comments(), false);
}

// The contact and free-text fields every network member row has.
template <typename M>
absl::Status CheckMemberCommon(const Checker& c, const std::string& p, const M& m) {
  R(c.Short(Field(p, "first_name"), m.first_name(), true));
  R(c.Short(Field(p, "surname"), m.surname(), true));
  R(c.Short(Field(p, "phone"), m.phone(), false));
  R(c.Short(Field(p, "address"), m.address(), false));
  R(c.Short(Field(p, "email"), m.email(), false));
  R(c.Text(Field(p, "other_info"), m.other_info(), false));
  return c.Text(Field(p, "relationship"), m.relationship(), false);
}

absl::Status CheckNetwork(const Checker& c, const std::string& p, const v1::NetworkMembers& m) {
  R(EachRow(Field(p, "informal"), m.informal(), 0,
            [&](const std::string& rp, const v1::InformalNetworkMember& n) -> absl::Status {
              R(CheckMemberCommon(c, rp, n));
              R(c.Short(Field(rp, "relation_to_client"), n.relation_to_client(), true));
              CivilDate birth;
              R(Checker::PersonalCode(rp, n.personal_code(), n.no_personal_code_reason(), &birth));
              R(c.DateField(Field(rp, "date_of_birth"), n.has_date_of_birth(), n.date_of_birth(),
                            false, When::kPast));
              return c.Enum(Field(rp, "social_status"), n.social_status(), v1::SocialStatus_IsValid,
                            v1::SOCIAL_STATUS_OTHER, n.social_status_other(), true);
            }));
  R(EachRow(Field(p, "formal"), m.formal(), 0,
            [&](const std::string& rp, const v1::FormalNetworkMember& n) -> absl::Status {
              R(CheckMemberCommon(c, rp, n));
              return c.Short(Field(rp, "position_and_institution"), n.position_and_institution(),
                             true);
            }));
  return EachRow(Field(p, "combined"), m.combined(), 0,
                 [&](const std::string& rp, const v1::NetworkMember& n) -> absl::Status {
                   R(CheckMemberCommon(c, rp, n));
                   return c.Short(Field(rp, "position_or_social_status"),
                                  n.position_or_social_status(), true);
                 });
}

absl::Status CheckFirstAssessment(const Checker& c, const std::string& p,
                                  const v1::FirstAssessment& m) {
  R(c.Long(Field(p, "case_description"), m.case_description(), true));
  R(EachRow(Field(p, "problems_to_solve"), m.problems_to_solve(), 1,
            [&](const std::string& rp, const std::string& s) { return c.Text(rp, s, true); }));
  R(c.Enum(Field(p, "decision"), m.decision(), v1::FirstAssessmentDecision_IsValid,
           v1::DECISION_OTHER, m.decision_other(), true));
  return c.Text(Field(p, "legal_basis"), m.legal_basis(), true);
}

absl::Status CheckIntake(const Checker& c, const std::string& p, const v1::IntakeAssessment& m) {
  R(c.Short(Field(p, "local_government"), m.local_government(), false));
  R(c.DateField(Field(p, "filled_on"), m.has_filled_on(), m.filled_on(), false, When::kPast));
  if (!m.has_client()) return FieldError(Field(p, "client"), "required");
  R(CheckServiceRecipient(c, Field(p, "client"), m.client()));
  if (m.has_problem_description()) {
    R(CheckProblemDescription(c, Field(p, "problem_description"), m.problem_description()));
  }
  if (m.has_additional_data()) {
    R(CheckAdditionalData(c, Field(p, "additional_data"), m.additional_data()));
  }
  if (m.has_need_noticer()) R(CheckNeedNoticer(c, Field(p, "need_noticer"), m.need_noticer()));
  if (m.has_network()) R(CheckNetwork(c, Field(p, "network"), m.network()));
  if (m.has_first_assessment()) {
    R(CheckFirstAssessment(c, Field(p, "first_assessment"), m.first_assessment()));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// A1, B, B1, C, C1.

absl::Status CheckInitialDecision(const Checker& c, const std::string& p,
                                  const v1::InitialDecision& m) {
  R(c.Short(Field(p, "client_name"), m.client_name(), true));
  R(c.Text(Field(p, "needs"), m.needs(), true));
  R(EachRow(Field(p, "actions"), m.actions(), 1,
            [&](const std::string& rp, const v1::DecisionAction& a) -> absl::Status {
              R(c.Text(Field(rp, "action"), a.action(), true));
              R(c.DateField(Field(rp, "scheduled_on"), a.has_scheduled_on(), a.scheduled_on(), true,
                            When::kAny));
              return c.Short(Field(rp, "provider"), a.provider(), true);
            }));
  return c.DateField(Field(p, "decided_on"), m.has_decided_on(), m.decided_on(), true, When::kPast);
}

absl::Status CheckCasePlan(const Checker& c, const std::string& p, const v1::CasePlan& m) {
  R(c.Long(Field(p, "problems"), m.problems(), true));
  R(c.Long(Field(p, "resources"), m.resources(), true));
  R(c.Long(Field(p, "hindering_factors"), m.hindering_factors(), true));
  return EachRow(Field(p, "goals"), m.goals(), 1,
                 [&](const std::string& gp, const v1::PlanGoal& g) -> absl::Status {
                   R(c.Text(Field(gp, "goal"), g.goal(), true));
                   return EachRow(
                       Field(gp, "sub_goals"), g.sub_goals(), 1,
                       [&](const std::string& sp, const v1::PlanSubGoal& s) -> absl::Status {
                         R(c.Text(Field(sp, "sub_goal"), s.sub_goal(), true));
                         return EachRow(
                             Field(sp, "activities"), s.activities(), 1,
                             [&](const std::string& ap, const v1::PlanActivity& a) -> absl::Status {
                               R(c.Text(Field(ap, "activity"), a.activity(), true));
                               R(c.Range(Field(ap, "schedule"), a.has_schedule(), a.schedule(),
                                         true, false, When::kAny));
                               R(c.Short(Field(ap, "schedule_note"), a.schedule_note(), false));
                               return c.Short(Field(ap, "provider"), a.provider(), true);
                             });
                       });
                 });
}

absl::Status CheckPlanEvaluation(const Checker& c, const std::string& p,
                                 const v1::PlanEvaluation& m) {
  R(c.Enum(Field(p, "evaluation_type"), m.evaluation_type(), v1::EvaluationType_IsValid,
           v1::EVALUATION_TYPE_OTHER, m.evaluation_type_other(), true));
  R(c.Range(Field(p, "evaluated_period"), m.has_evaluated_period(), m.evaluated_period(), true,
            true, When::kPast));
  R(Checker::Positive(Field(p, "sequence_number"), m.sequence_number()));
  R(c.Long(Field(p, "overall_assessment"), m.overall_assessment(), true));
  R(c.Long(Field(p, "recommendations"), m.recommendations(), true));
  return c.DateField(Field(p, "evaluated_on"), m.has_evaluated_on(), m.evaluated_on(), true,
                     When::kPast);
}

absl::Status CheckActionPlan(const Checker& c, const std::string& p, const v1::ActionPlan& m) {
  return EachRow(Field(p, "goals"), m.goals(), 1,
                 [&](const std::string& gp, const v1::ActionGoal& g) -> absl::Status {
                   R(c.Text(Field(gp, "goal"), g.goal(), true));
                   return EachRow(
                       Field(gp, "activities"), g.activities(), 1,
                       [&](const std::string& ap, const v1::PlannedActivity& a) -> absl::Status {
                         R(c.Text(Field(ap, "activity"), a.activity(), true));
                         R(c.DateField(Field(ap, "scheduled_on"), a.has_scheduled_on(),
                                       a.scheduled_on(), true, When::kAny));
                         return c.Text(Field(ap, "comment"), a.comment(), false);
                       });
                 });
}

absl::Status CheckActivityLogEntry(const Checker& c, const std::string& p,
                                   const v1::ActivityLogEntry& m) {
  R(c.DateField(Field(p, "date"), m.has_date(), m.date(), true, When::kPast));
  R(c.Text(Field(p, "action"), m.action(), true));
  R(c.Short(Field(p, "executor"), m.executor(), true));
  R(c.Text(Field(p, "comment"), m.comment(), false));
  return ValidateText(Field(p, "corrects_record_id"), m.corrects_record_id(), false, kRecordIdBytes,
                      false);
}

// ---------------------------------------------------------------------------
// D1, D2, D3.

absl::Status CheckMeetingPlan(const Checker& c, const std::string& p, const v1::MeetingPlan& m) {
  R(c.Text(Field(p, "purpose"), m.purpose(), true));
  R(c.Short(Field(p, "responsible_name"), m.responsible_name(), true));
  R(c.Short(Field(p, "responsible_contact"), m.responsible_contact(), false));
  R(c.DateField(Field(p, "meeting_date"), m.has_meeting_date(), m.meeting_date(), true,
                When::kAny));
  R(c.Times(Field(p, "planned_time"), m.has_planned_time(), m.planned_time()));
  R(c.Short(Field(p, "venue_institution"), m.venue_institution(), true));
  R(c.Short(Field(p, "venue_address"), m.venue_address(), false));
  R(EachRow(Field(p, "agenda"), m.agenda(), 1,
            [&](const std::string& rp, const v1::MeetingAgendaItem& a) -> absl::Status {
              R(c.Times(Field(rp, "time_slot"), a.has_time_slot(), a.time_slot()));
              R(c.Text(Field(rp, "item"), a.item(), true));
              return c.Short(Field(rp, "presenter"), a.presenter(), true);
            }));
  return EachRow(
      Field(p, "invitees"), m.invitees(), 1,
      [&](const std::string& rp, const v1::MeetingInvitee& i) -> absl::Status {
        R(c.Short(Field(rp, "name"), i.name(), true));
        R(c.Short(Field(rp, "relation_or_position"), i.relation_or_position(), !i.is_client()));
        return c.Short(Field(rp, "contact"), i.contact(), false);
      });
}

absl::Status CheckMeetingPreparation(const Checker& c, const std::string& p,
                                     const v1::MeetingPreparation& m) {
  R(EachRow(Field(p, "notifications"), m.notifications(), 1,
            [&](const std::string& rp, const v1::MeetingNotification& n) -> absl::Status {
              R(c.Short(Field(rp, "member_name"), n.member_name(), true));
              R(c.DateField(Field(rp, "notified_on"), n.has_notified_on(), n.notified_on(), true,
                            When::kPast));
              return c.Short(Field(rp, "notified_by"), n.notified_by(), true);
            }));
  R(EachRow(Field(p, "preparation"), m.preparation(), 0,
            [&](const std::string& rp, const v1::PreparationStep& s) -> absl::Status {
              R(Checker::Positive(Field(rp, "number"), s.number()));
              R(c.Text(Field(rp, "action"), s.action(), true));
              R(c.Short(Field(rp, "executor"), s.executor(), true));
              return c.DateField(Field(rp, "due_on"), s.has_due_on(), s.due_on(), true, When::kAny);
            }));
  return c.Text(Field(p, "comments"), m.comments(), false);
}

absl::Status CheckMeetingMinutes(const Checker& c, const std::string& p,
                                 const v1::MeetingMinutes& m) {
  R(Checker::Positive(Field(p, "meeting_number"), m.meeting_number()));
  R(c.DateField(Field(p, "meeting_date"), m.has_meeting_date(), m.meeting_date(), true,
                When::kPast));
  R(c.Times(Field(p, "time"), m.has_time(), m.time()));
  R(c.Short(Field(p, "chair"), m.chair(), true));
  R(c.Short(Field(p, "venue_institution"), m.venue_institution(), true));
  R(c.Short(Field(p, "venue_address"), m.venue_address(), true));
  const std::string tp = Field(p, "minute_taker");
  if (!m.has_minute_taker()) return FieldError(tp, "required");
  R(Checker::Id(Field(tp, "participant_id"), m.minute_taker().participant_id()));
  R(c.Short(Field(tp, "name"), m.minute_taker().name(), true));
  std::set<std::string> ids;
  bool any_present = false;
  R(EachRow(Field(p, "participants"), m.participants(), 1,
            [&](const std::string& rp, const v1::MeetingParticipant& x) -> absl::Status {
              R(Checker::Id(Field(rp, "participant_id"), x.participant_id()));
              if (!ids.insert(x.participant_id()).second) {
                return FieldError(Field(rp, "participant_id"), "duplicate");
              }
              R(c.Short(Field(rp, "name"), x.name(), true));
              R(c.Short(Field(rp, "role_or_organisation"), x.role_or_organisation(), false));
              any_present = any_present || x.present();
              return c.Text(Field(rp, "note"), x.note(), false);
            }));
  if (!any_present) return FieldError(Field(p, "participants"), "no participant present");
  R(c.Text(Field(p, "purpose"), m.purpose(), true));
  R(EachRow(Field(p, "items"), m.items(), 1,
            [&](const std::string& rp, const v1::MinutesItem& x) -> absl::Status {
              R(Checker::Positive(Field(rp, "number"), x.number()));
              R(c.Long(Field(rp, "item"), x.item(), true));
              return c.Short(Field(rp, "speaker"), x.speaker(), false);
            }));
  R(EachRow(Field(p, "decisions"), m.decisions(), 0,
            [&](const std::string& rp, const v1::MinutesDecision& x) -> absl::Status {
              R(Checker::Positive(Field(rp, "number"), x.number()));
              R(c.Text(Field(rp, "decision"), x.decision(), true));
              R(c.DateField(Field(rp, "due_on"), x.has_due_on(), x.due_on(), true, When::kAny));
              return c.Short(Field(rp, "responsible"), x.responsible(), true);
            }));
  return c.Long(Field(p, "body"), m.body(), false);
}

// ---------------------------------------------------------------------------
// Other instruments.

absl::Status CheckJobSearchPlan(const Checker& c, const std::string& p,
                                const v1::JobSearchPlan& m) {
  R(c.Long(Field(p, "skills_summary"), m.skills_summary(), true));
  if (m.target_jobs_size() > 4) return FieldError(Field(p, "target_jobs"), "at most 4");
  R(EachRow(Field(p, "target_jobs"), m.target_jobs(), 3,
            [&](const std::string& rp, const std::string& s) { return c.Short(rp, s, true); }));
  R(EachRow(Field(p, "actions"), m.actions(), 1,
            [&](const std::string& rp, const v1::JobSearchAction& a) -> absl::Status {
              R(Checker::Positive(Field(rp, "priority"), a.priority()));
              R(c.Text(Field(rp, "action"), a.action(), true));
              R(c.DateField(Field(rp, "deadline"), a.has_deadline(), a.deadline(), true,
                            When::kAny));
              return c.Short(Field(rp, "responsible"), a.responsible(), true);
            }));
  return c.DateField(Field(p, "drawn_up_on"), m.has_drawn_up_on(), m.drawn_up_on(), false,
                     When::kPast);
}

absl::Status CheckProbationPlan(const Checker& c, const std::string& p,
                                const v1::ProbationSupervisionPlan& m) {
  R(c.DateField(Field(p, "risk_assessment_date"), m.has_risk_assessment_date(),
                m.risk_assessment_date(), true, When::kPast));
  R(c.Range(Field(p, "supervision_period"), m.has_supervision_period(), m.supervision_period(),
            true, true, When::kAny));
  std::set<int> seen;
  R(EachRow(Field(p, "risk_indicators"), m.risk_indicators(), 1,
            [&](const std::string& rp, const v1::RiskIndicatorRating& r) -> absl::Status {
              R(c.Enum(Field(rp, "indicator"), r.indicator(), v1::RiskIndicator_IsValid,
                       v1::RISK_INDICATOR_OTHER, r.indicator_other(), true));
              if (r.indicator() != v1::RISK_INDICATOR_OTHER && !seen.insert(r.indicator()).second) {
                return FieldError(Field(rp, "indicator"), "duplicate");
              }
              R(c.Enum(Field(rp, "level"), r.level(), v1::RiskIndicatorLevel_IsValid,
                       v1::RISK_INDICATOR_LEVEL_OTHER, r.level_other(), true));
              return c.Text(Field(rp, "note"), r.note(), false);
            }));
  seen.clear();
  R(EachRow(Field(p, "dangerousness"), m.dangerousness(), 0,
            [&](const std::string& rp, const v1::DangerRating& r) -> absl::Status {
              R(c.Enum(Field(rp, "target"), r.target(), v1::DangerTarget_IsValid,
                       v1::DANGER_TARGET_OTHER, r.target_other(), true));
              if (r.target() != v1::DANGER_TARGET_OTHER && !seen.insert(r.target()).second) {
                return FieldError(Field(rp, "target"), "duplicate");
              }
              return c.Enum(Field(rp, "level"), r.level(), v1::DangerLevel_IsValid,
                            v1::DANGER_LEVEL_OTHER, r.level_other(), true);
            }));
  R(c.Long(Field(p, "risk_summary"), m.risk_summary(), true));
  R(EachRow(Field(p, "plan_items"), m.plan_items(), 1,
            [&](const std::string& rp, const v1::SupervisionPlanItem& x) -> absl::Status {
              R(c.Text(Field(rp, "goal"), x.goal(), true));
              R(c.Text(Field(rp, "activity"), x.activity(), true));
              R(c.Text(Field(rp, "expected_result"), x.expected_result(), true));
              R(c.Text(Field(rp, "who_with"), x.who_with(), true));
              R(c.Text(Field(rp, "how"), x.how(), true));
              return c.DateField(Field(rp, "by_when"), x.has_by_when(), x.by_when(), true,
                                 When::kAny);
            }));
  R(c.Short(Field(p, "approved_by"), m.approved_by(), false));
  return c.DateField(Field(p, "approved_on"), m.has_approved_on(), m.approved_on(), false,
                     When::kPast);
}

absl::Status CheckCareNeed(const Checker& c, const std::string& p,
                           const v1::CareNeedAssessment& m) {
  R(c.DateField(Field(p, "application_date"), m.has_application_date(), m.application_date(), false,
                When::kPast));
  R(c.DateField(Field(p, "assessed_on"), m.has_assessed_on(), m.assessed_on(), true, When::kPast));
  R(c.DateField(Field(p, "valid_until"), m.has_valid_until(), m.valid_until(), true, When::kAny));
  if (Checker::Key(m.valid_until()) < Checker::Key(m.assessed_on())) {
    return FieldError(Field(p, "valid_until"), "before assessed_on");
  }
  R(EachRow(Field(p, "assessors"), m.assessors(), 0,
            [&](const std::string& rp, const std::string& s) { return c.Short(rp, s, true); }));
  std::set<int> seen;
  R(EachRow(Field(p, "areas"), m.areas(), 1,
            [&](const std::string& rp, const v1::CareAreaAssessment& a) -> absl::Status {
              R(c.Enum(Field(rp, "area"), a.area(), v1::CareArea_IsValid, v1::CARE_AREA_OTHER,
                       a.area_other(), true));
              if (a.area() != v1::CARE_AREA_OTHER && !seen.insert(a.area()).second) {
                return FieldError(Field(rp, "area"), "duplicate");
              }
              R(c.Enum(Field(rp, "level"), a.level(), v1::CareNeedLevel_IsValid,
                       v1::CARE_NEED_LEVEL_OTHER, a.level_other(), true));
              return c.Text(Field(rp, "findings"), a.findings(), false);
            }));
  R(c.Text(Field(p, "carer_capacity"), m.carer_capacity(), false));
  R(c.Enum(Field(p, "outcome"), m.outcome(), v1::CareNeedOutcome_IsValid,
           v1::CARE_NEED_OUTCOME_OTHER, m.outcome_other(), true));
  return c.Long(Field(p, "care_plan"), m.care_plan(),
                m.outcome() == v1::CARE_NEED_OUTCOME_CARE_PLAN);
}

#undef R

// ---------------------------------------------------------------------------
// Masking.

void Withhold(std::string* s) {
  if (!s->empty()) *s = std::string(kWithheld);
}

// Names, contacts and free texts of a network member row.
template <typename M>
void MaskMemberCommon(M* m) {
  Withhold(m->mutable_first_name());
  Withhold(m->mutable_surname());
  m->clear_phone();
  m->clear_address();
  m->clear_email();
  Withhold(m->mutable_other_info());
  Withhold(m->mutable_relationship());
}

void MaskIntake(v1::IntakeAssessment* a) {
  // A.1: the client's own data stay; family members are third parties.
  for (auto& f : *a->mutable_client()->mutable_family_members()) {
    Withhold(f.mutable_name());
    Withhold(f.mutable_info());
  }
  // A.2: who conveyed each problem, unless it is the client.
  if (a->has_problem_description()) {
    for (auto& s : *a->mutable_problem_description()->mutable_statements()) {
      if (s.source() != v1::PROBLEM_SOURCE_CLIENT) Withhold(s.mutable_conveyor_name());
    }
  }
  // A.3: the network members who gave information.
  if (a->has_additional_data()) {
    v1::AdditionalData* d = a->mutable_additional_data();
    auto mask = [](v1::DomainInformation* x) {
      for (auto& s : *x->mutable_network_sources()) Withhold(&s);
    };
    if (d->has_economic_coping()) mask(d->mutable_economic_coping());
    if (d->has_housing()) mask(d->mutable_housing());
    if (d->has_relationships()) mask(d->mutable_relationships());
    if (d->has_health_and_lifestyle()) mask(d->mutable_health_and_lifestyle());
    if (d->has_study_and_work()) mask(d->mutable_study_and_work());
    if (d->has_leisure()) mask(d->mutable_leisure());
    if (d->has_other()) mask(d->mutable_other());
  }
  // A.4: the reporter, whom the law protects from the client.
  if (a->has_need_noticer()) {
    v1::NeedNoticer* n = a->mutable_need_noticer();
    Withhold(n->mutable_first_name());
    Withhold(n->mutable_surname());
    Withhold(n->mutable_relation_to_client());
    n->clear_phone();
    n->clear_address();
    n->clear_email();
    Withhold(n->mutable_other_info());
  }
  // A.5: network members; the professionals' positions stay.
  if (a->has_network()) {
    v1::NetworkMembers* net = a->mutable_network();
    for (auto& m : *net->mutable_informal()) {
      MaskMemberCommon(&m);
      const bool had_code = !m.personal_code().empty() || !m.no_personal_code_reason().empty();
      m.clear_personal_code();
      m.set_no_personal_code_reason(had_code ? std::string(kWithheld) : std::string());
      m.clear_date_of_birth();
    }
    for (auto& m : *net->mutable_formal()) MaskMemberCommon(&m);
    for (auto& m : *net->mutable_combined()) MaskMemberCommon(&m);
  }
}

}  // namespace

std::string_view RecordKind(const v1::RecordContent& content) {
  switch (content.part_case()) {
    case v1::RecordContent::kIntakeAssessment:
      return "intake_assessment";
    case v1::RecordContent::kInitialDecision:
      return "initial_decision";
    case v1::RecordContent::kCasePlan:
      return "case_plan";
    case v1::RecordContent::kPlanEvaluation:
      return "plan_evaluation";
    case v1::RecordContent::kActionPlan:
      return "action_plan";
    case v1::RecordContent::kActivityLogEntry:
      return "activity_log_entry";
    case v1::RecordContent::kMeetingPlan:
      return "meeting_plan";
    case v1::RecordContent::kMeetingPreparation:
      return "meeting_preparation";
    case v1::RecordContent::kMeetingMinutes:
      return "meeting_minutes";
    case v1::RecordContent::kJobSearchPlan:
      return "job_search_plan";
    case v1::RecordContent::kProbationSupervisionPlan:
      return "probation_supervision_plan";
    case v1::RecordContent::kCareNeedAssessment:
      return "care_need_assessment";
    case v1::RecordContent::kCustom:
      return "custom";
    case v1::RecordContent::PART_NOT_SET:
      break;
  }
  return "";
}

const std::vector<std::string_view>& RecordKinds() {
  static const std::vector<std::string_view> kinds = {"intake_assessment",
                                                      "initial_decision",
                                                      "case_plan",
                                                      "plan_evaluation",
                                                      "action_plan",
                                                      "activity_log_entry",
                                                      "meeting_plan",
                                                      "meeting_preparation",
                                                      "meeting_minutes",
                                                      "job_search_plan",
                                                      "probation_supervision_plan",
                                                      "care_need_assessment",
                                                      "custom"};
  return kinds;
}

absl::Status ValidateRecordContent(const v1::RecordContent& content, std::string_view prefix,
                                   int32_t today) {
  const std::string_view kind = RecordKind(content);
  if (kind.empty()) return FieldError(prefix, "a record part is required");
  const Checker c(today);
  const std::string p = Field(prefix, kind);
  switch (content.part_case()) {
    case v1::RecordContent::kIntakeAssessment:
      return CheckIntake(c, p, content.intake_assessment());
    case v1::RecordContent::kInitialDecision:
      return CheckInitialDecision(c, p, content.initial_decision());
    case v1::RecordContent::kCasePlan:
      return CheckCasePlan(c, p, content.case_plan());
    case v1::RecordContent::kPlanEvaluation:
      return CheckPlanEvaluation(c, p, content.plan_evaluation());
    case v1::RecordContent::kActionPlan:
      return CheckActionPlan(c, p, content.action_plan());
    case v1::RecordContent::kActivityLogEntry:
      return CheckActivityLogEntry(c, p, content.activity_log_entry());
    case v1::RecordContent::kMeetingPlan:
      return CheckMeetingPlan(c, p, content.meeting_plan());
    case v1::RecordContent::kMeetingPreparation:
      return CheckMeetingPreparation(c, p, content.meeting_preparation());
    case v1::RecordContent::kMeetingMinutes:
      return CheckMeetingMinutes(c, p, content.meeting_minutes());
    case v1::RecordContent::kJobSearchPlan:
      return CheckJobSearchPlan(c, p, content.job_search_plan());
    case v1::RecordContent::kProbationSupervisionPlan:
      return CheckProbationPlan(c, p, content.probation_supervision_plan());
    case v1::RecordContent::kCareNeedAssessment:
      return CheckCareNeed(c, p, content.care_need_assessment());
    case v1::RecordContent::kCustom:  // checked against its instrument elsewhere
    case v1::RecordContent::PART_NOT_SET:
      break;
  }
  return absl::OkStatus();
}

void MaskThirdParties(v1::RecordContent* content) {
  switch (content->part_case()) {
    case v1::RecordContent::kIntakeAssessment:
      MaskIntake(content->mutable_intake_assessment());
      break;
    case v1::RecordContent::kMeetingPlan:
      // Contacts of invitees other than the client.
      for (auto& i : *content->mutable_meeting_plan()->mutable_invitees()) {
        if (!i.is_client()) i.clear_contact();
      }
      break;
    default:
      break;
  }
}

}  // namespace hoidla::core
