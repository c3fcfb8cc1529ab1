// No side doors: what the vault reveals, it reveals on purpose. Each test
// is a way of learning or reaching something found against a running
// vaultd, in the world of world.h, failing the way it was found before
// the fix.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/strings.h"
#include "google/protobuf/empty.pb.h"
#include "hoidla/storage/v1/records.pb.h"
#include "hoidla/v1/audit.grpc.pb.h"
#include "hoidla/v1/cases.grpc.pb.h"
#include "hoidla/v1/consents.grpc.pb.h"
#include "hoidla/v1/directory.grpc.pb.h"
#include "hoidla/v1/disclosures.grpc.pb.h"
#include "hoidla/v1/identity.grpc.pb.h"
#include "hoidla/v1/records.grpc.pb.h"
#include "hoidla/v1/subject_access.grpc.pb.h"
#include "keys/keyring.h"
#include "keys/signed_note.h"
#include "tests/integration/world.h"
#include "vault/audit/bundle.h"
#include "vault/sealing/kv_key_store.h"
#include "vault/sealing/sealed_records.h"

namespace hoidla {
namespace {

using testing::Credential;
using testing::PersonalCode;
using testing::Stub;

class SideDoors : public testing::World {
 protected:
  // A consent of client `client` recorded in `project` by `who`, releasing
  // case plans to organisation B for employment support.
  v1::ConsentReceipt RecordConsentToB(const std::string& token, const std::string& client,
                                      const std::string& project) {
    v1::RecordConsentRequest rc;
    auto* cn = rc.mutable_consent();
    cn->set_client_id(client);
    cn->set_project_id(project);
    cn->mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
    cn->set_form(v1::CONSENT_FORM_ORAL);
    cn->set_witness("witness");
    cn->set_note("NOTE-ONLY-FOR-P1");
    const int64_t now_s = std::time(nullptr);
    cn->mutable_given_at()->set_seconds(now_s - 60);
    auto* pv = cn->add_provisions();
    auto* r = pv->add_recipients();
    r->set_kind(v1::RECIPIENT_KIND_ORGANIZATION);
    r->set_organization_id(org_b_);
    pv->add_kinds("case_plan");
    pv->add_purposes("employment_support");
    pv->mutable_valid_from()->set_seconds(now_s - 60);
    pv->mutable_valid_until()->set_seconds(now_s + 86400);
    return Must(&Stub::RecordConsent, token, rc);
  }

