// The authorization table: every RPC of every service of hoidla.v1, called by every
// role, against objects in every scope (the caller's own project, an
// unassigned case of it, another project of the organisation, another
// organisation), through a real vault started in-process and reached over
// gRPC. Each row names the status every caller must get; a guard fails when
// an RPC of the service has no row.
//
// People are enrolled the way a deployment enrols them (enrol.h): every
// organisation trusts a test identity provider, grants go through four eyes
// (the administrator requests, a head approves), people sign in with
// ExchangeIdToken, and data subjects with the deployment's public identity
// provider (issuer "https://citizens.test", subject "EE" + personal code).
//
// The contract (vault.proto, vault/access/policy.h):
//  * no credential: UNAUTHENTICATED (ExchangeIdToken needs none: its ID
//    token is the credential, and a bad one is UNAUTHENTICATED whatever
//    else the call carries);
//  * a role that never grants the action: PERMISSION_DENIED;
//  * a role that grants it, but not for this target: NOT_FOUND, exactly as
//    for a nonexistent object (writes into an invisible container: NOT_FOUND
//    naming the field);
//  * lists on a visible container are filtered; on an invisible one,
//    NOT_FOUND.
#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "base/strings.h"
#include "keys/crypto.h"
#include "keys/master.h"
#include "tests/integration/api_stub.h"
#include "tests/integration/enrol.h"
#include "tests/integration/streams.h"
#include "tests/integration/test_support.h"
#include "vault/audit/audit_log.h"
#include "vault/server/config.h"
#include "vault/server/server.h"

namespace hoidla {
namespace {

using Stub = testing::ApiStub;

// The callers, in the order of the letters in every row.
enum Caller : int {
  kAdmin,    // system_administrator (the bootstrap administrator)
  kHead,     // head_of_organization of A
  kPm,       // project_manager of A/P1
  kCw,       // case_worker of A/P1 (K1 is assigned to them)
  kCw2,      // case_worker of A/P1 (nothing assigned in the fixture)
  kSp,       // service_provider of A/P1
  kPartner,  // partner_worker of B (kind PARTNER_WORKER)
  kAuditor,  // auditor of A
  kDpo,      // data_protection_officer of A
  kNone,     // staff of A without any membership
  kCallerCount,
};
constexpr std::array<const char*, kCallerCount> kCallerNames = {
    "admin", "head", "pm", "cw", "cw2", "sp", "partner", "auditor", "dpo", "none"};

// The letters of the table.
struct Letter {
  char letter;
  grpc::StatusCode code;
};
constexpr Letter kLetters[] = {
    {'O', grpc::StatusCode::OK},
    {'P', grpc::StatusCode::PERMISSION_DENIED},
    {'N', grpc::StatusCode::NOT_FOUND},
    {'I', grpc::StatusCode::INVALID_ARGUMENT},
    {'A', grpc::StatusCode::ALREADY_EXISTS},
    {'F', grpc::StatusCode::FAILED_PRECONDITION},
    {'U', grpc::StatusCode::UNAUTHENTICATED},
};

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return StrCat("code ", static_cast<int>(code));
  }
}

// Parses "O P N ..." (spaces ignored) into one code per caller. Returns
// false on an unknown letter or the wrong number of letters.
bool ParseCodes(std::string_view text, std::vector<grpc::StatusCode>* codes) {
  codes->clear();
  for (char ch : text) {
    if (ch == ' ') continue;
    bool known = false;
    for (const Letter& l : kLetters) {
      if (l.letter == ch) {
        codes->push_back(l.code);
        known = true;
      }
    }
    if (!known) return false;
  }
  return codes->size() == kCallerCount;
}

// ---------------------------------------------------------------------------
// Calling the vault.

template <typename Req, typename Resp>
using UnaryRpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Req&, Resp*);

