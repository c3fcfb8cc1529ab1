// Record forms (vault/records/record_forms.h): every kind round-trips with all
// of its fields and with only the required ones; scenario 1's intake
// checks; enumerations, dates and ranges; third-party masking; the
// examples of doc/records-forms.md parse and validate.
#include "vault/records/record_forms.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/unit/test_util.h"

namespace hoidla::core {
namespace {

namespace v1 = ::hoidla::v1;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::util::MessageDifferencer;
using ::hoidla::testing::IsInvalidArgumentFor;

constexpr int32_t kToday = 20250601;  // 1 June 2025
constexpr char kPrefix[] = "record.content";
constexpr char kCode[] = "37605030299";      // valid, born 1976-05-03
constexpr char kBadCheck[] = "37605030298";  // same with a wrong check digit
constexpr char kCode2[] = "49403136526";     // valid, born 1994-03-13

v1::Date D(int y, int m, int d) {
  v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}
v1::DateRange Span(v1::Date from, v1::Date until) {
  v1::DateRange r;
  *r.mutable_from() = from;
  *r.mutable_until() = until;
  return r;
}
v1::TimeOfDayRange Clock(const char* from, const char* until) {
  v1::TimeOfDayRange r;
  r.set_from(from);
  r.set_until(until);
  return r;
}

absl::Status Validate(const v1::RecordContent& c) {
  return ValidateRecordContent(c, kPrefix, kToday);
}

// ---------------------------------------------------------------------------
// Builders: Min* fills only the required fields, Full* every field.

v1::ServiceRecipient MinClient() {
  v1::ServiceRecipient c;
  c.set_first_name("Mari");
  c.set_surname("Maasikas");
  c.set_personal_code(kCode);
  c.set_citizenship(v1::CITIZENSHIP_ESTONIAN);
  c.set_identity_document(v1::IDENTITY_DOCUMENT_ID_CARD);
  c.set_registered_address("Tartu mnt 1, Tallinn");
  c.set_phone("+372 5555 5555");
  c.set_social_status(v1::SOCIAL_STATUS_UNEMPLOYED);
  c.set_marital_status(v1::MARITAL_STATUS_SINGLE);
  c.set_health_insurance(v1::HEALTH_INSURANCE_INSURED);
  c.set_other_info("Elab üksi.");
  return c;
}

v1::RecordContent MinIntake() {
  v1::RecordContent r;
  *r.mutable_intake_assessment()->mutable_client() = MinClient();
  return r;
}

v1::RecordContent FullIntake() {
  v1::RecordContent r;
  v1::IntakeAssessment* a = r.mutable_intake_assessment();
  a->set_local_government("Tartu linn");
  *a->mutable_filled_on() = D(2025, 5, 2);
  v1::ServiceRecipient* c = a->mutable_client();
  *c = MinClient();
  *c->mutable_date_of_birth() = D(1976, 5, 3);
  c->set_citizenship(v1::CITIZENSHIP_OTHER);
  c->set_citizenship_other("Läti");
  c->set_identity_document(v1::IDENTITY_DOCUMENT_OTHER);
  c->set_identity_document_other("meremehe teenistusraamat");
  c->set_identity_document_number("AB1234567");
  *c->mutable_identity_document_valid_until() = D(2029, 12, 31);
  c->set_actual_address("Riia 2, Tartu");
  c->set_email("mari@example.ee");
  c->set_bank_account_number("EE382200221020145685");
  c->set_bank("Swedbank");
  c->set_social_status(v1::SOCIAL_STATUS_OTHER);
  c->set_social_status_other("invaliidsuspensionär");
  c->set_social_status_info("alates 2020");
  c->set_education(v1::EDUCATION_OTHER);
  c->set_education_other("lõpetamata kõrgharidus");
  c->set_education_info("TÜ 2 aastat");
  c->set_marital_status(v1::MARITAL_STATUS_OTHER);
  c->set_marital_status_other("lahus elav");
  c->set_marital_status_info("abikaasa Soomes");
  c->set_health_insurance(v1::HEALTH_INSURANCE_OTHER);
  c->set_health_insurance_other("Soome kindlustus");
  *c->mutable_health_insurance_validity() = Span(D(2025, 1, 1), D(2025, 12, 31));
  c->set_disability_severity(v1::DISABILITY_SEVERITY_OTHER);
  c->set_disability_severity_other("ajutine");
  c->set_incapacity_for_work_percent(60);
  *c->mutable_disability_decision_validity() = Span(D(2024, 3, 1), D(2027, 2, 28));
  v1::PreviousAssessment* pa = c->add_previous_assessments();
  pa->set_kind(v1::PREVIOUS_ASSESSMENT_KIND_OTHER);
  pa->set_kind_other("võlanõustamise hindamine");
  *pa->mutable_conducted_on() = D(2024, 2, 10);
  *pa->mutable_valid_until() = D(2026, 2, 10);
  v1::FamilyMember* f = c->add_family_members();
  f->set_name("Juhan Maasikas");
  f->set_relation_to_client("poeg");
  f->set_info("12-aastane");

  v1::ProblemDescription* pd = a->mutable_problem_description();
  v1::ProblemStatement* s = pd->add_statements();
  s->set_source(v1::PROBLEM_SOURCE_OTHER);
  s->set_source_other("kooli sotsiaalpedagoog");
  s->set_conveyor_name("Kati Kask");
  s->set_reason_for_contact("lapse puudumised");
  s->set_description("Poeg puudub koolist alates jaanuarist.");
  pd->set_case_manager_comments("Vajab kodukülastust.");

  v1::AdditionalData* ad = a->mutable_additional_data();
  for (v1::DomainInformation* x :
       {ad->mutable_economic_coping(), ad->mutable_housing(), ad->mutable_relationships(),
        ad->mutable_health_and_lifestyle(), ad->mutable_study_and_work(), ad->mutable_leisure(),
        ad->mutable_other()}) {
    x->set_from_client("kliendi sõnul");
    x->set_from_network_members("naabri sõnul");
    x->add_network_sources("Peeter Naaber");
  }
  ad->set_case_manager_comments("Info vastuoluline.");

  v1::NeedNoticer* n = a->mutable_need_noticer();
  n->set_first_name("Kati");
  n->set_surname("Kask");
  *n->mutable_contact_date() = D(2025, 4, 28);
  n->set_contact_mode("telefon");
  n->set_relation_to_client("naaber");
  n->set_phone("+372 5111 1111");
  n->set_address("Riia 4, Tartu");
  n->set_email("kati@example.ee");
  n->set_other_info("Soovib jääda anonüümseks.");
  n->set_case_manager_comments("Usaldusväärne.");

  v1::NetworkMembers* net = a->mutable_network();
  v1::InformalNetworkMember* im = net->add_informal();
  im->set_first_name("Liis");
  im->set_surname("Maasikas");
  im->set_relation_to_client("õde");
  im->set_personal_code(kCode2);
  *im->mutable_date_of_birth() = D(1994, 3, 13);
  im->set_phone("+372 5222 2222");
  im->set_address("Pärnu mnt 3, Tallinn");
  im->set_email("liis@example.ee");
  im->set_social_status(v1::SOCIAL_STATUS_OTHER);
  im->set_social_status_other("FIE");
  im->set_other_info("Aitab lapsega.");
  im->set_relationship("Lähedane.");
  v1::FormalNetworkMember* fm = net->add_formal();
  fm->set_first_name("Tõnu");
  fm->set_surname("Tamm");
  fm->set_phone("+372 7333 333");
  fm->set_address("Raekoja plats 1, Tartu");
  fm->set_email("tonu@example.ee");
  fm->set_position_and_institution("perearst, Tartu Perearstikeskus");
  fm->set_other_info("Vastuvõtt E-R.");
  fm->set_relationship("Usaldav.");
  v1::NetworkMember* cm = net->add_combined();
  cm->set_first_name("Anu");
  cm->set_surname("Ader");
  cm->set_phone("+372 5444 4444");
  cm->set_address("Kastani 5, Tartu");
  cm->set_email("anu@example.ee");
  cm->set_position_or_social_status("pensionär");
  cm->set_other_info("Endine kolleeg.");
  cm->set_relationship("Sõbralik.");

  v1::FirstAssessment* fa = a->mutable_first_assessment();
  fa->set_case_description("Üksikvanem, töötu, lapse koolikohustus täitmata.");
  fa->add_problems_to_solve("töötus");
  fa->add_problems_to_solve("lapse koolist puudumine");
  fa->set_decision(v1::DECISION_OTHER);
  fa->set_decision_other("ootab perearsti hinnangut");
  fa->set_legal_basis("Sotsiaalhoolekande seadus § 29");
  return r;
}

v1::RecordContent MinInitialDecision() {
  v1::RecordContent r;
  v1::InitialDecision* m = r.mutable_initial_decision();
  m->set_client_name("Mari Maasikas");
  m->set_needs("Toimetulekutoetus, võlanõustamine.");
  v1::DecisionAction* a = m->add_actions();
  a->set_action("Suunata võlanõustajale.");
  *a->mutable_scheduled_on() = D(2025, 6, 15);
  a->set_provider("Mati Mets");
  *m->mutable_decided_on() = D(2025, 5, 20);
  return r;
}
v1::RecordContent FullInitialDecision() { return MinInitialDecision(); }

v1::RecordContent MinCasePlan() {
  v1::RecordContent r;
  v1::CasePlan* m = r.mutable_case_plan();
  m->set_problems("Töötus.");
  m->set_resources("Motiveeritud.");
  m->set_hindering_factors("Võlad.");
  v1::PlanActivity* act = m->add_goals()->add_sub_goals()->add_activities();
  *act->mutable_schedule()->mutable_from() = D(2025, 6, 1);
  act->set_activity("Registreeruda töötuks.");
  act->set_provider("Mari Maasikas");
  m->mutable_goals(0)->set_goal("Tööle saamine.");
  m->mutable_goals(0)->mutable_sub_goals(0)->set_sub_goal("Töötukassa teenused.");
  return r;
}
v1::RecordContent FullCasePlan() {
  v1::RecordContent r = MinCasePlan();
  v1::PlanActivity* act =
      r.mutable_case_plan()->mutable_goals(0)->mutable_sub_goals(0)->mutable_activities(0);
  *act->mutable_schedule()->mutable_until() = D(2025, 12, 31);
  act->set_schedule_note("kord nädalas");
  return r;
}

v1::RecordContent MinPlanEvaluation() {
  v1::RecordContent r;
  v1::PlanEvaluation* m = r.mutable_plan_evaluation();
  m->set_evaluation_type(v1::EVALUATION_TYPE_INTERIM);
  *m->mutable_evaluated_period() = Span(D(2025, 1, 1), D(2025, 4, 30));
  m->set_sequence_number(1);
  m->set_overall_assessment("Plaan täidetud osaliselt.");
  m->set_recommendations("Jätkata võlanõustamist.");
  *m->mutable_evaluated_on() = D(2025, 5, 10);
  return r;
}
v1::RecordContent FullPlanEvaluation() {
  v1::RecordContent r = MinPlanEvaluation();
  r.mutable_plan_evaluation()->set_evaluation_type(v1::EVALUATION_TYPE_OTHER);
  r.mutable_plan_evaluation()->set_evaluation_type_other("erakorraline hindamine");
  return r;
}

v1::RecordContent MinActionPlan() {
  v1::RecordContent r;
  v1::ActionGoal* g = r.mutable_action_plan()->add_goals();
  g->set_goal("Kliendi dokumendid korda.");
  v1::PlannedActivity* a = g->add_activities();
  a->set_activity("Helistada Töötukassasse.");
  *a->mutable_scheduled_on() = D(2025, 6, 3);
  return r;
}
v1::RecordContent FullActionPlan() {
  v1::RecordContent r = MinActionPlan();
  r.mutable_action_plan()->mutable_goals(0)->mutable_activities(0)->set_comment("enne 12");
  return r;
}

v1::RecordContent MinActivityLogEntry() {
  v1::RecordContent r;
  v1::ActivityLogEntry* m = r.mutable_activity_log_entry();
  *m->mutable_date() = D(2025, 5, 30);
  m->set_action("Kodukülastus.");
  m->set_executor("Mati Mets");
  return r;
}
v1::RecordContent FullActivityLogEntry() {
  v1::RecordContent r = MinActivityLogEntry();
  r.mutable_activity_log_entry()->set_comment("Klient oli kodus.");
  r.mutable_activity_log_entry()->set_corrects_record_id("rec_01HZX3");
  return r;
}

v1::RecordContent MinMeetingPlan() {
  v1::RecordContent r;
  v1::MeetingPlan* m = r.mutable_meeting_plan();
  m->set_purpose("Juhtumiplaani koostamine.");
  m->set_responsible_name("Mati Mets");
  *m->mutable_meeting_date() = D(2025, 6, 20);  // in the future: allowed for a plan
  *m->mutable_planned_time() = Clock("10:00", "11:30");
  m->set_venue_institution("Tartu Sotsiaalmaja");
  v1::MeetingAgendaItem* ag = m->add_agenda();
  *ag->mutable_time_slot() = Clock("10:00", "10:15");
  ag->set_item("Sissejuhatus");
  ag->set_presenter("Mati Mets");
  v1::MeetingInvitee* i = m->add_invitees();
  i->set_is_client(true);
  i->set_name("Mari Maasikas");
  return r;
}
v1::RecordContent FullMeetingPlan() {
  v1::RecordContent r = MinMeetingPlan();
  v1::MeetingPlan* m = r.mutable_meeting_plan();
  m->set_responsible_contact("mati@tartu.ee");
  m->set_venue_address("Tähe 1, Tartu");
  m->mutable_invitees(0)->set_relation_or_position("isik ise");
  m->mutable_invitees(0)->set_contact("+372 5555 5555");
  v1::MeetingInvitee* i = m->add_invitees();
  i->set_name("Liis Maasikas");
  i->set_relation_or_position("õde");
  i->set_contact("liis@example.ee");
  return r;
}

v1::RecordContent MinMeetingPreparation() {
  v1::RecordContent r;
  v1::MeetingNotification* n = r.mutable_meeting_preparation()->add_notifications();
  n->set_member_name("Liis Maasikas");
  *n->mutable_notified_on() = D(2025, 5, 25);
  n->set_notified_by("Mati Mets");
  return r;
}
v1::RecordContent FullMeetingPreparation() {
  v1::RecordContent r = MinMeetingPreparation();
  v1::MeetingPreparation* m = r.mutable_meeting_preparation();
  m->mutable_notifications(0)->set_attendance_confirmed(true);
  v1::PreparationStep* s = m->add_preparation();
  s->set_number(1);
  s->set_action("Ruumi broneerimine.");
  s->set_executor("Mati Mets");
  *s->mutable_due_on() = D(2025, 6, 10);
  m->set_comments("Tõlki ei vaja.");
  return r;
}

v1::RecordContent MinMeetingMinutes() {
  v1::RecordContent r;
  v1::MeetingMinutes* m = r.mutable_meeting_minutes();
  m->set_meeting_number(1);
  *m->mutable_meeting_date() = D(2025, 5, 28);
  *m->mutable_time() = Clock("10:00", "11:40");
  m->set_chair("Mati Mets");
  m->set_venue_institution("Tartu Sotsiaalmaja");
  m->set_venue_address("Tähe 1, Tartu");
  m->mutable_minute_taker()->set_participant_id("p2");
  m->mutable_minute_taker()->set_name("Kaja Kuusk");
  v1::MeetingParticipant* p = m->add_participants();
  p->set_participant_id("p1");
  p->set_name("Mari Maasikas");
  p->set_present(true);
  m->set_purpose("Juhtumiplaani kokkulepped.");
  v1::MinutesItem* it = m->add_items();
  it->set_number(1);
  it->set_item("Olukorra ülevaade.");
  return r;
}
v1::RecordContent FullMeetingMinutes() {
  v1::RecordContent r = MinMeetingMinutes();
  v1::MeetingMinutes* m = r.mutable_meeting_minutes();
  m->mutable_participants(0)->set_role_or_organisation("isik ise");
  m->mutable_participants(0)->set_note("saabus 10 min hiljem");
  v1::MeetingParticipant* p = m->add_participants();
  p->set_participant_id("p3");
  p->set_name("Tõnu Tamm");
  p->set_role_or_organisation("perearst");
  p->set_present(false);
  p->set_note("haige");
  m->mutable_items(0)->set_speaker("Mati Mets");
  v1::MinutesDecision* d = m->add_decisions();
  d->set_number(1);
  d->set_decision("Klient registreerub töötuks.");
  *d->mutable_due_on() = D(2025, 6, 15);
  d->set_responsible("Mari Maasikas");
  m->set_body("Järgmine koosolek septembris.");
  return r;
}

v1::RecordContent MinJobSearchPlan() {
  v1::RecordContent r;
  v1::JobSearchPlan* m = r.mutable_job_search_plan();
  m->set_skills_summary("Suhtlemisoskus, B-kategooria juhiload.");
  m->add_target_jobs("müüja");
  m->add_target_jobs("kassapidaja");
  m->add_target_jobs("laotööline");
  v1::JobSearchAction* a = m->add_actions();
  a->set_priority(1);
  a->set_action("CV koostamine.");
  *a->mutable_deadline() = D(2025, 6, 10);
  a->set_responsible("Mari Maasikas");
  return r;
}
v1::RecordContent FullJobSearchPlan() {
  v1::RecordContent r = MinJobSearchPlan();
  r.mutable_job_search_plan()->add_target_jobs("koristaja");
  *r.mutable_job_search_plan()->mutable_drawn_up_on() = D(2025, 5, 15);
  return r;
}

v1::RecordContent MinProbationPlan() {
  v1::RecordContent r;
  v1::ProbationSupervisionPlan* m = r.mutable_probation_supervision_plan();
  *m->mutable_risk_assessment_date() = D(2025, 4, 1);
  *m->mutable_supervision_period() = Span(D(2025, 3, 1), D(2027, 2, 28));
  v1::RiskIndicatorRating* ri = m->add_risk_indicators();
  ri->set_indicator(v1::RISK_INDICATOR_ADDICTIONS);
  ri->set_level(v1::RISK_INDICATOR_LEVEL_SIGNIFICANT_PROBLEM);
  m->set_risk_summary("Kõrge retsidiivsusrisk alkoholi tõttu.");
  v1::SupervisionPlanItem* it = m->add_plan_items();
  it->set_goal("Alkoholi tarvitamise lõpetamine.");
  it->set_activity("Sõltuvusnõustamine.");
  it->set_expected_result("10 nõustamiskorda läbitud.");
  it->set_who_with("klient, nõustaja");
  it->set_how("osalemistõendid");
  *it->mutable_by_when() = D(2025, 12, 31);
  return r;
}
v1::RecordContent FullProbationPlan() {
  v1::RecordContent r = MinProbationPlan();
  v1::ProbationSupervisionPlan* m = r.mutable_probation_supervision_plan();
  m->mutable_risk_indicators(0)->set_note("joob nädalavahetustel");
  v1::RiskIndicatorRating* ri = m->add_risk_indicators();
  ri->set_indicator(v1::RISK_INDICATOR_OTHER);
  ri->set_indicator_other("hasartmängud internetis");
  ri->set_level(v1::RISK_INDICATOR_LEVEL_OTHER);
  ri->set_level_other("hindamata");
  ri->set_note("vajab täpsustamist");
  v1::DangerRating* dr = m->add_dangerousness();
  dr->set_target(v1::DANGER_TARGET_OTHER);
  dr->set_target_other("endine elukaaslane");
  dr->set_level(v1::DANGER_LEVEL_OTHER);
  dr->set_level_other("hindamisel");
  m->set_approved_by("Malle Mänd");
  *m->mutable_approved_on() = D(2025, 4, 10);
  return r;
}

v1::RecordContent MinCareNeed() {
  v1::RecordContent r;
  v1::CareNeedAssessment* m = r.mutable_care_need_assessment();
  *m->mutable_assessed_on() = D(2025, 5, 5);
  *m->mutable_valid_until() = D(2026, 5, 5);
  v1::CareAreaAssessment* a = m->add_areas();
  a->set_area(v1::CARE_AREA_DAILY_ACTIVITIES);
  a->set_level(v1::CARE_NEED_LEVEL_PARTIAL);
  m->set_outcome(v1::CARE_NEED_OUTCOME_GERIATRIC_EXPERTISE);
  return r;
}
v1::RecordContent FullCareNeed() {
  v1::RecordContent r = MinCareNeed();
  v1::CareNeedAssessment* m = r.mutable_care_need_assessment();
  *m->mutable_application_date() = D(2025, 4, 20);
  m->add_assessors("Mati Mets, KOV sotsiaaltöötaja");
  m->mutable_areas(0)->set_findings("Vajab abi pesemisel.");
  v1::CareAreaAssessment* a = m->add_areas();
  a->set_area(v1::CARE_AREA_OTHER);
  a->set_area_other("lemmikloomad");
  a->set_level(v1::CARE_NEED_LEVEL_OTHER);
  a->set_level_other("naabri abi");
  a->set_findings("Kass vajab toitmist.");
  m->set_carer_capacity("Tütar töötab täiskohaga.");
  m->set_outcome(v1::CARE_NEED_OUTCOME_OTHER);
  m->set_outcome_other("ajutine hooldus");
  m->set_care_plan("Koduhooldus 3 korda nädalas.");
  return r;
}

struct Kind {
  const char* name;
  v1::RecordContent (*min)();
  v1::RecordContent (*full)();
};
const Kind kKinds[] = {
    {"intake_assessment", MinIntake, FullIntake},
    {"initial_decision", MinInitialDecision, FullInitialDecision},
    {"case_plan", MinCasePlan, FullCasePlan},
    {"plan_evaluation", MinPlanEvaluation, FullPlanEvaluation},
    {"action_plan", MinActionPlan, FullActionPlan},
    {"activity_log_entry", MinActivityLogEntry, FullActivityLogEntry},
    {"meeting_plan", MinMeetingPlan, FullMeetingPlan},
    {"meeting_preparation", MinMeetingPreparation, FullMeetingPreparation},
    {"meeting_minutes", MinMeetingMinutes, FullMeetingMinutes},
    {"job_search_plan", MinJobSearchPlan, FullJobSearchPlan},
    {"probation_supervision_plan", MinProbationPlan, FullProbationPlan},
    {"care_need_assessment", MinCareNeed, FullCareNeed},
};

// The fields of `m` (recursively) that are not set. Exempt: `*_other` and
// no_personal_code_reason (set only instead of something else) and bools
// (false is a value).
void Unset(const Message& m, const std::string& path, std::vector<std::string>* out) {
  const auto* d = m.GetDescriptor();
  const auto* refl = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string& n = f->name();
    const std::string p = path + "." + n;
    if (f->real_containing_oneof() != nullptr) {
      if (refl->HasField(m, f)) Unset(refl->GetMessage(m, f), p, out);
      continue;
    }
    const bool exempt = (n.size() > 6 && n.compare(n.size() - 6, 6, "_other") == 0) ||
                        n == "no_personal_code_reason" || f->type() == FieldDescriptor::TYPE_BOOL;
    if (f->is_repeated()) {
      int size = refl->FieldSize(m, f);
      if (size == 0 && !exempt) out->push_back(p);
      if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
        for (int k = 0; k < size; ++k) {
          Unset(refl->GetRepeatedMessage(m, f, k), p + "[" + std::to_string(k) + "]", out);
        }
      }
      continue;
    }
    if (!refl->HasField(m, f)) {
      if (!exempt) out->push_back(p);
      continue;
    }
    if (f->type() == FieldDescriptor::TYPE_MESSAGE) Unset(refl->GetMessage(m, f), p, out);
  }
}

