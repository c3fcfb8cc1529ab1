// AuditAccess (vault/oversight/audit_access.h) over a real audit log: the
// client's access report (who saw the data, newest first, refused attempts
// included, protected reporters withheld, the data subject's own calls left
// out, who may read it, paging); ListAuditEntries' filters and the
// organisation an auditor must name; inclusion proofs and exports per
// organisation, verified offline; rotation of the signing key committed
// with its audit entry, and nothing written when that write fails.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "base/ids.h"
#include "base/timestamps.h"
#include "gtest/gtest.h"
#include "keys/signed_note.h"
#include "tests/unit/oversight/oversight_fixture.h"
#include "tests/unit/test_util.h"
#include "vault/access/paging.h"
#include "vault/audit/bundle.h"
#include "vault/audit/merkle.h"

namespace hoidla::core {
namespace {

using ::hoidla::testing::DumpStore;
using ::hoidla::testing::IsInvalidArgumentFor;

class AccessReportTest : public OversightTest {
 protected:
  void SetUp() override {
    OversightTest::SetUp();
    org_ = MakeOrg("Tartu Tugikeskus");
    prj_ = MakeProject(org_.id());
    client_ = MakeClient(org_.id(), prj_.id(), kCodeMari);
  }

  absl::StatusOr<v1::AccessReport> Report(const RequestContext& who, const std::string& client_id,
                                          int32_t page_size = 0,
                                          const std::string& page_token = "") {
    v1::GetAccessReportRequest req;
    req.set_client_id(client_id);
    req.set_page_size(page_size);
    req.set_page_token(page_token);
    return Audited(who, "GetAccessReport", [&](const RequestContext& ctx) {
      return audit_access_->GetAccessReport(ctx, req);
    });
  }

  v1::Organization org_;
  v1::Project prj_;
  v1::Client client_;
};

std::vector<uint64_t> Seqs(const v1::AccessReport& r) {
  std::vector<uint64_t> out;
  for (const auto& e : r.entries()) out.push_back(e.seq());
  return out;
}
std::vector<uint64_t> Seqs(const v1::ListAuditEntriesResponse& r) {
  std::vector<uint64_t> out;
  for (const auto& e : r.entries()) out.push_back(e.seq());
  return out;
}

// ---------------------------------------------------------------------------
// GetAccessReport

TEST_F(AccessReportTest, AccessReportNamesWhoActedNewestFirst) {
  RequestContext mati = Manager(org_.id(), prj_.id(), "Mati Mets");
  RequestContext kati = Manager(org_.id(), prj_.id(), "Kati Kask");
  HOIDLA_ASSERT_OK(ReadClient(mati, client_.id()));
  const uint64_t mati_seq = log_->size() - 1;
  HOIDLA_ASSERT_OK(ReadClient(kati, client_.id()));
  const uint64_t kati_seq = log_->size() - 1;

  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::AccessReport report, Report(Dpo(org_.id()), client_.id()));
  EXPECT_EQ(report.client_id(), client_.id());
  EXPECT_EQ(Seqs(report), (std::vector<uint64_t>{kati_seq, mati_seq}));
  EXPECT_TRUE(report.next_page_token().empty());

