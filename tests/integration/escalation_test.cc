// No one alone manufactures access. From each starting role, an attacker
// who knows every id in the vault and holds an identity provider key and a
// certificate authority of their own tries every grant-type call (create an
// account, issue a token, add a membership, request and approve grants, map
// a certificate, set an organisation's CA or identity provider, act for a
// user, record a consent, report a concern, sign in), keeping every
// credential any success yields, for three rounds (so every sequence of up
// to three such calls, in every order, is covered), then tries every read
// RPC with every credential held. A marker planted in a client's document
// and record must be reached only by the roles whose rules say so (the
// client's organisation's head and the project's manager; the data
// protection officer sees records through a subject access export).
//
// A guard fails when the service has a method that this file classifies
// neither as a grant-type call it explores, a read it tries, nor a call
// that grants nothing.
#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/strings.h"
#include "hoidla/v1/audit.grpc.pb.h"
#include "hoidla/v1/cases.grpc.pb.h"
#include "hoidla/v1/consents.grpc.pb.h"
#include "hoidla/v1/directory.grpc.pb.h"
#include "hoidla/v1/disclosures.grpc.pb.h"
#include "hoidla/v1/documents.grpc.pb.h"
#include "hoidla/v1/identity.grpc.pb.h"
#include "hoidla/v1/records.grpc.pb.h"
#include "hoidla/v1/subject_access.grpc.pb.h"
#include "keys/crypto.h"
#include "keys/master.h"
#include "tests/integration/api_stub.h"
#include "tests/integration/enrol.h"
#include "tests/integration/test_support.h"
#include "tests/integration/world.h"
#include "vault/server/config.h"
#include "vault/server/server.h"

