// SubjectAccess (vault/oversight/subject_access.h): a client's subject
// access export over the wired core and a real audit log — everything held
// on the client with the reporter of a concern and third parties in records
// withheld, refused attempts alike counted as one access; only the data
// subject and data protection officers of the client's organisation, with
// NOT_FOUND "client_id" for a client out of reach; ExportInParts' bounded
// parts that concatenate to the export, and its stop at emit's first error.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "base/ids.h"
#include "base/timestamps.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/unit/oversight/oversight_fixture.h"
#include "tests/unit/test_util.h"
#include "vault/access/paging.h"

namespace hoidla::core {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::hoidla::testing::IsInvalidArgumentFor;

class SubjectAccessTest : public OversightTest {
 protected:
  void SetUp() override {
    OversightTest::SetUp();
    org_ = MakeOrg("Tartu Tugikeskus");
    prj_ = MakeProject(org_.id());
    client_ = MakeClient(org_.id(), prj_.id(), kCodeMari);
    case_ = MakeCase(prj_.id(), client_.id());
  }

  absl::StatusOr<v1::SubjectDataExport> Export(const RequestContext& who,
                                               const std::string& client_id) {
    v1::ExportSubjectDataRequest req;
    req.set_client_id(client_id);
    return subject_access_->Export(who, req);
  }
  // ExportInParts as Calls::Export streams it (audited, the entry before the
  // first part).
  absl::Status ExportInParts(const RequestContext& who, const std::string& client_id,
                             size_t part_bytes, std::vector<v1::SubjectDataExport>* parts) {
    v1::ExportSubjectDataRequest req;
    req.set_client_id(client_id);
    return AuditedStream(
        who, "ExportSubjectData", [&](const RequestContext& ctx, BeforePart before) {
          return subject_access_->ExportInParts(
              ctx, req, part_bytes, [&](const v1::SubjectDataExport& part) -> absl::Status {
                absl::Status s = before();
                if (!s.ok()) return s;
                parts->push_back(part);
                return absl::OkStatus();
              });
        });
  }

  // A meeting plan for the case inviting the client and a relative (a
  // third party with a contact).
  v1::Record MakeMeetingPlan() {
    Tick();
    v1::CreateRecordRequest req;
    req.mutable_record()->set_case_id(case_.id());
    v1::MeetingPlan* m = req.mutable_record()->mutable_content()->mutable_meeting_plan();
    m->set_purpose("Juhtumiplaani koostamine.");
    m->set_responsible_name("Mati Mets");
    m->mutable_meeting_date()->set_year(2024);
    m->mutable_meeting_date()->set_month(2);
    m->mutable_meeting_date()->set_day(20);
    m->mutable_planned_time()->set_from("10:00");
    m->mutable_planned_time()->set_until("11:30");
    m->set_venue_institution("Tartu Sotsiaalmaja");
    v1::MeetingAgendaItem* ag = m->add_agenda();
    ag->mutable_time_slot()->set_from("10:00");
    ag->mutable_time_slot()->set_until("10:15");
    ag->set_item("Sissejuhatus");
    ag->set_presenter("Mati Mets");
    v1::MeetingInvitee* self = m->add_invitees();
    self->set_is_client(true);
    self->set_name("Kristiina Põldmäe");
    self->set_contact("+372 5555 5555");
    v1::MeetingInvitee* sister = m->add_invitees();
    sister->set_name("Liis Põldmäe");
    sister->set_relation_or_position("õde");
    sister->set_contact("liis@example.ee");
    auto r = records_->CreateRecord(admin_, req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : v1::Record();
  }

  v1::Organization org_;
  v1::Project prj_;
  v1::Client client_;
  v1::Case case_;
};

TEST_F(SubjectAccessTest, SubjectExportsEverythingHeldOnThemWithThirdPartiesWithheld) {
  const v1::Record plan = MakeMeetingPlan();
  RequestContext mati = Manager(org_.id(), prj_.id(), "Mati Mets");
  HOIDLA_ASSERT_OK(ReadClient(mati, client_.id()));
  const uint64_t read_seq = log_->size() - 1;
  Tick();
  RequestContext subject = Subject(kCodeMari);
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::SubjectDataExport out, Export(subject, client_.id()));