  // ExportAudit as `who`; the parts concatenated, and the call's status.
  grpc::Status Export(const Credential& who, const std::string& org, v1::AuditBundle* bundle) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", StrCat("Bearer ", who.token));
    v1::ExportAuditRequest req;
    req.set_organization_id(org);
    req.set_fresh_checkpoint(true);
    auto reader = stub_->ExportAudit(&ctx, req);
    std::string bytes;
    v1::AuditBundle part;
    while (reader->Read(&part)) bytes += part.SerializeAsString();
    grpc::Status s = reader->Finish();
    EXPECT_TRUE(bundle->ParseFromString(bytes));
    return s;
  }
  // The newest entry of organisation `org` (as the administrator lists it).
  uint64_t NewestSeqOf(const std::string& org) {
    v1::ListAuditEntriesRequest req;
    req.set_organization_id(org);
    req.set_page_size(1);
    auto out = Must(&Stub::ListAuditEntries, admin_, req);
    EXPECT_EQ(out.entries_size(), 1);
    return out.entries_size() == 1 ? out.entries(0).seq() : 0;
  }
};

// Found: ListConsents checked the client, not each consent's project; a
// worker refused a consent by id saw it in full in the list.
TEST_F(SideDoors, ListingConsentsShowsOnlyThoseTheCallerMayReadById) {
  // Client E takes part in P1 and P2; the consent belongs to P1.
  v1::CreateClientRequest cc;
  cc.mutable_client()->set_organization_id(org_a_);
  cc.mutable_client()->add_project_ids(p1_);
  cc.mutable_client()->add_project_ids(p2_);
  cc.mutable_client()->set_given_name("Eha");
  cc.mutable_client()->set_family_name("Kask");
  cc.mutable_client()->set_personal_code(PersonalCode(30));
  const std::string client = Must(&Stub::CreateClient, roles_["head"].token, cc).id();
  const std::string consent = RecordConsentToB(roles_["head"].token, client, p1_).consent().id();

  v1::GetConsentRequest get;
  get.set_id(consent);
  v1::Consent c;
  EXPECT_EQ(Call(&Stub::GetConsent, roles_["case_worker_p2"], get, &c).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListConsentsRequest list;
  list.set_client_id(client);
  auto p2 = Must(&Stub::ListConsents, roles_["case_worker_p2"].token, list);
  EXPECT_EQ(p2.consents_size(), 0) << p2.DebugString();
  auto p1 = Must(&Stub::ListConsents, roles_["case_worker"].token, list);
  ASSERT_EQ(p1.consents_size(), 1);
  EXPECT_EQ(p1.consents(0).id(), consent);
}

// Found: ExportAudit and GetInclusionProof accepted any organisation's
// auditor; an auditor of one organisation received another's entries.
TEST_F(SideDoors, AnAuditorExportsOnlyTheirOrganisationsEntries) {
  v1::AuditBundle bundle;
  grpc::Status s = Export(roles_["auditor"], "", &bundle);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_TRUE(s.error_message().starts_with("organization_id: ")) << s.error_message();
  s = Export(roles_["auditor"], org_b_, &bundle);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  EXPECT_EQ(s.error_message(), "organization_id: not found");
  EXPECT_EQ(bundle.entries_size(), 0);

  s = Export(roles_["auditor"], org_a_, &bundle);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(bundle.organization_id(), org_a_);
  ASSERT_GT(bundle.entries_size(), 10);
  for (const auto& item : bundle.entries()) {
    storage::v1::AuditEntry e;
    ASSERT_TRUE(e.ParseFromString(item.entry()));
    EXPECT_EQ(e.organization_id(), org_a_) << e.seq();
    EXPECT_EQ(e.salt().size(), 16u);
  }
  auto keys = Must(&Stub::GetAuditPublicKeys, admin_, v1::GetAuditPublicKeysRequest());
  auto verifier = keys::ParseVerifierKey(keys.verifier_keys(0));
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  auto report = audit::VerifyBundle(bundle, *verifier);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->verified, static_cast<uint64_t>(bundle.entries_size()));
  // An entry of B slipped into A's bundle is caught.
  v1::AuditBundle whole;
  ASSERT_TRUE(Export({admin_, ""}, "", &whole).ok());
  const uint64_t b_seq = NewestSeqOf(org_b_);
  ASSERT_LT(b_seq, whole.entries_size());
  v1::AuditBundle tampered = bundle;
  *tampered.add_entries() = whole.entries(static_cast<int>(b_seq));
  auto bad = audit::VerifyBundle(tampered, *verifier);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SideDoors, AnAuditorGetsNoProofOfAnotherOrganisationsEntry) {
  const uint64_t b_seq = NewestSeqOf(org_b_);
  const uint64_t a_seq = NewestSeqOf(org_a_);
  v1::Checkpoint cp;
  v1::GetCheckpointRequest gc;
  gc.set_fresh(true);
  cp = Must(&Stub::GetCheckpoint, admin_, gc);
  v1::GetInclusionProofRequest req;
  req.set_tree_size(cp.tree_size());
  req.set_seq(b_seq);
  v1::InclusionProof proof;
  grpc::Status s = Call(&Stub::GetInclusionProof, roles_["auditor"], req, &proof);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  EXPECT_EQ(s.error_message(), "seq: not found");
  EXPECT_TRUE(proof.entry().empty());
  req.set_seq(a_seq);
  proof = Must(&Stub::GetInclusionProof, roles_["auditor"].token, req);
  storage::v1::AuditEntry e;
  ASSERT_TRUE(e.ParseFromString(proof.entry()));
  EXPECT_EQ(e.organization_id(), org_a_);
}

namespace {
// An oral consent of `client` in `project` letting partner workers of
// `recipient_org` ask whether an initial decision exists (and read it) for
// employment support, for the next day.
v1::RecordConsentRequest ExistenceConsent(const std::string& client, const std::string& project,
                                          const std::string& recipient_org) {
  v1::RecordConsentRequest rc;
  auto* cn = rc.mutable_consent();
  cn->set_client_id(client);
  cn->set_project_id(project);
  cn->mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
  cn->set_form(v1::CONSENT_FORM_ORAL);
  cn->set_witness("witness");
  cn->set_note("asked in person");
  const int64_t now_s = std::time(nullptr);
  cn->mutable_given_at()->set_seconds(now_s - 60);
  auto* pv = cn->add_provisions();
  auto* r = pv->add_recipients();
  r->set_kind(v1::RECIPIENT_KIND_ORGANIZATION);
  r->set_organization_id(recipient_org);
  pv->add_kinds("initial_decision");
  pv->add_purposes("employment_support");
  pv->set_existence_queries(true);
  pv->mutable_valid_from()->set_seconds(now_s - 60);
  pv->mutable_valid_until()->set_seconds(now_s + 86400);
  return rc;
}

v1::CreateClientRequest ClientIn(const std::string& org, const std::string& project,
                                 const std::string& code) {
  v1::CreateClientRequest cc;
  cc.mutable_client()->set_organization_id(org);
  cc.mutable_client()->add_project_ids(project);
  cc.mutable_client()->set_given_name("Mari");
  cc.mutable_client()->set_family_name("Maasikas");
  cc.mutable_client()->set_personal_code(code);
  return cc;
}
}  // namespace

// Found: FindClientByPersonalCode answered "not found" for a client of a
// project the caller cannot see and "key not found" for an unknown code.
TEST_F(SideDoors, FindingAClientOfAnotherProjectAnswersAsForNobody) {
  v1::FindClientByPersonalCodeRequest req;
  req.set_organization_id(org_a_);
  req.set_personal_code(code_c_);  // a client of P1 only
  v1::Client c;
  grpc::Status hidden = Call(&Stub::FindClientByPersonalCode, roles_["case_worker_p2"], req, &c);
  req.set_personal_code(PersonalCode(99));  // nobody's
  grpc::Status nobody = Call(&Stub::FindClientByPersonalCode, roles_["case_worker_p2"], req, &c);
  EXPECT_EQ(hidden.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(hidden.error_code(), nobody.error_code());
  EXPECT_EQ(hidden.error_message(), nobody.error_message());
  EXPECT_EQ(nobody.error_message(), "personal_code: not found");
  EXPECT_EQ(hidden.error_details(), nobody.error_details());
  req.set_personal_code(code_c_);
  EXPECT_EQ(Must(&Stub::FindClientByPersonalCode, roles_["case_worker"].token, req).id(),
            client_c_);
}

// Found: CreateClient answered ALREADY_EXISTS for a personal code of a
// client of a project the caller cannot see.
TEST_F(SideDoors, RegisteringAClientOfAnotherProjectJoinsThemWithoutTellingSo) {
  v1::Client joined;
  grpc::Status s =
      Call(&Stub::CreateClient, roles_["case_worker_p2"], ClientIn(org_a_, p2_, code_c_), &joined);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::Client fresh;
  s = Call(&Stub::CreateClient, roles_["case_worker_p2"], ClientIn(org_a_, p2_, PersonalCode(98)),
           &fresh);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // The same shape: only the caller's project is named.
  EXPECT_EQ(joined.project_ids_size(), 1);
  EXPECT_EQ(joined.project_ids(0), p2_);
  EXPECT_EQ(fresh.project_ids_size(), 1);
  // One record per person: the joined client is C, and P1's case stays
  // out of the P2 worker's reach.
  EXPECT_EQ(joined.id(), client_c_);
  v1::GetCaseRequest gc;
  gc.set_id(case_c_);
  v1::Case k;
  EXPECT_EQ(Call(&Stub::GetCase, roles_["case_worker_p2"], gc, &k).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetClientRequest get;
  get.set_id(client_c_);
  auto seen = Must(&Stub::GetClient, roles_["case_worker_p2"].token, get);
  ASSERT_EQ(seen.project_ids_size(), 1);
  EXPECT_EQ(seen.project_ids(0), p2_);
  EXPECT_EQ(Must(&Stub::GetClient, roles_["head"].token, get).project_ids_size(), 2);
  // Whoever may see the client is told it exists.
  s = Call(&Stub::CreateClient, roles_["case_worker"], ClientIn(org_a_, p1_, code_c_), &fresh);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << s.error_message();
  EXPECT_TRUE(s.error_message().starts_with("client.personal_code: ")) << s.error_message();
}

// Found: a partner's report attached an existing client to any project of
// any organisation; now only intake projects take reports.
TEST_F(SideDoors, AReportToAProjectThatIsNoIntakeAnswersAsForNoProject) {
  v1::CreateProjectRequest cp;
  cp.mutable_project()->set_organization_id(org_a_);
  cp.mutable_project()->set_name("special care");
  const std::string closed = Must(&Stub::CreateProject, admin_, cp).id();
  auto report = [&](const std::string& project) {
    v1::ReportConcernRequest rep;
    rep.set_organization_id(org_a_);
    rep.set_project_id(project);
    rep.set_given_name("Mari");
    rep.set_family_name("Maasikas");
    rep.set_personal_code(code_c_);
    rep.set_concern("concern");
    v1::ReportConcernResponse out;
    return Call(&Stub::ReportConcern, roles_["partner"], rep, &out);
  };
  grpc::Status not_intake = report(closed);
  grpc::Status none = report("prj_00000000000000000000000000");
  EXPECT_EQ(not_intake.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(not_intake.error_message(), none.error_message());
  v1::GetClientRequest get;
  get.set_id(client_c_);
  EXPECT_EQ(Must(&Stub::GetClient, roles_["head"].token, get).project_ids_size(), 1);
}

// Found: the client's and the case's created_by held the protected
// reporter's account id, and a later call of that account named them in the
// client's access report.
TEST_F(SideDoors, AProtectedReporterIsWithheldEverywhereTheClientLooks) {
  v1::ReportConcernRequest rep;
  rep.set_organization_id(org_a_);
  rep.set_project_id(p1_);
  rep.set_given_name("Jaan");
  rep.set_family_name("Jõgi");
  rep.set_personal_code(PersonalCode(97));
  rep.set_concern("children alone at home");
  const std::string kase = Must(&Stub::ReportConcern, roles_["partner"].token, rep).report_id();
  v1::GetCaseRequest gc;
  gc.set_id(kase);
  auto opened = Must(&Stub::GetCase, roles_["head"].token, gc);
  EXPECT_EQ(opened.created_by(), "");
  v1::GetClientRequest get;
  get.set_id(opened.client_id());
  EXPECT_EQ(Must(&Stub::GetClient, roles_["head"].token, get).created_by(), "");
  // The reporter tries to read the case: refused, and logged about the
  // client.
  v1::Case k;
  EXPECT_EQ(Call(&Stub::GetCase, roles_["partner"], gc, &k).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetAccessReportRequest ar;
  ar.set_client_id(opened.client_id());
  ar.set_page_size(100);
  auto report = Must(&Stub::GetAccessReport, roles_["dpo"].token, ar);
  int withheld = 0;
  for (const auto& e : report.entries()) {
    EXPECT_NE(e.actor().principal_id(), partner_id_) << e.method();
    EXPECT_NE(e.actor().organization_id(), org_b_) << e.method();
    withheld += e.actor().withheld();
  }
  EXPECT_GE(withheld, 2);
  v1::ExportSubjectDataRequest ex;
  ex.set_client_id(opened.client_id());
  v1::SubjectDataExport exported;
  ASSERT_TRUE(ExportSubject(roles_["dpo"], ex, &exported).ok());
  EXPECT_EQ(exported.DebugString().find(partner_id_), std::string::npos);
}

// Found: ~32,000 denied calls naming a client made the subject access
// export too large to send, for good, and the failed export was logged OK.
TEST_F(SideDoors, TheSubjectExportIsDeliveredAfter100000DeniedCallsNamingTheClient) {
  constexpr int kCalls = 100000;
  constexpr int kThreads = 8;
  std::atomic<int> next{0}, denied{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      v1::GetClientRequest get;
      get.set_id(client_c_);
      for (int i = next++; i < kCalls; i = next++) {
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", StrCat("Bearer ", roles_["partner"].token));
        v1::Client c;
        if (stub_->GetClient(&ctx, get, &c).error_code() == grpc::StatusCode::PERMISSION_DENIED)
          ++denied;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(denied.load(), kCalls);

  v1::ExportSubjectDataRequest ex;
  ex.set_client_id(client_c_);
  v1::SubjectDataExport exported;
  grpc::Status s = ExportSubject(roles_["dpo"], ex, &exported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_LT(exported.ByteSizeLong(), size_t{1} << 20);
  EXPECT_EQ(exported.client().id(), client_c_);
  uint64_t counted = 0;
  for (const auto& e : exported.accesses()) {
    if (e.method() == "GetClient" && !e.allowed() && e.actor().principal_id() == partner_id_) {
      counted += e.count();
      EXPECT_LE(e.first_time().seconds(), e.time().seconds());
    }
  }
  EXPECT_EQ(counted, static_cast<uint64_t>(kCalls));
  // The export itself is on the record with its true outcome.
  v1::ListAuditEntriesRequest la;
  la.set_organization_id(org_a_);
  la.set_method("ExportSubjectData");
  la.set_page_size(1);
  auto entries = Must(&Stub::ListAuditEntries, roles_["auditor"].token, la);
  ASSERT_EQ(entries.entries_size(), 1);
  EXPECT_EQ(entries.entries(0).status(), "OK");
  EXPECT_EQ(entries.entries(0).client_id(), client_c_);
}

// Found: every sealed record was bound to version 1, so writing back an
// older stored copy (a release state, an account) revived a withdrawn
// consent or a removed role undetected. Now, for every sealed kind that
// changes: save, change, write the old bytes back, read: DATA_LOSS.
TEST_F(SideDoors, EveryRecordWrittenBackOlderFailsAuthentication) {
  // What will change: a new organisation, a consent, a grant request.
  v1::CreateOrganizationRequest co;
  co.mutable_organization()->set_name("E");
  const std::string org_e = Must(&Stub::CreateOrganization, admin_, co).id();
  const std::string consent = RecordConsentToB(roles_["head"].token, client_c_, p1_).consent().id();
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("newcomer");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  cp.mutable_principal()->set_organization_id(org_a_);
  const std::string newcomer = Must(&Stub::CreatePrincipal, admin_, cp).id();
  v1::CreateGrantRequestRequest gr;
  auto* m = gr.mutable_grant_request()->mutable_membership();
  m->set_principal_id(newcomer);
  m->mutable_membership()->set_role("auditor");
  m->mutable_membership()->set_organization_id(org_a_);
  const std::string grq = Must(&Stub::CreateGrantRequest, admin_, gr).grant_request().id();
  v1::ListTokensRequest lt;
  lt.set_principal_id(partner_id_);
  auto tokens = Must(&Stub::ListTokens, roles_["partner"].token, lt);
  ASSERT_GE(tokens.tokens_size(), 1);

  auto snapshot = [&] {
    std::map<std::string, std::string> all;
    storage::KvStore* kv = store_.get();
    auto it = kv->Scan(storage::Space::kMeta, "");
    for (; it->Valid(); it->Next()) all.emplace(it->key(), it->value());
    EXPECT_TRUE(it->status().ok());
    return all;
  };
  const auto before = snapshot();

  // The changes: an organisation's identity provider, a client joining a
  // project, a case assigned, a role removed, a token revoked, a consent
  // withdrawn, a grant request approved.
  enrol_->TrustIdentityProvider(org_e);
  Must(&Stub::CreateClient, roles_["case_worker_p2"].token, ClientIn(org_a_, p2_, code_c_));
  v1::AssignCaseRequest ac;
  ac.set_id(case_c_);
  ac.set_worker_id(cw_id_);
  Must(&Stub::AssignCase, roles_["head"].token, ac);
  v1::RemoveMembershipRequest rm;
  rm.set_id(pm_id_);
  rm.mutable_membership()->set_role("project_manager");
  rm.mutable_membership()->set_organization_id(org_a_);
  rm.mutable_membership()->set_project_id(p1_);
  Must(&Stub::RemoveMembership, roles_["head"].token, rm);
  v1::RevokeTokenRequest rt;
  rt.set_id(tokens.tokens(0).token_id());
  Must(&Stub::RevokeToken, admin_, rt);
  v1::WithdrawConsentRequest wc;
  wc.set_id(consent);
  wc.set_note("withdrawn by the client");
  Must(&Stub::WithdrawConsent, roles_["head"].token, wc);
  v1::ApproveGrantRequestRequest ap;
  ap.set_id(grq);
  Must(&Stub::ApproveGrantRequest, roles_["head"].token, ap);
  // Revoked and removed: refused now.
  v1::WhoAmIResponse who;
  EXPECT_EQ(Call(&Stub::WhoAmI, roles_["partner"], v1::WhoAmIRequest(), &who).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Someone with write access to the data folder writes the old bytes back.
  const auto after = snapshot();
  storage::WriteBatch rollback;
  std::set<std::string> kinds;
  std::vector<std::string> keys_back;
  for (const auto& [key, old] : before) {
    auto now = after.find(key);
    if (now == after.end() || now->second == old) continue;
    rollback.Put(storage::Space::kMeta, key, old);
    kinds.insert(key.substr(0, key.find('/')));
    keys_back.push_back(key);
  }
  for (const char* kind : {"org", "cli", "cas", "prn", "tok", "rel", "grq"}) {
    EXPECT_TRUE(kinds.contains(kind)) << kind << " did not change";
  }
  storage::KvStore* kv = store_.get();
  ASSERT_TRUE(kv->Write(rollback).ok());

  auto keyring = sealing::OpenKeyring(store_.get(), master_.Clone(), keys::MasterKeyMode::kDev,
                                      Clock::System());
  ASSERT_TRUE(keyring.ok()) << keyring.status();
  core::SealedRecords records(store_.get(), keyring->get());
  for (const auto& key : keys_back) {
    const size_t slash = key.find('/');
    google::protobuf::Empty any;
    absl::Status s = records.Get(key.substr(0, slash), key.substr(slash + 1), "", &any);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << key << ": " << s;
  }
  // Through the API: the revoked token and the account whose role was
  // removed do not come back.
  grpc::Status s = Call(&Stub::WhoAmI, roles_["partner"], v1::WhoAmIRequest(), &who);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DATA_LOSS) << s.error_message();
  s = Call(&Stub::WhoAmI, roles_["pm"], v1::WhoAmIRequest(), &who);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DATA_LOSS) << s.error_message();
}

// Found: ListClients returned client data without a client id in its
// entry, so a listed client's access report never showed the call.
TEST_F(SideDoors, AListingShowsInEveryListedClientsAccessReport) {
  v1::ListClientsRequest lc;
  lc.set_project_id(p1_);
  auto listed = Must(&Stub::ListClients, roles_["case_worker"].token, lc);
  bool has_c = false;
  for (const auto& c : listed.clients()) has_c |= c.id() == client_c_;
  ASSERT_TRUE(has_c);
  v1::GetAccessReportRequest ar;
  ar.set_client_id(client_c_);
  ar.set_page_size(5);
  auto report = Must(&Stub::GetAccessReport, roles_["dpo"].token, ar);
  bool shown = false;
  for (const auto& e : report.entries()) {
    shown |= e.method() == "ListClients" && e.actor().principal_id() == cw_id_;
  }
  EXPECT_TRUE(shown) << report.DebugString();
}

// Found: a disclosure without consent took only document ids ("malformed
// doc id" for a record id, although the proto says documents and records);
// existence queries counted documents only.
TEST_F(SideDoors, ADisclosureReleasesRecordsAndExistenceQueriesCountThem) {
  v1::DiscloseWithoutConsentRequest dr;
  auto* d = dr.mutable_disclosure();
  d->set_client_id(client_c_);
  d->set_recipient_organization_id(org_b_);
  d->set_legal_basis(v1::LEGAL_BASIS_DANGER_TO_CLIENT);
  d->set_justification("the client is in danger and the labour office must act today");
  d->add_item_ids(record_c_);
  d->set_valid_hours(24);
  v1::GetRecordRequest gr;
  gr.set_id(record_c_);
  v1::Record seen;
  EXPECT_EQ(Call(&Stub::GetRecord, roles_["partner"], gr, &seen, "employment_support").error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Another client's record, or none: the same answer.
  v1::Disclosure out;
  d->set_client_id(client_d_);
  grpc::Status other = Call(&Stub::DiscloseWithoutConsent, roles_["head"], dr, &out);
  d->set_client_id(client_c_);
  d->set_item_ids(0, "rec_00000000000000000000000000");
  grpc::Status none = Call(&Stub::DiscloseWithoutConsent, roles_["head"], dr, &out);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND) << other.error_message();
  EXPECT_EQ(other.error_message(), none.error_message());
  EXPECT_EQ(none.error_message(),
            "disclosure.item_ids[0]: not found among the client's documents and records");
  d->set_item_ids(0, record_c_);
  auto disclosed = Must(&Stub::DiscloseWithoutConsent, roles_["head"].token, dr);
  ASSERT_EQ(disclosed.item_ids_size(), 1);
  grpc::Status read = Call(&Stub::GetRecord, roles_["partner"], gr, &seen, "employment_support");
  ASSERT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(seen.id(), record_c_);

  // Existence: a consent lets B ask about case plans and initial decisions;
  // the client has an initial decision as a record, no such document.
  Must(&Stub::RecordConsent, roles_["head"].token, ExistenceConsent(client_c_, p1_, org_b_));
  v1::QueryRecordExistenceRequest q;
  q.set_personal_code(code_c_);
  q.set_kind("initial_decision");
  v1::QueryRecordExistenceResponse ans;
  grpc::Status s =
      Call(&Stub::QueryRecordExistence, roles_["partner"], q, &ans, "employment_support");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(ans.exists());
}

// Found in review: an existence query counted what any project held, while
// the consent that allowed the question was recorded in one project and
// releases only what that project holds.
TEST_F(SideDoors, AnExistenceQueryCountsOnlyWhatTheConsentsProjectHolds) {
  // C is a client of P1 (an initial decision on file there) and joins P2,
  // which holds nothing of theirs.
  Must(&Stub::CreateClient, roles_["case_worker_p2"].token, ClientIn(org_a_, p2_, code_c_));
  auto consent_in = [&](const std::string& project) {
    return ExistenceConsent(client_c_, project, org_b_);
  };
  v1::QueryRecordExistenceRequest q;
  q.set_personal_code(code_c_);
  q.set_kind("initial_decision");
  auto ask = [&] {
    v1::QueryRecordExistenceResponse ans;
    grpc::Status s =
        Call(&Stub::QueryRecordExistence, roles_["partner"], q, &ans, "employment_support");
    EXPECT_TRUE(s.ok()) << s.error_message();
    return ans;
  };
  Must(&Stub::RecordConsent, roles_["head"].token, consent_in(p2_));
  v1::QueryRecordExistenceResponse ans = ask();
  EXPECT_FALSE(ans.exists());
  EXPECT_EQ(ans.organization_ids_size(), 0);
  EXPECT_EQ(ans.client_ids_size(), 0);
  Must(&Stub::RecordConsent, roles_["head"].token, consent_in(p1_));
  ans = ask();
  EXPECT_TRUE(ans.exists());
  ASSERT_EQ(ans.organization_ids_size(), 1);
  EXPECT_EQ(ans.organization_ids(0), org_a_);
}

}  // namespace
}  // namespace hoidla