  const v1::AccessReportEntry& newest = report.entries(0);
  EXPECT_EQ(Micros(newest.time()), log_->Get(kati_seq)->time_micros());
  EXPECT_FALSE(newest.actor().withheld());
  EXPECT_EQ(newest.actor().principal_id(), kati.principal.id);
  EXPECT_EQ(newest.actor().display_name(), "Kati Kask");
  EXPECT_EQ(newest.actor().kind(), v1::PRINCIPAL_KIND_STAFF);
  EXPECT_EQ(newest.actor().organization_id(), org_.id());
  EXPECT_EQ(newest.actor().organization_name(), "Tartu Tugikeskus");
  EXPECT_EQ(newest.actor().role(), "project_manager");
  EXPECT_EQ(newest.action(), "read_client");
  EXPECT_EQ(newest.method(), "GetClient");
  EXPECT_TRUE(newest.allowed());
  EXPECT_EQ(newest.status(), "OK");
  EXPECT_EQ(newest.organization_id(), org_.id());
  EXPECT_EQ(newest.count(), 0u);
  EXPECT_EQ(report.entries(1).actor().display_name(), "Mati Mets");
}

TEST_F(AccessReportTest, ListingTheClientIsAnAccessInEachListedClientsReport) {
  auto liis = MakeClient(org_.id(), prj_.id(), kCodeLiis);
  RequestContext mati = Manager(org_.id(), prj_.id(), "Mati Mets");
  Tick();
  v1::ListClientsRequest req;
  req.set_project_id(prj_.id());
  HOIDLA_ASSERT_OK_AND_ASSIGN(auto listed,
                              Audited(mati, "ListClients", [&](const RequestContext& ctx) {
                                return registry_->ListClients(ctx, req);
                              }));
  ASSERT_EQ(listed.clients_size(), 2);
  const uint64_t list_seq = log_->size() - 1;
  RequestContext dpo = Dpo(org_.id());
  for (const std::string& id : {client_.id(), liis.id()}) {
    HOIDLA_ASSERT_OK_AND_ASSIGN(v1::AccessReport report, Report(dpo, id));
    ASSERT_EQ(Seqs(report), (std::vector<uint64_t>{list_seq})) << id;
    EXPECT_EQ(report.entries(0).method(), "ListClients");
    EXPECT_EQ(report.entries(0).actor().principal_id(), mati.principal.id);
  }
}

TEST_F(AccessReportTest, EveryRefusedAttemptIsListedWithItsOutcome) {
  auto other = MakeOrg("Tallinna Abikeskus");
  auto other_prj = MakeProject(other.id());
  RequestContext outsider = Manager(other.id(), other_prj.id(), "Olev Võõras");
  RequestContext roleless = Person(org_.id(), "Rolli Pole", {});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ReadClient(outsider, client_.id()).code(), absl::StatusCode::kNotFound);
  }
  EXPECT_EQ(ReadClient(roleless, client_.id()).code(), absl::StatusCode::kPermissionDenied);

  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::AccessReport report, Report(Dpo(org_.id()), client_.id()));
  ASSERT_EQ(report.entries_size(), 4);
  const v1::AccessReportEntry& denied = report.entries(0);
  EXPECT_FALSE(denied.allowed());
  EXPECT_EQ(denied.status(), "PERMISSION_DENIED");
  EXPECT_EQ(denied.actor().principal_id(), roleless.principal.id);
  EXPECT_EQ(denied.actor().role(), "");
  for (int i = 1; i < 4; ++i) {
    const v1::AccessReportEntry& e = report.entries(i);
    EXPECT_FALSE(e.allowed()) << i;
    EXPECT_EQ(e.status(), "NOT_FOUND") << i;
    EXPECT_EQ(e.action(), "read_client") << i;
    EXPECT_EQ(e.actor().display_name(), "Olev Võõras") << i;
    EXPECT_EQ(e.actor().organization_name(), "Tallinna Abikeskus") << i;
    EXPECT_EQ(e.actor().role(), "") << i;
    // One call each: the report does not aggregate.
    EXPECT_LE(e.count(), 1u) << i;
  }
}