  EXPECT_EQ(Micros(out.exported_at()), clock_.NowMicros());
  EXPECT_EQ(out.client().id(), client_.id());
  EXPECT_EQ(out.client().personal_code(), kCodeMari);
  ASSERT_EQ(out.cases_size(), 1);
  EXPECT_EQ(out.cases(0).id(), case_.id());
  ASSERT_EQ(out.records_size(), 1);
  const v1::Record& r = out.records(0);
  EXPECT_EQ(r.id(), plan.id());
  EXPECT_TRUE(r.third_parties_withheld());
  EXPECT_EQ(r.content().meeting_plan().invitees(0).contact(), "+372 5555 5555");
  EXPECT_EQ(r.content().meeting_plan().invitees(1).contact(), "");
  EXPECT_EQ(out.SerializeAsString().find("liis@example.ee"), std::string::npos);
  // The access report: the manager's read, named.
  ASSERT_EQ(out.accesses_size(), 1);
  EXPECT_EQ(out.accesses(0).seq(), read_seq);
  EXPECT_EQ(out.accesses(0).actor().display_name(), "Mati Mets");
  EXPECT_EQ(out.accesses(0).actor().role(), "project_manager");
}

TEST_F(SubjectAccessTest, ReporterOfAConcernIsWithheldFromTheExport) {
  auto intake = MakeIntakeProject(org_.id());
  auto partner_org = MakeOrg("Töötukassa");
  RequestContext partner = Partner(partner_org.id(), "Peeter Partner");
  const std::string report = ReportConcern(partner, org_.id(), intake.id(), kCodeMari);
  ASSERT_FALSE(report.empty());
  // Staff see the reporter on the case.
  v1::GetCaseRequest gc;
  gc.set_id(report);
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::Case staff_view, registry_->GetCase(admin_, gc));
  ASSERT_NE(staff_view.reporter_name().find("Peeter Partner"), std::string::npos);

  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::SubjectDataExport out, Export(Subject(kCodeMari), client_.id()));
  const v1::Case* reported = nullptr;
  for (const auto& c : out.cases()) {
    if (c.id() == report) reported = &c;
  }
  ASSERT_NE(reported, nullptr);
  EXPECT_EQ(reported->reporter_name(), "[withheld]");
  EXPECT_EQ(reported->reporter_contact(), "");
  ASSERT_EQ(out.accesses_size(), 1);
  EXPECT_TRUE(out.accesses(0).actor().withheld());
  EXPECT_EQ(out.accesses(0).actor().principal_id(), "");
  const std::string bytes = out.SerializeAsString();
  for (const std::string& gone : {partner.principal.id, std::string("Peeter Partner"),
                                  std::string("+372 5111 1111"), std::string("Töötukassa")}) {
    EXPECT_EQ(bytes.find(gone), std::string::npos) << gone;
  }
}

TEST_F(SubjectAccessTest, RefusedAttemptsAlikeAreCountedAsOneAccess) {
  auto other = MakeOrg("Tallinna Abikeskus");
  auto other_prj = MakeProject(other.id());
  RequestContext outsider = Manager(other.id(), other_prj.id(), "Olev Võõras");
  RequestContext mati = Manager(org_.id(), prj_.id(), "Mati Mets");
  auto case2 = MakeCase(prj_.id(), client_.id(), "Võlanõustamine");
  std::vector<uint64_t> tries;
  std::vector<int64_t> times;
  auto try_case = [&](const std::string& id) {
    Tick();
    v1::GetCaseRequest req;
    req.set_id(id);
    auto c = Audited(outsider, "GetCase",
                     [&](const RequestContext& ctx) { return registry_->GetCase(ctx, req); });
    EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
    tries.push_back(log_->size() - 1);
    times.push_back(log_->Get(tries.back())->time_micros());
  };
  try_case(case_.id());
  HOIDLA_ASSERT_OK(ReadClient(mati, client_.id()));
  HOIDLA_ASSERT_OK(ReadClient(mati, client_.id()));
  try_case(case2.id());
  try_case(case_.id());

  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::SubjectDataExport out, Export(Subject(kCodeMari), client_.id()));
  // Newest first: the refused attempts' one entry (where its newest is),
  // then the two allowed reads, one each.
  ASSERT_EQ(out.accesses_size(), 3);
  const v1::AccessReportEntry& refused = out.accesses(0);
  EXPECT_EQ(refused.count(), 3u);
  EXPECT_EQ(refused.seq(), tries.back());
  EXPECT_EQ(Micros(refused.time()), times.back());
  EXPECT_EQ(Micros(refused.first_time()), times.front());
  EXPECT_FALSE(refused.allowed());
  EXPECT_EQ(refused.status(), "NOT_FOUND");
  EXPECT_EQ(refused.method(), "GetCase");
  EXPECT_EQ(refused.actor().display_name(), "Olev Võõras");
  // The cases differed: the entry names none.
  EXPECT_EQ(refused.case_id(), "");
  EXPECT_EQ(refused.organization_id(), org_.id());
  for (int i = 1; i < 3; ++i) {
    EXPECT_TRUE(out.accesses(i).allowed());
    EXPECT_LE(out.accesses(i).count(), 1u);
  }
  // GetAccessReport still lists each attempt.
  v1::GetAccessReportRequest req;
  req.set_client_id(client_.id());
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::AccessReport report,
                              audit_access_->GetAccessReport(Dpo(org_.id()), req));
  EXPECT_EQ(report.entries_size(), 5);
}

