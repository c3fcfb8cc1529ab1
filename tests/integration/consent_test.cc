// Consents against a real server (in-process, loopback, RocksDB in a temp
// folder, a fake clock so that periods can run out): scenarios 3, 4, 5, 6 and
// 8 of doc/domain.md §10, through the C++ client library.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/strings.h"
#include "client/vault_client.h"
#include "keys/crypto.h"
#include "keys/jwt.h"
#include "keys/signed_note.h"
#include "tests/fakes/fake_clock.h"
#include "tests/integration/api_stub.h"
#include "tests/integration/clocked_vault.h"
#include "tests/integration/enrol.h"
#include "tests/integration/test_support.h"
#include "vault/server/server.h"

namespace hoidla {
namespace {

namespace v1 = ::hoidla::v1;
using client::VaultClient;
using testing::At;
using testing::kCitizens;
using testing::kDay;
using testing::kSecond;
using testing::kStart;
using testing::PersonalCode;
using testing::StartsWith;

class Consents : public testing::ClockedVault {};

// Scenario 3.
TEST_F(Consents, RecipientSpecificConsentReleasesExactlyTheConsentedKindToTheNamedRecipient) {
  v1::ConsentReceipt receipt = Record(PlanToOrg(client_, labour_));
  const std::string basis = StrCat("consent:", receipt.consent().id(), "/1");
  EXPECT_EQ(receipt.consent().status(), v1::CONSENT_STATUS_IN_FORCE);
  Tick();

  // The labour office gets the plan, and only the plan.
  auto labour = labour_worker_.As(this, "employment_support");
  v1::ListDocumentsRequest list;
  list.set_client_id(client_);
  auto listed = labour->ListDocuments(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->documents_size(), 1);
  EXPECT_EQ(listed->documents(0).id(), plan_);
  EXPECT_EQ(Get(labour_worker_, "employment_support", plan_), absl::StatusCode::kOk);
  EXPECT_EQ(LastBy(labour_worker_.id).legal_basis(), basis);
  EXPECT_EQ(LastBy(labour_worker_.id).purpose(), "employment_support");
  std::ostringstream content;
  v1::DownloadDocumentRequest dl;
  dl.set_id(plan_);
  ASSERT_TRUE(labour->DownloadDocument(dl, content).ok());
  EXPECT_EQ(content.str(), "Juhtumiplaan: eesmärgid ja tegevused");
  EXPECT_EQ(Get(labour_worker_, "employment_support", notes_), absl::StatusCode::kNotFound);
  dl.set_id(recording_);
  std::ostringstream none;
  EXPECT_EQ(labour->DownloadDocument(dl, none).status().code(), absl::StatusCode::kNotFound);
  // Not for another purpose, and never without one.
  EXPECT_EQ(Get(labour_worker_, "debt_collection", plan_), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(labour_worker_, "", plan_), absl::StatusCode::kInvalidArgument);

  // Probation asks for the same plan: denied, as if it did not exist.
  EXPECT_EQ(Get(probation_officer_, "employment_support", plan_), absl::StatusCode::kNotFound);
  auto probation_list = probation_officer_.As(this, "employment_support")->ListDocuments(list);
  EXPECT_EQ(probation_list.status().code(), absl::StatusCode::kNotFound);

  // Both attempts are in the log and in the client's own access report.
  v1::GetAccessReportRequest rreq;
  rreq.set_client_id(client_);
  auto report = dpo_.As(this)->GetAccessReport(rreq);
  ASSERT_TRUE(report.ok()) << report.status();
  bool labour_read = false, probation_refused = false;
  for (const auto& e : report->entries()) {
    if (e.actor().principal_id() == labour_worker_.id && e.action() == "read_document" &&
        e.allowed() && e.object_id() == plan_) {
      labour_read = true;
      EXPECT_EQ(e.legal_basis(), basis);
      EXPECT_EQ(e.actor().organization_name(), "Töötukassa");
    }
    if (e.actor().principal_id() == probation_officer_.id && e.action() == "read_document" &&
        !e.allowed()) {
      probation_refused = true;
    }
  }
  EXPECT_TRUE(labour_read);
  EXPECT_TRUE(probation_refused);
}

// Scenario 4.
TEST_F(Consents, WithdrawalEndsTheReleaseForTheVeryNextCallAndTheEarlierDisclosureStays) {
  v1::ConsentReceipt receipt = Record(PlanToOrg(client_, labour_));
  Tick();
  ASSERT_EQ(Get(labour_worker_, "employment_support", plan_), absl::StatusCode::kOk);
  const uint64_t disclosed_at = server_->audit_log()->size() - 1;

  v1::WithdrawConsentRequest wreq;
  wreq.set_id(receipt.consent().id());
  wreq.set_note("klient võttis nõusoleku tagasi");
  auto withdrawn = cw_.As(this)->WithdrawConsent(wreq);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->status(), v1::CONSENT_STATUS_WITHDRAWN);
  EXPECT_EQ(withdrawn->withdrawn_by(), cw_.id);
  EXPECT_EQ(LastBy(cw_.id).action(), "write_consent");
  // At once: no tick between the withdrawal and the next request.
  EXPECT_EQ(Get(labour_worker_, "employment_support", plan_), absl::StatusCode::kNotFound);
  EXPECT_EQ(cw_.As(this)->WithdrawConsent(wreq).status().code(),
            absl::StatusCode::kFailedPrecondition);