void Authorize(grpc::ClientContext* ctx, const std::string& token) {
  if (!token.empty()) ctx->AddMetadata("authorization", StrCat("Bearer ", token));
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

template <typename Req, typename Resp>
grpc::Status Call(Stub* stub, UnaryRpc<Req, Resp> rpc, const std::string& token, const Req& req,
                  Resp* resp) {
  grpc::ClientContext ctx;
  Authorize(&ctx, token);
  return (stub->*rpc)(&ctx, req, resp);
}

// A call the test's set-up relies on: a failure is a test failure.
template <typename Req, typename Resp>
Resp Must(Stub* stub, UnaryRpc<Req, Resp> rpc, const std::string& token, const Req& req,
          std::string_view what) {
  Resp resp;
  grpc::Status s = Call(stub, rpc, token, req, &resp);
  if (!s.ok()) {
    ADD_FAILURE() << what << ": " << CodeName(s.error_code()) << ": " << s.error_message();
  }
  return resp;
}

// Client-streaming upload: the header, then the content in one message.
grpc::Status Upload(Stub* stub, const std::string& token, const v1::Document& header,
                    const std::string& content, v1::Document* out) {
  grpc::ClientContext ctx;
  Authorize(&ctx, token);
  auto writer = stub->UploadDocument(&ctx, out);
  v1::UploadDocumentRequest msg;
  *msg.mutable_header() = header;
  if (writer->Write(msg)) {
    msg.Clear();
    msg.set_data(content);
    writer->Write(msg);
  }
  writer->WritesDone();
  return writer->Finish();
}

// Server-streaming download of the whole document.
grpc::Status Download(Stub* stub, const std::string& token, const std::string& id,
                      std::string* content) {
  grpc::ClientContext ctx;
  Authorize(&ctx, token);
  v1::DownloadDocumentRequest req;
  req.set_id(id);
  auto reader = stub->DownloadDocument(&ctx, req);
  v1::DownloadDocumentResponse msg;
  content->clear();
  while (reader->Read(&msg)) content->append(msg.data());
  return reader->Finish();
}

// A valid isikukood (1985-03-15, male) with serial `serial` (0-999).
std::string PersonalCode(int serial) {
  std::string code =
      StrCat("3850315", static_cast<char>('0' + serial / 100),
             static_cast<char>('0' + serial / 10 % 10), static_cast<char>('0' + serial % 10));
  static const int kW1[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1};
  static const int kW2[] = {3, 4, 5, 6, 7, 8, 9, 1, 2, 3};
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += (code[i] - '0') * kW1[i];
  int check = sum % 11;
  if (check == 10) {
    sum = 0;
    for (int i = 0; i < 10; ++i) sum += (code[i] - '0') * kW2[i];
    check = sum % 11;
    if (check == 10) check = 0;
  }
  return StrCat(code, static_cast<char>('0' + check));
}

// ---------------------------------------------------------------------------
// The world: a running vault with two organisations, their projects, the
// callers, and client data in every scope.

class World {
 public:
  Stub* stub() { return stub_.get(); }
  const std::string& admin() const { return tokens_[kAdmin]; }

  // Starts the vault and builds everything. Failures are test failures.
  void Build() {
    ASSERT_TRUE(keys::InitCrypto().ok());
    service::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = StrCat(dir_.path(), "/data");
    config.reflection = false;
    // The data subjects' identity provider.
    const std::string jwks_path = StrCat(dir_.path(), "/citizens.jwks");
    testing::WriteFileOrDie(jwks_path, idp.jwks());
    config.subject_idp_issuer = kCitizens;
    config.subject_idp_audience = "hoidla";
    config.subject_idp_jwks_file = jwks_path;
    auto server = service::VaultServer::Start(config, keys::NewKey(), keys::MasterKeyMode::kDev);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_TRUE(server_->bootstrap_token().has_value());
    tokens_[kAdmin] = *server_->bootstrap_token();
    stub_ = std::make_unique<testing::ApiStub>(grpc::CreateChannel(
        StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
    enrol_ = std::make_unique<testing::Enrolment>(stub_.get(), admin(), &idp);

    // Organisations and projects.
    org_a = NewOrganization("Org A");
    org_b = NewOrganization("Org B");
    p1 = NewProject(org_a, "A/P1", v1::CASE_VISIBILITY_ASSIGNED_CASES);
    p2 = NewProject(org_a, "A/P2", v1::CASE_VISIBILITY_ASSIGNED_CASES);
    q1 = NewProject(org_b, "B/Q1", v1::CASE_VISIBILITY_UNSPECIFIED);

    // The callers. The first head of each organisation first: it is granted
    // at once and approves every later grant there.
    const auto kStaff = v1::PRINCIPAL_KIND_STAFF;
    NewCaller(kHead, kStaff, org_a, "head_of_organization", org_a, "");
    // Not a caller: the head of B creates B's data.
    std::string head_b = NewPrincipal(kStaff, org_b, "head@B");
    Grant(head_b, "head_of_organization", org_b, "");
    head_b_token = IssueToken(head_b);
    NewCaller(kPm, kStaff, org_a, "project_manager", org_a, p1);
    NewCaller(kCw, kStaff, org_a, "case_worker", org_a, p1);
    NewCaller(kCw2, kStaff, org_a, "case_worker", org_a, p1);
    NewCaller(kSp, kStaff, org_a, "service_provider", org_a, p1);
    NewCaller(kPartner, v1::PRINCIPAL_KIND_PARTNER_WORKER, org_b, "partner_worker", org_b, "");
    NewCaller(kAuditor, kStaff, org_a, "auditor", org_a, "");
    NewCaller(kDpo, kStaff, org_a, "data_protection_officer", org_a, "");
    NewCaller(kNone, kStaff, org_a, "", "", "");
    principals_[kAdmin] =
        Must(stub(), &Stub::WhoAmI, admin(), v1::WhoAmIRequest(), "WhoAmI admin").principal_id();
    // Not callers: workers of P2 and Q1 receive assignments.
    cw_p2 = NewPrincipal(kStaff, org_a, "cw@A/P2");
    Grant(cw_p2, "case_worker", org_a, p2);
    cw_q1 = NewPrincipal(kStaff, org_b, "cw@B/Q1");
    Grant(cw_q1, "case_worker", org_b, q1);

    // Client data of P1: C1 (no personal code), K1 assigned to cw, K2
    // unassigned, D1 in K1, D2 in K2; CP1 (with a personal code).
    c1 = NewClient(token(kHead), org_a, p1, "");
    k1 = NewCase(token(kPm), p1, c1, principal(kCw));
    k2 = NewCase(token(kPm), p1, c1, "");
    d1 = NewDocument(token(kPm), p1, c1, k1);
    d2 = NewDocument(token(kPm), p1, c1, k2);
    code_p1 = PersonalCode(next_code_++);
    cp1 = NewClient(token(kHead), org_a, p1, code_p1);
    // P2: C2 (with a personal code), K3, D3.
    code_p2 = PersonalCode(next_code_++);
    c2 = NewClient(token(kHead), org_a, p2, code_p2);
    k3 = NewCase(token(kHead), p2, c2, "");
    d3 = NewDocument(token(kHead), p2, c2, k3);
    // Q1 of B: CB (with a personal code), KB, DB.
    code_b = PersonalCode(next_code_++);
    cb = NewClient(head_b_token, org_b, q1, code_b);
    kb = NewCase(head_b_token, q1, cb, "");
    db = NewDocument(head_b_token, q1, cb, kb);
    // Consents: CN1 of C1 (P1) releasing case plans to org B; CNB of CB
    // releasing to org A.
    cn1 = NewConsent(token(kHead), c1, p1);
    cnb = NewConsent(head_b_token, cb, q1);
    // Records: R1 in K1 (assigned to cw), R2 in K2 (unassigned), RB in KB.
    ins_a = NewInstrument(token(kHead), org_a);
    ins_b = NewInstrument(head_b_token, org_b);
    r1 = NewRecord(token(kPm), k1);
    r2 = NewRecord(token(kPm), k2);
    rb = NewRecord(head_b_token, kb);
    // Retention: a schedule and a hold in each organisation.
    rsc_a = NewSchedule(token(kHead), org_a, "case_plan");
    rsc_b = NewSchedule(head_b_token, org_b, "case_plan");
    hold_a = NewHold(token(kHead), c1);
    hold_b = NewHold(head_b_token, cb);
  }

  // An initial decision (form part A1) for a record of `case_id`.
  static v1::RecordContent Decision() {
    v1::RecordContent c;
    auto* d = c.mutable_initial_decision();
    d->set_client_name("Mari Maasikas");
    d->set_needs("toimetulek");
    auto* a = d->add_actions();
    a->set_action("nõustamine");
    a->mutable_scheduled_on()->set_year(2026);
    a->mutable_scheduled_on()->set_month(12);
    a->mutable_scheduled_on()->set_day(1);
    a->set_provider("juhtumikorraldaja");
    d->mutable_decided_on()->set_year(2026);
    d->mutable_decided_on()->set_month(1);
    d->mutable_decided_on()->set_day(5);
    return c;
  }
  std::string NewRecord(const std::string& token, const std::string& case_id) {
    v1::CreateRecordRequest req;
    req.mutable_record()->set_case_id(case_id);
    *req.mutable_record()->mutable_content() = Decision();
    return Must(stub(), &Stub::CreateRecord, token, req, "CreateRecord").id();
  }
  static v1::Instrument InstrumentOf(const std::string& org) {
    v1::Instrument i;
    i.set_organization_id(org);
    i.set_name("care_action_plan");
    auto* f = i.add_fields();
    f->set_name("goal");
    f->set_type(v1::INSTRUMENT_FIELD_TYPE_TEXT);
    f->set_required(true);
    return i;
  }
  std::string NewInstrument(const std::string& token, const std::string& org) {
    v1::RegisterInstrumentRequest req;
    *req.mutable_instrument() = InstrumentOf(org);
    return Must(stub(), &Stub::RegisterInstrument, token, req, "RegisterInstrument").id();
  }

  // A retention schedule of `org` for records of `kind` (destroy ten years
  // after the case closed).
  static v1::RetentionSchedule ScheduleOf(const std::string& org, const std::string& kind) {
    v1::RetentionSchedule r;
    r.set_organization_id(org);
    r.set_item_type(v1::RETENTION_ITEM_TYPE_RECORD);
    r.set_kind(kind);
    r.set_trigger(v1::RETENTION_TRIGGER_CASE_CLOSED);
    r.mutable_period()->set_years(10);
    r.set_action(v1::RETENTION_ACTION_REVIEW);
    return r;
  }
  std::string NewSchedule(const std::string& token, const std::string& org,
                          const std::string& kind) {
    v1::CreateRetentionScheduleRequest req;
    *req.mutable_schedule() = ScheduleOf(org, kind);
    return Must(stub(), &Stub::CreateRetentionSchedule, token, req, "CreateRetentionSchedule").id();
  }
  std::string NewHold(const std::string& token, const std::string& client) {
    v1::PlaceLegalHoldRequest req;
    req.mutable_hold()->set_client_id(client);
    req.mutable_hold()->set_reason("court request 2-26-1");
    return Must(stub(), &Stub::PlaceLegalHold, token, req, "PlaceLegalHold").id();
  }
  // A kind no schedule has yet.
  std::string FreshKind() { return StrCat("kind_", ++serial_); }

  // A fresh client's case in P1 assigned to cw (to close and reopen: a
  // client with a closed case gets no unlinked new one).
  std::string FreshCase() {
    return NewCase(token(kPm), p1, NewClient(token(kHead), org_a, p1, ""), principal(kCw));
  }

  // A consent of `client` in `project` (oral, given now) releasing case
  // plans to organisation B for employment support.
  static v1::Consent ConsentOf(const std::string& client, const std::string& project,
                               const std::string& recipient_org) {
    v1::Consent c;
    c.set_client_id(client);
    c.set_project_id(project);
    c.mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
    c.set_form(v1::CONSENT_FORM_ORAL);
    c.set_witness("case worker");
    c.set_note("agreed at the first meeting");
    const int64_t now = std::time(nullptr);
    c.mutable_given_at()->set_seconds(now - 60);
    auto* p = c.add_provisions();
    auto* r = p->add_recipients();
    r->set_kind(v1::RECIPIENT_KIND_ORGANIZATION);
    r->set_organization_id(recipient_org);
    p->add_kinds("case_plan");
    p->add_purposes("employment_support");
    p->mutable_valid_from()->set_seconds(now - 60);
    p->mutable_valid_until()->set_seconds(now + 86400);
    return c;
  }
  // A consent releasing to organisation B (to A for a client of B: a
  // consent never names its recorder's own organisation).
  std::string NewConsent(const std::string& token, const std::string& client,
                         const std::string& project) {
    v1::RecordConsentRequest req;
    *req.mutable_consent() = ConsentOf(client, project, project == q1 ? org_a : org_b);
    return Must(stub(), &Stub::RecordConsent, token, req, "RecordConsent").consent().id();
  }
  // A disclosure of D1 to organisation B, made by the head of A.
  std::string NewDisclosure() {
    v1::DiscloseWithoutConsentRequest req;
    *req.mutable_disclosure() = DisclosureOf(c1, d1);
    return Must(stub(), &Stub::DiscloseWithoutConsent, token(kHead), req, "Disclose").id();
  }
  v1::Disclosure DisclosureOf(const std::string& client, const std::string& item) const {
    v1::Disclosure d;
    d.set_client_id(client);
    d.set_recipient_organization_id(org_b);
    d.set_legal_basis(v1::LEGAL_BASIS_DANGER_TO_OTHERS);
    d.set_justification("a third person's life is in danger");
    d.add_item_ids(item);
    d.set_valid_hours(24);
    return d;
  }

  const std::string& token(Caller c) const { return tokens_[c]; }
  const std::string& principal(Caller c) const { return principals_[c]; }
  uint64_t AuditSize() const { return server_->audit_log()->size(); }
  // The newest audit entry of organisation `org` (0 when there is none).
  uint64_t NewestSeqOf(const std::string& org) const {
    auto* log = server_->audit_log();
    for (uint64_t seq = log->size(); seq-- > 0;) {
      auto e = log->Get(seq);
      if (e.ok() && e->organization_id() == org) return seq;
    }
    return 0;
  }
  // The newest entry of the server's audit log.
  audit::Entry LastAuditEntry() const {
    auto* log = server_->audit_log();
    auto e = log->Get(log->size() - 1);
    return e.ok() ? *e : audit::Entry();
  }

  // A fresh label, unique within the run.
  std::string Fresh(std::string_view what) { return StrCat(what, " #", ++serial_); }
  std::string FreshSlug() { return std::to_string(++serial_); }

  // A new organisation trusting the test identity provider, without a head
  // (it is being enrolled).
  std::string NewOrganization(std::string_view name) {
    v1::CreateOrganizationRequest req;
    req.mutable_organization()->set_name(std::string(name));
    const std::string id = Must(stub(), &Stub::CreateOrganization, admin(), req, name).id();
    enrol_->TrustIdentityProvider(id);
    return id;
  }

  std::string NewProject(const std::string& org, std::string_view name,
                         v1::CaseVisibility visibility) {
    v1::CreateProjectRequest req;
    req.mutable_project()->set_organization_id(org);
    req.mutable_project()->set_name(std::string(name));
    req.mutable_project()->set_case_visibility(visibility);
    req.mutable_project()->set_accepts_concern_reports(true);
    return Must(stub(), &Stub::CreateProject, admin(), req, name).id();
  }

  static v1::CreatePrincipalRequest PrincipalRequest(v1::PrincipalKind kind, const std::string& org,
                                                     const std::string& name) {
    v1::CreatePrincipalRequest req;
    req.mutable_principal()->set_display_name(name);
    req.mutable_principal()->set_kind(kind);
    req.mutable_principal()->set_organization_id(org);
    return req;
  }

  std::string NewPrincipal(v1::PrincipalKind kind, const std::string& org, std::string_view name) {
    return Must(stub(), &Stub::CreatePrincipal, admin(), PrincipalRequest(kind, org, Fresh(name)),
                StrCat("CreatePrincipal ", name))
        .id();
  }

  // An ID token of the data subjects' identity provider for the person with
  // `personal_code`.
  std::string SubjectIdToken(const std::string& personal_code, int64_t ttl_seconds = 600) const {
    return idp.Token(kCitizens, StrCat("EE", personal_code), ttl_seconds);
  }
  // The data subject with `personal_code` signs in (the vault creates their
  // principal on the first sign-in); returns the principal's id.
  std::string NewDataSubject(const std::string& personal_code) {
    v1::ExchangeIdTokenRequest req;
    req.set_id_token(SubjectIdToken(personal_code));
    const std::string token =
        Must(stub(), &Stub::ExchangeIdToken, std::string(), req, "ExchangeIdToken subject").token();
    return Must(stub(), &Stub::WhoAmI, token, v1::WhoAmIRequest(), "WhoAmI subject").principal_id();
  }
  // An ID token of `org`'s identity provider naming `principal`.
  std::string StaffIdToken(const std::string& org, const std::string& principal,
                           int64_t ttl_seconds = 600) const {
    return idp.Token(testing::TestIdentityProvider::IssuerFor(org), principal, ttl_seconds);
  }

  static v1::Membership MembershipOf(std::string_view role, const std::string& org,
                                     const std::string& project) {
    v1::Membership m;
    m.set_role(std::string(role));
    m.set_organization_id(org);
    m.set_project_id(project);
    return m;
  }

  // Grants under four eyes: at once for an organisation's first head,
  // otherwise requested by the administrator and approved by a head.
  void Grant(const std::string& principal_id, std::string_view role, const std::string& org,
             const std::string& project) {
    enrol_->Grant(principal_id, std::string(role), org, project);
  }

  // `principal` (of `org`) signs in; the session with its id.
  v1::IssueTokenResponse IssueTokenFull(const std::string& principal_id, const std::string& org) {
    v1::ExchangeIdTokenRequest req;
    req.set_id_token(StaffIdToken(org, principal_id));
    req.set_ttl_seconds(3600);
    return Must(stub(), &Stub::ExchangeIdToken, std::string(), req, "ExchangeIdToken");
  }
  // `principal` signs in; the session token.
  std::string IssueToken(const std::string& principal_id) { return enrol_->Login(principal_id); }
  // A head of `org` other than `not_principal`, to approve a grant request.
  std::string ApproverFor(const std::string& org, const std::string& not_principal = "") const {
    return enrol_->ApproverFor(org, not_principal);
  }
  // The caller whose token `token` is (kCallerCount for none).
  Caller CallerOf(const std::string& token) const {
    for (int c = 0; c < kCallerCount; ++c) {
      if (tokens_[c] == token) return static_cast<Caller>(c);
    }
    return kCallerCount;
  }

  // A fresh staff principal of `org` holding `role` in `org`/`project`.
  std::string NewMember(const std::string& org, std::string_view role, const std::string& project) {
    std::string id = NewPrincipal(v1::PRINCIPAL_KIND_STAFF, org, role);
    Grant(id, role, org, project);
    return id;
  }

  v1::CreateClientRequest ClientRequest(const std::string& org, const std::string& project,
                                        const std::string& code) {
    v1::CreateClientRequest req;
    auto* c = req.mutable_client();
    c->set_organization_id(org);
    c->add_project_ids(project);
    c->set_given_name("Mari");
    c->set_family_name(Fresh("Maasikas"));
    if (code.empty()) {
      c->set_no_personal_code_reason("foreign national, no code");
    } else {
      c->set_personal_code(code);
    }
    return req;
  }

  std::string NewClient(const std::string& token, const std::string& org,
                        const std::string& project, const std::string& code) {
    return Must(stub(), &Stub::CreateClient, token, ClientRequest(org, project, code),
                "CreateClient")
        .id();
  }

  v1::CreateCaseRequest CaseRequest(const std::string& project, const std::string& client,
                                    const std::string& assignee) {
    v1::CreateCaseRequest req;
    auto* c = req.mutable_case_();
    c->set_project_id(project);
    c->set_client_id(client);
    c->set_title(Fresh("case"));
    c->set_assigned_worker_id(assignee);
    return req;
  }

  std::string NewCase(const std::string& token, const std::string& project,
                      const std::string& client, const std::string& assignee) {
    return Must(stub(), &Stub::CreateCase, token, CaseRequest(project, client, assignee),
                "CreateCase")
        .id();
  }

  v1::Document DocumentHeader(const std::string& project, const std::string& client,
                              const std::string& case_id) {
    v1::Document h;
    h.set_project_id(project);
    h.set_client_id(client);
    h.set_case_id(case_id);
    h.set_title(Fresh("home visit notes"));
    h.set_kind("home_visit_notes");
    h.set_content_type("text/plain");
    return h;
  }

  std::string NewDocument(const std::string& token, const std::string& project,
                          const std::string& client, const std::string& case_id) {
    v1::Document out;
    grpc::Status s =
        Upload(stub(), token, DocumentHeader(project, client, case_id), kContent, &out);
    if (!s.ok()) {
      ADD_FAILURE() << "UploadDocument: " << CodeName(s.error_code()) << ": " << s.error_message();
    }
    return out.id();
  }

  static constexpr char kContent[] = "the content of a document";
  static constexpr char kCitizens[] = "https://citizens.test";

  // Signs ID tokens for every organisation and for the data subjects.
  testing::TestIdentityProvider idp;

  std::string org_a, org_b, p1, p2, q1;
  std::string head_b_token, cw_p2, cw_q1;
  std::string c1, cp1, c2, cb, code_p1, code_p2, code_b;
  std::string cn1, cnb;
  std::string r1, r2, rb, ins_a, ins_b;
  std::string rsc_a, rsc_b, hold_a, hold_b;
  std::string k1, k2, k3, kb, d1, d2, d3, db;

 private:
  testing::TempDir dir_;
  std::unique_ptr<service::VaultServer> server_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<testing::Enrolment> enrol_;
  std::array<std::string, kCallerCount> tokens_;
  std::array<std::string, kCallerCount> principals_;
  int serial_ = 0;
  int next_code_ = 100;

  void NewCaller(Caller c, v1::PrincipalKind kind, const std::string& org, std::string_view role,
                 const std::string& role_org, const std::string& role_project) {
    principals_[c] = NewPrincipal(kind, org, kCallerNames[c]);
    if (!role.empty()) Grant(principals_[c], role, role_org, role_project);
    tokens_[c] = IssueToken(principals_[c]);
  }
};

// ---------------------------------------------------------------------------
// The table.

using CallFn = std::function<grpc::Status(const std::string& token)>;

struct Row {
  std::string rpc;     // the method's name (unique across hoidla.v1)
  std::string scope;   // where the target is, seen from the callers
  std::string expect;  // one letter per caller (kCallerNames order)
  // For writes into containers: NOT_FOUND answers must start with
  // "<field>: " (empty: not checked).
  std::string not_found_field;
  CallFn call;  // builds a fresh request and makes the call with a token
  // The call needs no credential and ignores the caller's (ExchangeIdToken):
  // its audit entry names the principal signed in, or no one.
  bool credential_free = false;
};

// A unary call whose request `build()` makes afresh for every call.
template <typename Req, typename Resp, typename Build>
CallFn Unary(World* w, UnaryRpc<Req, Resp> rpc, Build build) {
  return [w, rpc, build](const std::string& token) {
    Req req = build();
    Resp resp;
    return Call(w->stub(), rpc, token, req, &resp);
  };
}

CallFn UploadInto(World* w, std::string project, std::string client, std::string case_id) {
  return [w, project, client, case_id](const std::string& token) {
    v1::Document out;
    return Upload(w->stub(), token, w->DocumentHeader(project, client, case_id), World::kContent,
                  &out);
  };
}

CallFn DownloadOf(World* w, std::string id) {
  return [w, id](const std::string& token) {
    std::string content;
    return Download(w->stub(), token, id, &content);
  };
}

// ExportAudit from the start, draining the stream.
CallFn ExportAuditCall(World* w, const std::string& org = "") {
  return [w, org](const std::string& token) {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", StrCat("Bearer ", token));
    v1::ExportAuditRequest req;
    req.set_organization_id(org);
    auto reader = w->stub()->ExportAudit(&ctx, req);
    v1::AuditBundle part;
    while (reader->Read(&part)) {
    }
    return reader->Finish();
  };
}

template <typename Req>
Req WithId(const std::string& id) {
  Req req;
  req.set_id(id);
  return req;
}

// The table keeps its columns aligned by hand.
// clang-format off
std::vector<Row> BuildTable(World* w) {
  std::vector<Row> rows;
  auto add = [&rows](std::string rpc, std::string scope, std::string expect, CallFn call,
                     std::string not_found_field = "") {
    rows.push_back({std::move(rpc), std::move(scope), std::move(expect),
                    std::move(not_found_field), std::move(call)});
  };
  auto add_free = [&rows](std::string rpc, std::string scope, std::string expect, CallFn call) {
    rows.push_back({std::move(rpc), std::move(scope), std::move(expect), "", std::move(call),
                    /*credential_free=*/true});
  };
  const World& x = *w;
  constexpr auto kStaff = v1::PRINCIPAL_KIND_STAFF;
  // Well-formed ids of objects that do not exist.
  const std::string kNoOrg = MakeId(IdKind::kOrganization, 1, {});
  const std::string kNoProject = MakeId(IdKind::kProject, 1, {});
  const std::string kNoPrincipal = MakeId(IdKind::kPrincipal, 1, {});
  const std::string kNoClient = MakeId(IdKind::kClient, 1, {});
  const std::string kNoCase = MakeId(IdKind::kCase, 1, {});
  const std::string kNoDocument = MakeId(IdKind::kDocument, 1, {});
  const std::string kNoRecord = MakeId(IdKind::kRecord, 1, {});
  const std::string kNoConsent = MakeId(IdKind::kConsent, 1, {});
  const std::string kNoInstrument = MakeId(IdKind::kInstrument, 1, {});

  //                                                   a h p c c s p a d n
  //                                                   d e m w w p a u p o
  //                                                   m a     2   r d o n
  // ---- Identity
  add("WhoAmI", "global",                             "O O O O O O O O O O",
      Unary(w, &Stub::WhoAmI, [] { return v1::WhoAmIRequest(); }));
  add("CreatePrincipal", "global",                    "O P P P P P P P P P",
      Unary(w, &Stub::CreatePrincipal,
            [w] { return World::PrincipalRequest(v1::PRINCIPAL_KIND_STAFF, w->org_a,
                                                 w->Fresh("new staff")); }));
  add("GetPrincipal", "own_project (cw)",              "O O O P P P P P P P",
      Unary(w, &Stub::GetPrincipal,
            [id = x.principal(kCw)] { return WithId<v1::GetPrincipalRequest>(id); }));
  add("GetPrincipal", "other_org (partner)",          "O N N P P P P P P P",
      Unary(w, &Stub::GetPrincipal,
            [id = x.principal(kPartner)] { return WithId<v1::GetPrincipalRequest>(id); }));
  add("GetPrincipal", "nonexistent",                  "N N N P P P P P P P",
      Unary(w, &Stub::GetPrincipal,
            [id = kNoPrincipal] { return WithId<v1::GetPrincipalRequest>(id); }));
  add("ListPrincipals", "global",                     "O O O P P P P P P P",
      Unary(w, &Stub::ListPrincipals, [] { return v1::ListPrincipalsRequest(); }));
  add("ListPrincipals", "own_org",                    "O O O P P P P P P P",
      Unary(w, &Stub::ListPrincipals, [org = x.org_a] {
        v1::ListPrincipalsRequest req;
        req.set_organization_id(org);
        return req;
      }));
  add("ListPrincipals", "other_org",                  "O N N P P P P P P P",
      Unary(w, &Stub::ListPrincipals, [org = x.org_b] {
        v1::ListPrincipalsRequest req;
        req.set_organization_id(org);
        return req;
      }));
  // A CA certificate (public, no key): only its shape matters here.
  static const char kCaPem[] =
      "-----BEGIN CERTIFICATE-----\n"
      "MIIBtjCCAV2gAwIBAgIUe6N2wqdEJgIWSJ3TsqsZoPEVRMkwCgYIKoZIzj0EAwIw\n"
      "MDEXMBUGA1UEAwwOSG9pZGxhIFRlc3QgQ0ExFTATBgNVBAoMDEhvaWRsYSBUZXN0\n"
      "czAgFw0yNjExMjIxOTMwNTNaGA8yMTI2MTAyOTE5MzA1M1owMDEXMBUGA1UEAwwO\n"
      "SG9pZGxhIFRlc3QgQ0ExFTATBgNVBAoMDEhvaWRsYSBUZXN0czBZMBMGByqGSM49\n"
      "AgEGCCqGSM49AwEHA0IABFIgSl7oqoI7idIBYVjjjK3fzNjnfLkXuQv4eZd1SV+6\n"
      "63SeRBR+hsQPOWo1pF4NYN1jc7MRAF23WK6UShqaw0WjUzBRMB0GA1UdDgQWBBS0\n"
      "YLAubUzP8KmcyHES5x2CGWz0PjAfBgNVHSMEGDAWgBS0YLAubUzP8KmcyHES5x2C\n"
      "GWz0PjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIH3QPhbHsdRe\n"
      "ZALwCrlJN/3ZuIucvzKN4AVv13RRHRKEAiBUjcPQsZKwu/RnLbfRseIF5JD4UOy9\n"
      "soKS4RiSPAeqSw==\n"
      "-----END CERTIFICATE-----\n";
  // A CRL (any issuer, next update in 2126): only its shape matters here.
  static const char kCrlPem[] =
      "-----BEGIN X509 CRL-----\n"
      "MIGyMFoCAQEwCgYIKoZIzj0EAwIwGTEXMBUGA1UEAwwOSG9pZGxhIFRlc3QgQ0EX\n"
      "DTI2MTIwMzEyMjkwN1oYDzIxMjYxMTA5MTIyOTA3WqAOMAwwCgYDVR0UBAMCAQEw\n"
      "CgYIKoZIzj0EAwIDSAAwRQIhAPAeHS9E1a+1+GaOC+fPsJRuFP6raZD/tDh0zytE\n"
      "isCeAiAbFqBMWNSpLaMIZsoSb23XL07jaPLuBvFsecXTVCDMKA==\n"
      "-----END X509 CRL-----\n";
  const std::string kNoGrantRequest = MakeId(IdKind::kGrantRequest, 1, {});
  const std::string kNoToken = MakeId(IdKind::kToken, 1, {});
  const std::string kNoSchedule = MakeId(IdKind::kRetentionSchedule, 1, {});
  const std::string kNoHold = MakeId(IdKind::kLegalHold, 1, {});

  // Grants apply at once only for the first head of an organisation that
  // has none and holds no client data; A and B have heads, so every other
  // membership is FAILED_PRECONDITION (request it with CreateGrantRequest)
  // for whoever may grant it, before anything is written.
  // A fresh principal (created by the administrator) gets a fresh
  // project-scoped role.
  auto add_membership = [w](std::string org, std::string project) {
    return [w, org, project] {
      v1::AddMembershipRequest req;
      req.set_id(w->NewPrincipal(kStaff, org, "new member"));
      *req.mutable_membership() = World::MembershipOf("case_worker", org, project);
      return req;
    };
  };
  add("AddMembership", "own_project",                 "F F F P P P P P P P",
      Unary(w, &Stub::AddMembership, add_membership(x.org_a, x.p1)));
  add("AddMembership", "other_project",               "F F N P P P P P P P",
      Unary(w, &Stub::AddMembership, add_membership(x.org_a, x.p2)), "membership.project_id");
  add("AddMembership", "other_org",                   "F N N P P P P P P P",
      Unary(w, &Stub::AddMembership, add_membership(x.org_b, x.q1)), "membership.project_id");
  add("AddMembership", "nonexistent project",         "N N N P P P P P P P",
      Unary(w, &Stub::AddMembership, [w, id = kNoProject] {
        v1::AddMembershipRequest req;
        req.set_id(w->NewPrincipal(v1::PRINCIPAL_KIND_STAFF, w->org_a, "new member"));
        *req.mutable_membership() = World::MembershipOf("case_worker", w->org_a, id);
        return req;
      }), "membership.project_id");
  // B's project named under A: only the administrator can see that it
  // belongs elsewhere.
  add("AddMembership", "other_org project under own_org", "I N N P P P P P P P",
      Unary(w, &Stub::AddMembership, [w] {
        v1::AddMembershipRequest req;
        req.set_id(w->NewPrincipal(v1::PRINCIPAL_KIND_STAFF, w->org_a, "new member"));
        *req.mutable_membership() = World::MembershipOf("case_worker", w->org_a, w->q1);
        return req;
      }), "membership.project_id");
  add("AddMembership", "second head of own_org",      "F F P P P P P P P P",
      Unary(w, &Stub::AddMembership, [w] {
        v1::AddMembershipRequest req;
        req.set_id(w->NewPrincipal(v1::PRINCIPAL_KIND_STAFF, w->org_a, "head"));
        *req.mutable_membership() = World::MembershipOf("head_of_organization", w->org_a, "");
        return req;
      }));
  // A fresh organisation being enrolled (no head, no client data): its first
  // head at once.
  add("AddMembership", "first head of an org being enrolled", "O N P P P P P P P P",
      Unary(w, &Stub::AddMembership, [w] {
        const std::string org = w->NewOrganization(w->Fresh("enrolling"));
        v1::AddMembershipRequest req;
        req.set_id(w->NewPrincipal(v1::PRINCIPAL_KIND_STAFF, org, "first head"));
        *req.mutable_membership() = World::MembershipOf("head_of_organization", org, "");
        return req;
      }), "membership.organization_id");
  // A fresh principal holding the role to remove.
  auto remove_membership = [w](std::string org, std::string project) {
    return [w, org, project] {
      v1::RemoveMembershipRequest req;
      req.set_id(w->NewMember(org, "case_worker", project));
      *req.mutable_membership() = World::MembershipOf("case_worker", org, project);
      return req;
    };
  };
  add("RemoveMembership", "own_project",              "O O O P P P P P P P",
      Unary(w, &Stub::RemoveMembership, remove_membership(x.org_a, x.p1)));
  add("RemoveMembership", "other_project",            "O O N P P P P P P P",
      Unary(w, &Stub::RemoveMembership, remove_membership(x.org_a, x.p2)));
  add("RemoveMembership", "other_org",                "O N N P P P P P P P",
      Unary(w, &Stub::RemoveMembership, remove_membership(x.org_b, x.q1)));
  auto map_certificate = [w](bool enrolling) {
    return [w, enrolling] {
      const std::string org = enrolling ? w->NewOrganization(w->Fresh("enrolling")) : w->org_a;
      v1::MapCertificateRequest req;
      req.set_id(w->NewPrincipal(v1::PRINCIPAL_KIND_STAFF, org, "certificate holder"));
      req.set_subject(StrCat("CN=", w->Fresh("worker"), ",O=Tugikeskus"));
      return req;
    };
  };
  add("MapCertificate", "own_org (has a head)",       "F P P P P P P P P P",
      Unary(w, &Stub::MapCertificate, map_certificate(false)), "subject");
  add("MapCertificate", "an org being enrolled",      "O P P P P P P P P P",
      Unary(w, &Stub::MapCertificate, map_certificate(true)));
  // A principal of `org` with a mapped certificate (requested by the
  // administrator, approved by a head of `org`), and the subject.
  auto remove_certificate = [w](bool a, bool mapped) {
    return [w, a, mapped] {
      const std::string org = a ? w->org_a : w->org_b;
      const std::string prn = w->NewPrincipal(v1::PRINCIPAL_KIND_STAFF, org, "cert holder");
      const std::string subject = StrCat("CN=", w->Fresh("mapped"), ",O=Tugikeskus");
      if (mapped) {
        v1::CreateGrantRequestRequest g;
        g.mutable_grant_request()->mutable_certificate()->set_principal_id(prn);
        g.mutable_grant_request()->mutable_certificate()->set_subject(subject);
        auto created = Must(w->stub(), &Stub::CreateGrantRequest, w->admin(), g,
                            "CreateGrantRequest certificate");
        v1::ApproveGrantRequestRequest approve;
        approve.set_id(created.grant_request().id());
        Must(w->stub(), &Stub::ApproveGrantRequest, w->ApproverFor(org), approve,
             "ApproveGrantRequest certificate");
      }
      v1::RemoveCertificateMappingRequest req;
      req.set_id(prn);
      req.set_subject(subject);
      return req;
    };
  };
  add("RemoveCertificateMapping", "own_org",          "O O P P P P P P P P",
      Unary(w, &Stub::RemoveCertificateMapping, remove_certificate(true, true)));
  add("RemoveCertificateMapping", "other_org",        "O N P P P P P P P P",
      Unary(w, &Stub::RemoveCertificateMapping, remove_certificate(false, true)),
      "id");
  add("RemoveCertificateMapping", "own_org, subject not mapped", "N N P P P P P P P P",
      Unary(w, &Stub::RemoveCertificateMapping, remove_certificate(true, false)), "subject");
  add("RemoveCertificateMapping", "nonexistent principal", "N N P P P P P P P P",
      Unary(w, &Stub::RemoveCertificateMapping, [id = kNoPrincipal] {
        v1::RemoveCertificateMappingRequest req;
        req.set_id(id);
        req.set_subject("CN=nobody,O=Tugikeskus");
        return req;
      }), "id");
  auto client_ca = [w](bool enrolling) {
    return [w, enrolling] {
      v1::SetOrganizationClientCaRequest req;
      req.set_id(enrolling ? w->NewOrganization(w->Fresh("enrolling")) : w->org_a);
      req.set_ca_pem(kCaPem);
      return req;
    };
  };
  add("SetOrganizationClientCa", "own_org (has a head)", "F P P P P P P P P P",
      Unary(w, &Stub::SetOrganizationClientCa, client_ca(false)), "ca_pem");
  add("SetOrganizationClientCa", "an org being enrolled", "O P P P P P P P P P",
      Unary(w, &Stub::SetOrganizationClientCa, client_ca(true)));
  // Revocation lists narrow access only: the administrator and the
  // organisation's heads, at once. (Only a list is set here: removing one,
  // an empty crl_pem, is not in the table; see the report.)
  auto crl = [](std::string org) {
    return [org] {
      v1::SetOrganizationCrlRequest req;
      req.set_id(org);
      req.set_crl_pem(kCrlPem);
      return req;
    };
  };
  add("SetOrganizationCrl", "own_org",                "O O P P P P P P P P",
      Unary(w, &Stub::SetOrganizationCrl, crl(x.org_a)));
  add("SetOrganizationCrl", "other_org",              "O N P P P P P P P P",
      Unary(w, &Stub::SetOrganizationCrl, crl(x.org_b)), "id");
  add("SetOrganizationCrl", "nonexistent",            "N N P P P P P P P P",
      Unary(w, &Stub::SetOrganizationCrl, crl(kNoOrg)), "id");
  auto identity_provider = [w](bool enrolling) {
    return [w, enrolling] {
      v1::SetOrganizationIdentityProviderRequest req;
      req.set_id(enrolling ? w->NewOrganization(w->Fresh("enrolling")) : w->org_a);
      auto* p = req.mutable_identity_provider();
      p->set_issuer(StrCat("https://idp.test/other-", w->FreshSlug()));
      p->set_audience("hoidla");
      p->set_jwks_json(w->idp.jwks());
      return req;
    };
  };
  add("SetOrganizationIdentityProvider", "own_org (has a head)", "F P P P P P P P P P",
      Unary(w, &Stub::SetOrganizationIdentityProvider, identity_provider(false)),
      "identity_provider");
  add("SetOrganizationIdentityProvider", "an org being enrolled", "O P P P P P P P P P",
      Unary(w, &Stub::SetOrganizationIdentityProvider, identity_provider(true)));
  // Nobody creates a data subject's account: it comes from the client's
  // own sign-in (ExchangeIdToken).
  add("CreatePrincipal", "data subject, own_project client", "P P P P P P P P P P",
      Unary(w, &Stub::CreatePrincipal, [c = x.cp1] {
        v1::CreatePrincipalRequest req;
        req.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_DATA_SUBJECT);
        req.mutable_principal()->set_client_id(c);
        return req;
      }));
  // Nobody issues a token for another person: not for a data subject, not
  // for staff.
  add("IssueToken", "data subject of own_project client", "P P P P P P P P P P",
      Unary(w, &Stub::IssueToken, [w, code = x.code_p1] {
        v1::IssueTokenRequest req;
        req.set_id(w->NewDataSubject(code));
        req.set_ttl_seconds(60);
        return req;
      }));
  add("IssueToken", "data subject of other_org client", "P P P P P P P P P P",
      Unary(w, &Stub::IssueToken, [w, code = x.code_b] {
        v1::IssueTokenRequest req;
        req.set_id(w->NewDataSubject(code));
        req.set_ttl_seconds(60);
        return req;
      }));
  add("IssueToken", "staff of own_org",               "P P P P P P P P P P",
      Unary(w, &Stub::IssueToken, [w] {
        v1::IssueTokenRequest req;
        req.set_id(w->NewPrincipal(kStaff, w->org_a, "token holder"));
        req.set_ttl_seconds(3600);
        return req;
      }), "principal_id");
  add("IssueToken", "a head of own_org (the head for themselves: own session)",
                                                      "P O P P P P P P P P",
      Unary(w, &Stub::IssueToken, [id = x.principal(kHead)] {
        v1::IssueTokenRequest req;
        req.set_id(id);
        req.set_ttl_seconds(60);
        return req;
      }));
  // Every authenticated caller opens a session of their own.
  add("IssueToken", "own session",                    "O O O O O O O O O O",
      Unary(w, &Stub::IssueToken, [] {
        v1::IssueTokenRequest req;
        req.set_ttl_seconds(60);
        return req;
      }));
  auto service_account = [w](std::string org) {
    v1::CreatePrincipalRequest req;
    req.mutable_principal()->set_display_name(w->Fresh("service account"));
    req.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT);
    req.mutable_principal()->set_organization_id(org);
    return Must(w->stub(), &Stub::CreatePrincipal, w->admin(), req, "CreatePrincipal service")
        .id();
  };
  add("IssueToken", "service account of own_org (has a head)", "F P P P P P P P P P",
      Unary(w, &Stub::IssueToken, [w, service_account] {
        v1::IssueTokenRequest req;
        req.set_id(service_account(w->org_a));
        req.set_ttl_seconds(3600);
        return req;
      }), "principal_id");
  add("IssueToken", "service account of no organisation", "O P P P P P P P P P",
      Unary(w, &Stub::IssueToken, [service_account] {
        v1::IssueTokenRequest req;
        req.set_id(service_account(""));
        req.set_ttl_seconds(3600);
        return req;
      }));
  // A fresh session of a fresh staff member of `org`.
  auto fresh_session = [w](std::string org) {
    return w->IssueTokenFull(w->NewPrincipal(kStaff, org, "token holder"), org);
  };
  add("RevokeToken", "own_org staff's",               "O O P P P P P P P P",
      Unary(w, &Stub::RevokeToken, [w, fresh_session] {
        v1::RevokeTokenRequest req;
        req.set_id(fresh_session(w->org_a).token_id());
        return req;
      }), "id");
  add("RevokeToken", "other_org staff's",             "O N P P P P P P P P",
      Unary(w, &Stub::RevokeToken, [w, fresh_session] {
        v1::RevokeTokenRequest req;
        req.set_id(fresh_session(w->org_b).token_id());
        return req;
      }), "id");
  add("RevokeToken", "nonexistent",                   "N N P P P P P P P P",
      Unary(w, &Stub::RevokeToken, [id = kNoToken] {
        v1::RevokeTokenRequest req;
        req.set_id(id);
        return req;
      }), "id");
  // The caller's own second session, opened with the caller's token.
  add("RevokeToken", "own",                           "O O O O O O O O O O",
      [w](const std::string& token) {
        v1::IssueTokenRequest issue;
        issue.set_ttl_seconds(60);
        const auto own = Must(w->stub(), &Stub::IssueToken, token, issue, "IssueToken own");
        v1::RevokeTokenRequest req;
        req.set_id(own.token_id());
        v1::RevokeTokenResponse resp;
        return Call(w->stub(), &Stub::RevokeToken, token, req, &resp);
      });
  auto list_tokens = [](std::string principal) {
    return [principal] {
      v1::ListTokensRequest req;
      req.set_principal_id(principal);
      return req;
    };
  };
  add("ListTokens", "own_org staff's",                "O O P P P P P P P P",
      Unary(w, &Stub::ListTokens, [w] {
        const std::string prn = w->NewPrincipal(kStaff, w->org_a, "token holder");
        w->IssueTokenFull(prn, w->org_a);
        v1::ListTokensRequest req;
        req.set_principal_id(prn);
        return req;
      }), "principal_id");
  add("ListTokens", "other_org (partner's)",          "O N P P P P O P P P",
      Unary(w, &Stub::ListTokens, list_tokens(x.principal(kPartner))), "principal_id");
  add("ListTokens", "nonexistent",                    "N N P P P P P P P P",
      Unary(w, &Stub::ListTokens, list_tokens(kNoPrincipal)), "principal_id");
  add("ListTokens", "own",                            "O O O O O O O O O O",
      [w](const std::string& token) {
        v1::ListTokensRequest req;
        const Caller c = w->CallerOf(token);
        if (c != kCallerCount) req.set_principal_id(w->principal(c));
        v1::ListTokensResponse resp;
        return Call(w->stub(), &Stub::ListTokens, token, req, &resp);
      });
  auto disable = [w](std::string org) {
    return [w, org] {
      return WithId<v1::DisablePrincipalRequest>(
          w->NewPrincipal(v1::PRINCIPAL_KIND_STAFF, org, "to disable"));
    };
  };
  add("DisablePrincipal", "own_org",                  "O O P P P P P P P P",
      Unary(w, &Stub::DisablePrincipal, disable(x.org_a)), "id");
  add("DisablePrincipal", "other_org",                "O N P P P P P P P P",
      Unary(w, &Stub::DisablePrincipal, disable(x.org_b)), "id");
  add("DisablePrincipal", "nonexistent",              "N N P P P P P P P P",
      Unary(w, &Stub::DisablePrincipal,
            [id = kNoPrincipal] { return WithId<v1::DisablePrincipalRequest>(id); }),
      "id");

  // ---- Signing in (no credential: the ID token is the credential)
  auto exchange = [](std::function<std::string()> id_token) {
    return [id_token] {
      v1::ExchangeIdTokenRequest req;
      req.set_id_token(id_token());
      req.set_ttl_seconds(60);
      return req;
    };
  };
  // First: the row the no-credential test calls.
  add_free("ExchangeIdToken", "an id token signed by an unknown key", "U U U U U U U U U U",
           Unary(w, &Stub::ExchangeIdToken, exchange([w] {
             testing::TestIdentityProvider stranger;
             return stranger.Token(testing::TestIdentityProvider::IssuerFor(w->org_a),
                                   w->principal(kCw));
           })));
  add_free("ExchangeIdToken", "own_org staff",       "O O O O O O O O O O",
           Unary(w, &Stub::ExchangeIdToken, exchange([w] {
             return w->StaffIdToken(w->org_a, w->principal(kCw));
           })));
  add_free("ExchangeIdToken", "data subject (citizens' provider)", "O O O O O O O O O O",
           Unary(w, &Stub::ExchangeIdToken,
                 exchange([w] { return w->SubjectIdToken(w->code_p1); })));
  add_free("ExchangeIdToken", "own_org's provider naming other_org staff", "U U U U U U U U U U",
           Unary(w, &Stub::ExchangeIdToken, exchange([w] {
             return w->StaffIdToken(w->org_a, w->principal(kPartner));
           })));
  add_free("ExchangeIdToken", "expired",             "U U U U U U U U U U",
           Unary(w, &Stub::ExchangeIdToken, exchange([w] {
             return w->StaffIdToken(w->org_a, w->principal(kCw), -120);
           })));
  add_free("ExchangeIdToken", "another audience",    "U U U U U U U U U U",
           Unary(w, &Stub::ExchangeIdToken, exchange([w] {
             return w->idp.Token(testing::TestIdentityProvider::IssuerFor(w->org_a),
                                 w->principal(kCw), 600, "someone-else");
           })));
  add_free("ExchangeIdToken", "citizens' provider, no client with the code",
                                                     "U U U U U U U U U U",
           Unary(w, &Stub::ExchangeIdToken,
                 exchange([w] { return w->SubjectIdToken(PersonalCode(998)); })));

  // ---- Grant requests (four eyes)
  auto membership_request = [w](std::string org, std::string project, std::string role) {
    return [w, org, project, role] {
      v1::CreateGrantRequestRequest req;
      auto* g = req.mutable_grant_request()->mutable_membership();
      g->set_principal_id(w->NewPrincipal(v1::PRINCIPAL_KIND_STAFF, org, "grantee"));
      *g->mutable_membership() = World::MembershipOf(role, org, project);
      return req;
    };
  };
  add("CreateGrantRequest", "membership, own_project", "O O O P P P P P P P",
      Unary(w, &Stub::CreateGrantRequest, membership_request(x.org_a, x.p1, "case_worker")));
  add("CreateGrantRequest", "membership, other_project", "O O N P P P P P P P",
      Unary(w, &Stub::CreateGrantRequest, membership_request(x.org_a, x.p2, "case_worker")),
      "membership.project_id");
  add("CreateGrantRequest", "membership, other_org", "O N N P P P P P P P",
      Unary(w, &Stub::CreateGrantRequest, membership_request(x.org_b, x.q1, "case_worker")),
      "membership.project_id");
  add("CreateGrantRequest", "membership, head of own_org", "O O P P P P P P P P",
      Unary(w, &Stub::CreateGrantRequest,
            membership_request(x.org_a, "", "head_of_organization")));
  // A deployment-wide role needs no approval: AddMembership.
  add("CreateGrantRequest", "membership, deployment role", "I P P P P P P P P P",
      Unary(w, &Stub::CreateGrantRequest, [w] {
        v1::CreateGrantRequestRequest req;
        auto* g = req.mutable_grant_request()->mutable_membership();
        g->set_principal_id(w->NewPrincipal(v1::PRINCIPAL_KIND_STAFF, w->org_a, "grantee"));
        *g->mutable_membership() = World::MembershipOf("system_administrator", "", "");
        return req;
      }), "grant_request");
  add("CreateGrantRequest", "certificate, own_org",  "O P P P P P P P P P",
      Unary(w, &Stub::CreateGrantRequest, [w] {
        v1::CreateGrantRequestRequest req;
        auto* g = req.mutable_grant_request()->mutable_certificate();
        g->set_principal_id(w->NewPrincipal(v1::PRINCIPAL_KIND_STAFF, w->org_a, "holder"));
        g->set_subject(StrCat("CN=", w->Fresh("requested"), ",O=Tugikeskus"));
        return req;
      }));
  add("CreateGrantRequest", "client CA, own_org",    "O P P P P P P P P P",
      Unary(w, &Stub::CreateGrantRequest, [org = x.org_a] {
        v1::CreateGrantRequestRequest req;
        req.mutable_grant_request()->set_organization_id(org);
        req.mutable_grant_request()->mutable_client_ca()->set_ca_pem(kCaPem);
        return req;
      }));
  add("CreateGrantRequest", "identity provider, own_org", "O P P P P P P P P P",
      Unary(w, &Stub::CreateGrantRequest, [w] {
        v1::CreateGrantRequestRequest req;
        req.mutable_grant_request()->set_organization_id(w->org_a);
        auto* p = req.mutable_grant_request()->mutable_identity_provider();
        p->set_issuer(StrCat("https://idp.test/requested-", w->FreshSlug()));
        p->set_audience("hoidla");
        p->set_jwks_json(w->idp.jwks());
        return req;
      }));
  add("CreateGrantRequest", "act_for, own_org service account", "O P P P P P P P P P",
      Unary(w, &Stub::CreateGrantRequest, [w, service_account] {
        v1::CreateGrantRequestRequest req;
        req.mutable_grant_request()->mutable_act_for()->set_principal_id(
            service_account(w->org_a));
        return req;
      }));
  add("CreateGrantRequest", "service token, own_org service account", "O P P P P P P P P P",
      Unary(w, &Stub::CreateGrantRequest, [w, service_account] {
        v1::CreateGrantRequestRequest req;
        auto* g = req.mutable_grant_request()->mutable_service_token();
        g->set_principal_id(service_account(w->org_a));
        g->set_ttl_seconds(3600);
        return req;
      }));
  // Nobody issues a token for a person, with or without a second person.
  add("CreateGrantRequest", "service token for own_org staff", "P P P P P P P P P P",
      Unary(w, &Stub::CreateGrantRequest, [w] {
        v1::CreateGrantRequestRequest req;
        auto* g = req.mutable_grant_request()->mutable_service_token();
        g->set_principal_id(w->NewPrincipal(v1::PRINCIPAL_KIND_STAFF, w->org_a, "person"));
        g->set_ttl_seconds(3600);
        return req;
      }), "principal_id");
  // A pending request for a fresh case worker of `org`'s first project,
  // requested by `requester` (a token).
  auto pending = [w](std::string requester, std::string org, std::string project,
                     std::string grantee) {
    v1::CreateGrantRequestRequest req;
    auto* g = req.mutable_grant_request()->mutable_membership();
    g->set_principal_id(grantee.empty() ? w->NewPrincipal(kStaff, org, "grantee") : grantee);
    *g->mutable_membership() = World::MembershipOf(
        grantee.empty() ? "case_worker" : "project_manager", org, project);
    return Must(w->stub(), &Stub::CreateGrantRequest, requester, req, "CreateGrantRequest")
        .grant_request()
        .id();
  };
  add("GetGrantRequest", "own_org, requested by the administrator", "O O P P P P P O O P",
      Unary(w, &Stub::GetGrantRequest, [w, pending] {
        return WithId<v1::GetGrantRequestRequest>(pending(w->admin(), w->org_a, w->p1, ""));
      }), "id");
  add("GetGrantRequest", "own_org, requested by the project manager", "O O O P P P P O O P",
      Unary(w, &Stub::GetGrantRequest, [w, pending] {
        return WithId<v1::GetGrantRequestRequest>(pending(w->token(kPm), w->org_a, w->p1, ""));
      }), "id");
  add("GetGrantRequest", "other_org",                "O N P P P P P N N P",
      Unary(w, &Stub::GetGrantRequest, [w, pending] {
        return WithId<v1::GetGrantRequestRequest>(pending(w->admin(), w->org_b, w->q1, ""));
      }), "id");
  add("GetGrantRequest", "nonexistent",              "N N P P P P P N N P",
      Unary(w, &Stub::GetGrantRequest,
            [id = kNoGrantRequest] { return WithId<v1::GetGrantRequestRequest>(id); }),
      "id");
  auto list_grants = [](std::string org) {
    return [org] {
      v1::ListGrantRequestsRequest req;
      req.set_organization_id(org);
      req.set_state(v1::GRANT_REQUEST_STATE_PENDING);
      return req;
    };
  };
  add("ListGrantRequests", "own_org",                "O O P P P P P O O P",
      Unary(w, &Stub::ListGrantRequests, list_grants(x.org_a)));
  add("ListGrantRequests", "other_org",              "O N P P P P P N N P",
      Unary(w, &Stub::ListGrantRequests, list_grants(x.org_b)), "organization_id");
  add("ListGrantRequests", "nonexistent",            "O N P P P P P N N P",
      Unary(w, &Stub::ListGrantRequests, list_grants(kNoOrg)), "organization_id");
  // Only a head of the request's organisation who is neither its requester
  // nor the account it is for approves.
  add("ApproveGrantRequest", "own_org, requested by the administrator", "P O P P P P P P P P",
      Unary(w, &Stub::ApproveGrantRequest, [w, pending] {
        return WithId<v1::ApproveGrantRequestRequest>(
            pending(w->admin(), w->org_a, w->p1, ""));
      }), "id");
  add("ApproveGrantRequest", "own_org, requested by the head", "P P P P P P P P P P",
      Unary(w, &Stub::ApproveGrantRequest, [w, pending] {
        return WithId<v1::ApproveGrantRequestRequest>(
            pending(w->token(kHead), w->org_a, w->p1, ""));
      }), "id");
  add("ApproveGrantRequest", "own_org, for the head themselves", "P P P P P P P P P P",
      Unary(w, &Stub::ApproveGrantRequest, [w, pending] {
        return WithId<v1::ApproveGrantRequestRequest>(
            pending(w->admin(), w->org_a, w->p2, w->principal(kHead)));
      }), "id");
  add("ApproveGrantRequest", "other_org",            "P N P P P P P P P P",
      Unary(w, &Stub::ApproveGrantRequest, [w, pending] {
        return WithId<v1::ApproveGrantRequestRequest>(
            pending(w->admin(), w->org_b, w->q1, ""));
      }), "id");
  add("ApproveGrantRequest", "nonexistent",          "P N P P P P P P P P",
      Unary(w, &Stub::ApproveGrantRequest,
            [id = kNoGrantRequest] { return WithId<v1::ApproveGrantRequestRequest>(id); }),
      "id");
  // Its requester withdraws it; a head of its organisation denies it.
  add("DenyGrantRequest", "own_org, requested by the administrator", "O O P P P P P P P P",
      Unary(w, &Stub::DenyGrantRequest, [w, pending] {
        return WithId<v1::DenyGrantRequestRequest>(pending(w->admin(), w->org_a, w->p1, ""));
      }), "id");
  add("DenyGrantRequest", "own_org, requested by the project manager", "P O O P P P P P P P",
      Unary(w, &Stub::DenyGrantRequest, [w, pending] {
        return WithId<v1::DenyGrantRequestRequest>(pending(w->token(kPm), w->org_a, w->p1, ""));
      }), "id");
  add("DenyGrantRequest", "other_org",               "O N P P P P P P P P",
      Unary(w, &Stub::DenyGrantRequest, [w, pending] {
        return WithId<v1::DenyGrantRequestRequest>(pending(w->admin(), w->org_b, w->q1, ""));
      }), "id");
  add("DenyGrantRequest", "nonexistent",             "P N P P P P P P P P",
      Unary(w, &Stub::DenyGrantRequest,
            [id = kNoGrantRequest] { return WithId<v1::DenyGrantRequestRequest>(id); }),
      "id");

  // ---- Organisations and projects
  add("CreateOrganization", "global",                 "O P P P P P P P P P",
      Unary(w, &Stub::CreateOrganization, [w] {
        v1::CreateOrganizationRequest req;
        req.mutable_organization()->set_name(w->Fresh("organisation"));
        return req;
      }));
  add("GetOrganization", "own_org",                   "O O O O O P P P P P",
      Unary(w, &Stub::GetOrganization,
            [id = x.org_a] { return WithId<v1::GetOrganizationRequest>(id); }));
  add("GetOrganization", "other_org",                 "O N N N N P P P P P",
      Unary(w, &Stub::GetOrganization,
            [id = x.org_b] { return WithId<v1::GetOrganizationRequest>(id); }));
  add("GetOrganization", "nonexistent",               "N N N N N P P P P P",
      Unary(w, &Stub::GetOrganization,
            [id = kNoOrg] { return WithId<v1::GetOrganizationRequest>(id); }));
  add("ListOrganizations", "global",                  "O O O O O P P P P P",
      Unary(w, &Stub::ListOrganizations, [] { return v1::ListOrganizationsRequest(); }));
  auto create_project = [w](std::string org) {
    return [w, org] {
      v1::CreateProjectRequest req;
      req.mutable_project()->set_organization_id(org);
      req.mutable_project()->set_name(w->Fresh("project"));
      return req;
    };
  };
  add("CreateProject", "own_org",                     "O O P P P P P P P P",
      Unary(w, &Stub::CreateProject, create_project(x.org_a)));
  add("CreateProject", "other_org",                   "O N P P P P P P P P",
      Unary(w, &Stub::CreateProject, create_project(x.org_b)), "project.organization_id");
  add("GetProject", "own_project",                    "O O O O O P P P P P",
      Unary(w, &Stub::GetProject, [id = x.p1] { return WithId<v1::GetProjectRequest>(id); }));
  add("GetProject", "other_project",                  "O O N N N P P P P P",
      Unary(w, &Stub::GetProject, [id = x.p2] { return WithId<v1::GetProjectRequest>(id); }));
  add("GetProject", "other_org",                      "O N N N N P P P P P",
      Unary(w, &Stub::GetProject, [id = x.q1] { return WithId<v1::GetProjectRequest>(id); }));
  add("GetProject", "nonexistent",                    "N N N N N P P P P P",
      Unary(w, &Stub::GetProject,
            [id = kNoProject] { return WithId<v1::GetProjectRequest>(id); }));
  auto list_projects = [](std::string org) {
    return [org] {
      v1::ListProjectsRequest req;
      req.set_organization_id(org);
      return req;
    };
  };
  add("ListProjects", "own_org",                      "O O O O O P P P P P",
      Unary(w, &Stub::ListProjects, list_projects(x.org_a)));
  add("ListProjects", "other_org",                    "O N N N N P P P P P",
      Unary(w, &Stub::ListProjects, list_projects(x.org_b)));

  // ---- Clients
  auto create_client = [w](std::string org, std::string project) {
    return [w, org, project] { return w->ClientRequest(org, project, ""); };
  };
  add("CreateClient", "own_project",                  "P O O O O P P P P P",
      Unary(w, &Stub::CreateClient, create_client(x.org_a, x.p1)));
  add("CreateClient", "other_project",                "P O N N N P P P P P",
      Unary(w, &Stub::CreateClient, create_client(x.org_a, x.p2)), "client.project_ids[0]");
  add("CreateClient", "other_org",                    "P N N N N P P P P P",
      Unary(w, &Stub::CreateClient, create_client(x.org_b, x.q1)), "client.project_ids[0]");
  add("CreateClient", "nonexistent project",          "P N N N N P P P P P",
      Unary(w, &Stub::CreateClient, create_client(x.org_a, kNoProject)),
      "client.project_ids[0]");
  add("CreateClient", "other_org project under own_org", "P N N N N P P P P P",
      Unary(w, &Stub::CreateClient, create_client(x.org_a, x.q1)), "client.project_ids[0]");
  add("GetClient", "own_project",                     "P O O O O P P P P P",
      Unary(w, &Stub::GetClient, [id = x.c1] { return WithId<v1::GetClientRequest>(id); }));
  add("GetClient", "other_project",                   "P O N N N P P P P P",
      Unary(w, &Stub::GetClient, [id = x.c2] { return WithId<v1::GetClientRequest>(id); }));
  add("GetClient", "other_org",                       "P N N N N P P P P P",
      Unary(w, &Stub::GetClient, [id = x.cb] { return WithId<v1::GetClientRequest>(id); }));
  add("GetClient", "nonexistent",                     "P N N N N P P P P P",
      Unary(w, &Stub::GetClient, [id = kNoClient] { return WithId<v1::GetClientRequest>(id); }));
  auto find_client = [](std::string org, std::string code) {
    return [org, code] {
      v1::FindClientByPersonalCodeRequest req;
      req.set_organization_id(org);
      req.set_personal_code(code);
      return req;
    };
  };
  add("FindClientByPersonalCode", "own_project",      "P O O O O P P P P P",
      Unary(w, &Stub::FindClientByPersonalCode, find_client(x.org_a, x.code_p1)));
  add("FindClientByPersonalCode", "other_project",    "P O N N N P P P P P",
      Unary(w, &Stub::FindClientByPersonalCode, find_client(x.org_a, x.code_p2)));
  add("FindClientByPersonalCode", "other_org",        "P N N N N P P P P P",
      Unary(w, &Stub::FindClientByPersonalCode, find_client(x.org_b, x.code_b)));
  add("FindClientByPersonalCode", "nonexistent (own_org)", "P N N N N P P P P P",
      Unary(w, &Stub::FindClientByPersonalCode, find_client(x.org_a, PersonalCode(999))));
  auto list_clients = [](std::string org, std::string project) {
    return [org, project] {
      v1::ListClientsRequest req;
      if (!org.empty()) req.set_organization_id(org);
      if (!project.empty()) req.set_project_id(project);
      return req;
    };
  };
  add("ListClients", "own_org (by organization)",     "P O O O O P P P P P",
      Unary(w, &Stub::ListClients, list_clients(x.org_a, "")));
  add("ListClients", "own_project (by project)",      "P O O O O P P P P P",
      Unary(w, &Stub::ListClients, list_clients("", x.p1)));
  add("ListClients", "other_project (by project)",    "P O N N N P P P P P",
      Unary(w, &Stub::ListClients, list_clients("", x.p2)));
  add("ListClients", "other_org (by organization)",   "P N N N N P P P P P",
      Unary(w, &Stub::ListClients, list_clients(x.org_b, "")));
  add("ListClients", "other_org (by project)",        "P N N N N P P P P P",
      Unary(w, &Stub::ListClients, list_clients("", x.q1)));
  add("ListClients", "nonexistent (by project)",      "P N N N N P P P P P",
      Unary(w, &Stub::ListClients, list_clients("", kNoProject)));

  // ---- Cases
  auto create_case = [w](std::string project, std::string client) {
    return [w, project, client] { return w->CaseRequest(project, client, ""); };
  };
  add("CreateCase", "own_project",                    "P O O O O P P P P P",
      Unary(w, &Stub::CreateCase, create_case(x.p1, x.c1)));
  add("CreateCase", "other_project",                  "P O N N N P P P P P",
      Unary(w, &Stub::CreateCase, create_case(x.p2, x.c2)), "case.project_id");
  add("CreateCase", "other_org",                      "P N N N N P P P P P",
      Unary(w, &Stub::CreateCase, create_case(x.q1, x.cb)), "case.project_id");
  add("CreateCase", "nonexistent",                    "P N N N N P P P P P",
      Unary(w, &Stub::CreateCase, create_case(kNoProject, x.c1)), "case.project_id");
  add("GetCase", "own_project (K1, assigned to cw)",  "P O O O N P P P P P",
      Unary(w, &Stub::GetCase, [id = x.k1] { return WithId<v1::GetCaseRequest>(id); }));
  add("GetCase", "unassigned_case (K2)",              "P O O N N P P P P P",
      Unary(w, &Stub::GetCase, [id = x.k2] { return WithId<v1::GetCaseRequest>(id); }));
  add("GetCase", "other_project (K3)",                "P O N N N P P P P P",
      Unary(w, &Stub::GetCase, [id = x.k3] { return WithId<v1::GetCaseRequest>(id); }));
  add("GetCase", "other_org (KB)",                    "P N N N N P P P P P",
      Unary(w, &Stub::GetCase, [id = x.kb] { return WithId<v1::GetCaseRequest>(id); }));
  add("GetCase", "nonexistent",                       "P N N N N P P P P P",
      Unary(w, &Stub::GetCase, [id = kNoCase] { return WithId<v1::GetCaseRequest>(id); }));
  auto list_cases = [](std::string client, std::string project) {
    return [client, project] {
      v1::ListCasesRequest req;
      if (!client.empty()) req.set_client_id(client);
      if (!project.empty()) req.set_project_id(project);
      return req;
    };
  };
  add("ListCases", "own_project (by project)",        "P O O O O P P P P P",
      Unary(w, &Stub::ListCases, list_cases("", x.p1)));
  add("ListCases", "own_project (by client C1)",      "P O O O O P P P P P",
      Unary(w, &Stub::ListCases, list_cases(x.c1, "")));
  add("ListCases", "other_project (by project)",      "P O N N N P P P P P",
      Unary(w, &Stub::ListCases, list_cases("", x.p2)));
  add("ListCases", "other_project (by client C2)",    "P O N N N P P P P P",
      Unary(w, &Stub::ListCases, list_cases(x.c2, "")));
  add("ListCases", "other_org (by project)",          "P N N N N P P P P P",
      Unary(w, &Stub::ListCases, list_cases("", x.q1)));
  add("ListCases", "other_org (by client CB)",        "P N N N N P P P P P",
      Unary(w, &Stub::ListCases, list_cases(x.cb, "")));
  add("ListCases", "nonexistent (by project)",        "P N N N N P P P P P",
      Unary(w, &Stub::ListCases, list_cases("", kNoProject)));
  add("ListCases", "nonexistent (by client)",         "P N N N N P P P P P",
      Unary(w, &Stub::ListCases, list_cases(kNoClient, "")));
  // A fresh unassigned case, assigned to a case worker of its project.
  auto assign_case = [w](std::string creator, std::string project, std::string client,
                         std::string worker) {
    return [w, creator, project, client, worker] {
      v1::AssignCaseRequest req;
      req.set_id(w->NewCase(creator, project, client, ""));
      req.set_worker_id(worker);
      return req;
    };
  };
  add("AssignCase", "own_project",                    "P O O P P P P P P P",
      Unary(w, &Stub::AssignCase, assign_case(x.token(kPm), x.p1, x.c1, x.principal(kCw2))));
  add("AssignCase", "other_project",                  "P O N P P P P P P P",
      Unary(w, &Stub::AssignCase, assign_case(x.token(kHead), x.p2, x.c2, x.cw_p2)),
      "id");
  add("AssignCase", "other_org",                      "P N N P P P P P P P",
      Unary(w, &Stub::AssignCase, assign_case(x.head_b_token, x.q1, x.cb, x.cw_q1)),
      "id");
  add("AssignCase", "nonexistent",                    "P N N P P P P P P P",
      Unary(w, &Stub::AssignCase, [id = kNoCase, worker = x.principal(kCw2)] {
        v1::AssignCaseRequest req;
        req.set_id(id);
        req.set_worker_id(worker);
        return req;
      }), "id");

  // ---- Documents
  add("UploadDocument", "own_project (into K1)",      "P O O O N P P P P P",
      UploadInto(w, x.p1, x.c1, x.k1), "header.case_id");
  add("UploadDocument", "unassigned_case (into K2)",  "P O O N N P P P P P",
      UploadInto(w, x.p1, x.c1, x.k2), "header.case_id");
  add("UploadDocument", "other_project (into K3)",    "P O N N N P P P P P",
      UploadInto(w, x.p2, x.c2, x.k3), "header.project_id");
  add("UploadDocument", "other_org (into KB)",        "P N N N N P P P P P",
      UploadInto(w, x.q1, x.cb, x.kb), "header.project_id");
  add("UploadDocument", "nonexistent case (in P1)",   "P N N N N P P P P P",
      UploadInto(w, x.p1, x.c1, kNoCase), "header.case_id");
  add("DownloadDocument", "own_project (D1 in K1)",   "P O O O N P I P P P",
      DownloadOf(w, x.d1));
  add("DownloadDocument", "unassigned_case (D2)",     "P O O N N P I P P P",
      DownloadOf(w, x.d2));
  add("DownloadDocument", "other_project (D3)",       "P O N N N P I P P P",
      DownloadOf(w, x.d3));
  add("DownloadDocument", "other_org (DB)",           "P N N N N P I P P P",
      DownloadOf(w, x.db));
  add("DownloadDocument", "nonexistent",              "P N N N N P I P P P",
      DownloadOf(w, kNoDocument));
  add("GetDocument", "own_project (D1 in K1)",        "P O O O N P I P P P",
      Unary(w, &Stub::GetDocument, [id = x.d1] { return WithId<v1::GetDocumentRequest>(id); }));
  add("GetDocument", "unassigned_case (D2)",          "P O O N N P I P P P",
      Unary(w, &Stub::GetDocument, [id = x.d2] { return WithId<v1::GetDocumentRequest>(id); }));
  add("GetDocument", "other_project (D3)",            "P O N N N P I P P P",
      Unary(w, &Stub::GetDocument, [id = x.d3] { return WithId<v1::GetDocumentRequest>(id); }));
  add("GetDocument", "other_org (DB)",                "P N N N N P I P P P",
      Unary(w, &Stub::GetDocument, [id = x.db] { return WithId<v1::GetDocumentRequest>(id); }));
  add("GetDocument", "nonexistent",                   "P N N N N P I P P P",
      Unary(w, &Stub::GetDocument,
            [id = kNoDocument] { return WithId<v1::GetDocumentRequest>(id); }));
  auto list_documents = [](std::string client, std::string case_id) {
    return [client, case_id] {
      v1::ListDocumentsRequest req;
      if (!client.empty()) req.set_client_id(client);
      if (!case_id.empty()) req.set_case_id(case_id);
      return req;
    };
  };
  add("ListDocuments", "own_project (by client C1)",  "P O O O O P I P P P",
      Unary(w, &Stub::ListDocuments, list_documents(x.c1, "")));
  add("ListDocuments", "own_project (by case K1)",    "P O O O N P I P P P",
      Unary(w, &Stub::ListDocuments, list_documents("", x.k1)));
  add("ListDocuments", "unassigned_case (by case K2)", "P O O N N P I P P P",
      Unary(w, &Stub::ListDocuments, list_documents("", x.k2)));
  add("ListDocuments", "other_project (by client C2)", "P O N N N P I P P P",
      Unary(w, &Stub::ListDocuments, list_documents(x.c2, "")));
  add("ListDocuments", "other_project (by case K3)",  "P O N N N P I P P P",
      Unary(w, &Stub::ListDocuments, list_documents("", x.k3)));
  add("ListDocuments", "other_org (by client CB)",    "P N N N N P I P P P",
      Unary(w, &Stub::ListDocuments, list_documents(x.cb, "")));
  add("ListDocuments", "nonexistent (by client)",     "P N N N N P I P P P",
      Unary(w, &Stub::ListDocuments, list_documents(kNoClient, "")));
  add("ListDocuments", "nonexistent (by case)",       "P N N N N P I P P P",
      Unary(w, &Stub::ListDocuments, list_documents("", kNoCase)));

  // ---- Assessment records and the case lifecycle
  auto create_record = [](std::string case_id) {
    return [case_id] {
      v1::CreateRecordRequest req;
      req.mutable_record()->set_case_id(case_id);
      *req.mutable_record()->mutable_content() = World::Decision();
      return req;
    };
  };
  add("CreateRecord", "own_project (K1)",             "P O O O N P P P P P",
      Unary(w, &Stub::CreateRecord, create_record(x.k1)), "record.case_id");
  add("CreateRecord", "unassigned_case (K2)",         "P O O N N P P P P P",
      Unary(w, &Stub::CreateRecord, create_record(x.k2)), "record.case_id");
  add("CreateRecord", "other_org (KB)",               "P N N N N P P P P P",
      Unary(w, &Stub::CreateRecord, create_record(x.kb)), "record.case_id");
  add("CreateRecord", "nonexistent",                  "P N N N N P P P P P",
      Unary(w, &Stub::CreateRecord, create_record(kNoCase)), "record.case_id");
  add("UpdateRecord", "own_project (fresh in K1)",    "P O O O N P P P P P",
      Unary(w, &Stub::UpdateRecord, [w] {
        v1::UpdateRecordRequest req;
        req.set_id(w->NewRecord(w->token(kPm), w->k1));
        req.set_expected_version(1);
        *req.mutable_content() = World::Decision();
        return req;
      }));
  add("UpdateRecord", "other_org (RB)",               "P N N N N P P P P P",
      Unary(w, &Stub::UpdateRecord, [id = x.rb] {
        v1::UpdateRecordRequest req;
        req.set_id(id);
        req.set_expected_version(1);
        *req.mutable_content() = World::Decision();
        return req;
      }));
  add("UpdateRecord", "nonexistent",                  "P N N N N P P P P P",
      Unary(w, &Stub::UpdateRecord, [id = kNoRecord] {
        v1::UpdateRecordRequest req;
        req.set_id(id);
        req.set_expected_version(1);
        *req.mutable_content() = World::Decision();
        return req;
      }));
  add("GetRecord", "own_project (R1 in K1)",          "P O O O N P I P P P",
      Unary(w, &Stub::GetRecord, [id = x.r1] { return WithId<v1::GetRecordRequest>(id); }));
  add("GetRecord", "unassigned_case (R2)",            "P O O N N P I P P P",
      Unary(w, &Stub::GetRecord, [id = x.r2] { return WithId<v1::GetRecordRequest>(id); }));
  add("GetRecord", "other_org (RB)",                  "P N N N N P I P P P",
      Unary(w, &Stub::GetRecord, [id = x.rb] { return WithId<v1::GetRecordRequest>(id); }));
  add("GetRecord", "nonexistent",                     "P N N N N P I P P P",
      Unary(w, &Stub::GetRecord, [id = kNoRecord] { return WithId<v1::GetRecordRequest>(id); }));
  add("ListRecordVersions", "own_project (R1)",       "P O O O N P I P P P",
      Unary(w, &Stub::ListRecordVersions, [id = x.r1] {
        v1::ListRecordVersionsRequest req;
        req.set_id(id);
        return req;
      }));
  add("ListRecordVersions", "other_org (RB)",         "P N N N N P I P P P",
      Unary(w, &Stub::ListRecordVersions, [id = x.rb] {
        v1::ListRecordVersionsRequest req;
        req.set_id(id);
        return req;
      }));
  add("ListRecordVersions", "nonexistent",            "P N N N N P I P P P",
      Unary(w, &Stub::ListRecordVersions, [id = kNoRecord] {
        v1::ListRecordVersionsRequest req;
        req.set_id(id);
        return req;
      }));
  auto list_records = [](std::string client, std::string case_id) {
    return [client, case_id] {
      v1::ListRecordsRequest req;
      if (!client.empty()) req.set_client_id(client);
      if (!case_id.empty()) req.set_case_id(case_id);
      return req;
    };
  };
  add("ListRecords", "own_project (by case K1)",      "P O O O N P I P P P",
      Unary(w, &Stub::ListRecords, list_records("", x.k1)));
  add("ListRecords", "own_project (by client C1)",    "P O O O O P I P P P",
      Unary(w, &Stub::ListRecords, list_records(x.c1, "")));
  add("ListRecords", "other_org (by client CB)",      "P N N N N P I P P P",
      Unary(w, &Stub::ListRecords, list_records(x.cb, "")));
  add("ListRecords", "nonexistent (by client)",       "P N N N N P I P P P",
      Unary(w, &Stub::ListRecords, list_records(kNoClient, "")));
  add("ListRecords", "other_org (by case KB)",        "P N N N N P I P P P",
      Unary(w, &Stub::ListRecords, list_records("", x.kb)));
  add("ListRecords", "nonexistent (by case)",         "P N N N N P I P P P",
      Unary(w, &Stub::ListRecords, list_records("", kNoCase)));
  add("SignRecord", "own_project (fresh in K1)",      "P O O O N P P P P P",
      Unary(w, &Stub::SignRecord, [w] {
        v1::SignRecordRequest req;
        req.set_id(w->NewRecord(w->token(kPm), w->k1));
        req.set_version(1);
        req.mutable_signature()->set_role("client");
        req.mutable_signature()->set_signer_name("Mari Maasikas");
        req.mutable_signature()->set_method(v1::SIGNATURE_METHOD_DIGITAL);
        req.mutable_signature()->set_signature_reference("asice:1");
        return req;
      }));
  add("SignRecord", "other_org (RB)",                 "P N N N N P P P P P",
      Unary(w, &Stub::SignRecord, [id = x.rb] {
        v1::SignRecordRequest req;
        req.set_id(id);
        req.set_version(1);
        req.mutable_signature()->set_role("client");
        req.mutable_signature()->set_signer_name("Mari Maasikas");
        req.mutable_signature()->set_method(v1::SIGNATURE_METHOD_DIGITAL);
        req.mutable_signature()->set_signature_reference("asice:1");
        return req;
      }));
  add("SignRecord", "nonexistent",                    "P N N N N P P P P P",
      Unary(w, &Stub::SignRecord, [id = kNoRecord] {
        v1::SignRecordRequest req;
        req.set_id(id);
        req.set_version(1);
        req.mutable_signature()->set_role("client");
        req.mutable_signature()->set_signer_name("Mari Maasikas");
        req.mutable_signature()->set_method(v1::SIGNATURE_METHOD_DIGITAL);
        req.mutable_signature()->set_signature_reference("asice:1");
        return req;
      }));
  auto register_instrument = [](std::string org) {
    return [org] {
      v1::RegisterInstrumentRequest req;
      *req.mutable_instrument() = World::InstrumentOf(org);
      return req;
    };
  };
  add("RegisterInstrument", "own_org",                "P O P P P P P P P P",
      Unary(w, &Stub::RegisterInstrument, register_instrument(x.org_a)));
  add("RegisterInstrument", "other_org",              "P N P P P P P P P P",
      Unary(w, &Stub::RegisterInstrument, register_instrument(x.org_b)),
      "instrument.organization_id");
  add("GetInstrument", "own_org",                     "P O O O O P P P P P",
      Unary(w, &Stub::GetInstrument, [id = x.ins_a] { return WithId<v1::GetInstrumentRequest>(id); }));
  add("GetInstrument", "other_org",                   "P N N N N P P P P P",
      Unary(w, &Stub::GetInstrument, [id = x.ins_b] { return WithId<v1::GetInstrumentRequest>(id); }));
  add("GetInstrument", "nonexistent",                 "P N N N N P P P P P",
      Unary(w, &Stub::GetInstrument, [id = kNoInstrument] { return WithId<v1::GetInstrumentRequest>(id); }));
  add("ListInstruments", "own_org",                   "P O O O O P P P P P",
      Unary(w, &Stub::ListInstruments, [org = x.org_a] {
        v1::ListInstrumentsRequest req;
        req.set_organization_id(org);
        return req;
      }));
  add("ListInstruments", "other_org",                 "P N N N N P P P P P",
      Unary(w, &Stub::ListInstruments, [org = x.org_b] {
        v1::ListInstrumentsRequest req;
        req.set_organization_id(org);
        return req;
      }));
  add("ListInstruments", "nonexistent",               "P N N N N P P P P P",
      Unary(w, &Stub::ListInstruments, [org = kNoOrg] {
        v1::ListInstrumentsRequest req;
        req.set_organization_id(org);
        return req;
      }));
  // Retention: heads and DPOs manage schedules and place holds; auditors
  // read both; project managers read schedules. Nothing here reads client
  // data, and nobody learns of another organisation's.
  auto create_schedule = [w](std::string org) {
    return [w, org] {
      v1::CreateRetentionScheduleRequest req;
      *req.mutable_schedule() = World::ScheduleOf(org, w->FreshKind());
      return req;
    };
  };
  add("CreateRetentionSchedule", "own_org",          "P O P P P P P P O P",
      Unary(w, &Stub::CreateRetentionSchedule, create_schedule(x.org_a)));
  add("CreateRetentionSchedule", "other_org",        "P N P P P P P P N P",
      Unary(w, &Stub::CreateRetentionSchedule, create_schedule(x.org_b)),
      "schedule.organization_id");
  add("CreateRetentionSchedule", "nonexistent",      "P N P P P P P P N P",
      Unary(w, &Stub::CreateRetentionSchedule, create_schedule(kNoOrg)),
      "schedule.organization_id");
  auto create_project_schedule = [w](std::string project) {
    return [w, project] {
      v1::CreateRetentionScheduleRequest req;
      *req.mutable_schedule() = World::ScheduleOf(w->org_a, w->FreshKind());
      req.mutable_schedule()->set_project_id(project);
      return req;
    };
  };
  add("CreateRetentionSchedule", "own_org (by project)",  "P O P P P P P P O P",
      Unary(w, &Stub::CreateRetentionSchedule, create_project_schedule(x.p1)));
  add("CreateRetentionSchedule", "other_org (by project)", "P N P P P P P P N P",
      Unary(w, &Stub::CreateRetentionSchedule, create_project_schedule(x.q1)),
      "schedule.project_id");
  add("CreateRetentionSchedule", "nonexistent (by project)", "P N P P P P P P N P",
      Unary(w, &Stub::CreateRetentionSchedule, create_project_schedule(kNoProject)),
      "schedule.project_id");
  // Each update is of a schedule made for it, at version 1.
  auto update_schedule = [w](std::function<std::string()> id) {
    return [w, id] {
      v1::UpdateRetentionScheduleRequest req;
      req.set_id(id());
      req.set_expected_version(1);
      *req.mutable_schedule() = World::ScheduleOf("", "");
      req.mutable_schedule()->mutable_period()->set_years(12);
      req.mutable_schedule()->set_item_type(v1::RETENTION_ITEM_TYPE_UNSPECIFIED);
      return req;
    };
  };
  add("UpdateRetentionSchedule", "own_org",          "P O P P P P P P O P",
      Unary(w, &Stub::UpdateRetentionSchedule, update_schedule([w] {
        return w->NewSchedule(w->token(kHead), w->org_a, w->FreshKind());
      })));
  add("UpdateRetentionSchedule", "other_org",        "P N P P P P P P N P",
      Unary(w, &Stub::UpdateRetentionSchedule, update_schedule([id = x.rsc_b] { return id; })));
  add("UpdateRetentionSchedule", "nonexistent",      "P N P P P P P P N P",
      Unary(w, &Stub::UpdateRetentionSchedule, update_schedule([id = kNoSchedule] { return id; })));
  add("GetRetentionSchedule", "own_org",             "P O O P P P P O O P",
      Unary(w, &Stub::GetRetentionSchedule, [id = x.rsc_a] { return WithId<v1::GetRetentionScheduleRequest>(id); }));
  add("GetRetentionSchedule", "other_org",           "P N N P P P P N N P",
      Unary(w, &Stub::GetRetentionSchedule, [id = x.rsc_b] { return WithId<v1::GetRetentionScheduleRequest>(id); }));
  add("GetRetentionSchedule", "nonexistent",         "P N N P P P P N N P",
      Unary(w, &Stub::GetRetentionSchedule, [id = kNoSchedule] { return WithId<v1::GetRetentionScheduleRequest>(id); }));
  auto list_schedules = [](std::string org) {
    return [org] {
      v1::ListRetentionSchedulesRequest req;
      req.set_organization_id(org);
      return req;
    };
  };
  add("ListRetentionSchedules", "own_org",           "P O O P P P P O O P",
      Unary(w, &Stub::ListRetentionSchedules, list_schedules(x.org_a)));
  add("ListRetentionSchedules", "other_org",         "P N N P P P P N N P",
      Unary(w, &Stub::ListRetentionSchedules, list_schedules(x.org_b)));
  add("ListRetentionSchedules", "nonexistent",       "P N N P P P P N N P",
      Unary(w, &Stub::ListRetentionSchedules, list_schedules(kNoOrg)));
  auto resolve = [](std::string org, std::string project) {
    return [org, project] {
      v1::ResolveRetentionScheduleRequest req;
      req.set_organization_id(org);
      req.set_project_id(project);
      req.set_item_type(v1::RETENTION_ITEM_TYPE_RECORD);
      req.set_kind("case_plan");
      return req;
    };
  };
  add("ResolveRetentionSchedule", "own_org's P1",    "P O O P P P P O O P",
      Unary(w, &Stub::ResolveRetentionSchedule, resolve(x.org_a, x.p1)));
  add("ResolveRetentionSchedule", "other_org",       "P N N P P P P N N P",
      Unary(w, &Stub::ResolveRetentionSchedule, resolve(x.org_b, "")));
  add("ResolveRetentionSchedule", "nonexistent",     "P N N P P P P N N P",
      Unary(w, &Stub::ResolveRetentionSchedule, resolve(kNoOrg, "")));
  // A hold on each kind of target, in A and in B.
  auto place_hold = [](std::function<void(v1::LegalHold*)> target) {
    return [target] {
      v1::PlaceLegalHoldRequest req;
      target(req.mutable_hold());
      req.mutable_hold()->set_reason("prosecutor's request");
      return req;
    };
  };
  add("PlaceLegalHold", "own_org (by client)",       "P O P P P P P P O P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = x.c1](v1::LegalHold* h) { h->set_client_id(id); })));
  add("PlaceLegalHold", "own_org (by case)",         "P O P P P P P P O P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = x.k1](v1::LegalHold* h) { h->set_case_id(id); })));
  add("PlaceLegalHold", "own_org (by record)",       "P O P P P P P P O P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = x.r1](v1::LegalHold* h) { h->set_record_id(id); })));
  add("PlaceLegalHold", "own_org (by document)",     "P O P P P P P P O P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = x.d1](v1::LegalHold* h) { h->set_document_id(id); })));
  add("PlaceLegalHold", "own_org (by project)",      "P O P P P P P P O P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = x.p1](v1::LegalHold* h) { h->set_project_id(id); })));
  add("PlaceLegalHold", "other_org (by client)",     "P N P P P P P P N P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = x.cb](v1::LegalHold* h) { h->set_client_id(id); })),
      "hold.client_id");
  add("PlaceLegalHold", "other_org (by case)",       "P N P P P P P P N P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = x.kb](v1::LegalHold* h) { h->set_case_id(id); })),
      "hold.case_id");
  add("PlaceLegalHold", "other_org (by record)",     "P N P P P P P P N P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = x.rb](v1::LegalHold* h) { h->set_record_id(id); })),
      "hold.record_id");
  add("PlaceLegalHold", "other_org (by document)",   "P N P P P P P P N P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = x.db](v1::LegalHold* h) { h->set_document_id(id); })),
      "hold.document_id");
  add("PlaceLegalHold", "other_org (by project)",    "P N P P P P P P N P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = x.q1](v1::LegalHold* h) { h->set_project_id(id); })),
      "hold.project_id");
  add("PlaceLegalHold", "nonexistent (by client)",   "P N P P P P P P N P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = kNoClient](v1::LegalHold* h) { h->set_client_id(id); })),
      "hold.client_id");
  add("PlaceLegalHold", "nonexistent (by case)",     "P N P P P P P P N P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = kNoCase](v1::LegalHold* h) { h->set_case_id(id); })),
      "hold.case_id");
  add("PlaceLegalHold", "nonexistent (by record)",   "P N P P P P P P N P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = kNoRecord](v1::LegalHold* h) { h->set_record_id(id); })),
      "hold.record_id");
  add("PlaceLegalHold", "nonexistent (by document)", "P N P P P P P P N P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = kNoDocument](v1::LegalHold* h) { h->set_document_id(id); })),
      "hold.document_id");
  add("PlaceLegalHold", "nonexistent (by project)",  "P N P P P P P P N P",
      Unary(w, &Stub::PlaceLegalHold, place_hold([id = kNoProject](v1::LegalHold* h) { h->set_project_id(id); })),
      "hold.project_id");
  // Each lift is of a hold placed for it.
  auto lift_hold = [](std::function<std::string()> id) {
    return [id] {
      v1::LiftLegalHoldRequest req;
      req.set_id(id());
      req.set_reason("the matter is closed");
      return req;
    };
  };
  add("LiftLegalHold", "own_org",                    "P O P P P P P P O P",
      Unary(w, &Stub::LiftLegalHold, lift_hold([w] { return w->NewHold(w->token(kHead), w->c1); })));
  add("LiftLegalHold", "other_org",                  "P N P P P P P P N P",
      Unary(w, &Stub::LiftLegalHold, lift_hold([id = x.hold_b] { return id; })));
  add("LiftLegalHold", "nonexistent",                "P N P P P P P P N P",
      Unary(w, &Stub::LiftLegalHold, lift_hold([id = kNoHold] { return id; })));
  add("GetLegalHold", "own_org",                     "P O P P P P P O O P",
      Unary(w, &Stub::GetLegalHold, [id = x.hold_a] { return WithId<v1::GetLegalHoldRequest>(id); }));
  add("GetLegalHold", "other_org",                   "P N P P P P P N N P",
      Unary(w, &Stub::GetLegalHold, [id = x.hold_b] { return WithId<v1::GetLegalHoldRequest>(id); }));
  add("GetLegalHold", "nonexistent",                 "P N P P P P P N N P",
      Unary(w, &Stub::GetLegalHold, [id = kNoHold] { return WithId<v1::GetLegalHoldRequest>(id); }));
  auto list_holds = [](std::string org) {
    return [org] {
      v1::ListLegalHoldsRequest req;
      req.set_organization_id(org);
      return req;
    };
  };
  add("ListLegalHolds", "own_org",                   "P O P P P P P O O P",
      Unary(w, &Stub::ListLegalHolds, list_holds(x.org_a)));
  add("ListLegalHolds", "other_org",                 "P N P P P P P N N P",
      Unary(w, &Stub::ListLegalHolds, list_holds(x.org_b)));
  add("ListLegalHolds", "nonexistent",               "P N P P P P P N N P",
      Unary(w, &Stub::ListLegalHolds, list_holds(kNoOrg)));
  // Disposal: heads and DPOs decide and run; auditors read. Nothing of
  // the fixture is due, so a decision on a record is FAILED_PRECONDITION
  // ("not on the due list") once the caller may dispose of it.
  auto by_org = [](auto make) {
    return [make](std::string org) {
      return [make, org] {
        auto req = make();
        req.set_organization_id(org);
        return req;
      };
    };
  };
  auto list_due = by_org([] { return v1::ListDueDisposalsRequest(); });
  add("ListDueDisposals", "own_org",                 "P O P P P P P O O P",
      Unary(w, &Stub::ListDueDisposals, list_due(x.org_a)));
  add("ListDueDisposals", "other_org",               "P N P P P P P N N P",
      Unary(w, &Stub::ListDueDisposals, list_due(x.org_b)), "organization_id");
  add("ListDueDisposals", "nonexistent",             "P N P P P P P N N P",
      Unary(w, &Stub::ListDueDisposals, list_due(kNoOrg)), "organization_id");
  auto approve = [](std::string id) {
    return [id] {
      v1::ApproveDisposalRequest req;
      req.set_item_id(id);
      req.set_reason("reviewed");
      return req;
    };
  };
  add("ApproveDisposal", "own_org",                  "P F P P P P P P F P",
      Unary(w, &Stub::ApproveDisposal, approve(x.r1)));
  add("ApproveDisposal", "other_org",                "P N P P P P P P N P",
      Unary(w, &Stub::ApproveDisposal, approve(x.rb)), "item_id");
  add("ApproveDisposal", "nonexistent",              "P N P P P P P P N P",
      Unary(w, &Stub::ApproveDisposal, approve(kNoRecord)), "item_id");
  auto postpone = [](std::string id) {
    return [id] {
      v1::PostponeDisposalRequest req;
      req.set_item_id(id);
      req.set_reason("an appeal may come");
      req.mutable_until()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 86400);
      return req;
    };
  };
  add("PostponeDisposal", "own_org",                 "P F P P P P P P F P",
      Unary(w, &Stub::PostponeDisposal, postpone(x.d1)));
  add("PostponeDisposal", "other_org",               "P N P P P P P P N P",
      Unary(w, &Stub::PostponeDisposal, postpone(x.db)), "item_id");
  add("PostponeDisposal", "nonexistent",             "P N P P P P P P N P",
      Unary(w, &Stub::PostponeDisposal, postpone(kNoDocument)), "item_id");
  auto run = by_org([] { return v1::RunDisposalRequest(); });
  add("RunDisposal", "own_org",                      "P O P P P P P P O P",
      Unary(w, &Stub::RunDisposal, run(x.org_a)));
  add("RunDisposal", "other_org",                    "P N P P P P P P N P",
      Unary(w, &Stub::RunDisposal, run(x.org_b)), "organization_id");
  add("RunDisposal", "nonexistent",                  "P N P P P P P P N P",
      Unary(w, &Stub::RunDisposal, run(kNoOrg)), "organization_id");
  const std::string kNoCertificate = MakeId(IdKind::kDisposalCertificate, 1, {});
  add("GetDisposalCertificate", "nonexistent",       "P N P P P P P N N P",
      Unary(w, &Stub::GetDisposalCertificate,
            [id = kNoCertificate] { return WithId<v1::GetDisposalCertificateRequest>(id); }), "id");
  auto list_certs = by_org([] { return v1::ListDisposalCertificatesRequest(); });
  add("ListDisposalCertificates", "own_org",         "P O P P P P P O O P",
      Unary(w, &Stub::ListDisposalCertificates, list_certs(x.org_a)));
  add("ListDisposalCertificates", "other_org",       "P N P P P P P N N P",
      Unary(w, &Stub::ListDisposalCertificates, list_certs(x.org_b)), "organization_id");
  add("ListDisposalCertificates", "nonexistent",     "P N P P P P P N N P",
      Unary(w, &Stub::ListDisposalCertificates, list_certs(kNoOrg)), "organization_id");
  // Erasure: the DPO (or the data subject). C1 is under a hold of the
  // fixture (hold_a), so the DPO's erasure is refused and nothing is erased.
  auto erase = [](std::string id) {
    return [id] {
      v1::EraseClientRequest req;
      req.set_client_id(id);
      req.set_reason("written request");
      return req;
    };
  };
  add("EraseClient", "own_org (held)",               "P P P P P P P P F P",
      Unary(w, &Stub::EraseClient, erase(x.c1)));
  add("EraseClient", "other_org",                    "P P P P P P P P N P",
      Unary(w, &Stub::EraseClient, erase(x.cb)), "client_id");
  add("EraseClient", "nonexistent",                  "P P P P P P P P N P",
      Unary(w, &Stub::EraseClient, erase(kNoClient)), "client_id");
  add("ReportConcern", "to own_org's P1",            "P P P P P P O P P P",
      Unary(w, &Stub::ReportConcern, [w] {
        v1::ReportConcernRequest req;
        req.set_organization_id(w->org_a);
        req.set_project_id(w->p1);
        req.set_given_name("Mari");
        req.set_family_name("Murelik");
        req.set_no_personal_code_reason("not known to the reporter");
        req.set_concern("Laps puudub koolist");
        return req;
      }));
  auto network = [w](std::string case_id) {
    return [w, case_id] {
      v1::UpdateCaseNetworkRequest req;
      req.set_id(case_id);
      req.add_add_member_ids(w->principal(kPartner));
      return req;
    };
  };
  add("UpdateCaseNetwork", "own_project (K1)",        "P O O O N P P P P P",
      Unary(w, &Stub::UpdateCaseNetwork, network(x.k1)), "id");
  add("UpdateCaseNetwork", "other_org (KB)",          "P N N N N P P P P P",
      Unary(w, &Stub::UpdateCaseNetwork, network(x.kb)), "id");
  add("UpdateCaseNetwork", "nonexistent",             "P N N N N P P P P P",
      Unary(w, &Stub::UpdateCaseNetwork, network(kNoCase)), "id");
  auto deadlines = [](std::string project) {
    return [project] {
      v1::ListDeadlinesRequest req;
      req.set_project_id(project);
      return req;
    };
  };
  add("ListDeadlines", "own_project (P1)",            "P O O O O P P P P P",
      Unary(w, &Stub::ListDeadlines, deadlines(x.p1)), "project_id");
  add("ListDeadlines", "other_org (Q1)",              "P N N N N P P P P P",
      Unary(w, &Stub::ListDeadlines, deadlines(x.q1)), "project_id");
  add("ListDeadlines", "nonexistent",                 "P N N N N P P P P P",
      Unary(w, &Stub::ListDeadlines, deadlines(kNoProject)), "project_id");
  add("CloseCase", "own_project (fresh, assigned)",  "P O O O N P P P P P",
      Unary(w, &Stub::CloseCase, [w] {
        v1::CloseCaseRequest req;
        req.set_id(w->FreshCase());
        req.set_reason(v1::CLOSING_REASON_GOALS_MET);
        return req;
      }), "id");
  add("CloseCase", "other_org (KB)",                  "P N N N N P P P P P",
      Unary(w, &Stub::CloseCase, [id = x.kb] {
        v1::CloseCaseRequest req;
        req.set_id(id);
        req.set_reason(v1::CLOSING_REASON_GOALS_MET);
        return req;
      }), "id");
  add("CloseCase", "nonexistent",                     "P N N N N P P P P P",
      Unary(w, &Stub::CloseCase, [id = kNoCase] {
        v1::CloseCaseRequest req;
        req.set_id(id);
        req.set_reason(v1::CLOSING_REASON_GOALS_MET);
        return req;
      }), "id");
  add("ReopenCase", "own_project (fresh, closed)",    "P O O O N P P P P P",
      Unary(w, &Stub::ReopenCase, [w] {
        const std::string id = w->FreshCase();
        v1::CloseCaseRequest close;
        close.set_id(id);
        close.set_reason(v1::CLOSING_REASON_GOALS_MET);
        Must(w->stub(), &Stub::CloseCase, w->token(kPm), close, "CloseCase");
        v1::ReopenCaseRequest req;
        req.set_id(id);
        return req;
      }), "id");
  add("ReopenCase", "other_org (KB)",                 "P N N N N P P P P P",
      Unary(w, &Stub::ReopenCase, [id = x.kb] {
        v1::ReopenCaseRequest req;
        req.set_id(id);
        return req;
      }), "id");
  add("ReopenCase", "nonexistent",                    "P N N N N P P P P P",
      Unary(w, &Stub::ReopenCase, [id = kNoCase] {
        v1::ReopenCaseRequest req;
        req.set_id(id);
        return req;
      }), "id");

  // ---- Consents
  auto record_consent = [w](std::string client, std::string project) {
    return [w, client, project] {
      v1::RecordConsentRequest req;
      *req.mutable_consent() = World::ConsentOf(client, project, w->org_b);
      return req;
    };
  };
  add("RecordConsent", "own_project",                 "P O O O O P P P P P",
      Unary(w, &Stub::RecordConsent, record_consent(x.c1, x.p1)));
  add("RecordConsent", "other_project",               "P O N N N P P P P P",
      Unary(w, &Stub::RecordConsent, record_consent(x.c2, x.p2)), "consent.client_id");
  add("RecordConsent", "other_org",                   "P N N N N P P P P P",
      Unary(w, &Stub::RecordConsent, record_consent(x.cb, x.q1)), "consent.client_id");
  // Found in review: naming their own project, a worker learnt that a
  // client of another project existed ("does not take part").
  add("RecordConsent", "other_project (its client, naming P1)", "P I N N N P P P P P",
      Unary(w, &Stub::RecordConsent, record_consent(x.c2, x.p1)), "consent.client_id");
  add("RecordConsent", "nonexistent",                 "P N N N N P P P P P",
      Unary(w, &Stub::RecordConsent, record_consent(kNoClient, x.p1)), "consent.client_id");
  // A consent never widens its recorder's reach.
  auto consent_to = [w](v1::RecipientKind kind, std::string org, std::string project) {
    return [w, kind, org, project] {
      v1::RecordConsentRequest req;
      *req.mutable_consent() = World::ConsentOf(w->c1, w->p1, w->org_b);
      auto* r = req.mutable_consent()->mutable_provisions(0)->mutable_recipients(0);
      r->set_kind(kind);
      r->set_organization_id(org);
      r->set_project_id(project);
      return req;
    };
  };
  add("RecordConsent", "own_project, naming own_org", "P P P P P P P P P P",
      Unary(w, &Stub::RecordConsent, consent_to(v1::RECIPIENT_KIND_ORGANIZATION, x.org_a, "")));
  add("RecordConsent", "own_project, naming own_project", "P O P P P P P P P P",
      Unary(w, &Stub::RecordConsent, consent_to(v1::RECIPIENT_KIND_PROJECT, x.org_a, x.p1)));
  add("RecordConsent", "own_project, naming other_project", "P O O O O P P P P P",
      Unary(w, &Stub::RecordConsent, consent_to(v1::RECIPIENT_KIND_PROJECT, x.org_a, x.p2)));
  // A release to another project of the organisation waits for a project
  // manager (or head) of the consent's project who did not record it.
  auto consent_to_p2 = [w, consent_to](std::string recorder) {
    const v1::RecordConsentRequest req =
        consent_to(v1::RECIPIENT_KIND_PROJECT, w->org_a, w->p2)();
    v1::ConfirmConsentReleaseRequest confirm;
    confirm.set_id(
        Must(w->stub(), &Stub::RecordConsent, recorder, req, "RecordConsent").consent().id());
    confirm.set_version(1);
    return confirm;
  };
  add("ConfirmConsentRelease", "own_project, recorded by the head", "P P O P P P P P P P",
      Unary(w, &Stub::ConfirmConsentRelease,
            [w, consent_to_p2] { return consent_to_p2(w->token(kHead)); }));
  add("ConfirmConsentRelease", "own_project, recorded by the project manager",
                                                      "P O P P P P P P P P",
      Unary(w, &Stub::ConfirmConsentRelease,
            [w, consent_to_p2] { return consent_to_p2(w->token(kPm)); }));
  add("ConfirmConsentRelease", "own_project, needing none (CN1)", "P P F P P P P P P P",
      Unary(w, &Stub::ConfirmConsentRelease, [id = x.cn1] {
        v1::ConfirmConsentReleaseRequest req;
        req.set_id(id);
        req.set_version(1);
        return req;
      }));
  add("ConfirmConsentRelease", "other_org (CNB)",    "P N N N N P P P P P",
      Unary(w, &Stub::ConfirmConsentRelease, [id = x.cnb] {
        v1::ConfirmConsentReleaseRequest req;
        req.set_id(id);
        req.set_version(1);
        return req;
      }));
  add("ConfirmConsentRelease", "nonexistent",        "P N N N N P P P P P",
      Unary(w, &Stub::ConfirmConsentRelease, [id = kNoConsent] {
        v1::ConfirmConsentReleaseRequest req;
        req.set_id(id);
        req.set_version(1);
        return req;
      }));
  add("ReviseConsent", "own_project",                 "P O O O O P P P P P",
      Unary(w, &Stub::ReviseConsent, [w] {
        v1::ReviseConsentRequest req;
        req.set_id(w->NewConsent(w->token(kHead), w->c1, w->p1));
        req.set_expected_version(1);
        *req.mutable_consent() = World::ConsentOf(w->c1, w->p1, w->org_b);
        return req;
      }));
  add("ReviseConsent", "other_org",                   "P N N N N P P P P P",
      Unary(w, &Stub::ReviseConsent, [w, id = x.cnb] {
        v1::ReviseConsentRequest req;
        req.set_id(id);
        req.set_expected_version(1);
        *req.mutable_consent() = World::ConsentOf(w->cb, w->q1, w->org_a);
        return req;
      }));
  add("ReviseConsent", "nonexistent",                 "P N N N N P P P P P",
      Unary(w, &Stub::ReviseConsent, [w, id = kNoConsent] {
        v1::ReviseConsentRequest req;
        req.set_id(id);
        req.set_expected_version(1);
        *req.mutable_consent() = World::ConsentOf(w->cb, w->q1, w->org_a);
        return req;
      }));
  add("WithdrawConsent", "own_project",               "P O O O O P P P P P",
      Unary(w, &Stub::WithdrawConsent, [w] {
        v1::WithdrawConsentRequest req;
        req.set_id(w->NewConsent(w->token(kHead), w->c1, w->p1));
        return req;
      }));
  add("WithdrawConsent", "other_org",                 "P N N N N P P P P P",
      Unary(w, &Stub::WithdrawConsent, [id = x.cnb] {
        v1::WithdrawConsentRequest req;
        req.set_id(id);
        return req;
      }));
  add("WithdrawConsent", "nonexistent",               "P N N N N P P P P P",
      Unary(w, &Stub::WithdrawConsent, [id = kNoConsent] {
        v1::WithdrawConsentRequest req;
        req.set_id(id);
        return req;
      }));
  add("GetConsent", "own_project",                    "P O O O O P P O O P",
      Unary(w, &Stub::GetConsent, [id = x.cn1] { return WithId<v1::GetConsentRequest>(id); }));
  add("GetConsent", "other_org",                      "P N N N N P P N N P",
      Unary(w, &Stub::GetConsent, [id = x.cnb] { return WithId<v1::GetConsentRequest>(id); }));
  add("GetConsent", "nonexistent",                    "P N N N N P P N N P",
      Unary(w, &Stub::GetConsent, [id = kNoConsent] { return WithId<v1::GetConsentRequest>(id); }));
  auto list_consents = [](std::string client) {
    return [client] {
      v1::ListConsentsRequest req;
      req.set_client_id(client);
      return req;
    };
  };
  add("ListConsents", "own_project",                  "P O O O O P P O O P",
      Unary(w, &Stub::ListConsents, list_consents(x.c1)));
  add("ListConsents", "other_org",                    "P N N N N P P N N P",
      Unary(w, &Stub::ListConsents, list_consents(x.cb)));
  add("ListConsents", "nonexistent",                  "P N N N N P P N N P",
      Unary(w, &Stub::ListConsents, list_consents(kNoClient)));
  add("DiscloseWithoutConsent", "own case document",  "P O O O N P P P P P",
      Unary(w, &Stub::DiscloseWithoutConsent, [w] {
        v1::DiscloseWithoutConsentRequest req;
        *req.mutable_disclosure() = w->DisclosureOf(w->c1, w->d1);
        return req;
      }), "disclosure.item_ids[0]");
  add("DiscloseWithoutConsent", "other_org",          "P N N N N P P P P P",
      Unary(w, &Stub::DiscloseWithoutConsent, [w] {
        v1::DiscloseWithoutConsentRequest req;
        *req.mutable_disclosure() = w->DisclosureOf(w->cb, w->db);
        return req;
      }), "disclosure.client_id");
  add("DiscloseWithoutConsent", "nonexistent",        "P N N N N P P P P P",
      Unary(w, &Stub::DiscloseWithoutConsent, [w, id = kNoClient] {
        v1::DiscloseWithoutConsentRequest req;
        *req.mutable_disclosure() = w->DisclosureOf(id, w->db);
        return req;
      }), "disclosure.client_id");
  auto list_disclosures = [](std::string org) {
    return [org] {
      v1::ListDisclosuresRequest req;
      req.set_organization_id(org);
      return req;
    };
  };
  add("ListDisclosures", "own_org",                   "P O P P P P P O O P",
      Unary(w, &Stub::ListDisclosures, list_disclosures(x.org_a)));
  add("ListDisclosures", "other_org",                 "P N P P P P P N N P",
      Unary(w, &Stub::ListDisclosures, list_disclosures(x.org_b)));
  add("ListDisclosures", "nonexistent",               "P N P P P P P N N P",
      Unary(w, &Stub::ListDisclosures, list_disclosures(kNoOrg)));
  add("ReviewDisclosure", "own_org",                  "P P P P P P P P O P",
      Unary(w, &Stub::ReviewDisclosure, [w] {
        v1::ReviewDisclosureRequest req;
        req.set_id(w->NewDisclosure());
        req.set_review(v1::DISCLOSURE_REVIEW_UPHELD);
        return req;
      }));
  // A partner's request must state a purpose; this one does not.
  add("QueryRecordExistence", "by client, no purpose", "P P P P P P I P P P",
      Unary(w, &Stub::QueryRecordExistence, [id = x.c1] {
        v1::QueryRecordExistenceRequest req;
        req.set_client_id(id);
        req.set_kind("case_plan");
        return req;
      }), "x-hoidla-purpose");

  // ---- Audit log integrity
  add("GetCheckpoint", "global",                      "O P P P P P P O O P",
      Unary(w, &Stub::GetCheckpoint, [] {
        v1::GetCheckpointRequest req;
        req.set_fresh(true);
        return req;
      }));
  auto proof_of = [w](std::string org) {
    return [w, org] {
      v1::GetInclusionProofRequest req;
      req.set_seq(w->NewestSeqOf(org));
      req.set_tree_size(w->AuditSize());
      return req;
    };
  };
  add("GetInclusionProof", "own_org",                 "O P P P P P P O O P",
      Unary(w, &Stub::GetInclusionProof, proof_of(x.org_a)));
  add("GetInclusionProof", "other_org",               "O P P P P P P N N P",
      Unary(w, &Stub::GetInclusionProof, proof_of(x.org_b)), "seq");
  // Entry 0 belongs to no organisation.
  add("GetInclusionProof", "global",                  "O P P P P P P N N P",
      Unary(w, &Stub::GetInclusionProof, [w] {
        v1::GetInclusionProofRequest req;
        req.set_seq(0);
        req.set_tree_size(w->AuditSize());
        return req;
      }));
  add("GetConsistencyProof", "global",                "O P P P P P P O O P",
      Unary(w, &Stub::GetConsistencyProof, [w] {
        v1::GetConsistencyProofRequest req;
        req.set_old_size(1);
        req.set_new_size(w->AuditSize());
        return req;
      }));
  auto list_audit = [](std::string org) {
    return [org] {
      v1::ListAuditEntriesRequest req;
      req.set_organization_id(org);
      req.set_page_size(5);
      return req;
    };
  };
  add("ListAuditEntries", "own_org",                  "O P P P P P P O O P",
      Unary(w, &Stub::ListAuditEntries, list_audit(x.org_a)));
  add("ListAuditEntries", "other_org",                "O P P P P P P N N P",
      Unary(w, &Stub::ListAuditEntries, list_audit(x.org_b)));
  add("ListAuditEntries", "nonexistent",              "O P P P P P P N N P",
      Unary(w, &Stub::ListAuditEntries, list_audit(kNoOrg)));
  auto access_report = [](std::string client) {
    return [client] {
      v1::GetAccessReportRequest req;
      req.set_client_id(client);
      return req;
    };
  };
  auto export_subject = [](std::string client) {
    return [client] {
      v1::ExportSubjectDataRequest req;
      req.set_client_id(client);
      return req;
    };
  };
  auto export_call = [w, export_subject](std::string client) -> CallFn {
    return [w, build = export_subject(client)](const std::string& token) {
      grpc::ClientContext ctx;
      if (!token.empty()) ctx.AddMetadata("authorization", StrCat("Bearer ", token));
      v1::SubjectDataExport out;
      return testing::ReadMerged(w->stub()->ExportSubjectData(&ctx, build()), &out);
    };
  };
  add("ExportSubjectData", "own_org client",          "P P P P P P P P O P",
      export_call(x.c1), "client_id");
  add("ExportSubjectData", "other_org client",        "P P P P P P P P N P",
      export_call(x.cb), "client_id");
  add("ExportSubjectData", "nonexistent",             "P P P P P P P P N P",
      export_call(kNoClient), "client_id");
  add("GetAccessReport", "own_org client",            "P P P P P P P P O P",
      Unary(w, &Stub::GetAccessReport, access_report(x.c1)));
  add("GetAccessReport", "other_org client",          "P P P P P P P P N P",
      Unary(w, &Stub::GetAccessReport, access_report(x.cb)));
  add("GetAccessReport", "nonexistent",               "P P P P P P P P N P",
      Unary(w, &Stub::GetAccessReport, access_report(kNoClient)));
  add("ExportAudit", "global",                        "O P P P P P P I I P",
      ExportAuditCall(w), "organization_id");
  add("ExportAudit", "own_org",                       "O P P P P P P O O P",
      ExportAuditCall(w, x.org_a));
  add("ExportAudit", "other_org",                     "O P P P P P P N N P",
      ExportAuditCall(w, x.org_b), "organization_id");
  add("ExportAudit", "nonexistent",                   "O P P P P P P N N P",
      ExportAuditCall(w, kNoOrg), "organization_id");
  add("GetAuditPublicKeys", "global",                 "O P P P P P P O O P",
      Unary(w, &Stub::GetAuditPublicKeys, [] { return v1::GetAuditPublicKeysRequest(); }));
  add("RotateAuditSigningKey", "global",              "O P P P P P P P P P",
      Unary(w, &Stub::RotateAuditSigningKey,
            [] { return v1::RotateAuditSigningKeyRequest(); }));

  // ---- Keys
  add("GetKeyStatus", "global",                       "O P P P P P P P P P",
      Unary(w, &Stub::GetKeyStatus, [] { return v1::GetKeyStatusRequest(); }));
  add("RotateKeyEncryptionKey", "global",             "O P P P P P P P P P",
      Unary(w, &Stub::RotateKeyEncryptionKey,
            [] { return v1::RotateKeyEncryptionKeyRequest(); }));
  add("RewrapKeys", "global",                         "O P P P P P P P P P",
      Unary(w, &Stub::RewrapKeys, [] { return v1::RewrapKeysRequest(); }));
  // Version 999 does not exist: only the administrator may learn that.
  add("RetireKeyEncryptionKey", "global (version 999)", "N P P P P P P P P P",
      Unary(w, &Stub::RetireKeyEncryptionKey, [] {
        v1::RetireKeyEncryptionKeyRequest req;
        req.set_version(999);
        return req;
      }));
  return rows;
}
// clang-format on

// ---------------------------------------------------------------------------
// Fixture: one world for the whole suite. Tests that change state work on
// objects of their own.

class AuthorizationTable : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    spdlog::set_level(spdlog::level::warn);
    world_ = new World();
    world_->Build();
    world_ok_ = !::testing::Test::HasFailure();
    if (world_ok_) rows_ = new std::vector<Row>(BuildTable(world_));
  }
  static void TearDownTestSuite() {
    delete rows_;
    rows_ = nullptr;
    delete world_;
    world_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(world_ok_) << "building the world failed"; }

  World& w() { return *world_; }
  Stub* stub() { return world_->stub(); }
  const std::vector<Row>& rows() { return *rows_; }

  static World* world_;
  static bool world_ok_;
  static std::vector<Row>* rows_;
};

World* AuthorizationTable::world_ = nullptr;
bool AuthorizationTable::world_ok_ = false;
std::vector<Row>* AuthorizationTable::rows_ = nullptr;

TEST_F(AuthorizationTable, EveryRpcOfEveryServiceHasRows) {
  const std::map<std::string, std::string> api = testing::ApiMethods();
  ASSERT_FALSE(api.contains("")) << api.at("");
  ASSERT_GE(api.size(), 76u);
  std::set<std::string> covered;
  for (const Row& row : rows()) covered.insert(row.rpc);
  std::set<std::string> methods;
  for (const auto& [name, service] : api) {
    methods.insert(name);
    EXPECT_TRUE(covered.contains(name))
        << service << "." << name << " has no row in the authorization table";
  }
  for (const std::string& rpc : covered) {
    EXPECT_TRUE(methods.contains(rpc)) << "the table has rows for unknown RPC " << rpc;
  }
  for (const Row& row : rows()) {
    std::vector<grpc::StatusCode> codes;
    EXPECT_TRUE(ParseCodes(row.expect, &codes))
        << row.rpc << " [" << row.scope << "]: malformed expectation \"" << row.expect
        << "\" (one of O P N I A F U per caller, " << kCallerCount << " callers)";
  }
}

TEST_F(AuthorizationTable, EveryRoleGetsExactlyTheExpectedStatus) {
  const auto start = std::chrono::steady_clock::now();
  int calls = 0;
  for (const Row& row : rows()) {
    std::vector<grpc::StatusCode> expected;
    ASSERT_TRUE(ParseCodes(row.expect, &expected)) << row.rpc << " [" << row.scope << "]";
    for (int c = 0; c < kCallerCount; ++c) {
      grpc::Status got = row.call(w().token(static_cast<Caller>(c)));
      ++calls;
      // Every outcome, allowed or denied, is the newest audit entry.
      const audit::Entry last = w().LastAuditEntry();
      EXPECT_EQ(last.method(), row.rpc)
          << row.rpc << " [" << row.scope << "] as " << kCallerNames[c] << " left no audit entry";
      EXPECT_EQ(last.status(), CodeName(got.error_code()))
          << row.rpc << " [" << row.scope << "] as " << kCallerNames[c];
      if (row.credential_free) {
        if (!got.ok()) {
          EXPECT_EQ(last.actor(), "") << row.rpc << " [" << row.scope << "] as " << kCallerNames[c];
        }
      } else if (c != kAdmin && !w().principal(static_cast<Caller>(c)).empty()) {
        EXPECT_EQ(last.actor(), w().principal(static_cast<Caller>(c)))
            << row.rpc << " [" << row.scope << "] as " << kCallerNames[c];
      }
      EXPECT_EQ(got.error_code(), expected[c])
          << row.rpc << " [" << row.scope << "] as " << kCallerNames[c] << ": expected "
          << CodeName(expected[c]) << ", got " << CodeName(got.error_code()) << " ("
          << got.error_message() << ")";
      if (got.error_code() == grpc::StatusCode::NOT_FOUND && !row.not_found_field.empty()) {
        EXPECT_TRUE(got.error_message().starts_with(StrCat(row.not_found_field, ": ")))
            << row.rpc << " [" << row.scope << "] as " << kCallerNames[c]
            << ": NOT_FOUND should name the field " << row.not_found_field << ", got \""
            << got.error_message() << "\"";
      }
    }
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  std::cout << "authorization table: " << rows().size() << " rows, " << calls << " calls in " << ms
            << " ms\n";
}

// The differential existence test: for every RPC with a row for an object
// the caller may not see (another organisation's, another project's) and a
// row for one that does not exist, every caller refused the first gets
// exactly the answer of the second: code, message and details.
TEST_F(AuthorizationTable, AnObjectOutOfReachAnswersAsOneThatDoesNotExist) {
  // A row's scope "nonexistent (by project)" pairs with "other_org (by
  // project)" and "other_project (by project)"; a plain "nonexistent" with
  // every other_* row of its RPC.
  auto qualifier = [](const std::string& scope) {
    const size_t open = scope.find("(by ");
    return open == std::string::npos
               ? std::string()
               : scope.substr(open, scope.find_first_of(" )", open + 4) - open);
  };
  std::map<std::pair<std::string, std::string>, const Row*> nonexistent;
  for (const Row& row : rows()) {
    if (row.scope.starts_with("nonexistent")) nonexistent[{row.rpc, qualifier(row.scope)}] = &row;
  }
  int pairs = 0;
  for (const Row& row : rows()) {
    if (!row.scope.starts_with("other_")) continue;
    // UploadDocument's rows differ in the project named as well as the
    // case: no pair.
    if (row.rpc == "UploadDocument") continue;
    auto it = nonexistent.find({row.rpc, qualifier(row.scope)});
    if (it == nonexistent.end()) continue;
    ++pairs;
    for (int c = 0; c < kCallerCount; ++c) {
      const std::string token = w().token(static_cast<Caller>(c));
      grpc::Status hidden = row.call(token);
      // Only answers that deny the object (or every such object) are
      // compared: another refusal (approval needed, a field that does not
      // fit) comes to a caller who may see it.
      if (hidden.error_code() != grpc::StatusCode::NOT_FOUND &&
          hidden.error_code() != grpc::StatusCode::PERMISSION_DENIED) {
        continue;
      }
      grpc::Status none = it->second->call(token);
      EXPECT_EQ(hidden.error_code(), none.error_code())
          << row.rpc << " [" << row.scope << " vs " << it->second->scope << "] as "
          << kCallerNames[c] << ": \"" << hidden.error_message() << "\" vs \""
          << none.error_message() << "\"";
      EXPECT_EQ(hidden.error_message(), none.error_message())
          << row.rpc << " [" << row.scope << " vs " << it->second->scope << "] as "
          << kCallerNames[c];
      EXPECT_EQ(hidden.error_details(), none.error_details())
          << row.rpc << " [" << row.scope << "] as " << kCallerNames[c];
    }
  }
  std::cout << "existence pairs compared: " << pairs << "\n";
  EXPECT_GE(pairs, 60);
}

TEST_F(AuthorizationTable, EveryRpcWithoutAValidTokenIsUnauthenticated) {
  // A well-formed but unknown token and a malformed one, too.
  const std::string kUnknown = StrCat("hdl_", std::string(43, 'A'));
  std::set<std::string> done;
  for (const Row& row : rows()) {
    if (!done.insert(row.rpc).second) continue;
    for (const std::string& token : {std::string(), kUnknown, std::string("garbage")}) {
      grpc::Status got = row.call(token);
      const audit::Entry last = w().LastAuditEntry();
      EXPECT_EQ(last.method(), row.rpc);
      EXPECT_EQ(last.status(), "UNAUTHENTICATED");
      EXPECT_EQ(last.actor(), "");
      EXPECT_EQ(got.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << row.rpc << " [" << row.scope << "] with token \"" << token << "\": got "
          << CodeName(got.error_code()) << " (" << got.error_message() << ")";
    }
  }
  EXPECT_EQ(done.size(), testing::ApiMethods().size());
}

TEST_F(AuthorizationTable, WhoSawTheClientsDataListsEachAccessNewestFirst) {
  const std::string pm = w().token(kPm), cw = w().token(kCw);
  v1::Client got;
  ASSERT_TRUE(Call(stub(), &Stub::GetClient, pm, WithId<v1::GetClientRequest>(w().c1), &got).ok());
  v1::Case kase;
  ASSERT_TRUE(Call(stub(), &Stub::GetCase, cw, WithId<v1::GetCaseRequest>(w().k1), &kase).ok());
  v1::ListAuditEntriesRequest req;
  req.set_organization_id(w().org_a);
  req.set_client_id(w().c1);
  req.set_page_size(2);
  v1::ListAuditEntriesResponse report;
  ASSERT_TRUE(Call(stub(), &Stub::ListAuditEntries, w().token(kAuditor), req, &report).ok());
  ASSERT_EQ(report.entries_size(), 2);
  EXPECT_EQ(report.entries(0).method(), "GetCase");
  EXPECT_EQ(report.entries(0).actor(), w().principal(kCw));
  EXPECT_EQ(report.entries(1).method(), "GetClient");
  EXPECT_EQ(report.entries(1).actor(), w().principal(kPm));
  EXPECT_GT(report.entries(0).seq(), report.entries(1).seq());
  EXPECT_FALSE(report.next_page_token().empty());
  // By action: only the case read.
  req.set_action("read_case");
  ASSERT_TRUE(Call(stub(), &Stub::ListAuditEntries, w().token(kAuditor), req, &report).ok());
  ASSERT_GE(report.entries_size(), 1);
  for (const auto& e : report.entries()) EXPECT_EQ(e.action(), "read_case");
  req.clear_action();
  // An auditor of organisation A sees nothing of organisation B.
  req.set_organization_id(w().org_b);
  EXPECT_EQ(Call(stub(), &Stub::ListAuditEntries, w().token(kAuditor), req, &report).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuthorizationTable, TransferEndsTheOldWorkersAccess) {
  const std::string pm = w().token(kPm), cw = w().token(kCw), cw2 = w().token(kCw2);
  const std::string k = w().NewCase(pm, w().p1, w().c1, w().principal(kCw));
  const std::string d = w().NewDocument(cw, w().p1, w().c1, k);
  ASSERT_FALSE(d.empty());
  v1::Case got_case;
  std::string content;
  ASSERT_TRUE(Call(stub(), &Stub::GetCase, cw, WithId<v1::GetCaseRequest>(k), &got_case).ok());
  ASSERT_TRUE(Download(stub(), cw, d, &content).ok());
  EXPECT_EQ(
      Call(stub(), &Stub::GetCase, cw2, WithId<v1::GetCaseRequest>(k), &got_case).error_code(),
      grpc::StatusCode::NOT_FOUND);

  v1::AssignCaseRequest assign;
  assign.set_id(k);
  assign.set_worker_id(w().principal(kCw2));
  v1::Case assigned;
  grpc::Status s = Call(stub(), &Stub::AssignCase, pm, assign, &assigned);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(assigned.assigned_worker_id(), w().principal(kCw2));

  // The previous worker: gone, as if it never existed.
  v1::Document doc;
  v1::ListDocumentsResponse docs;
  v1::ListDocumentsRequest by_case;
  by_case.set_case_id(k);
  EXPECT_EQ(Call(stub(), &Stub::GetCase, cw, WithId<v1::GetCaseRequest>(k), &got_case).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Download(stub(), cw, d, &content).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(content.empty());
  EXPECT_EQ(
      Call(stub(), &Stub::GetDocument, cw, WithId<v1::GetDocumentRequest>(d), &doc).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Call(stub(), &Stub::ListDocuments, cw, by_case, &docs).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListCasesRequest by_project;
  by_project.set_project_id(w().p1);
  by_project.set_page_size(1000);
  v1::ListCasesResponse cases;
  ASSERT_TRUE(Call(stub(), &Stub::ListCases, cw, by_project, &cases).ok());
  for (const auto& c : cases.cases()) EXPECT_NE(c.id(), k) << "cw still lists the case";

  // The new worker: everything.
  EXPECT_TRUE(Call(stub(), &Stub::GetCase, cw2, WithId<v1::GetCaseRequest>(k), &got_case).ok());
  s = Download(stub(), cw2, d, &content);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(content, World::kContent);
  EXPECT_TRUE(Call(stub(), &Stub::GetDocument, cw2, WithId<v1::GetDocumentRequest>(d), &doc).ok());
  docs.Clear();
  ASSERT_TRUE(Call(stub(), &Stub::ListDocuments, cw2, by_case, &docs).ok());
  ASSERT_EQ(docs.documents_size(), 1);
  EXPECT_EQ(docs.documents(0).id(), d);
}

// Every id a list returns, following the pages.
template <typename Req, typename Resp, typename Items>
grpc::Status ListAll(Stub* stub, UnaryRpc<Req, Resp> rpc, const std::string& token, Req req,
                     Items items, std::set<std::string>* ids) {
  ids->clear();
  req.set_page_size(7);
  for (int page = 0; page < 1000; ++page) {
    Resp resp;
    grpc::Status s = Call(stub, rpc, token, req, &resp);
    if (!s.ok()) return s;
    for (const auto& item : items(resp)) ids->insert(item.id());
    if (resp.next_page_token().empty()) return s;
    req.set_page_token(resp.next_page_token());
  }
  return grpc::Status(grpc::StatusCode::INTERNAL, "too many pages");
}

TEST_F(AuthorizationTable, ListingsOfAProjectWorkerContainNothingOfAnotherProject) {
  const std::string cw = w().token(kCw);
  // What cw may never see: P2, organisation B, and P1's unassigned case.
  const std::map<std::string, std::string> hidden = {
      {w().org_b, "org B"}, {w().p2, "P2"}, {w().q1, "Q1"}, {w().c2, "C2"},
      {w().cb, "CB"},       {w().k2, "K2"}, {w().k3, "K3"}, {w().kb, "KB"},
      {w().d2, "D2"},       {w().d3, "D3"}, {w().db, "DB"},
  };
  auto expect_none_hidden = [&](const std::set<std::string>& ids, std::string_view what) {
    for (const auto& id : ids) {
      auto it = hidden.find(id);
      EXPECT_TRUE(it == hidden.end()) << what << " of cw contains " << it->second;
    }
  };
  std::set<std::string> ids;

  v1::ListOrganizationsRequest orgs;
  ASSERT_TRUE(ListAll(
                  stub(), &Stub::ListOrganizations, cw, orgs,
                  [](const auto& r) { return r.organizations(); }, &ids)
                  .ok());
  EXPECT_TRUE(ids.contains(w().org_a));
  expect_none_hidden(ids, "ListOrganizations");

  v1::ListProjectsRequest projects;
  projects.set_organization_id(w().org_a);
  ASSERT_TRUE(ListAll(
                  stub(), &Stub::ListProjects, cw, projects,
                  [](const auto& r) { return r.projects(); }, &ids)
                  .ok());
  EXPECT_EQ(ids, std::set<std::string>({w().p1}));

  v1::ListClientsRequest clients;
  clients.set_organization_id(w().org_a);
  ASSERT_TRUE(
      ListAll(
          stub(), &Stub::ListClients, cw, clients, [](const auto& r) { return r.clients(); }, &ids)
          .ok());
  EXPECT_TRUE(ids.contains(w().c1));
  EXPECT_TRUE(ids.contains(w().cp1));
  expect_none_hidden(ids, "ListClients(organization A)");

  v1::ListCasesRequest cases;
  cases.set_project_id(w().p1);
  ASSERT_TRUE(
      ListAll(
          stub(), &Stub::ListCases, cw, cases, [](const auto& r) { return r.cases(); }, &ids)
          .ok());
  EXPECT_TRUE(ids.contains(w().k1));
  expect_none_hidden(ids, "ListCases(project P1)");

  v1::ListCasesRequest cases_of_client;
  cases_of_client.set_client_id(w().c1);
  ASSERT_TRUE(ListAll(
                  stub(), &Stub::ListCases, cw, cases_of_client,
                  [](const auto& r) { return r.cases(); }, &ids)
                  .ok());
  EXPECT_TRUE(ids.contains(w().k1));
  expect_none_hidden(ids, "ListCases(client C1)");

  v1::ListDocumentsRequest documents;
  documents.set_client_id(w().c1);
  ASSERT_TRUE(ListAll(
                  stub(), &Stub::ListDocuments, cw, documents,
                  [](const auto& r) { return r.documents(); }, &ids)
                  .ok());
  EXPECT_TRUE(ids.contains(w().d1));
  expect_none_hidden(ids, "ListDocuments(client C1)");

  // The containers of another project do not exist for cw.
  v1::ListCasesRequest other_cases;
  other_cases.set_project_id(w().p2);
  EXPECT_EQ(
      ListAll(
          stub(), &Stub::ListCases, cw, other_cases, [](const auto& r) { return r.cases(); }, &ids)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  v1::ListClientsRequest other_clients;
  other_clients.set_project_id(w().p2);
  EXPECT_EQ(ListAll(
                stub(), &Stub::ListClients, cw, other_clients,
                [](const auto& r) { return r.clients(); }, &ids)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuthorizationTable, WholeProjectVisibilityShowsEveryCaseToEveryCaseWorker) {
  const std::string project =
      w().NewProject(w().org_a, "A/whole", v1::CASE_VISIBILITY_WHOLE_PROJECT);
  const std::string worker = w().NewMember(w().org_a, "case_worker", project);
  const std::string colleague = w().NewMember(w().org_a, "case_worker", project);
  const std::string token = w().IssueToken(worker);
  const std::string head = w().token(kHead);
  const std::string client = w().NewClient(head, w().org_a, project, "");
  const std::string theirs = w().NewCase(head, project, client, colleague);
  const std::string open = w().NewCase(head, project, client, "");
  const std::string doc = w().NewDocument(head, project, client, theirs);
  ASSERT_FALSE(doc.empty());

  v1::Case c;
  EXPECT_TRUE(Call(stub(), &Stub::GetCase, token, WithId<v1::GetCaseRequest>(theirs), &c).ok());
  EXPECT_TRUE(Call(stub(), &Stub::GetCase, token, WithId<v1::GetCaseRequest>(open), &c).ok());
  std::string content;
  grpc::Status s = Download(stub(), token, doc, &content);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(content, World::kContent);
  std::set<std::string> ids;
  v1::ListCasesRequest cases;
  cases.set_project_id(project);
  ASSERT_TRUE(
      ListAll(
          stub(), &Stub::ListCases, token, cases, [](const auto& r) { return r.cases(); }, &ids)
          .ok());
  EXPECT_EQ(ids, std::set<std::string>({theirs, open}));
  // Not to the case workers of another project.
  EXPECT_EQ(Call(stub(), &Stub::GetCase, w().token(kCw), WithId<v1::GetCaseRequest>(theirs), &c)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuthorizationTable, AdministratorReadingADocumentIsPermissionDenied) {
  const std::string admin = w().admin();
  v1::Document doc;
  grpc::Status s =
      Call(stub(), &Stub::GetDocument, admin, WithId<v1::GetDocumentRequest>(w().d1), &doc);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_TRUE(doc.id().empty());
  std::string content;
  s = Download(stub(), admin, w().d1, &content);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_TRUE(content.empty());
  v1::ListDocumentsRequest list;
  list.set_client_id(w().c1);
  v1::ListDocumentsResponse docs;
  EXPECT_EQ(Call(stub(), &Stub::ListDocuments, admin, list, &docs).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The same answer for a document that does not exist: nothing is revealed.
  const std::string missing = MakeId(IdKind::kDocument, 1, {});
  grpc::Status missing_status =
      Call(stub(), &Stub::GetDocument, admin, WithId<v1::GetDocumentRequest>(missing), &doc);
  EXPECT_EQ(missing_status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(missing_status.error_message(),
            Call(stub(), &Stub::GetDocument, admin, WithId<v1::GetDocumentRequest>(w().d1), &doc)
                .error_message());
  EXPECT_EQ(Download(stub(), admin, missing, &content).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuthorizationTable, RevokedTokenIsUnauthenticatedOnTheNextCall) {
  const std::string worker = w().NewMember(w().org_a, "case_worker", w().p1);
  const v1::IssueTokenResponse revoked = w().IssueTokenFull(worker, w().org_a);
  const v1::IssueTokenResponse kept = w().IssueTokenFull(worker, w().org_a);
  v1::Client client;
  const auto get_c1 = WithId<v1::GetClientRequest>(w().c1);
  ASSERT_TRUE(Call(stub(), &Stub::GetClient, revoked.token(), get_c1, &client).ok());

  v1::RevokeTokenRequest revoke;
  revoke.set_id(revoked.token_id());
  Must(stub(), &Stub::RevokeToken, w().admin(), revoke, "RevokeToken");

  EXPECT_EQ(Call(stub(), &Stub::GetClient, revoked.token(), get_c1, &client).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::WhoAmIResponse me;
  EXPECT_EQ(Call(stub(), &Stub::WhoAmI, revoked.token(), v1::WhoAmIRequest(), &me).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  std::string content;
  EXPECT_EQ(Download(stub(), revoked.token(), w().d1, &content).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // The principal's other token still works.
  EXPECT_TRUE(Call(stub(), &Stub::GetClient, kept.token(), get_c1, &client).ok());
}

TEST_F(AuthorizationTable, RemovedMembershipEndsAccessOnTheNextCall) {
  const std::string worker = w().NewMember(w().org_a, "case_worker", w().p1);
  w().Grant(worker, "case_worker", w().org_a, w().p2);
  const std::string token = w().IssueToken(worker);
  v1::Client client;
  const auto get_c1 = WithId<v1::GetClientRequest>(w().c1);
  const auto get_c2 = WithId<v1::GetClientRequest>(w().c2);
  ASSERT_TRUE(Call(stub(), &Stub::GetClient, token, get_c1, &client).ok());
  ASSERT_TRUE(Call(stub(), &Stub::GetClient, token, get_c2, &client).ok());

  auto remove = [&](const std::string& project) {
    v1::RemoveMembershipRequest req;
    req.set_id(worker);
    *req.mutable_membership() = World::MembershipOf("case_worker", w().org_a, project);
    Must(stub(), &Stub::RemoveMembership, w().admin(), req, "RemoveMembership");
  };
  // Out of P1: C1 no longer exists for the worker; C2 still does.
  remove(w().p1);
  EXPECT_EQ(Call(stub(), &Stub::GetClient, token, get_c1, &client).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Call(stub(), &Stub::GetClient, token, get_c2, &client).ok());
  // Out of P2 as well: no role left that reads clients.
  remove(w().p2);
  EXPECT_EQ(Call(stub(), &Stub::GetClient, token, get_c2, &client).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::WhoAmIResponse me;
  ASSERT_TRUE(Call(stub(), &Stub::WhoAmI, token, v1::WhoAmIRequest(), &me).ok());
  EXPECT_EQ(me.roles_size(), 0);
}

}  // namespace
}  // namespace hoidla