TEST_F(SubjectAccessTest, DataProtectionOfficerOfTheClientsOrganisationMayExport) {
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::SubjectDataExport out, Export(Dpo(org_.id()), client_.id()));
  EXPECT_EQ(out.client().id(), client_.id());
  EXPECT_EQ(out.cases_size(), 1);
}

TEST_F(SubjectAccessTest, ClientOutOfReachIsNotFoundClientIdAsAnUnknownOne) {
  auto other = MakeOrg("Tallinna Abikeskus");
  auto liis = MakeClient(org_.id(), prj_.id(), kCodeLiis);
  for (const RequestContext& who : {Dpo(other.id()), Subject(kCodeLiis)}) {
    for (const std::string& id : {client_.id(), NewId(IdKind::kClient, clock_)}) {
      auto out = Export(who, id);
      EXPECT_EQ(out.status().code(), absl::StatusCode::kNotFound) << id;
      EXPECT_EQ(out.status().message(), "client_id: not found") << id;
    }
  }
  HOIDLA_EXPECT_OK(Export(Subject(kCodeLiis), liis.id()));
}

TEST_F(SubjectAccessTest, StaffNoRoleLetsExportArePermissionDenied) {
  // admin_: system administrator and head of the organisation.
  RequestContext mati = Manager(org_.id(), prj_.id());
  for (const RequestContext& who : {admin_, mati}) {
    auto out = Export(who, client_.id());
    EXPECT_EQ(out.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(out.status().message(),
              "permission denied: no role of the caller may export_subject_data");
  }
  EXPECT_TRUE(IsInvalidArgumentFor(Export(Dpo(org_.id()), "client-1"), "client_id"));
}

TEST_F(SubjectAccessTest, PartsAreBoundedAndConcatenateToTheExport) {
  MakeMeetingPlan();
  RequestContext mati = Manager(org_.id(), prj_.id(), "Mati Mets");
  for (int i = 0; i < 20; ++i) HOIDLA_ASSERT_OK(ReadClient(mati, client_.id()));
  RequestContext subject = Subject(kCodeMari);
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::SubjectDataExport whole, Export(subject, client_.id()));
  const size_t budget = 600;
  ASSERT_GT(whole.ByteSizeLong(), 3 * budget);

  const uint64_t size = log_->size();
  std::vector<v1::SubjectDataExport> parts;
  HOIDLA_ASSERT_OK(ExportInParts(subject, client_.id(), budget, &parts));
  ASSERT_GT(parts.size(), 2u);
  std::string bytes;
  for (size_t i = 0; i < parts.size(); ++i) {
    const v1::SubjectDataExport& p = parts[i];
    const int items = p.cases_size() + p.records_size() + p.documents_size() + p.consents_size() +
                      p.disclosures_size() + p.accesses_size();
    if (items > 1) {
      EXPECT_LE(p.ByteSizeLong(), budget) << "part " << i;
    }
    // Only the first part carries exported_at and the client.
    EXPECT_EQ(p.has_client(), i == 0) << "part " << i;
    EXPECT_EQ(p.has_exported_at(), i == 0) << "part " << i;
    bytes += p.SerializeAsString();
  }
  v1::SubjectDataExport merged;
  ASSERT_TRUE(merged.ParseFromString(bytes));
  EXPECT_TRUE(MessageDifferencer::Equals(merged, whole));
  // On the record once, before the first part left.
  ASSERT_EQ(log_->size(), size + 1);
  EXPECT_EQ(LastEntry().method(), "ExportSubjectData");
  EXPECT_EQ(LastEntry().action(), "export_subject_data");
  EXPECT_EQ(LastEntry().client_id(), client_.id());
  EXPECT_EQ(LastEntry().status(), "OK");
}

TEST_F(SubjectAccessTest, ExportInPartsStopsAtTheFirstErrorAndARefusalEmitsNothing) {
  RequestContext mati = Manager(org_.id(), prj_.id());
  for (int i = 0; i < 10; ++i) HOIDLA_ASSERT_OK(ReadClient(mati, client_.id()));
  v1::ExportSubjectDataRequest req;
  req.set_client_id(client_.id());
  int calls = 0;
  absl::Status s = subject_access_->ExportInParts(Subject(kCodeMari), req, 200,
                                                  [&](const v1::SubjectDataExport&) {
                                                    ++calls;
                                                    return absl::CancelledError("client went away");
                                                  });
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(s.message(), "client went away");
  EXPECT_EQ(calls, 1);

  calls = 0;
  std::vector<v1::SubjectDataExport> parts;
  absl::Status refused = ExportInParts(admin_, client_.id(), 200, &parts);
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(parts.empty());
  EXPECT_EQ(LastEntry().status(), "PERMISSION_DENIED");
  EXPECT_FALSE(LastEntry().allowed());
}

}  // namespace
}  // namespace hoidla::core