void ExpectRoundTrip(const v1::RecordContent& in, const std::string& what) {
  std::string bytes;
  ASSERT_TRUE(in.SerializeToString(&bytes)) << what;
  v1::RecordContent out;
  ASSERT_TRUE(out.ParseFromString(bytes)) << what;
  EXPECT_TRUE(MessageDifferencer::Equals(in, out)) << what;
  HOIDLA_EXPECT_OK(Validate(out));
}

// ---------------------------------------------------------------------------

TEST(RecordForms, EveryKindRoundTripsAndValidatesWithAllFieldsAndWithRequiredOnly) {
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(k.name);
    ExpectRoundTrip(k.min(), std::string(k.name) + " required only");
    ExpectRoundTrip(k.full(), std::string(k.name) + " all fields");
    EXPECT_EQ(RecordKind(k.min()), k.name);
  }
}

TEST(RecordForms, FullBuildersFillEveryFieldOfEveryKind) {
  for (const Kind& k : kKinds) {
    std::vector<std::string> unset;
    Unset(k.full(), "content", &unset);
    EXPECT_TRUE(unset.empty()) << k.name << ": " << ::testing::PrintToString(unset);
  }
}

TEST(RecordForms, RequiredOnlyRecordsLoseValidityWithoutAnyRequiredField) {
  // Clearing any one set field of a required-only record makes it invalid
  // (except the exempt ones), so Min* really are the required fields.
  for (const Kind& k : kKinds) {
    v1::RecordContent base = k.min();
    Message* part = nullptr;
    const auto* refl = base.GetReflection();
    for (int i = 0; i < base.GetDescriptor()->field_count(); ++i) {
      const FieldDescriptor* f = base.GetDescriptor()->field(i);
      if (refl->HasField(base, f)) part = refl->MutableMessage(&base, f);
    }
    ASSERT_NE(part, nullptr);
    const auto* pd = part->GetDescriptor();
    for (int i = 0; i < pd->field_count(); ++i) {
      const FieldDescriptor* f = pd->field(i);
      v1::RecordContent copy = base;
      Message* cp = nullptr;
      for (int j = 0; j < copy.GetDescriptor()->field_count(); ++j) {
        const FieldDescriptor* g = copy.GetDescriptor()->field(j);
        if (copy.GetReflection()->HasField(copy, g)) {
          cp = copy.GetReflection()->MutableMessage(&copy, g);
        }
      }
      const bool set = f->is_repeated() ? cp->GetReflection()->FieldSize(*cp, f) > 0
                                        : cp->GetReflection()->HasField(*cp, f);
      if (!set) continue;
      cp->GetReflection()->ClearField(cp, f);
      EXPECT_FALSE(Validate(copy).ok()) << k.name << "." << f->name() << " is not required";
    }
  }
}