namespace hoidla {
namespace {

using testing::Credential;
using testing::kCitizens;
using testing::PersonalCode;
using testing::Stub;

// Grant-type calls: each is explored below.
const std::set<std::string> kGrantCalls = {
    "CreatePrincipal", "AddMembership", "IssueToken", "MapCertificate", "SetOrganizationClientCa",
    "SetOrganizationIdentityProvider", "CreateGrantRequest", "ApproveGrantRequest", "RecordConsent",
    "ReviseConsent", "ConfirmConsentRelease", "ReportConcern", "ExchangeIdToken",
    "UpdateCaseNetwork", "AssignCase", "DiscloseWithoutConsent",
    // Narrowing calls, explored too:
    // removing an approver may change
    // what a grant needs.
    "RemoveMembership", "DisablePrincipal", "RemoveCertificateMapping", "SetOrganizationCrl",
    "RevokeToken"};
// Reads of client data: each is tried with every credential held.
const std::set<std::string> kReads = {"DownloadDocument",
                                      "GetDocument",
                                      "ListDocuments",
                                      "GetRecord",
                                      "ListRecords",
                                      "ListRecordVersions",
                                      "ExportSubjectData",
                                      "GetClient",
                                      "ListClients",
                                      "GetCase",
                                      "ListCases",
                                      "GetAccessReport",
                                      "FindClientByPersonalCode",
                                      "ListAuditEntries",
                                      "ListConsents",
                                      "GetConsent"};
// Calls that grant nothing: they narrow access, write client data the
// caller may already write, or read no client data.
const std::set<std::string> kNeither = {
    "WhoAmI", "GetPrincipal", "ListPrincipals", "ListTokens", "CreateOrganization",
    "GetOrganization", "ListOrganizations", "CreateProject", "GetProject", "ListProjects",
    "CreateClient", "CreateCase", "UploadDocument", "CloseCase", "ReopenCase", "CreateRecord",
    "UpdateRecord", "SignRecord", "RegisterInstrument", "GetInstrument", "ListInstruments",
    "ListDeadlines", "WithdrawConsent", "ListDisclosures", "ReviewDisclosure",
    "QueryRecordExistence", "GetCheckpoint", "GetInclusionProof", "GetConsistencyProof",
    "ExportAudit", "GetAuditPublicKeys", "RotateAuditSigningKey", "GetKeyStatus",
    "RotateKeyEncryptionKey", "RewrapKeys", "RetireKeyEncryptionKey", "GetGrantRequest",
    "ListGrantRequests", "DenyGrantRequest",
    // Retention: rules and holds over
    // what an organisation holds; they
    // read no client data and grant
    // no reading.
    "CreateRetentionSchedule", "UpdateRetentionSchedule", "GetRetentionSchedule",
    "ListRetentionSchedules", "ResolveRetentionSchedule", "PlaceLegalHold", "LiftLegalHold",
    "GetLegalHold", "ListLegalHolds",
    // Disposal: destroys, never reveals; the due list and certificates
    // hold ids and kinds only.
    "ListDueDisposals", "ApproveDisposal", "PostponeDisposal", "RunDisposal",
    "GetDisposalCertificate", "ListDisposalCertificates",
    // Erasure destroys a client's data and grants nothing.
    "EraseClient"};

TEST(EscalationGuard, EveryMethodIsClassified) {
  const std::map<std::string, std::string> api = testing::ApiMethods();
  ASSERT_FALSE(api.contains("")) << api.at("");
  for (const auto& [name, service] : api) {
    EXPECT_TRUE(kGrantCalls.contains(name) || kReads.contains(name) || kNeither.contains(name))
        << name << " is not classified: explore it as a grant-type call or say why not";
  }
}

class Escalation : public testing::World {
 protected:
  // Everything the attacker holding `start` can reach: three rounds of
  // every grant-type call with every credential held. Returns the
  // credentials held at the end and notes breaches of trust anchors.
  std::set<Credential> Explore(const Credential& start) {
    std::set<Credential> held = {start};
    std::vector<std::string> mine;       // accounts the attacker created
    std::set<std::string> idp_orgs;      // orgs whose IdP the attacker set
    std::vector<std::string> grant_ids;  // grant requests seen
    const std::vector<std::pair<std::string, std::string>> scopes = {
        {"head_of_organization", ""}, {"project_manager", "P1"},       {"case_worker", "P1"},
        {"partner_worker", ""},       {"data_protection_officer", ""}, {"auditor", ""},
        {"system_administrator", "-"}};
    auto membership = [&](const std::string& role, const std::string& where,
                          const std::string& org) {
      v1::Membership m;
      m.set_role(role);
      if (where != "-") m.set_organization_id(org);
      if (where == "P1") m.set_project_id(org == org_a_ ? p1_ : q1_);
      return m;
    };
    for (int round = 0; round < 3; ++round) {
      std::set<Credential> now = held;
      for (const Credential& c : now) {
        if (!c.act_for.empty()) {
          // Acting for a user: a session minted for them, approvals.
          v1::IssueTokenRequest it;
          it.set_ttl_seconds(3600);
          v1::IssueTokenResponse tok;
          if (Call(&Stub::IssueToken, c, it, &tok).ok()) held.insert({tok.token(), ""});
          for (const auto& id : grant_ids) {
            v1::ApproveGrantRequestRequest a;
            a.set_id(id);
            v1::GrantRequest done;
            if (Call(&Stub::ApproveGrantRequest, c, a, &done).ok()) {
              breaches_.push_back("approved a grant request through act-for");
            }
          }
          continue;
        }
        // Narrowing first: the approvers out of the way (their roles
        // removed, their accounts disabled), their tokens revoked.
        for (const auto& [who, org] : std::vector<std::pair<std::string, std::string>>{
                 {head_, org_a_}, {head2_, org_a_}, {head_b_, org_b_}}) {
          v1::RemoveMembershipRequest rm;
          rm.set_id(who);
          rm.mutable_membership()->set_role("head_of_organization");
          rm.mutable_membership()->set_organization_id(org);
          v1::Principal p;
          (void)Call(&Stub::RemoveMembership, c, rm, &p);
          v1::DisablePrincipalRequest dp;
          dp.set_id(who);
          (void)Call(&Stub::DisablePrincipal, c, dp, &p);
        }
        // Accounts (once).
        for (const auto& org : round == 0 ? orgs_ : std::vector<std::string>{}) {
          for (auto kind : {v1::PRINCIPAL_KIND_STAFF, v1::PRINCIPAL_KIND_SERVICE_ACCOUNT,
                            v1::PRINCIPAL_KIND_DATA_SUBJECT}) {
            v1::CreatePrincipalRequest req;
            req.mutable_principal()->set_display_name("mine");
            req.mutable_principal()->set_kind(kind);
            req.mutable_principal()->set_organization_id(org);
            if (kind == v1::PRINCIPAL_KIND_DATA_SUBJECT) {
              req.mutable_principal()->set_display_name("");
              req.mutable_principal()->set_client_id(client_c_);
            }
            if (kind == v1::PRINCIPAL_KIND_SERVICE_ACCOUNT) {
              req.mutable_principal()->set_may_act_for_users(true);
            }
            v1::Principal p;
            if (Call(&Stub::CreatePrincipal, c, req, &p).ok()) mine.push_back(p.id());
            req.mutable_principal()->set_may_act_for_users(false);
            if (Call(&Stub::CreatePrincipal, c, req, &p).ok()) mine.push_back(p.id());
          }
        }
        // The accounts worth a grant: the attacker's own, the heads (who
        // approve), and one worker of each kind.
        std::vector<std::string> targets = mine;
        for (const auto& t : {head_, head2_, head_b_, pm_id_, cw_id_, partner_id_, sa_}) {
          targets.push_back(t);
        }
        std::sort(mine.begin(), mine.end());
        mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
        for (const auto& target : targets) {
          // Tokens for anyone.
          v1::IssueTokenRequest it;
          it.set_id(target);
          it.set_ttl_seconds(3600);
          v1::IssueTokenResponse tok;
          if (Call(&Stub::IssueToken, c, it, &tok).ok()) held.insert({tok.token(), ""});
          // Certificates (the attacker's CA issues any subject).
          v1::MapCertificateRequest mc;
          mc.set_id(target);
          mc.set_subject(StrCat("CN=attacker-", target));
          v1::Principal p;
          if (Call(&Stub::MapCertificate, c, mc, &p).ok()) {
            breaches_.push_back(StrCat("mapped a certificate to ", target));
          }
          // Memberships and requests for them, in every organisation.
          for (const auto& org : {org_a_, org_b_}) {
            for (const auto& [role, where] : scopes) {
              v1::AddMembershipRequest am;
              am.set_id(target);
              *am.mutable_membership() = membership(role, where, org);
              (void)Call(&Stub::AddMembership, c, am, &p);
              v1::CreateGrantRequestRequest g;
              g.mutable_grant_request()->mutable_membership()->set_principal_id(target);
              *g.mutable_grant_request()->mutable_membership()->mutable_membership() =
                  am.membership();
              v1::CreateGrantRequestResponse created;
              if (Call(&Stub::CreateGrantRequest, c, g, &created).ok()) {
                grant_ids.push_back(created.grant_request().id());
              }
            }
          }
          for (int kind = 0; kind < 2; ++kind) {
            v1::CreateGrantRequestRequest g;
            if (kind == 0) {
              g.mutable_grant_request()->mutable_act_for()->set_principal_id(target);
            } else {
              g.mutable_grant_request()->mutable_service_token()->set_principal_id(target);
              g.mutable_grant_request()->mutable_service_token()->set_ttl_seconds(3600);
            }
            v1::CreateGrantRequestResponse created;
            if (Call(&Stub::CreateGrantRequest, c, g, &created).ok()) {
              grant_ids.push_back(created.grant_request().id());
              if (!created.token().empty()) held.insert({created.token(), ""});
            }
          }
          // Acting for every user.
          v1::WhoAmIResponse who;
          if (Call(&Stub::WhoAmI, {c.token, target}, v1::WhoAmIRequest(), &who).ok()) {
            held.insert({c.token, target});
          }
        }
        // Trust anchors of every organisation.
        for (const auto& org : orgs_) {
          v1::SetOrganizationIdentityProviderRequest si;
          si.set_id(org);
          si.mutable_identity_provider()->set_issuer(StrCat("https://attacker.test/", org));
          si.mutable_identity_provider()->set_audience("hoidla");
          si.mutable_identity_provider()->set_jwks_json(attacker_idp_.jwks());
          v1::Organization o;
          if (Call(&Stub::SetOrganizationIdentityProvider, c, si, &o).ok()) idp_orgs.insert(org);
          v1::CreateGrantRequestRequest g;
          g.mutable_grant_request()->set_organization_id(org);
          *g.mutable_grant_request()->mutable_identity_provider() = si.identity_provider();
          v1::CreateGrantRequestResponse created;
          if (Call(&Stub::CreateGrantRequest, c, g, &created).ok()) {
            grant_ids.push_back(created.grant_request().id());
            if (created.grant_request().state() == v1::GRANT_REQUEST_STATE_APPLIED) {
              idp_orgs.insert(org);
            }
          }
          v1::SetOrganizationClientCaRequest ca;
          ca.set_id(org);
          ca.set_ca_pem(ca_pem_);
          if (!ca_pem_.empty() && Call(&Stub::SetOrganizationClientCa, c, ca, &o).ok()) {
            breaches_.push_back(StrCat("replaced the client CA of ", org));
          }
        }
        // Approving whatever is pending.
        for (const auto& id : grant_ids) {
          v1::ApproveGrantRequestRequest a;
          a.set_id(id);
          v1::GrantRequest done;
          if (Call(&Stub::ApproveGrantRequest, c, a, &done).ok() &&
              done.identity_provider().issuer().starts_with("https://attacker.test/")) {
            idp_orgs.insert(done.organization_id());
          }
        }
        // Consents naming the attacker's side, concerns, networks, cases.
        for (const auto& project : {p1_, p2_}) {
          for (int r = 0; r < 3; ++r) {
            v1::RecordConsentRequest rc;
            auto* cn = rc.mutable_consent();
            cn->set_client_id(client_c_);
            cn->set_project_id(p1_);
            cn->mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
            cn->set_form(v1::CONSENT_FORM_ORAL);
            cn->set_witness("w");
            cn->set_note("n");
            const int64_t now_s = std::time(nullptr);
            cn->mutable_given_at()->set_seconds(now_s - 60);
            auto* pv = cn->add_provisions();
            auto* rcpt = pv->add_recipients();
            if (r == 0) {
              rcpt->set_kind(v1::RECIPIENT_KIND_PROJECT);
              rcpt->set_organization_id(org_a_);
              rcpt->set_project_id(project);
            } else if (r == 1) {
              rcpt->set_kind(v1::RECIPIENT_KIND_ORGANIZATION);
              rcpt->set_organization_id(org_b_);
            } else {
              rcpt->set_kind(v1::RECIPIENT_KIND_CASE_NETWORK);
              cn->set_case_id(case_c_);
            }
            pv->add_kinds("case_plan");
            pv->add_kinds("initial_decision");
            pv->add_purposes("employment_support");
            pv->mutable_valid_from()->set_seconds(now_s - 60);
            pv->mutable_valid_until()->set_seconds(now_s + 86400);
            v1::ConsentReceipt receipt;
            (void)Call(&Stub::RecordConsent, c, rc, &receipt);
          }
        }
        v1::UpdateCaseNetworkRequest net;
        net.set_id(case_c_);
        net.add_add_member_ids(partner_id_);
        v1::Case k;
        (void)Call(&Stub::UpdateCaseNetwork, c, net, &k);
        for (const auto& target : {cw_id_, partner_id_}) {
          v1::AssignCaseRequest as;
          as.set_id(case_c_);
          as.set_worker_id(target);
          (void)Call(&Stub::AssignCase, c, as, &k);
        }
        v1::ReportConcernRequest rep;
        rep.set_organization_id(org_a_);
        rep.set_project_id(p2_);
        rep.set_given_name("Mari");
        rep.set_family_name("Maasikas");
        rep.set_personal_code(code_c_);
        rep.set_concern("concern");
        v1::ReportConcernResponse rr;
        (void)Call(&Stub::ReportConcern, c, rep, &rr);
        // A disclosure of C's document to B.
        v1::DiscloseWithoutConsentRequest dw;
        auto* dd = dw.mutable_disclosure();
        dd->set_client_id(client_c_);
        dd->set_recipient_organization_id(org_b_);
        dd->set_legal_basis(v1::LEGAL_BASIS_DANGER_TO_OTHERS);
        dd->set_justification("attacker");
        dd->add_item_ids(doc_c_);
        dd->set_valid_hours(24);
        v1::Disclosure disc;
        if (Call(&Stub::DiscloseWithoutConsent, c, dw, &disc).ok()) {
          disclosed_by_.insert(start.token == c.token ? "start" : "derived");
        }
      }
      // Signing in wherever the attacker's provider is trusted, as anyone;
      // and through the citizens' provider (the attacker has no key of it).
      for (const auto& org : idp_orgs) {
        for (const auto& target : {head_, pm_id_, partner_id_}) {
          v1::ExchangeIdTokenRequest x;
          x.set_id_token(attacker_idp_.Token(StrCat("https://attacker.test/", org), target));
          v1::IssueTokenResponse tok;
          if (Call(&Stub::ExchangeIdToken, {}, x, &tok).ok()) held.insert({tok.token(), ""});
        }
      }
      for (const auto& org : orgs_) {
        v1::ExchangeIdTokenRequest x;
        x.set_id_token(attacker_idp_.Token(testing::TestIdentityProvider::IssuerFor(org), head_));
        v1::IssueTokenResponse tok;
        if (Call(&Stub::ExchangeIdToken, {}, x, &tok).ok()) {
          breaches_.push_back("signed in with a forged ID token");
        }
      }
      v1::ExchangeIdTokenRequest x;
      x.set_id_token(attacker_idp_.Token(kCitizens, StrCat("EE", code_c_)));
      v1::IssueTokenResponse tok;
      if (Call(&Stub::ExchangeIdToken, {}, x, &tok).ok()) {
        breaches_.push_back("signed in as the client with a forged ID token");
      }
    }
    // A credential of anybody who was there before (not the attacker
    // themselves, not an account they made) is a breach.
    v1::WhoAmIResponse self;
    (void)Call(&Stub::WhoAmI, start, v1::WhoAmIRequest(), &self);
    for (const Credential& c : held) {
      if (!c.act_for.empty()) continue;
      v1::WhoAmIResponse who;
      if (!Call(&Stub::WhoAmI, c, v1::WhoAmIRequest(), &who).ok()) continue;
      if (who.principal_id() != self.principal_id() &&
          std::find(principals_.begin(), principals_.end(), who.principal_id()) !=
              principals_.end()) {
        breaches_.push_back(StrCat("holds a credential of ", who.principal_id()));
      }
    }
    return held;
  }

