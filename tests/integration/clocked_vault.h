// A real vault in-process on a loopback port (RocksDB in a temp folder)
// whose clock is fake, so that periods can run out: an organisation with a
// project, a head, a case worker and a data protection officer, partner
// organisations, and a client with a case and three documents. The
// fixture of consent_test and retention_test.
#ifndef HOIDLA_TESTS_INTEGRATION_CLOCKED_VAULT_H_
#define HOIDLA_TESTS_INTEGRATION_CLOCKED_VAULT_H_

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
#include "tests/integration/enrol.h"
#include "tests/integration/test_support.h"
#include "vault/server/server.h"

namespace hoidla::testing {

namespace v1 = ::hoidla::v1;
using client::VaultClient;

inline constexpr int64_t kSecond = 1000000;
inline constexpr int64_t kDay = 86400 * kSecond;
// 2026-11-22T12:00:00Z.
inline constexpr int64_t kStart = 1'795'348'800 * kSecond;
// The deployment's public identity provider for data subjects.
inline constexpr char kCitizens[] = "https://citizens.test";
// The longest session ExchangeIdToken grants.
inline constexpr int64_t kSessionSeconds = 12 * 3600;

inline google::protobuf::Timestamp At(int64_t micros) {
  google::protobuf::Timestamp t;
  t.set_seconds(micros / kSecond);
  t.set_nanos(static_cast<int32_t>(micros % kSecond) * 1000);
  return t;
}

// A valid isikukood for a man born on 1985-03-15 with serial `serial`.
inline std::string PersonalCode(int serial) {
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
    check = sum % 11 == 10 ? 0 : sum % 11;
  }
  return StrCat(code, static_cast<char>('0' + check));
}

inline bool StartsWith(absl::string_view s, std::string_view prefix) {
  return std::string_view(s.data(), s.size()).starts_with(prefix);
}

class ClockedVault : public ::testing::Test {
 protected:
  // Changes the server's configuration before it starts (a fixture's
  // own settings).
  virtual void Configure(service::ServerConfig* config) { (void)config; }

  void SetUp() override {
    ASSERT_TRUE(keys::InitCrypto().ok());
    const std::string jwks = dir_.path() + "/citizens.jwks";
    ::hoidla::testing::WriteFileOrDie(jwks, idp_.jwks());
    service::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = dir_.path() + "/data";
    config.reflection = false;
    config.clock = &clock_;
    config.subject_idp_issuer = kCitizens;
    config.subject_idp_audience = "hoidla";
    config.subject_idp_jwks_file = jwks;
    Configure(&config);
    auto s = service::VaultServer::Start(config, keys::NewKey(), keys::MasterKeyMode::kDev);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
    address_ = StrCat("127.0.0.1:", server_->port());
    admin_ = Connect(*server_->bootstrap_token());
    stub_ = std::make_unique<::hoidla::testing::ApiStub>(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    enrol_ = std::make_unique<::hoidla::testing::Enrolment>(stub_.get(),
                                                            *server_->bootstrap_token(), &idp_);

    org_ = Must(Org("Tugikeskus")).id();
    labour_ = Must(Org("Töötukassa")).id();
    probation_ = Must(Org("Kriminaalhooldus")).id();
    police_ = Must(Org("Politsei")).id();
    // Grants in the partner organisations are approved by their own heads.
    for (const std::string* partner : {&labour_, &probation_, &police_}) {
      Person(v1::PRINCIPAL_KIND_STAFF, *partner, "head_of_organization", "");
    }
    v1::CreateProjectRequest preq;
    preq.mutable_project()->set_organization_id(org_);
    preq.mutable_project()->set_name("Juhtumikorraldus");
    project_ = Must(admin_->CreateProject(preq)).id();

    head_ = Person(v1::PRINCIPAL_KIND_STAFF, org_, "head_of_organization", "");
    cw_ = Person(v1::PRINCIPAL_KIND_STAFF, org_, "case_worker", project_);
    dpo_ = Person(v1::PRINCIPAL_KIND_STAFF, org_, "data_protection_officer", "");
    labour_worker_ = Person(v1::PRINCIPAL_KIND_PARTNER_WORKER, labour_, "partner_worker", "");
    probation_officer_ =
        Person(v1::PRINCIPAL_KIND_PARTNER_WORKER, probation_, "partner_worker", "");
    police_officer_ = Person(v1::PRINCIPAL_KIND_PARTNER_WORKER, police_, "partner_worker", "");

    client_ = NewClient(PersonalCode(1), nullptr);
    case_ = NewCase(client_);
    plan_ = Upload(client_, case_, "case_plan", "Juhtumiplaan: eesmärgid ja tegevused");
    notes_ = Upload(client_, case_, "assessment_notes", "Hindamise märkmed");
    recording_ = Upload(client_, case_, "home_visit_recording", "video bytes");
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::seconds(2));
  }