TEST_F(AccessReportTest, ProtectedReporterIsWithheldInEveryEntry) {
  auto intake = MakeIntakeProject(org_.id());
  auto partner_org = MakeOrg("Töötukassa");
  RequestContext partner = Partner(partner_org.id(), "Peeter Partner");
  RequestContext mati = Manager(org_.id(), prj_.id(), "Mati Mets");
  ASSERT_FALSE(ReportConcern(partner, org_.id(), intake.id(), kCodeMari).empty());
  HOIDLA_ASSERT_OK(ReadClient(mati, client_.id()));
  // A later call of the reporter, not itself marked protected, would name
  // them: it is withheld too.
  EXPECT_EQ(ReadClient(partner, client_.id()).code(), absl::StatusCode::kPermissionDenied);

  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::AccessReport report, Report(Dpo(org_.id()), client_.id()));
  ASSERT_EQ(report.entries_size(), 3);
  v1::AccessReportActor withheld;
  withheld.set_withheld(true);
  EXPECT_EQ(report.entries(0).actor().SerializeAsString(), withheld.SerializeAsString());
  EXPECT_EQ(report.entries(0).method(), "GetClient");
  EXPECT_EQ(report.entries(1).actor().display_name(), "Mati Mets");
  EXPECT_EQ(report.entries(2).actor().SerializeAsString(), withheld.SerializeAsString());
  EXPECT_EQ(report.entries(2).method(), "ReportConcern");
  EXPECT_EQ(report.entries(2).action(), "report_concern");
  // Nothing of the reporter anywhere in the report.
  const std::string bytes = report.SerializeAsString();
  for (const std::string& gone : {partner.principal.id, std::string("Peeter Partner"),
                                  partner_org.id(), std::string("Töötukassa")}) {
    EXPECT_EQ(bytes.find(gone), std::string::npos) << gone;
  }
}

TEST_F(AccessReportTest, DataSubjectsOwnCallsAreLeftOutAndReadingIsAnAccess) {
  RequestContext subject = Subject(kCodeMari);
  ASSERT_EQ(subject.principal.subject_client_id, client_.id());
  RequestContext mati = Manager(org_.id(), prj_.id(), "Mati Mets");
  HOIDLA_ASSERT_OK(ReadClient(mati, client_.id()));
  const uint64_t read_seq = log_->size() - 1;

  Tick();
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::AccessReport own, Report(subject, client_.id()));
  EXPECT_EQ(Seqs(own), (std::vector<uint64_t>{read_seq}));
  Tick();
  HOIDLA_ASSERT_OK(Report(subject, client_.id()).status());

  // The DPO's report: the subject's two reads are not in it.
  RequestContext dpo = Dpo(org_.id());
  Tick();
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::AccessReport by_dpo, Report(dpo, client_.id()));
  EXPECT_EQ(Seqs(by_dpo), (std::vector<uint64_t>{read_seq}));
  const uint64_t dpo_seq = log_->size() - 1;

  // The DPO's reading is itself an access the subject sees.
  Tick();
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::AccessReport later, Report(subject, client_.id()));
  ASSERT_EQ(Seqs(later), (std::vector<uint64_t>{dpo_seq, read_seq}));
  EXPECT_EQ(later.entries(0).action(), "read_access_report");
  EXPECT_EQ(later.entries(0).actor().principal_id(), dpo.principal.id);
  EXPECT_EQ(later.entries(0).actor().role(), "data_protection_officer");
}

TEST_F(AccessReportTest, AnotherClientsSubjectGetsNotFoundClientId) {
  // Found by this test: the policy's bare "not found" reached the caller.
  auto liis = MakeClient(org_.id(), prj_.id(), kCodeLiis);
  RequestContext subject = Subject(kCodeLiis);
  ASSERT_EQ(subject.principal.subject_client_id, liis.id());
  auto report = Report(subject, client_.id());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(report.status().message(), "client_id: not found");
}

TEST_F(AccessReportTest, OtherOrganisationsDpoGetsNotFoundClientIdAsForAnUnknownClient) {
  // Found by this test: the policy's bare "not found" reached the caller.
  auto other = MakeOrg("Tallinna Abikeskus");
  RequestContext dpo = Dpo(other.id());
  auto out_of_reach = Report(dpo, client_.id());
  EXPECT_EQ(out_of_reach.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(out_of_reach.status().message(), "client_id: not found");
  auto unknown = Report(dpo, NewId(IdKind::kClient, clock_));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "client_id: not found");
}

TEST_F(AccessReportTest, StaffWithoutTheRoleIsPermissionDeniedOnTheRecord) {
  // admin_ is system administrator and head of the organisation: neither
  // reads access reports.
  auto report = Report(admin_, client_.id());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(report.status().message(),
            "permission denied: no role of the caller may read_access_report");
  const audit::Entry e = LastEntry();
  EXPECT_EQ(e.method(), "GetAccessReport");
  EXPECT_EQ(e.action(), "read_access_report");
  EXPECT_FALSE(e.allowed());
  EXPECT_EQ(e.reason(), "no_role");
  EXPECT_EQ(e.status(), "PERMISSION_DENIED");
  EXPECT_EQ(e.client_id(), client_.id());
}