  auto earlier = server_->audit_log()->Get(disclosed_at);
  ASSERT_TRUE(earlier.ok());
  EXPECT_EQ(earlier->actor(), labour_worker_.id);
  EXPECT_EQ(earlier->legal_basis(), StrCat("consent:", receipt.consent().id(), "/1"));
  v1::ListConsentsRequest lreq;
  lreq.set_client_id(client_);
  lreq.set_all_versions(true);
  auto all = dpo_.As(this)->ListConsents(lreq);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->consents_size(), 1);
  EXPECT_EQ(all->consents(0).status(), v1::CONSENT_STATUS_WITHDRAWN);
  EXPECT_EQ(all->consents(0).withdrawal_note(), "klient võttis nõusoleku tagasi");
}

// Scenario 5.
TEST_F(Consents, TheConsentInForceAtAnyMomentIsProvableAcrossVersions) {
  const int64_t before = clock_.NowMicros();
  Tick();
  v1::ConsentReceipt oral = Record(PlanToOrg(client_, labour_));
  const std::string id = oral.consent().id();
  Tick();
  ASSERT_EQ(Get(labour_worker_, "employment_support", plan_), absl::StatusCode::kOk);
  EXPECT_EQ(LastBy(labour_worker_.id).legal_basis(), StrCat("consent:", id, "/1"));
  const int64_t during_oral = clock_.NowMicros();

  // The signed agreement replaces the oral one; the scan is attached.
  Tick(kDay);
  const std::string scan = Upload(client_, case_, "consent_scan", "%PDF signed A2");
  v1::Consent written = PlanToOrg(client_, labour_);
  written.set_form(v1::CONSENT_FORM_WRITTEN_SIGNED);
  written.set_scan_document_id(scan);
  written.clear_witness();
  written.clear_note();
  v1::ReviseConsentRequest rev;
  rev.set_id(id);
  rev.set_expected_version(1);
  *rev.mutable_consent() = written;
  auto v2 = cw_.As(this)->ReviseConsent(rev);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->consent().version(), 2u);
  EXPECT_EQ(cw_.As(this)->ReviseConsent(rev).status().code(), absl::StatusCode::kAborted)
      << "a writer who edited version 1 conflicts";
  Tick();
  ASSERT_EQ(Get(labour_worker_, "employment_support", plan_), absl::StatusCode::kOk);
  EXPECT_EQ(LastBy(labour_worker_.id).legal_basis(), StrCat("consent:", id, "/2"));

  auto in_force_at = [&](int64_t t) {
    v1::ListConsentsRequest req;
    req.set_client_id(client_);
    *req.mutable_at() = At(t);
    auto r = dpo_.As(this)->ListConsents(req);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<uint32_t> versions;
    if (r.ok()) {
      for (const auto& c : r->consents()) versions.push_back(c.version());
    }
    return versions;
  };
  EXPECT_EQ(in_force_at(before), std::vector<uint32_t>{});
  EXPECT_EQ(in_force_at(during_oral), std::vector<uint32_t>{1});
  EXPECT_EQ(in_force_at(clock_.NowMicros()), std::vector<uint32_t>{2});
  v1::ListConsentsRequest all;
  all.set_client_id(client_);
  all.set_all_versions(true);
  auto history = dpo_.As(this)->ListConsents(all);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->consents_size(), 2);
  EXPECT_EQ(history->consents(0).form(), v1::CONSENT_FORM_ORAL);
  EXPECT_EQ(history->consents(0).status(), v1::CONSENT_STATUS_SUPERSEDED);
  EXPECT_EQ(history->consents(0).superseded_at().seconds(),
            history->consents(1).recorded_at().seconds());
  EXPECT_EQ(history->consents(1).scan_document_id(), scan);

  // The receipt of version 2 verifies with the vault's exported key alone.
  auto keys = admin_->GetAuditPublicKeys();
  ASSERT_TRUE(keys.ok()) << keys.status();
  auto verifier = keys::ParseVerifierKey(keys->verifier_keys(0));
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  auto text = keys::OpenNote(v2->receipt(), *verifier);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_TRUE(text->starts_with("hoidla consent receipt v1\n"));
  EXPECT_NE(text->find(StrCat("\"consent_id\":\"", id, "\"")), std::string::npos);
  EXPECT_NE(text->find("\"version\":2"), std::string::npos);
  EXPECT_EQ(text->find("Mari"), std::string::npos);
  std::string forged = v2->receipt();
  forged.replace(forged.find("\"version\":2"), 11, "\"version\":3");
  EXPECT_FALSE(keys::OpenNote(forged, *verifier).ok());
}