  template <typename T>
  T Must(absl::StatusOr<T> r) {
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? std::move(*r) : T();
  }

  std::unique_ptr<VaultClient> Connect(const std::string& token, const std::string& purpose = "") {
    client::ConnectOptions o;
    o.address = address_;
    o.token = token;
    o.purpose = purpose;
    auto c = VaultClient::Connect(o);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::move(*c) : nullptr;
  }

  absl::StatusOr<v1::Organization> Org(const std::string& name) {
    v1::CreateOrganizationRequest req;
    req.mutable_organization()->set_name(name);
    auto org = admin_->CreateOrganization(req);
    if (org.ok()) enrol_->TrustIdentityProvider(org->id());
    return org;
  }

  struct Someone {
    std::string id;
    // A client for this person stating `purpose`, signed in (again, once
    // the fake clock has run past the last session) as needed.
    std::unique_ptr<VaultClient> As(ClockedVault* t, const std::string& purpose = "") const {
      return t->Connect(t->Session(id), purpose);
    }
  };

  Someone Person(v1::PrincipalKind kind, const std::string& org, const std::string& role,
                 const std::string& project) {
    v1::CreatePrincipalRequest req;
    req.mutable_principal()->set_display_name(StrCat(role, "@", org));
    req.mutable_principal()->set_kind(kind);
    req.mutable_principal()->set_organization_id(org);
    Someone s;
    s.id = Must(admin_->CreatePrincipal(req)).id();
    org_of_[s.id] = org;
    if (role == "head_of_organization" && enrol_->ApproverFor(org, "").empty()) {
      // The first head of an organisation being enrolled: applied at once.
      // (Not enrol_->Grant: its sign-in is timed by the real clock, the
      // server's is fake.)
      v1::AddMembershipRequest m;
      m.set_id(s.id);
      m.mutable_membership()->set_role(role);
      m.mutable_membership()->set_organization_id(org);
      m.mutable_membership()->set_project_id(project);
      Must(admin_->AddMembership(m));
      enrol_->AddApprover(org, s.id, Session(s.id));
    } else {
      // Requested by the administrator, approved by a head of `org`.
      enrol_->Grant(s.id, role, org, project);
    }
    return s;
  }
  // An ID token of the test identity provider, timed by the fake clock.
  std::string IdToken(const std::string& issuer, const std::string& subject) {
    const int64_t now = clock_.NowMicros() / kSecond;
    auto jwt = keys::SignJwt(idp_.key(), StrCat("{\"iss\":\"", issuer, "\",\"sub\":\"", subject,
                                                "\",\"aud\":\"hoidla\",\"iat\":", now,
                                                ",\"nbf\":", now, ",\"exp\":", now + 600, "}"));
    EXPECT_TRUE(jwt.ok()) << jwt.status();
    return jwt.ok() ? *jwt : "";
  }
  // Signs in with `id_token` (ExchangeIdToken) for the longest session.
  std::string SignIn(const std::string& id_token) {
    v1::ExchangeIdTokenRequest req;
    req.set_id_token(id_token);
    req.set_ttl_seconds(kSessionSeconds);
    v1::IssueTokenResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->ExchangeIdToken(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.token();
  }
  // A session token of `principal_id`: nobody issues tokens for others any
  // more, people sign in with their organisation's identity provider.
  // Sessions last 12 hours; a new one is made once the fake clock passes it.
  std::string Session(const std::string& principal_id) {
    auto& [token, expires] = sessions_[principal_id];
    if (token.empty() || clock_.NowMicros() + 60 * kSecond >= expires) {
      token = SignIn(IdToken(
          ::hoidla::testing::TestIdentityProvider::IssuerFor(org_of_[principal_id]), principal_id));
      expires = clock_.NowMicros() + kSessionSeconds * kSecond;
    }
    return token;
  }

  std::string NewClient(const std::string& personal_code, const v1::Date* birth) {
    v1::CreateClientRequest req;
    req.mutable_client()->set_organization_id(org_);
    req.mutable_client()->add_project_ids(project_);
    req.mutable_client()->set_given_name("Mari");
    req.mutable_client()->set_family_name("Maasikas");
    if (!personal_code.empty()) {
      req.mutable_client()->set_personal_code(personal_code);
    } else {
      req.mutable_client()->set_no_personal_code_reason("foreign national, no code");
    }
    if (birth != nullptr) *req.mutable_client()->mutable_date_of_birth() = *birth;
    return Must(head_.As(this)->CreateClient(req)).id();
  }
  std::string NewCase(const std::string& client_id) {
    v1::CreateCaseRequest req;
    req.mutable_case_()->set_project_id(project_);
    req.mutable_case_()->set_client_id(client_id);
    req.mutable_case_()->set_title("Toetus");
    return Must(cw_.As(this)->CreateCase(req)).id();
  }
  std::string Upload(const std::string& client_id, const std::string& case_id,
                     const std::string& kind, const std::string& content) {
    v1::Document h;
    h.set_project_id(project_);
    h.set_client_id(client_id);
    h.set_case_id(case_id);
    h.set_title(kind);
    h.set_kind(kind);
    h.set_content_type("application/octet-stream");
    std::istringstream in(content);
    return Must(cw_.As(this)->UploadDocument(h, in)).id();
  }

  // The case plan of `client_id` to `recipient_org` for employment support,
  // from now for 30 days, given orally by the client.
  v1::Consent PlanToOrg(const std::string& client_id, const std::string& recipient_org) {
    v1::Consent c;
    c.set_client_id(client_id);
    c.set_project_id(project_);
    c.mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
    c.set_form(v1::CONSENT_FORM_ORAL);
    c.set_witness("juhtumikorraldaja");
    c.set_note("esialgne suuline kokkulepe");
    c.set_cooperation_agreed(true);
    c.set_processing_agreed(true);
    c.set_given_voluntarily(true);
    *c.mutable_given_at() = At(clock_.NowMicros());
    auto* p = c.add_provisions();
    auto* r = p->add_recipients();
    r->set_kind(v1::RECIPIENT_KIND_ORGANIZATION);
    r->set_organization_id(recipient_org);
    p->add_kinds("case_plan");
    p->add_purposes("employment_support");
    *p->mutable_valid_from() = At(clock_.NowMicros());
    *p->mutable_valid_until() = At(clock_.NowMicros() + 30 * kDay);
    return c;
  }
  v1::ConsentReceipt Record(const v1::Consent& c) {
    v1::RecordConsentRequest req;
    *req.mutable_consent() = c;
    return Must(cw_.As(this)->RecordConsent(req));
  }

  absl::StatusCode Get(const Someone& who, const std::string& purpose, const std::string& id) {
    v1::GetDocumentRequest req;
    req.set_id(id);
    return who.As(this, purpose)->GetDocument(req).status().code();
  }
  // The newest audit entry whose actor is `principal_id`.
  audit::Entry LastBy(const std::string& principal_id) {
    auto* log = server_->audit_log();
    for (uint64_t seq = log->size(); seq > 0; --seq) {
      auto e = log->Get(seq - 1);
      if (e.ok() && e->actor() == principal_id) return *e;
    }
    return audit::Entry();
  }

  void Tick(int64_t micros = kSecond) { clock_.Advance(micros); }

  ::hoidla::testing::TempDir dir_;
  FakeClock clock_{kStart};
  ::hoidla::testing::TestIdentityProvider idp_;
  std::unique_ptr<service::VaultServer> server_;
  std::string address_;
  std::unique_ptr<VaultClient> admin_;
  std::unique_ptr<::hoidla::testing::ApiStub> stub_;
  std::unique_ptr<::hoidla::testing::Enrolment> enrol_;
  std::map<std::string, std::string> org_of_;                        // principal -> org
  std::map<std::string, std::pair<std::string, int64_t>> sessions_;  // -> token, expiry
  std::string org_, labour_, probation_, police_, project_;
  Someone head_, cw_, dpo_, labour_worker_, probation_officer_, police_officer_;
  std::string client_, case_, plan_, notes_, recording_;
};

}  // namespace hoidla::testing

#endif  // HOIDLA_TESTS_INTEGRATION_CLOCKED_VAULT_H_