TEST_F(AccessReportTest, MalformedArgumentsAreInvalidArgumentNamingTheField) {
  RequestContext dpo = Dpo(org_.id());
  EXPECT_TRUE(IsInvalidArgumentFor(Report(dpo, "cli_nope"), "client_id"));
  EXPECT_TRUE(IsInvalidArgumentFor(Report(dpo, client_.id(), 0, "abc"), "page_token"));
  EXPECT_TRUE(IsInvalidArgumentFor(Report(dpo, client_.id(), 0, "999999"), "page_token"));
  EXPECT_TRUE(IsInvalidArgumentFor(Report(dpo, client_.id(), -1), "page_size"));
  EXPECT_TRUE(IsInvalidArgumentFor(Report(dpo, client_.id(), 1001), "page_size"));
}

TEST_F(AccessReportTest, ReportPagesFollowTheNextPageToken) {
  RequestContext mati = Manager(org_.id(), prj_.id());
  std::vector<uint64_t> reads;
  for (int i = 0; i < 5; ++i) {
    HOIDLA_ASSERT_OK(ReadClient(mati, client_.id()));
    reads.insert(reads.begin(), log_->size() - 1);  // newest first
  }
  RequestContext dpo = Dpo(org_.id());
  std::vector<uint64_t> seen;
  std::string token;
  int pages = 0;
  do {
    HOIDLA_ASSERT_OK_AND_ASSIGN(v1::AccessReport page, Report(dpo, client_.id(), 2, token));
    EXPECT_LE(page.entries_size(), 2);
    for (uint64_t s : Seqs(page)) seen.push_back(s);
    token = page.next_page_token();
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  // The first page is the newest; later pages start below the token, so the
  // DPO's own reads (newer) never appear.
  EXPECT_EQ(seen, reads);
}

// ---------------------------------------------------------------------------
// ListAuditEntries

class AuditEntriesTest : public AccessReportTest {
 protected:
  void SetUp() override {
    AccessReportTest::SetUp();
    org_b_ = MakeOrg("Tallinna Abikeskus");
    prj_b_ = MakeProject(org_b_.id());
    client_b_ = MakeClient(org_b_.id(), prj_b_.id(), kCodeLiis);
    case_ = MakeCase(prj_.id(), client_.id());
    mati_ = Manager(org_.id(), prj_.id(), "Mati Mets");
    RequestContext mari = Manager(org_b_.id(), prj_b_.id(), "Mari Maasikas");

    HOIDLA_ASSERT_OK(ReadClient(mati_, client_.id()));
    read_a_ = log_->size() - 1;
    HOIDLA_ASSERT_OK(ReadClient(mari, client_b_.id()));
    read_b_ = log_->size() - 1;
    Tick();
    v1::GetCaseRequest gc;
    gc.set_id(case_.id());
    HOIDLA_ASSERT_OK(Audited(mati_, "GetCase", [&](const RequestContext& ctx) {
                       return registry_->GetCase(ctx, gc);
                     }).status());
    case_a_ = log_->size() - 1;
    Tick();
    // An entry of no organisation.
    HOIDLA_ASSERT_OK(Audited(admin_, "GetKeyStatus", [&](const RequestContext& ctx) {
                       return key_admin_->Status(ctx);
                     }).status());
    keys_ = log_->size() - 1;
  }

  // Lists without auditing the list itself (the log stays as set up).
  absl::StatusOr<v1::ListAuditEntriesResponse> List(const RequestContext& who,
                                                    const v1::ListAuditEntriesRequest& req) {
    return audit_access_->ListAuditEntries(who, req);
  }

  v1::Organization org_b_;
  v1::Project prj_b_;
  v1::Client client_b_;
  v1::Case case_;
  RequestContext mati_;
  uint64_t read_a_ = 0, read_b_ = 0, case_a_ = 0, keys_ = 0;
};

TEST_F(AuditEntriesTest, ListAuditEntriesFiltersByEveryGivenField) {
  auto seqs = [&](const v1::ListAuditEntriesRequest& req) {
    auto r = List(admin_, req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? Seqs(*r) : std::vector<uint64_t>{};
  };
  using V = std::vector<uint64_t>;
  v1::ListAuditEntriesRequest req;
  req.set_actor(mati_.principal.id);
  EXPECT_EQ(seqs(req), (V{case_a_, read_a_}));
  req.set_method("GetClient");
  EXPECT_EQ(seqs(req), (V{read_a_}));

  req.Clear();
  req.set_client_id(client_b_.id());
  EXPECT_EQ(seqs(req), (V{read_b_}));
  req.Clear();
  req.set_action("read_client");
  EXPECT_EQ(seqs(req), (V{read_b_, read_a_}));
  req.Clear();
  req.set_project_id(prj_.id());
  EXPECT_EQ(seqs(req), (V{case_a_}));
  req.Clear();
  req.set_organization_id(org_b_.id());
  EXPECT_EQ(seqs(req), (V{read_b_}));
  req.Clear();
  *req.mutable_from() = ToTimestamp(log_->Get(read_b_)->time_micros());
  *req.mutable_until() = ToTimestamp(log_->Get(keys_)->time_micros());
  EXPECT_EQ(seqs(req), (V{case_a_, read_b_}));  // from inclusive, until exclusive
}

TEST_F(AuditEntriesTest, AuditorSeesOnlyTheirOrganisationsEntries) {
  RequestContext auditor = Auditor(org_.id());
  v1::ListAuditEntriesRequest req;
  req.set_organization_id(org_.id());
  HOIDLA_ASSERT_OK_AND_ASSIGN(auto own, List(auditor, req));
  EXPECT_EQ(Seqs(own), (std::vector<uint64_t>{case_a_, read_a_}));
  for (const auto& e : own.entries()) EXPECT_EQ(e.organization_id(), org_.id());
  // Even through another organisation's client.
  req.set_client_id(client_b_.id());
  HOIDLA_ASSERT_OK_AND_ASSIGN(auto none, List(auditor, req));
  EXPECT_EQ(none.entries_size(), 0);

  req.Clear();
  req.set_organization_id(org_b_.id());
  EXPECT_EQ(List(auditor, req).status().code(), absl::StatusCode::kNotFound);
  req.Clear();
  EXPECT_TRUE(IsInvalidArgumentFor(List(auditor, req), "organization_id"));

  // A system administrator sees the whole log, entries of no organisation
  // included.
  HOIDLA_ASSERT_OK_AND_ASSIGN(auto all, List(admin_, req));
  EXPECT_EQ(static_cast<uint64_t>(all.entries_size()), log_->size());
  EXPECT_EQ(all.entries(0).seq(), keys_);
  EXPECT_EQ(all.entries(0).organization_id(), "");
}

TEST_F(AuditEntriesTest, ListAuditEntriesPagesNewestFirst) {
  std::vector<uint64_t> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListAuditEntriesRequest req;
    req.set_page_size(2);
    req.set_page_token(token);
    HOIDLA_ASSERT_OK_AND_ASSIGN(auto page, List(admin_, req));
    EXPECT_LE(page.entries_size(), 2);
    for (uint64_t s : Seqs(page)) seen.push_back(s);
    token = page.next_page_token();
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  ASSERT_EQ(seen.size(), log_->size());
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], log_->size() - 1 - i);
}