// Scenario 6.
TEST_F(Consents, DisclosureWithoutConsentIsBasedLimitedReviewedAndShownToTheClient) {
  v1::Disclosure d;
  d.set_client_id(client_);
  d.set_case_id(case_);
  d.set_recipient_organization_id(police_);
  d.set_legal_basis(v1::LEGAL_BASIS_DANGER_TO_OTHERS);
  d.set_justification("Kolmanda isiku elu on otseses ohus (ähvardused).");
  d.add_item_ids(notes_);
  d.set_valid_hours(24);
  auto disclose = [&](const v1::Disclosure& x) {
    v1::DiscloseWithoutConsentRequest req;
    *req.mutable_disclosure() = x;
    return cw_.As(this)->DiscloseWithoutConsent(req);
  };
  // A basis from the fixed list and a justification are demanded.
  v1::Disclosure bad = d;
  bad.clear_legal_basis();
  EXPECT_EQ(disclose(bad).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(disclose(bad).status().message(), "disclosure.legal_basis"));
  bad = d;
  bad.set_justification("needed");
  EXPECT_TRUE(StartsWith(disclose(bad).status().message(), "disclosure.justification"));
  bad = d;
  bad.set_valid_hours(24 * 30);
  EXPECT_TRUE(StartsWith(disclose(bad).status().message(), "disclosure.valid_hours"));

  auto made = disclose(d);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->review(), v1::DISCLOSURE_REVIEW_PENDING);
  const std::string basis = StrCat("disclosure:", made->id(), ":danger_to_others");
  Tick();

  // The police get the named record, nothing else.
  EXPECT_EQ(Get(police_officer_, "investigation", notes_), absl::StatusCode::kOk);
  EXPECT_EQ(LastBy(police_officer_.id).legal_basis(), basis);
  EXPECT_EQ(Get(police_officer_, "investigation", plan_), absl::StatusCode::kNotFound);

  // Flagged for the data protection officer.
  v1::ListDisclosuresRequest queue;
  queue.set_organization_id(org_);
  queue.set_pending_only(true);
  auto pending = dpo_.As(this)->ListDisclosures(queue);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->disclosures_size(), 1);
  EXPECT_EQ(pending->disclosures(0).id(), made->id());

  // Limited in time.
  Tick(25 * 3600 * kSecond);
  EXPECT_EQ(Get(police_officer_, "investigation", notes_), absl::StatusCode::kNotFound);

  // Rejected on review: a second disclosure ends at once.
  auto again = disclose(d);
  ASSERT_TRUE(again.ok());
  Tick();
  EXPECT_EQ(Get(police_officer_, "investigation", notes_), absl::StatusCode::kOk);
  v1::ReviewDisclosureRequest review;
  review.set_id(again->id());
  review.set_review(v1::DISCLOSURE_REVIEW_REJECTED);
  review.set_note("oht ei olnud otsene");
  auto reviewed = dpo_.As(this)->ReviewDisclosure(review);
  ASSERT_TRUE(reviewed.ok()) << reviewed.status();
  EXPECT_EQ(reviewed->reviewed_by(), dpo_.id);
  EXPECT_EQ(Get(police_officer_, "investigation", notes_), absl::StatusCode::kNotFound);
  EXPECT_EQ(dpo_.As(this)->ReviewDisclosure(review).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // The client later sees it in their own report, signed in with the
  // public identity provider (staff no longer make data subjects' accounts).
  const std::string subject_token = SignIn(IdToken(kCitizens, "EE" + PersonalCode(1)));
  ASSERT_FALSE(subject_token.empty());
  v1::GetAccessReportRequest rreq;
  rreq.set_client_id(client_);
  rreq.set_page_size(1000);
  auto report = Connect(subject_token)->GetAccessReport(rreq);
  ASSERT_TRUE(report.ok()) << report.status();
  int police_reads = 0, disclosures = 0;
  for (const auto& e : report->entries()) {
    if (e.actor().principal_id() == police_officer_.id && e.allowed()) {
      ++police_reads;
      EXPECT_TRUE(e.legal_basis().starts_with("disclosure:"));
      EXPECT_EQ(e.actor().organization_name(), "Politsei");
    }
    if (e.action() == "disclose_without_consent" && e.allowed()) ++disclosures;
  }
  EXPECT_EQ(police_reads, 2);
  EXPECT_EQ(disclosures, 2);
}