// Scenario 1: A.1 without date of birth, e-mail or bank account: accepted.
TEST(RecordForms, Scenario1IntakeWithoutBirthDateEmailOrBankAccountIsAccepted) {
  v1::RecordContent r = MinIntake();
  ASSERT_FALSE(r.intake_assessment().client().has_date_of_birth());
  ASSERT_TRUE(r.intake_assessment().client().email().empty());
  ASSERT_TRUE(r.intake_assessment().client().bank_account_number().empty());
  HOIDLA_EXPECT_OK(Validate(r));
}

TEST(RecordForms, Scenario1IntakeWithoutPersonalCodeOrReasonIsRejectedNamingTheField) {
  v1::RecordContent r = MinIntake();
  r.mutable_intake_assessment()->mutable_client()->clear_personal_code();
  absl::Status s = Validate(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(IsInvalidArgumentFor(s, "record.content.intake_assessment.client.personal_code"));
}

TEST(RecordForms, Scenario1IntakeWithAReasonInsteadOfAPersonalCodeIsAccepted) {
  v1::RecordContent r = MinIntake();
  r.mutable_intake_assessment()->mutable_client()->clear_personal_code();
  r.mutable_intake_assessment()->mutable_client()->set_no_personal_code_reason(
      "foreign national, no code");
  HOIDLA_EXPECT_OK(Validate(r));
  // Both at once is a contradiction.
  r.mutable_intake_assessment()->mutable_client()->set_personal_code(kCode);
  EXPECT_TRUE(IsInvalidArgumentFor(
      Validate(r), "record.content.intake_assessment.client.no_personal_code_reason"));
}

TEST(RecordForms, Scenario1IntakeWithoutSocialStatusIsRejectedNamingTheField) {
  v1::RecordContent r = MinIntake();
  r.mutable_intake_assessment()->mutable_client()->clear_social_status();
  absl::Status s = Validate(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(IsInvalidArgumentFor(s, "record.content.intake_assessment.client.social_status"));
  EXPECT_EQ(s.message(), "record.content.intake_assessment.client.social_status: required");
}

TEST(RecordForms, Scenario1IntakeWithABadCheckDigitIsRejected) {
  v1::RecordContent r = MinIntake();
  r.mutable_intake_assessment()->mutable_client()->set_personal_code(kBadCheck);
  absl::Status s = Validate(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(IsInvalidArgumentFor(s, "record.content.intake_assessment.client.personal_code"));
  EXPECT_EQ(std::string(s.message()).find(kBadCheck), std::string::npos) << "code echoed";
}

TEST(RecordForms, BirthDateMustMatchThePersonalCode) {
  v1::RecordContent r = MinIntake();
  *r.mutable_intake_assessment()->mutable_client()->mutable_date_of_birth() = D(1976, 5, 4);
  EXPECT_TRUE(
      IsInvalidArgumentFor(Validate(r), "record.content.intake_assessment.client.date_of_birth"));
}

TEST(RecordForms, NetworkMemberPersonalCodesAreChecked) {
  v1::RecordContent r = FullIntake();
  r.mutable_intake_assessment()->mutable_network()->mutable_informal(0)->set_personal_code(
      kBadCheck);
  EXPECT_TRUE(IsInvalidArgumentFor(
      Validate(r), "record.content.intake_assessment.network.informal[0].personal_code"));
}

TEST(RecordForms, EnumOtherWithoutItsTextIsRejected) {
  v1::RecordContent r = MinIntake();
  r.mutable_intake_assessment()->mutable_client()->set_social_status(v1::SOCIAL_STATUS_OTHER);
  EXPECT_TRUE(IsInvalidArgumentFor(Validate(r),
                                   "record.content.intake_assessment.client.social_status_other"));
  r.mutable_intake_assessment()->mutable_client()->set_social_status_other("   ");
  EXPECT_TRUE(IsInvalidArgumentFor(Validate(r),
                                   "record.content.intake_assessment.client.social_status_other"));
}

TEST(RecordForms, OtherTextWithoutOtherIsRejected) {
  v1::RecordContent r = MinIntake();
  r.mutable_intake_assessment()->mutable_client()->set_citizenship_other("Läti");
  EXPECT_TRUE(IsInvalidArgumentFor(Validate(r),
                                   "record.content.intake_assessment.client.citizenship_other"));
}

TEST(RecordForms, UnknownEnumValueIsRejected) {
  v1::RecordContent r = MinIntake();
  r.mutable_intake_assessment()->mutable_client()->set_marital_status(
      static_cast<v1::MaritalStatus>(42));
  absl::Status s = Validate(r);
  EXPECT_TRUE(IsInvalidArgumentFor(s, "record.content.intake_assessment.client.marital_status"));
  EXPECT_EQ(s.message(), "record.content.intake_assessment.client.marital_status: unknown value");
}

TEST(RecordForms, FutureDateWhereThePastIsRecordedIsRejected) {
  v1::RecordContent r = MinActivityLogEntry();
  *r.mutable_activity_log_entry()->mutable_date() = D(2025, 6, 2);  // tomorrow
  absl::Status s = Validate(r);
  EXPECT_EQ(s.message(), "record.content.activity_log_entry.date: in the future");
  *r.mutable_activity_log_entry()->mutable_date() = D(2025, 6, 1);  // today
  HOIDLA_EXPECT_OK(Validate(r));

  v1::RecordContent dob = MinIntake();
  *dob.mutable_intake_assessment()->mutable_client()->mutable_date_of_birth() = D(2030, 1, 1);
  EXPECT_TRUE(
      IsInvalidArgumentFor(Validate(dob), "record.content.intake_assessment.client.date_of_birth"));
}

TEST(RecordForms, FutureDatesArePlannedWhereTheFormPlans) {
  v1::RecordContent r = MinMeetingPlan();
  *r.mutable_meeting_plan()->mutable_meeting_date() = D(2026, 1, 15);
  HOIDLA_EXPECT_OK(Validate(r));
}

TEST(RecordForms, DatesMustBeRealCalendarDaysIn1900To2199) {
  v1::RecordContent r = MinActivityLogEntry();
  for (const v1::Date& bad : {D(2023, 2, 29), D(2025, 4, 31), D(2025, 13, 1), D(2025, 0, 1),
                              D(1899, 12, 31), D(2200, 1, 1), D(0, 0, 0)}) {
    *r.mutable_activity_log_entry()->mutable_date() = bad;
    EXPECT_EQ(Validate(r).message(),
              "record.content.activity_log_entry.date: not a real calendar date in 1900-2199")
        << bad.ShortDebugString();
  }
  *r.mutable_activity_log_entry()->mutable_date() = D(2024, 2, 29);
  HOIDLA_EXPECT_OK(Validate(r));
}

TEST(RecordForms, ReversedRangeIsRejected) {
  v1::RecordContent r = MinPlanEvaluation();
  *r.mutable_plan_evaluation()->mutable_evaluated_period() = Span(D(2025, 4, 30), D(2025, 1, 1));
  absl::Status s = Validate(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "record.content.plan_evaluation.evaluated_period.until: before from");
  // A one-day range is ordered.
  *r.mutable_plan_evaluation()->mutable_evaluated_period() = Span(D(2025, 4, 30), D(2025, 4, 30));
  HOIDLA_EXPECT_OK(Validate(r));
  // And a range required in full needs its end.
  r.mutable_plan_evaluation()->mutable_evaluated_period()->clear_until();
  EXPECT_EQ(Validate(r).message(),
            "record.content.plan_evaluation.evaluated_period.until: required");
}

TEST(RecordForms, ReversedClockTimesAreRejected) {
  v1::RecordContent r = MinMeetingMinutes();
  *r.mutable_meeting_minutes()->mutable_time() = Clock("11:00", "10:00");
  EXPECT_EQ(Validate(r).message(), "record.content.meeting_minutes.time.until: before from");
  *r.mutable_meeting_minutes()->mutable_time() = Clock("24:00", "10:00");
  EXPECT_EQ(Validate(r).message(), "record.content.meeting_minutes.time.from: not a time HH:MM");
}

TEST(RecordForms, RepeatedRowsAreCheckedOneByOneWithTheirIndex) {
  v1::RecordContent r = MinCasePlan();
  v1::PlanSubGoal* sg = r.mutable_case_plan()->mutable_goals(0)->add_sub_goals();
  sg->set_sub_goal("Võlgade ajatamine.");
  v1::PlanActivity* a = sg->add_activities();
  a->set_activity("Võlanõustaja.");
  *a->mutable_schedule()->mutable_from() = D(2025, 7, 1);
  EXPECT_EQ(Validate(r).message(),
            "record.content.case_plan.goals[0].sub_goals[1].activities[0].provider: required");
  sg->clear_activities();
  EXPECT_EQ(Validate(r).message(),
            "record.content.case_plan.goals[0].sub_goals[1].activities: at least one required");
}

TEST(RecordForms, TextsHaveLimits) {
  v1::RecordContent r = MinIntake();
  r.mutable_intake_assessment()->mutable_client()->set_first_name(std::string(201, 'a'));
  EXPECT_EQ(Validate(r).message(),
            "record.content.intake_assessment.client.first_name: longer than 200 bytes");
  r = MinIntake();
  r.mutable_intake_assessment()->mutable_client()->set_other_info(std::string(2001, 'a'));
  EXPECT_TRUE(
      IsInvalidArgumentFor(Validate(r), "record.content.intake_assessment.client.other_info"));
  r = MinCasePlan();
  r.mutable_case_plan()->set_problems(std::string(10000, 'a'));
  HOIDLA_EXPECT_OK(Validate(r));
  r.mutable_case_plan()->set_problems(std::string(10001, 'a'));
  EXPECT_EQ(Validate(r).message(), "record.content.case_plan.problems: longer than 10000 bytes");
}

TEST(RecordForms, EmptyContentIsRejectedAtThePrefix) {
  absl::Status s = Validate(v1::RecordContent());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(IsInvalidArgumentFor(s, "record.content"));
}

TEST(RecordForms, IntakeSectionsA2ToA6AreCheckedWhenPresent) {
  v1::RecordContent r = MinIntake();
  r.mutable_intake_assessment()->mutable_first_assessment()->set_case_description("x");
  EXPECT_EQ(Validate(r).message(),
            "record.content.intake_assessment.first_assessment.problems_to_solve: "
            "at least one required");
  r.mutable_intake_assessment()->mutable_first_assessment()->add_problems_to_solve("töötus");
  r.mutable_intake_assessment()->mutable_first_assessment()->set_legal_basis("SHS § 29");
  EXPECT_EQ(Validate(r).message(),
            "record.content.intake_assessment.first_assessment.decision: required");
  r.mutable_intake_assessment()->mutable_first_assessment()->set_decision(
      v1::DECISION_CASE_MANAGEMENT);
  HOIDLA_EXPECT_OK(Validate(r));
}

TEST(RecordForms, DisabilityNeedsTheValidityOfItsDecision) {
  v1::RecordContent r = MinIntake();
  r.mutable_intake_assessment()->mutable_client()->set_disability_severity(
      v1::DISABILITY_SEVERITY_SEVERE);
  EXPECT_EQ(Validate(r).message(),
            "record.content.intake_assessment.client.disability_decision_validity: required");
  *r.mutable_intake_assessment()
       ->mutable_client()
       ->mutable_disability_decision_validity()
       ->mutable_from() = D(2024, 1, 1);
  HOIDLA_EXPECT_OK(Validate(r));
  r.mutable_intake_assessment()->mutable_client()->set_incapacity_for_work_percent(101);
  EXPECT_TRUE(IsInvalidArgumentFor(
      Validate(r), "record.content.intake_assessment.client.incapacity_for_work_percent"));
}

TEST(RecordForms, MinutesNeedAMinuteTakerAndPresentParticipantsWithUniqueIds) {
  v1::RecordContent r = MinMeetingMinutes();
  r.mutable_meeting_minutes()->clear_minute_taker();
  EXPECT_EQ(Validate(r).message(), "record.content.meeting_minutes.minute_taker: required");
  r = MinMeetingMinutes();
  r.mutable_meeting_minutes()->mutable_participants(0)->set_present(false);
  EXPECT_EQ(Validate(r).message(),
            "record.content.meeting_minutes.participants: no participant present");
  r = FullMeetingMinutes();
  r.mutable_meeting_minutes()->mutable_participants(1)->set_participant_id("p1");
  EXPECT_EQ(Validate(r).message(),
            "record.content.meeting_minutes.participants[1].participant_id: duplicate");
  r.mutable_meeting_minutes()->mutable_participants(1)->set_participant_id("p 3");
  EXPECT_TRUE(IsInvalidArgumentFor(
      Validate(r), "record.content.meeting_minutes.participants[1].participant_id"));
}

TEST(RecordForms, JobSearchPlanHasThreeOrFourTargetJobs) {
  v1::RecordContent r = MinJobSearchPlan();
  r.mutable_job_search_plan()->mutable_target_jobs()->RemoveLast();
  EXPECT_EQ(Validate(r).message(),
            "record.content.job_search_plan.target_jobs: at least 3 required");
  r = FullJobSearchPlan();
  r.mutable_job_search_plan()->add_target_jobs("kokk");
  EXPECT_EQ(Validate(r).message(), "record.content.job_search_plan.target_jobs: at most 4");
}

TEST(RecordForms, RatedIndicatorsAndAreasAppearOnce) {
  v1::RecordContent r = MinProbationPlan();
  *r.mutable_probation_supervision_plan()->add_risk_indicators() =
      r.probation_supervision_plan().risk_indicators(0);
  EXPECT_EQ(Validate(r).message(),
            "record.content.probation_supervision_plan.risk_indicators[1].indicator: duplicate");
  r = MinCareNeed();
  *r.mutable_care_need_assessment()->mutable_valid_until() = D(2025, 5, 4);
  EXPECT_EQ(Validate(r).message(),
            "record.content.care_need_assessment.valid_until: before assessed_on");
  r = MinCareNeed();
  r.mutable_care_need_assessment()->set_outcome(v1::CARE_NEED_OUTCOME_CARE_PLAN);
  EXPECT_EQ(Validate(r).message(), "record.content.care_need_assessment.care_plan: required");
}

TEST(RecordForms, MaskThirdPartiesBlanksA2ToA5PersonsAndKeepsTheClient) {
  v1::RecordContent r = FullIntake();
  // A network-member problem row and a client row besides the full one.
  v1::ProblemStatement* own =
      r.mutable_intake_assessment()->mutable_problem_description()->add_statements();
  own->set_source(v1::PROBLEM_SOURCE_CLIENT);
  own->set_conveyor_name("Mari Maasikas");
  own->set_reason_for_contact("raha");
  own->set_description("Ei tule toime.");
  const v1::ServiceRecipient client_before = r.intake_assessment().client();
  MaskThirdParties(&r);
  const v1::IntakeAssessment& a = r.intake_assessment();

  // A.1: the client's own fields stay, family members are withheld.
  EXPECT_EQ(a.client().personal_code(), kCode);
  EXPECT_EQ(a.client().first_name(), "Mari");
  EXPECT_EQ(a.client().email(), client_before.email());
  EXPECT_EQ(a.client().phone(), client_before.phone());
  EXPECT_EQ(a.client().date_of_birth().year(), 1976);
  EXPECT_EQ(a.client().family_members(0).name(), "[withheld]");
  EXPECT_EQ(a.client().family_members(0).relation_to_client(), "poeg");
  // A.2: third-party conveyors withheld; the client's own row kept.
  EXPECT_EQ(a.problem_description().statements(0).conveyor_name(), "[withheld]");
  EXPECT_EQ(a.problem_description().statements(0).description(),
            "Poeg puudub koolist alates jaanuarist.");
  EXPECT_EQ(a.problem_description().statements(1).conveyor_name(), "Mari Maasikas");
  // A.3: statement sources.
  EXPECT_EQ(a.additional_data().housing().network_sources(0), "[withheld]");
  EXPECT_EQ(a.additional_data().housing().from_client(), "kliendi sõnul");
  // A.4: the reporter and their contacts.
  EXPECT_EQ(a.need_noticer().first_name(), "[withheld]");
  EXPECT_EQ(a.need_noticer().surname(), "[withheld]");
  EXPECT_EQ(a.need_noticer().relation_to_client(), "[withheld]");
  EXPECT_EQ(a.need_noticer().phone(), "");
  EXPECT_EQ(a.need_noticer().email(), "");
  EXPECT_EQ(a.need_noticer().address(), "");
  EXPECT_EQ(a.need_noticer().other_info(), "[withheld]");
  // A.5: names, personal codes, birth dates and contacts; roles kept.
  const v1::InformalNetworkMember& im = a.network().informal(0);
  EXPECT_EQ(im.first_name(), "[withheld]");
  EXPECT_EQ(im.personal_code(), "");
  EXPECT_FALSE(im.has_date_of_birth());
  EXPECT_EQ(im.phone(), "");
  EXPECT_EQ(im.email(), "");
  EXPECT_EQ(im.relation_to_client(), "õde");
  EXPECT_EQ(a.network().formal(0).surname(), "[withheld]");
  EXPECT_EQ(a.network().formal(0).phone(), "");
  EXPECT_EQ(a.network().formal(0).position_and_institution(), "perearst, Tartu Perearstikeskus");
  EXPECT_EQ(a.network().combined(0).first_name(), "[withheld]");
  EXPECT_EQ(a.network().combined(0).position_or_social_status(), "pensionär");
  // A.6 untouched.
  EXPECT_EQ(a.first_assessment().decision(), v1::DECISION_OTHER);
  // Nothing of the masked people is left anywhere in the bytes.
  std::string bytes = r.SerializeAsString();
  for (const char* gone : {"Kati", "Kask", "Liis", kCode2, "Peeter", "Tõnu", "Anu", "Juhan",
                           "kati@example.ee", "+372 5222 2222"}) {
    EXPECT_EQ(bytes.find(gone), std::string::npos) << gone;
  }
  // A masked record is still a valid record.
  HOIDLA_EXPECT_OK(Validate(r));
}

TEST(RecordForms, MaskThirdPartiesDoesNotCreateAbsentSections) {
  v1::RecordContent r = MinIntake();
  v1::RecordContent before = r;
  MaskThirdParties(&r);
  EXPECT_TRUE(MessageDifferencer::Equals(before, r));
  v1::RecordContent plan = FullCasePlan();
  before = plan;
  MaskThirdParties(&plan);
  EXPECT_TRUE(MessageDifferencer::Equals(before, plan));
}

TEST(RecordForms, MaskThirdPartiesClearsMeetingInviteeContactsButTheClients) {
  v1::RecordContent r = FullMeetingPlan();
  MaskThirdParties(&r);
  EXPECT_EQ(r.meeting_plan().invitees(0).contact(), "+372 5555 5555");
  EXPECT_EQ(r.meeting_plan().invitees(1).contact(), "");
  EXPECT_EQ(r.meeting_plan().invitees(1).name(), "Liis Maasikas");
}

TEST(RecordForms, RecordKindNamesEachPart) {
  for (const Kind& k : kKinds) EXPECT_EQ(RecordKind(k.full()), k.name);
  v1::RecordContent custom;
  custom.mutable_custom()->set_instrument_id("care");
  EXPECT_EQ(RecordKind(custom), "custom");
  EXPECT_EQ(RecordKind(v1::RecordContent()), "");

  const std::vector<std::string_view>& kinds = RecordKinds();
  ASSERT_EQ(kinds.size(), 13u);
  for (size_t i = 0; i < 12; ++i) EXPECT_EQ(kinds[i], kKinds[i].name);
  EXPECT_EQ(kinds[12], "custom");
  // One kind per oneof member.
  EXPECT_EQ(v1::RecordContent::descriptor()->oneof_decl(0)->field_count(), 13);
  for (int i = 0; i < 13; ++i) {
    EXPECT_EQ(kinds[i], v1::RecordContent::descriptor()->oneof_decl(0)->field(i)->name());
  }
}

// The JSON examples of doc/records-forms.md: each parses as a RecordContent
// (the protobuf JSON mapping `vaultctl record create --file` reads) and is
// valid; together they cover every kind.
TEST(RecordForms, DocExamplesParseAndValidate) {
  const std::filesystem::path doc =
      std::filesystem::path(__FILE__).parent_path() / "../../../doc/records-forms.md";
  std::ifstream in(doc);
  ASSERT_TRUE(in.good()) << doc;
  std::vector<std::string> blocks;
  std::string line;
  std::string cur;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```json") {
      inside = true;
      cur.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(cur);
    } else if (inside) {
      cur += line + "\n";
    }
  }
  std::set<std::string> seen;
  for (const std::string& b : blocks) {
    v1::RecordContent r;
    auto st = ::google::protobuf::util::JsonStringToMessage(b, &r);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << b;
    HOIDLA_EXPECT_OK(Validate(r));
    seen.insert(std::string(RecordKind(r)));
  }
  std::set<std::string> want(RecordKinds().begin(), RecordKinds().end());
  EXPECT_EQ(seen, want);
}

}  // namespace
}  // namespace hoidla::core