TEST_F(AuditEntriesTest, MalformedListArgumentsAreInvalidArgumentNamingTheField) {
  v1::ListAuditEntriesRequest req;
  req.set_organization_id("org_x");
  EXPECT_TRUE(IsInvalidArgumentFor(List(admin_, req), "organization_id"));
  req.Clear();
  req.set_page_token("abc");
  EXPECT_TRUE(IsInvalidArgumentFor(List(admin_, req), "page_token"));
  req.set_page_token(std::to_string(log_->size() + 1));
  EXPECT_TRUE(IsInvalidArgumentFor(List(admin_, req), "page_token"));
  req.Clear();
  req.set_page_size(1001);
  EXPECT_TRUE(IsInvalidArgumentFor(List(admin_, req), "page_size"));
}

// ---------------------------------------------------------------------------
// GetInclusionProof

TEST_F(AuditEntriesTest, InclusionProofOfTheOwnOrganisationsEntryVerifies) {
  RequestContext auditor = Auditor(org_.id());
  v1::GetInclusionProofRequest req;
  req.set_seq(read_a_);
  req.set_tree_size(log_->size());
  HOIDLA_ASSERT_OK_AND_ASSIGN(auto proof, audit_access_->GetInclusionProof(auditor, req));
  EXPECT_EQ(proof.seq(), read_a_);
  EXPECT_EQ(proof.tree_size(), log_->size());
  EXPECT_EQ(proof.entry(), *log_->RawEntry(read_a_));
  std::vector<std::string> hashes(proof.hashes().begin(), proof.hashes().end());
  HOIDLA_EXPECT_OK(audit::VerifyInclusion(audit::LeafHash(proof.entry()), read_a_, log_->size(),
                                          hashes, log_->root()));
}