  // Whether any read with any credential held returns the marker.
  std::vector<std::string> Reads(const std::set<Credential>& held) {
    std::vector<std::string> found;
    auto check = [&](const std::string& what, const google::protobuf::Message& m) {
      if (m.SerializeAsString().find(marker_) != std::string::npos) found.push_back(what);
    };
    for (const Credential& c : held) {
      for (const std::string purpose : {"", "employment_support"}) {
        {
          grpc::ClientContext ctx;
          if (!c.token.empty()) ctx.AddMetadata("authorization", StrCat("Bearer ", c.token));
          if (!c.act_for.empty()) ctx.AddMetadata("x-hoidla-act-for", c.act_for);
          if (!purpose.empty()) ctx.AddMetadata("x-hoidla-purpose", purpose);
          v1::DownloadDocumentRequest req;
          req.set_id(doc_c_);
          auto reader = stub_->DownloadDocument(&ctx, req);
          v1::DownloadDocumentResponse msg;
          std::string content;
          while (reader->Read(&msg)) content += msg.data();
          if (reader->Finish().ok() && content.find(marker_) != std::string::npos) {
            found.push_back("DownloadDocument");
          }
        }
        v1::GetRecordRequest gr;
        gr.set_id(record_c_);
        v1::Record rec;
        if (Call(&Stub::GetRecord, c, gr, &rec, purpose).ok()) check("GetRecord", rec);
        v1::ListRecordsRequest lr;
        lr.set_case_id(case_c_);
        v1::ListRecordsResponse lrs;
        if (Call(&Stub::ListRecords, c, lr, &lrs, purpose).ok()) check("ListRecords", lrs);
        v1::ListRecordVersionsRequest lv;
        lv.set_id(record_c_);
        v1::ListRecordVersionsResponse lvs;
        if (Call(&Stub::ListRecordVersions, c, lv, &lvs, purpose).ok()) {
          check("ListRecordVersions", lvs);
        }
        v1::ExportSubjectDataRequest ex;
        ex.set_client_id(client_c_);
        v1::SubjectDataExport exs;
        if (ExportSubject(c, ex, &exs, purpose).ok()) {
          check("ExportSubjectData", exs);
        }
      }
    }
    return found;
  }
};

class EscalationFrom : public Escalation, public ::testing::WithParamInterface<std::string> {};

// Each starting role in a world of its own (what one role did must not
// count for another).
TEST_P(EscalationFrom, OnlyTheRolesTheRulesNameReachAClientsData) {
  ASSERT_EQ(roles_.size(), 12u);
  const std::string role = GetParam();
  ASSERT_TRUE(roles_.contains(role));
  std::set<Credential> held = Explore(roles_[role]);
  // The service account acts, once a head approved it, with the rights of
  // the user it acts for (a head's included); what it may not do alone
  // (approve grants, mint its users' sessions) is a breach inside Explore.
  if (role != "service_account") {
    std::vector<std::string> found = Reads(held);
    // A data protection officer answers subject access requests: the
    // export holds the records (never document content).
    if (role == "dpo") std::erase(found, "ExportSubjectData");
    EXPECT_TRUE(found.empty()) << role << " reached the marker through " << found.front()
                               << " holding " << held.size() << " credentials";
  }
  EXPECT_TRUE(breaches_.empty()) << breaches_.front();
}

INSTANTIATE_TEST_SUITE_P(EveryStartingRole, EscalationFrom,
                         ::testing::Values("admin", "auditor", "case_worker", "case_worker_p2",
                                           "pm_p2", "service_provider", "partner", "dpo",
                                           "service_account", "data_subject_of_another_client"),
                         [](const auto& info) { return info.param; });

TEST_F(Escalation, TheRulesReadersDoReachTheMarker) {
  EXPECT_FALSE(Reads({roles_["head"]}).empty());
  EXPECT_FALSE(Reads({roles_["pm"]}).empty());
}

// ---------------------------------------------------------------------------
// The issue's scenarios, each now failing the attacker with the exact
// status.

TEST_F(Escalation, AdministratorCannotIssueATokenForAPerson) {
  v1::IssueTokenRequest req;
  req.set_id(head_);
  req.set_ttl_seconds(3600);
  v1::IssueTokenResponse resp;
  grpc::Status s = Call(&Stub::IssueToken, {admin_, ""}, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_TRUE(resp.token().empty());
}

TEST_F(Escalation, AdministratorCannotGrantARoleInAnOrganisationWithAHead) {
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("new head");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  cp.mutable_principal()->set_organization_id(org_a_);
  std::string id = Must(&Stub::CreatePrincipal, admin_, cp).id();
  v1::AddMembershipRequest req;
  req.set_id(id);
  req.mutable_membership()->set_role("head_of_organization");
  req.mutable_membership()->set_organization_id(org_a_);
  v1::Principal p;
  grpc::Status s = Call(&Stub::AddMembership, {admin_, ""}, req, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_TRUE(s.error_message().starts_with("membership: ")) << s.error_message();
  // Requested, it waits; the requester cannot approve it, nor can the
  // account it is for, nor a head of another organisation.
  v1::CreateGrantRequestRequest g;
  g.mutable_grant_request()->mutable_membership()->set_principal_id(id);
  *g.mutable_grant_request()->mutable_membership()->mutable_membership() = req.membership();
  auto created = Must(&Stub::CreateGrantRequest, admin_, g);
  EXPECT_EQ(created.grant_request().state(), v1::GRANT_REQUEST_STATE_PENDING);
  v1::ApproveGrantRequestRequest a;
  a.set_id(created.grant_request().id());
  v1::GrantRequest done;
  EXPECT_EQ(Call(&Stub::ApproveGrantRequest, {admin_, ""}, a, &done).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::ApproveGrantRequest, {enrol_->Login(head_b_), ""}, a, &done).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // A head approves: the entry names account, role, scope, requester and
  // approver.
  done = Must(&Stub::ApproveGrantRequest, roles_["head"].token, a);
  EXPECT_EQ(done.state(), v1::GRANT_REQUEST_STATE_APPROVED);
  EXPECT_EQ(done.decided_by(), head_);
  v1::ListAuditEntriesRequest la;
  la.set_organization_id(org_a_);
  la.set_method("ApproveGrantRequest");
  auto entries = Must(&Stub::ListAuditEntries, roles_["auditor"].token, la);
  ASSERT_FALSE(entries.entries().empty());
  const auto& grant = entries.entries(0).grant();
  EXPECT_EQ(entries.entries(0).action(), "approve_grants");
  EXPECT_TRUE(entries.entries(0).allowed());
  EXPECT_EQ(grant.kind(), "membership");
  EXPECT_EQ(grant.principal_id(), id);
  EXPECT_EQ(grant.role(), "head_of_organization");
  EXPECT_EQ(grant.organization_id(), org_a_);
  EXPECT_EQ(grant.requested_by(), Must(&Stub::WhoAmI, admin_, v1::WhoAmIRequest()).principal_id());
  EXPECT_EQ(grant.approved_by(), head_);
  EXPECT_EQ(grant.state(), "approved");
  // A second approval of the same request is refused.
  EXPECT_EQ(Call(&Stub::ApproveGrantRequest, roles_["head"], a, &done).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(Escalation, StaffCannotCreateAnAccountActingAsAClient) {
  v1::CreatePrincipalRequest req;
  req.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_DATA_SUBJECT);
  req.mutable_principal()->set_client_id(client_c_);
  v1::Principal p;
  EXPECT_EQ(Call(&Stub::CreatePrincipal, roles_["case_worker"], req, &p).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::CreatePrincipal, roles_["head"], req, &p).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(Escalation, ACaseWorkersConsentNamingTheirOwnProjectIsPermissionDenied) {
  v1::RecordConsentRequest rc;
  auto* cn = rc.mutable_consent();
  cn->set_client_id(client_c_);
  cn->set_project_id(p1_);
  cn->mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
  cn->set_form(v1::CONSENT_FORM_ORAL);
  cn->set_witness("w");
  cn->set_note("n");
  const int64_t now_s = std::time(nullptr);
  cn->mutable_given_at()->set_seconds(now_s - 60);
  auto* pv = cn->add_provisions();
  auto* r = pv->add_recipients();
  r->set_kind(v1::RECIPIENT_KIND_PROJECT);
  r->set_organization_id(org_a_);
  r->set_project_id(p1_);
  pv->add_kinds("case_plan");
  pv->add_purposes("employment_support");
  pv->mutable_valid_from()->set_seconds(now_s - 60);
  pv->mutable_valid_until()->set_seconds(now_s + 86400);
  v1::ConsentReceipt receipt;
  grpc::Status s = Call(&Stub::RecordConsent, roles_["case_worker"], rc, &receipt);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(s.error_message().starts_with("consent.provisions[0].recipients[0]: "))
      << s.error_message();
  // To another project of the organisation: recorded, released only once
  // a project manager of P1 who did not record it confirms.
  r->set_project_id(p2_);
  receipt = Must(&Stub::RecordConsent, roles_["case_worker"].token, rc);
  EXPECT_TRUE(receipt.consent().release_confirmation().required());
  std::string content;
  auto download = [&](const Credential& c) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", StrCat("Bearer ", c.token));
    ctx.AddMetadata("x-hoidla-purpose", "employment_support");
    v1::DownloadDocumentRequest req;
    req.set_id(doc_c_);
    auto reader = stub_->DownloadDocument(&ctx, req);
    v1::DownloadDocumentResponse msg;
    content.clear();
    while (reader->Read(&msg)) content += msg.data();
    return reader->Finish().error_code();
  };
  EXPECT_EQ(download(roles_["pm_p2"]), grpc::StatusCode::NOT_FOUND);
  v1::ConfirmConsentReleaseRequest cf;
  cf.set_id(receipt.consent().id());
  cf.set_version(1);
  v1::Consent confirmed;
  EXPECT_EQ(Call(&Stub::ConfirmConsentRelease, roles_["case_worker"], cf, &confirmed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  confirmed = Must(&Stub::ConfirmConsentRelease, roles_["pm"].token, cf);
  EXPECT_EQ(confirmed.release_confirmation().confirmed_by(), pm_id_);
  EXPECT_EQ(download(roles_["pm_p2"]), grpc::StatusCode::OK);
  EXPECT_EQ(content, marker_);
}

TEST_F(Escalation, ForgedExpiredWrongAudienceWrongIssuerAndUnsignedIdTokensAreUnauthenticated) {
  const std::string iss = testing::TestIdentityProvider::IssuerFor(org_a_);
  auto exchange = [&](const std::string& jwt) {
    v1::ExchangeIdTokenRequest x;
    x.set_id_token(jwt);
    v1::IssueTokenResponse tok;
    return Call(&Stub::ExchangeIdToken, {}, x, &tok).error_code();
  };
  EXPECT_EQ(exchange(idp_.Token(iss, head_)), grpc::StatusCode::OK);
  EXPECT_EQ(exchange(attacker_idp_.Token(iss, head_)), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(exchange(idp_.Token(iss, head_, -120)), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(exchange(idp_.Token(iss, head_, 600, "someone-else")),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(exchange(idp_.Token("https://idp.test/elsewhere", head_)),
            grpc::StatusCode::UNAUTHENTICATED);
  // A principal of another organisation through A's provider.
  EXPECT_EQ(exchange(idp_.Token(iss, head_b_)), grpc::StatusCode::UNAUTHENTICATED);
  // alg "none": the header {"alg":"none"} and no signature.
  std::string good = idp_.Token(iss, head_);
  std::string payload = good.substr(good.find('.') + 1);
  payload = payload.substr(0, payload.find('.'));
  EXPECT_EQ(exchange(StrCat("eyJhbGciOiJub25lIn0.", payload, ".")),
            grpc::StatusCode::UNAUTHENTICATED);
  // A payload byte changed.
  std::string forged = good;
  forged[good.find('.') + 5] = forged[good.find('.') + 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(exchange(forged), grpc::StatusCode::UNAUTHENTICATED);
  // A disabled account no longer signs in.
  v1::DisablePrincipalRequest dp;
  dp.set_id(cw_id_);
  Must(&Stub::DisablePrincipal, roles_["head"].token, dp);
  EXPECT_EQ(exchange(idp_.Token(iss, cw_id_)), grpc::StatusCode::UNAUTHENTICATED);
  v1::WhoAmIResponse who;
  EXPECT_EQ(Call(&Stub::WhoAmI, roles_["case_worker"], v1::WhoAmIRequest(), &who).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(Escalation, AClientsTokenReadsOnlyThatClient) {
  v1::ExchangeIdTokenRequest x;
  x.set_id_token(idp_.Token(kCitizens, StrCat("EE", code_c_)));
  v1::IssueTokenResponse tok;
  ASSERT_TRUE(Call(&Stub::ExchangeIdToken, {}, x, &tok).ok());
  const Credential subject{tok.token(), ""};
  v1::ExportSubjectDataRequest ex;
  ex.set_client_id(client_c_);
  v1::SubjectDataExport own;
  EXPECT_TRUE(ExportSubject(subject, ex, &own).ok());
  EXPECT_NE(own.SerializeAsString().find(marker_), std::string::npos);
  ex.set_client_id(client_d_);
  v1::SubjectDataExport other;
  EXPECT_EQ(ExportSubject(subject, ex, &other).error_code(), grpc::StatusCode::NOT_FOUND);
  std::string content;
  v1::GetRecordRequest gr;
  gr.set_id(record_c_);
  v1::Record rec;
  EXPECT_EQ(Call(&Stub::GetRecord, subject, gr, &rec).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A personal code nobody is a client with signs nobody in.
  x.set_id_token(idp_.Token(kCitizens, StrCat("EE", PersonalCode(9))));
  EXPECT_EQ(Call(&Stub::ExchangeIdToken, {}, x, &tok).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(Escalation, TheBootstrapTokenIsOnTheRecordListedAndRevocable) {
  v1::WhoAmIResponse who = Must(&Stub::WhoAmI, admin_, v1::WhoAmIRequest());
  v1::ListTokensRequest lt;
  lt.set_principal_id(who.principal_id());
  auto tokens = Must(&Stub::ListTokens, admin_, lt);
  ASSERT_EQ(tokens.tokens_size(), 1);
  EXPECT_EQ(tokens.tokens(0).kind(), v1::TOKEN_KIND_BOOTSTRAP);
  EXPECT_TRUE(tokens.tokens(0).has_expires_at());
  v1::ListAuditEntriesRequest la;
  la.set_method("Bootstrap");
  auto entries = Must(&Stub::ListAuditEntries, admin_, la);
  ASSERT_EQ(entries.entries_size(), 1);
  EXPECT_EQ(entries.entries(0).grant().token_id(), tokens.tokens(0).token_id());
  v1::RevokeTokenRequest rv;
  rv.set_id(tokens.tokens(0).token_id());
  Must(&Stub::RevokeToken, admin_, rv);
  EXPECT_EQ(Call(&Stub::WhoAmI, {admin_, ""}, v1::WhoAmIRequest(), &who).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(Escalation, RemovingAnOrganisationsLastHeadDoesNotReopenItsEnrolment) {
  // The administrator takes B's only head away; B holds no clients. The
  // organisation stays enrolled: its trust anchors still need a head.
  v1::RemoveMembershipRequest rm;
  rm.set_id(head_b_);
  rm.mutable_membership()->set_role("head_of_organization");
  rm.mutable_membership()->set_organization_id(org_b_);
  Must(&Stub::RemoveMembership, admin_, rm);
  v1::SetOrganizationIdentityProviderRequest si;
  si.set_id(org_b_);
  si.mutable_identity_provider()->set_issuer("https://attacker.test/b");
  si.mutable_identity_provider()->set_audience("hoidla");
  si.mutable_identity_provider()->set_jwks_json(attacker_idp_.jwks());
  v1::Organization o;
  grpc::Status s = Call(&Stub::SetOrganizationIdentityProvider, {admin_, ""}, si, &o);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  v1::ExchangeIdTokenRequest x;
  x.set_id_token(attacker_idp_.Token("https://attacker.test/b", partner_id_));
  v1::IssueTokenResponse tok;
  EXPECT_EQ(Call(&Stub::ExchangeIdToken, {}, x, &tok).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Nor may a new head be enrolled at once.
  v1::AddMembershipRequest am;
  am.set_id(partner_id_);
  am.mutable_membership()->set_role("partner_worker");
  am.mutable_membership()->set_organization_id(org_b_);
  v1::Principal p;
  EXPECT_EQ(Call(&Stub::AddMembership, {admin_, ""}, am, &p).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

// Found in review: during an organisation's enrolment an act-for right, a
// service-account token or a partner's certificate applied at once and
// outlived the enrolment unapproved.
TEST_F(Escalation, OnlyTheFirstHeadAndStaffCertificatesApplyDuringEnrolment) {
  v1::CreateOrganizationRequest co;
  co.mutable_organization()->set_name("E");
  const std::string org = Must(&Stub::CreateOrganization, admin_, co).id();
  auto person = [&](v1::PrincipalKind kind, bool act_for) {
    v1::CreatePrincipalRequest cp;
    cp.mutable_principal()->set_display_name("someone");
    cp.mutable_principal()->set_kind(kind);
    cp.mutable_principal()->set_organization_id(org);
    cp.mutable_principal()->set_may_act_for_users(act_for);
    v1::Principal p;
    grpc::Status s = Call(&Stub::CreatePrincipal, {admin_, ""}, cp, &p);
    return std::make_pair(s, p.id());
  };
  auto [acting, none] = person(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT, true);
  EXPECT_EQ(acting.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << acting.error_message();
  EXPECT_TRUE(acting.error_message().starts_with("principal.may_act_for_users: "))
      << acting.error_message();
  const std::string sa = person(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT, false).second;
  const std::string partner = person(v1::PRINCIPAL_KIND_PARTNER_WORKER, false).second;
  const std::string staff = person(v1::PRINCIPAL_KIND_STAFF, false).second;
  ASSERT_FALSE(sa.empty());
  v1::IssueTokenRequest it;
  it.set_id(sa);
  it.set_ttl_seconds(3600);
  v1::IssueTokenResponse tok;
  grpc::Status s = Call(&Stub::IssueToken, {admin_, ""}, it, &tok);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_TRUE(tok.token().empty());
  for (const auto& [kind, id] : std::vector<std::pair<std::string, std::string>>{
           {"act_for", sa}, {"service_token", sa}, {"certificate", partner}}) {
    v1::CreateGrantRequestRequest g;
    auto* gr = g.mutable_grant_request();
    if (kind == "act_for") gr->mutable_act_for()->set_principal_id(id);
    if (kind == "service_token") {
      gr->mutable_service_token()->set_principal_id(id);
      gr->mutable_service_token()->set_ttl_seconds(3600);
    }
    if (kind == "certificate") {
      gr->mutable_certificate()->set_principal_id(id);
      gr->mutable_certificate()->set_subject("CN=partner,O=E");
    }
    v1::CreateGrantRequestResponse out;
    s = Call(&Stub::CreateGrantRequest, {admin_, ""}, g, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << kind;
    EXPECT_EQ(s.error_message().substr(0, s.error_message().find(':')),
              StrCat("grant_request.", kind, ".principal_id"))
        << s.error_message();
    EXPECT_TRUE(out.token().empty()) << kind;
  }
  v1::MapCertificateRequest mc;
  mc.set_id(partner);
  mc.set_subject("CN=partner,O=E");
  v1::Principal p;
  s = Call(&Stub::MapCertificate, {admin_, ""}, mc, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  // The head-to-be's certificate applies at once.
  mc.set_id(staff);
  mc.set_subject("CN=head,O=E");
  EXPECT_TRUE(Call(&Stub::MapCertificate, {admin_, ""}, mc, &p).ok());
}

namespace {
v1::CreateGrantRequestRequest CaseWorkerRequest(const std::string& principal,
                                                const std::string& org,
                                                const std::string& project) {
  v1::CreateGrantRequestRequest g;
  auto* m = g.mutable_grant_request()->mutable_membership();
  m->set_principal_id(principal);
  m->mutable_membership()->set_role("case_worker");
  m->mutable_membership()->set_organization_id(org);
  m->mutable_membership()->set_project_id(project);
  return g;
}
}  // namespace

// Found in review: an approval applied a request whose requester had been
// disabled or had lost the role that let them ask for it.
TEST_F(Escalation, ARequestOfADisabledRequesterLapses) {
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("newcomer");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  cp.mutable_principal()->set_organization_id(org_a_);
  const std::string id = Must(&Stub::CreatePrincipal, admin_, cp).id();
  auto created =
      Must(&Stub::CreateGrantRequest, roles_["pm"].token, CaseWorkerRequest(id, org_a_, p1_));
  ASSERT_EQ(created.grant_request().state(), v1::GRANT_REQUEST_STATE_PENDING);
  v1::DisablePrincipalRequest dp;
  dp.set_id(pm_id_);
  Must(&Stub::DisablePrincipal, enrol_->ApproverFor(org_a_, head_), dp);
  v1::ApproveGrantRequestRequest a;
  a.set_id(created.grant_request().id());
  v1::GrantRequest done;
  grpc::Status s = Call(&Stub::ApproveGrantRequest, roles_["head"], a, &done);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_TRUE(s.error_message().starts_with("id: ")) << s.error_message();
  v1::GetPrincipalRequest gp;
  gp.set_id(id);
  EXPECT_TRUE(Must(&Stub::GetPrincipal, admin_, gp).memberships().empty());
}

TEST_F(Escalation, ARequestOfARequesterWhoLostTheRoleLapses) {
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("newcomer");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  cp.mutable_principal()->set_organization_id(org_a_);
  const std::string id = Must(&Stub::CreatePrincipal, admin_, cp).id();
  auto created =
      Must(&Stub::CreateGrantRequest, roles_["pm"].token, CaseWorkerRequest(id, org_a_, p1_));
  v1::RemoveMembershipRequest rm;
  rm.set_id(pm_id_);
  rm.mutable_membership()->set_role("project_manager");
  rm.mutable_membership()->set_organization_id(org_a_);
  rm.mutable_membership()->set_project_id(p1_);
  Must(&Stub::RemoveMembership, roles_["head"].token, rm);
  v1::ApproveGrantRequestRequest a;
  a.set_id(created.grant_request().id());
  v1::GrantRequest done;
  grpc::Status s = Call(&Stub::ApproveGrantRequest, roles_["head"], a, &done);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  v1::GetPrincipalRequest gp;
  gp.set_id(id);
  EXPECT_TRUE(Must(&Stub::GetPrincipal, admin_, gp).memberships().empty());
}

// Found in review: a service account acting for a head denied others'
// requests (an approver's decision, made without the approver).
TEST_F(Escalation, ADenialThroughActForIsPermissionDenied) {
  v1::CreatePrincipalRequest cp;
  cp.mutable_principal()->set_display_name("newcomer");
  cp.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  cp.mutable_principal()->set_organization_id(org_a_);
  const std::string id = Must(&Stub::CreatePrincipal, admin_, cp).id();
  auto created = Must(&Stub::CreateGrantRequest, admin_, CaseWorkerRequest(id, org_a_, p1_));
  v1::DenyGrantRequestRequest d;
  d.set_id(created.grant_request().id());
  v1::GrantRequest done;
  grpc::Status s =
      Call(&Stub::DenyGrantRequest, {roles_["service_account"].token, head_}, d, &done);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  v1::GetGrantRequestRequest g;
  g.set_id(created.grant_request().id());
  EXPECT_EQ(Must(&Stub::GetGrantRequest, admin_, g).state(), v1::GRANT_REQUEST_STATE_PENDING);
}

// Found in review: an identity provider could name the account by a claim
// the person signing in chooses.
TEST_F(Escalation, AnIdentityProviderCannotNameTheAccountByAnEditableClaim) {
  v1::CreateOrganizationRequest co;
  co.mutable_organization()->set_name("F");
  const std::string org = Must(&Stub::CreateOrganization, admin_, co).id();
  for (const char* claim : {"email", "nonce", "preferred_username", "aud"}) {
    v1::SetOrganizationIdentityProviderRequest si;
    si.set_id(org);
    si.mutable_identity_provider()->set_issuer("https://idp.test/f");
    si.mutable_identity_provider()->set_audience("hoidla");
    si.mutable_identity_provider()->set_jwks_json(idp_.jwks());
    si.mutable_identity_provider()->set_principal_id_claim(claim);
    v1::Organization o;
    grpc::Status s = Call(&Stub::SetOrganizationIdentityProvider, {admin_, ""}, si, &o);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << claim;
    EXPECT_TRUE(s.error_message().starts_with("identity_provider.principal_id_claim: "))
        << s.error_message();
  }
}

}  // namespace
}  // namespace hoidla