// Scenario 8.
TEST_F(Consents, ALegalRepresentativeConsentsForAMinorWhoIsRecordedAsTakingPart) {
  // Born 14 years before the test's start.
  v1::Date birth;
  birth.set_year(2012);
  birth.set_month(11);
  birth.set_day(22);
  const std::string child = NewClient("", &birth);
  const std::string child_case = NewCase(child);
  const std::string child_plan = Upload(child, child_case, "case_plan", "plaan");
  v1::Consent c = PlanToOrg(child, labour_);
  c.mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_LEGAL_REPRESENTATIVE);
  c.mutable_given_by()->set_name("Lapsevanem");
  c.mutable_given_by()->set_authority_basis("parent");
  c.set_subject_participated(true);
  (*c.mutable_provisions(0)->mutable_valid_until()) = At(kStart + 10 * 365 * kDay);
  v1::ConsentReceipt r = Record(c);
  EXPECT_EQ(r.consent().given_by().kind(), v1::CONSENT_GIVER_KIND_LEGAL_REPRESENTATIVE);
  EXPECT_EQ(r.consent().given_by().name(), "Lapsevanem");
  EXPECT_TRUE(r.consent().subject_participated());
  EXPECT_NE(r.receipt().find("\"authority_ends\":\"2030-11-22T00:00:00Z\""), std::string::npos)
      << r.receipt();
  Tick();
  EXPECT_EQ(Get(labour_worker_, "employment_support", child_plan), absl::StatusCode::kOk);

  // The parent's authority ends when the child turns 18, and the consent
  // with it.
  clock_.Set(kStart + 4 * 365 * kDay + 2 * kDay);
  // Sessions last 12 hours at most: As() signs the workers in again.
  EXPECT_EQ(Get(labour_worker_, "employment_support", child_plan), absl::StatusCode::kNotFound);
  v1::GetConsentRequest g;
  g.set_id(r.consent().id());
  auto now = cw_.As(this)->GetConsent(g);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->status(), v1::CONSENT_STATUS_EXPIRED);

  // A representative cannot consent for an adult; a guardian needs the end
  // of the court order.
  v1::RecordConsentRequest adult;
  *adult.mutable_consent() = PlanToOrg(client_, labour_);
  *adult.mutable_consent()->mutable_given_by() = c.given_by();
  auto refused = cw_.As(this)->RecordConsent(adult);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(refused.status().message(), "consent.given_by.kind"));
  adult.mutable_consent()->mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_GUARDIAN);
  refused = cw_.As(this)->RecordConsent(adult);
  EXPECT_TRUE(StartsWith(refused.status().message(), "consent.given_by.authority_valid_until"))
      << refused.status();
}