TEST_F(AuditEntriesTest, AnotherOrganisationsEntryIsNotFoundForAnAuditor) {
  RequestContext auditor = Auditor(org_.id());
  for (uint64_t seq : {read_b_, keys_}) {
    v1::GetInclusionProofRequest req;
    req.set_seq(seq);
    req.set_tree_size(log_->size());
    auto proof = audit_access_->GetInclusionProof(auditor, req);
    EXPECT_EQ(proof.status().code(), absl::StatusCode::kNotFound) << seq;
    EXPECT_EQ(proof.status().message(), "seq: not found") << seq;
    // A system administrator reaches every entry.
    HOIDLA_EXPECT_OK(audit_access_->GetInclusionProof(admin_, req));
  }
}

TEST_F(AuditEntriesTest, InclusionProofSizesMustLieWithinTheLog) {
  v1::GetInclusionProofRequest req;
  req.set_seq(0);
  req.set_tree_size(0);
  EXPECT_TRUE(IsInvalidArgumentFor(audit_access_->GetInclusionProof(admin_, req), "tree_size"));
  req.set_tree_size(log_->size() + 1);
  EXPECT_TRUE(IsInvalidArgumentFor(audit_access_->GetInclusionProof(admin_, req), "tree_size"));
  req.set_tree_size(2);
  req.set_seq(2);
  EXPECT_TRUE(IsInvalidArgumentFor(audit_access_->GetInclusionProof(admin_, req), "seq"));
}

// ---------------------------------------------------------------------------
// ExportAudit

class AuditExportTest : public AuditEntriesTest {
 protected:
  // Exports as `who`, audited as Calls::Export does (the entry before the
  // first part); returns the outcome and fills `parts`.
  absl::Status Export(const RequestContext& who, const v1::ExportAuditRequest& req,
                      std::vector<v1::AuditBundle>* parts) {
    return AuditedStream(who, "ExportAudit", [&](const RequestContext& ctx, BeforePart before) {
      return audit_access_->ExportAudit(ctx, req, [&](const v1::AuditBundle& part) -> absl::Status {
        absl::Status s = before();
        if (!s.ok()) return s;
        parts->push_back(part);
        return absl::OkStatus();
      });
    });
  }
  static v1::AuditBundle Merge(const std::vector<v1::AuditBundle>& parts) {
    std::string bytes;
    for (const auto& p : parts) bytes += p.SerializeAsString();
    v1::AuditBundle out;
    EXPECT_TRUE(out.ParseFromString(bytes));
    return out;
  }
  keys::NoteVerifier Verifier() {
    auto keys = audit_access_->GetPublicKeys(admin_);
    EXPECT_TRUE(keys.ok()) << keys.status();
    auto v = keys::ParseVerifierKey(keys.ok() ? keys->verifier_keys(0) : "");
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : keys::NoteVerifier();
  }
};

TEST_F(AuditExportTest, WholeLogExportVerifiesOfflineAndIsOnTheRecordFirst) {
  const uint64_t size = log_->size();
  v1::ExportAuditRequest req;
  req.set_fresh_checkpoint(true);
  std::vector<v1::AuditBundle> parts;
  HOIDLA_ASSERT_OK(Export(admin_, req, &parts));
  ASSERT_EQ(parts.size(), 1u);
  const v1::AuditBundle bundle = Merge(parts);
  EXPECT_EQ(bundle.format(), audit::kBundleFormat);
  EXPECT_EQ(bundle.origin(), kAuditOrigin);
  EXPECT_EQ(bundle.tree_size(), size);
  EXPECT_EQ(bundle.first_seq(), 0u);
  EXPECT_EQ(bundle.organization_id(), "");
  ASSERT_EQ(static_cast<uint64_t>(bundle.entries_size()), size);
  for (uint64_t s = 0; s < size; ++s) EXPECT_EQ(bundle.entries(s).entry(), *log_->RawEntry(s));
  HOIDLA_ASSERT_OK_AND_ASSIGN(audit::BundleReport report, audit::VerifyBundle(bundle, Verifier()));
  EXPECT_EQ(report.verified, size);
  // The export's own entry follows the checkpoint's end.
  ASSERT_EQ(log_->size(), size + 1);
  EXPECT_EQ(LastEntry().method(), "ExportAudit");
  EXPECT_EQ(LastEntry().status(), "OK");
}

TEST_F(AuditExportTest, OrganisationExportHoldsOnlyItsEntriesAndVerifies) {
  RequestContext auditor = Auditor(org_.id());
  v1::ExportAuditRequest req;
  req.set_fresh_checkpoint(true);
  req.set_organization_id(org_.id());
  std::vector<v1::AuditBundle> parts;
  HOIDLA_ASSERT_OK(Export(auditor, req, &parts));
  const v1::AuditBundle bundle = Merge(parts);
  EXPECT_EQ(bundle.organization_id(), org_.id());
  std::vector<uint64_t> seqs;
  for (const auto& item : bundle.entries()) {
    audit::Entry e;
    ASSERT_TRUE(e.ParseFromString(item.entry()));
    EXPECT_EQ(e.organization_id(), org_.id());
    seqs.push_back(e.seq());
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{read_a_, case_a_}));
  HOIDLA_EXPECT_OK(audit::VerifyBundle(bundle, Verifier()));
}