TEST_F(Consents, ACaseNetworkConsentReleasesToTheCasesNetworkMembersWhileTheyAreMembers) {
  v1::Consent c = PlanToOrg(client_, labour_);
  c.set_case_id(case_);
  c.mutable_provisions(0)->clear_recipients();
  c.mutable_provisions(0)->add_recipients()->set_kind(v1::RECIPIENT_KIND_CASE_NETWORK);
  v1::Consent without_case = c;
  without_case.clear_case_id();
  v1::RecordConsentRequest bad;
  *bad.mutable_consent() = without_case;
  auto refused = cw_.As(this)->RecordConsent(bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(refused.status().message(), "consent.provisions[0].recipients[0].kind"));
  Record(c);
  Tick();
  EXPECT_EQ(Get(labour_worker_, "employment_support", plan_), absl::StatusCode::kNotFound)
      << "not a member of the network yet";
  v1::UpdateCaseNetworkRequest add;
  add.set_id(case_);
  add.add_add_member_ids(labour_worker_.id);
  auto updated = cw_.As(this)->UpdateCaseNetwork(add);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->network_member_ids_size(), 1);
  EXPECT_EQ(Get(labour_worker_, "employment_support", plan_), absl::StatusCode::kOk);
  EXPECT_EQ(Get(probation_officer_, "employment_support", plan_), absl::StatusCode::kNotFound)
      << "another partner of no network";
  v1::UpdateCaseNetworkRequest remove;
  remove.set_id(case_);
  remove.add_remove_member_ids(labour_worker_.id);
  ASSERT_TRUE(cw_.As(this)->UpdateCaseNetwork(remove).ok());
  EXPECT_EQ(Get(labour_worker_, "employment_support", plan_), absl::StatusCode::kNotFound);
  v1::UpdateCaseNetworkRequest staff;
  staff.set_id(case_);
  staff.add_add_member_ids(head_.id);
  EXPECT_EQ(cw_.As(this)->UpdateCaseNetwork(staff).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(Consents, AnExistenceQueryAnswersYesOnlyWhereTheClientAllowedIt) {
  v1::Consent c = PlanToOrg(client_, labour_);
  c.mutable_provisions(0)->set_existence_queries(true);
  Record(c);
  Tick();
  v1::QueryRecordExistenceRequest q;
  q.set_personal_code(PersonalCode(1));
  q.set_kind("case_plan");
  auto yes = labour_worker_.As(this, "employment_support")->QueryRecordExistence(q);
  ASSERT_TRUE(yes.ok()) << yes.status();
  EXPECT_TRUE(yes->exists());
  ASSERT_EQ(yes->organization_ids_size(), 1);
  EXPECT_EQ(yes->organization_ids(0), org_);
  // Another kind, another recipient, or a person with no records: "no".
  q.set_kind("assessment_notes");
  EXPECT_FALSE(labour_worker_.As(this, "employment_support")->QueryRecordExistence(q)->exists());
  q.set_kind("case_plan");
  EXPECT_FALSE(
      probation_officer_.As(this, "employment_support")->QueryRecordExistence(q)->exists());
  q.set_personal_code(PersonalCode(2));
  EXPECT_FALSE(labour_worker_.As(this, "employment_support")->QueryRecordExistence(q)->exists());
  // Staff of the holding organisation are not partners.
  EXPECT_EQ(cw_.As(this, "employment_support")->QueryRecordExistence(q).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(Consents, ConsentRecordsAreSealedAtRest) {
  v1::Consent c = PlanToOrg(client_, labour_);
  c.set_note("Märkus: kliendi erimärk XQZ-4711");
  Record(c);
  server_->Shutdown(std::chrono::seconds(2));
  server_.reset();
  auto grep = testing::Run({"grep", "-r", "-a", "-l", "XQZ-4711", dir_.path() + "/data"});
  EXPECT_EQ(grep.out, "") << "files holding the note in plaintext";
}

}  // namespace
}  // namespace hoidla