TEST_F(AuditExportTest, AuditorMustNameTheirOwnOrganisationToExport) {
  RequestContext auditor = Auditor(org_.id());
  std::vector<v1::AuditBundle> parts;
  v1::ExportAuditRequest req;
  req.set_organization_id(org_b_.id());
  absl::Status other = Export(auditor, req, &parts);
  EXPECT_EQ(other.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(other.message(), "organization_id: not found");
  req.clear_organization_id();
  EXPECT_TRUE(IsInvalidArgumentFor(Export(auditor, req, &parts), "organization_id"));
  req.set_first_seq(log_->size() + 5);
  EXPECT_TRUE(IsInvalidArgumentFor(Export(admin_, req, &parts), "first_seq"));
  EXPECT_TRUE(parts.empty());
}

TEST_F(AuditExportTest, ExportComesInPartsOfAThousandEntriesAndStopsAtEmitsError) {
  for (int i = 0; i < 1100; ++i) {
    audit::Entry e;
    e.set_method("WhoAmI");
    HOIDLA_ASSERT_OK(log_->Commit(std::move(e)).status());
  }
  const uint64_t size = log_->size();
  v1::ExportAuditRequest req;
  req.set_fresh_checkpoint(true);
  std::vector<v1::AuditBundle> parts;
  HOIDLA_ASSERT_OK(Export(admin_, req, &parts));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].entries_size(), 1000);
  EXPECT_EQ(parts[0].format(), audit::kBundleFormat);
  EXPECT_EQ(static_cast<uint64_t>(parts[1].entries_size()), size - 1000);
  // Only the first part carries the header.
  EXPECT_EQ(parts[1].format(), "");
  EXPECT_EQ(parts[1].checkpoint(), "");
  EXPECT_EQ(parts[1].verifier_keys_size(), 0);
  HOIDLA_EXPECT_OK(audit::VerifyBundle(Merge(parts), Verifier()));

  int calls = 0;
  absl::Status s = audit_access_->ExportAudit(admin_, req, [&](const v1::AuditBundle&) {
    ++calls;
    return absl::CancelledError("client went away");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(s.message(), "client went away");
  EXPECT_EQ(calls, 1);
}

// ---------------------------------------------------------------------------
// RotateSigningKey

TEST_F(AccessReportTest, SigningKeyRotationIsCommittedWithItsAuditEntry) {
  HOIDLA_ASSERT_OK_AND_ASSIGN(auto before, audit_access_->GetPublicKeys(admin_));
  ASSERT_EQ(before.verifier_keys_size(), 1);
  const uint64_t size = log_->size();
  HOIDLA_ASSERT_OK_AND_ASSIGN(
      auto after, Audited(admin_, "RotateAuditSigningKey", [&](const RequestContext& ctx) {
        return audit_access_->RotateSigningKey(ctx);
      }));
  ASSERT_EQ(after.verifier_keys_size(), 2);
  EXPECT_EQ(after.verifier_keys(0), before.verifier_keys(0));
  EXPECT_EQ(after.origin(), kAuditOrigin);
  // One entry: the rotation's, committed with the key (nothing added after).
  ASSERT_EQ(log_->size(), size + 1);
  const audit::Entry e = LastEntry();
  EXPECT_EQ(e.method(), "RotateAuditSigningKey");
  EXPECT_EQ(e.action(), "manage_audit_keys");
  EXPECT_TRUE(e.allowed());
  EXPECT_EQ(e.reason(), "role:system_administrator");
  EXPECT_EQ(e.status(), "OK");
  // New checkpoints are signed with the new key.
  HOIDLA_ASSERT_OK_AND_ASSIGN(auto v2, keys::ParseVerifierKey(after.verifier_keys(1)));
  v1::GetCheckpointRequest fresh;
  fresh.set_fresh(true);
  HOIDLA_ASSERT_OK_AND_ASSIGN(auto cp, audit_access_->GetCheckpoint(admin_, fresh));
  HOIDLA_EXPECT_OK(keys::OpenNote(cp.note(), v2));
}

TEST_F(AccessReportTest, FailedSigningKeyRotationWritesNothing) {
  HOIDLA_ASSERT_OK_AND_ASSIGN(auto before, audit_access_->GetPublicKeys(admin_));
  const uint64_t size = log_->size();
  const auto dump = DumpStore(base());
  faulty_.FailWritesAfter(0);
  auto rotated = Audited(admin_, "RotateAuditSigningKey", [&](const RequestContext& ctx) {
    return audit_access_->RotateSigningKey(ctx);
  });
  EXPECT_EQ(rotated.status().code(), absl::StatusCode::kUnavailable);
  faulty_.Heal();
  EXPECT_EQ(DumpStore(base()), dump);
  EXPECT_EQ(log_->size(), size);
  HOIDLA_ASSERT_OK_AND_ASSIGN(auto after, audit_access_->GetPublicKeys(admin_));
  EXPECT_EQ(after.verifier_keys_size(), before.verifier_keys_size());
}

TEST_F(AccessReportTest, OnlySystemAdministratorsRotateTheSigningKey) {
  for (const RequestContext& who : {Dpo(org_.id()), Auditor(org_.id())}) {
    auto rotated = Audited(who, "RotateAuditSigningKey", [&](const RequestContext& ctx) {
      return audit_access_->RotateSigningKey(ctx);
    });
    EXPECT_EQ(rotated.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(rotated.status().message(),
              "permission denied: no role of the caller may manage_audit_keys");
    EXPECT_EQ(LastEntry().status(), "PERMISSION_DENIED");
  }
  HOIDLA_ASSERT_OK_AND_ASSIGN(auto keys, audit_access_->GetPublicKeys(admin_));
  EXPECT_EQ(keys.verifier_keys_size(), 1);
}

}  // namespace
}  // namespace hoidla::core
