// Tests of vaultctl's sign-in, grant request and credential administration
// commands against a fake vault on a loopback port: how `login`, `grant
// request|approve|deny|get|list`, `token issue|list|revoke`, `principal
// disable|unmap-cert`, `org set-crl|set-idp` and `consent confirm` map their
// arguments to requests (and what they send as a credential), and what they
// print; plus the VaultClient calls behind them.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl_format.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/grpcpp.h"
#include "tests/client/fake_services.h"

#ifndef VAULTCTL_PATH
#error "VAULTCTL_PATH must name the vaultctl binary"
#endif

namespace hoidla::vaultctl {
namespace {

namespace v1 = ::hoidla::v1;
using ::google::protobuf::util::TimeUtil;

constexpr char kOrg[] = "org_01hq3v0000000000000000000o";
constexpr char kPrn[] = "prn_01hq3v0000000000000000000p";
constexpr char kGrq[] = "grq_01hq3v0000000000000000000g";

struct Result {
  int code = -1;
  std::string output;  // stdout and stderr
};

// Runs `command` through the shell (stdin from /dev/null unless the command
// redirects it) and captures stdout and stderr.
Result Shell(const std::string& command) {
  Result result;
  FILE* pipe = ::popen(StrCat(command, " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string Quote(const std::string& s) { return StrCat("'", s, "'"); }

void WriteFile(const std::filesystem::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

google::protobuf::Timestamp At(const char* rfc3339) {
  google::protobuf::Timestamp t;
  EXPECT_TRUE(TimeUtil::FromString(rfc3339, &t));
  return t;
}

std::string AuthorizationOf(const grpc::ServerContext* context) {
  auto it = context->client_metadata().find("authorization");
  if (it == context->client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// Answers the identity calls from a script, remembering each last request
// and the authorization metadata of the last call.
class FakeIdentityVault final {
 public:
  template <typename T>
  T Last(const T& field) {
    std::lock_guard<std::mutex> lock(mu_);
    return field;
  }
  int calls() { return Last(calls_); }
  std::string authorization() { return Last(authorization_); }
  v1::ExchangeIdTokenRequest last_exchange() { return Last(exchange_); }
  v1::IssueTokenRequest last_issue() { return Last(issue_); }
  v1::ListTokensRequest last_list_tokens() { return Last(list_tokens_); }
  v1::RevokeTokenRequest last_revoke() { return Last(revoke_); }
  v1::DisablePrincipalRequest last_disable() { return Last(disable_); }
  v1::RemoveCertificateMappingRequest last_unmap() { return Last(unmap_); }
  v1::SetOrganizationCrlRequest last_crl() { return Last(crl_); }
  v1::SetOrganizationIdentityProviderRequest last_idp() { return Last(idp_); }
  v1::CreateGrantRequestRequest last_create() { return Last(create_); }
  v1::ApproveGrantRequestRequest last_approve() { return Last(approve_); }
  v1::DenyGrantRequestRequest last_deny() { return Last(deny_); }
  v1::GetGrantRequestRequest last_get() { return Last(get_); }
  v1::ListGrantRequestsRequest last_list() { return Last(list_); }
  v1::ConfirmConsentReleaseRequest last_confirm() { return Last(confirm_); }

  static v1::IssueTokenResponse Token(const std::string& token) {
    v1::IssueTokenResponse r;
    r.set_token(token);
    r.set_token_id("tok_01hq3v0000000000000000000t");
    *r.mutable_expires_at() = At("2026-09-21T15:13:20Z");
    return r;
  }

  // The stored request as the vault returns it.
  static v1::GrantRequest Stored(v1::GrantRequest g, v1::GrantRequestState state) {
    g.set_id(kGrq);
    if (g.organization_id().empty()) g.set_organization_id(kOrg);
    g.set_state(state);
    g.set_requested_by("prn_admin");
    *g.mutable_requested_at() = At("2026-09-21T14:13:20Z");
    if (state == v1::GRANT_REQUEST_STATE_PENDING) {
      *g.mutable_expires_at() = At("2026-09-28T14:13:20Z");
    } else {
      g.set_decided_by("prn_head");
      *g.mutable_decided_at() = At("2026-09-21T14:14:20Z");
    }
    if (g.has_membership()) g.set_principal_id(g.membership().principal_id());
    if (g.has_service_token()) {
      g.set_principal_id(g.service_token().principal_id());
      g.mutable_service_token()->set_token_id("tok_01hq3v0000000000000000000s");
    }
    return g;
  }

  static v1::GrantRequest Membership() {
    v1::GrantRequest g;
    g.mutable_membership()->set_principal_id(kPrn);
    g.mutable_membership()->mutable_membership()->set_role("auditor");
    g.mutable_membership()->mutable_membership()->set_organization_id(kOrg);
    return g;
  }

  grpc::Status ExchangeIdToken(grpc::ServerContext* context,
                               const v1::ExchangeIdTokenRequest* request,
                               v1::IssueTokenResponse* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    exchange_ = *request;
    if (request->id_token() == "bad")
      return {grpc::StatusCode::UNAUTHENTICATED, "id_token: not accepted"};
    *response = Token("hdl_session");
    return grpc::Status::OK;
  }

  grpc::Status IssueToken(grpc::ServerContext* context, const v1::IssueTokenRequest* request,
                          v1::IssueTokenResponse* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    issue_ = *request;
    if (request->id() == "prn_person")
      return {grpc::StatusCode::PERMISSION_DENIED, "principal_id: another person"};
    *response = Token(request->id().empty() ? "hdl_own" : "hdl_service");
    return grpc::Status::OK;
  }

  grpc::Status ListTokens(grpc::ServerContext* context, const v1::ListTokensRequest* request,
                          v1::ListTokensResponse* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    list_tokens_ = *request;
    v1::TokenInfo* t = response->add_tokens();
    t->set_token_id("tok_a");
    t->set_principal_id(request->principal_id());
    t->set_kind(v1::TOKEN_KIND_SESSION);
    *t->mutable_created_at() = At("2026-09-21T14:13:20Z");
    *t->mutable_expires_at() = At("2026-09-21T15:13:20Z");
    t->set_issued_by(request->principal_id());
    v1::TokenInfo* s = response->add_tokens();
    s->set_token_id("tok_b");
    s->set_kind(v1::TOKEN_KIND_SERVICE);
    s->set_pending(true);
    s->set_grant_request_id(kGrq);
    s->set_issued_by("prn_admin");
    v1::TokenInfo* r = response->add_tokens();
    r->set_token_id("tok_c");
    r->set_kind(v1::TOKEN_KIND_BOOTSTRAP);
    r->set_revoked(true);
    response->set_next_page_token("next");
    return grpc::Status::OK;
  }

  grpc::Status RevokeToken(grpc::ServerContext* context, const v1::RevokeTokenRequest* request,
                           v1::RevokeTokenResponse*) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    revoke_ = *request;
    return grpc::Status::OK;
  }

  grpc::Status DisablePrincipal(grpc::ServerContext* context,
                                const v1::DisablePrincipalRequest* request,
                                v1::Principal* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    disable_ = *request;
    response->set_id(request->id());
    response->set_display_name("Worker");
    response->set_kind(v1::PRINCIPAL_KIND_STAFF);
    response->set_organization_id(kOrg);
    response->set_disabled(true);
    *response->mutable_disabled_at() = At("2026-09-21T14:13:20Z");
    response->set_disabled_by("prn_head");
    return grpc::Status::OK;
  }

  grpc::Status RemoveCertificateMapping(grpc::ServerContext* context,
                                        const v1::RemoveCertificateMappingRequest* request,
                                        v1::Principal* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    unmap_ = *request;
    if (request->subject() != "CN=worker1,O=Org")
      return {grpc::StatusCode::NOT_FOUND, "subject: not mapped to this principal"};
    response->set_id(request->id());
    response->set_display_name("Worker");
    response->set_kind(v1::PRINCIPAL_KIND_PARTNER_WORKER);
    return grpc::Status::OK;
  }

  grpc::Status SetOrganizationCrl(grpc::ServerContext* context,
                                  const v1::SetOrganizationCrlRequest* request,
                                  v1::Organization* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    crl_ = *request;
    response->set_id(request->id());
    response->set_name("Org");
    response->set_has_client_ca(true);
    response->set_has_crl(!request->crl_pem().empty());
    return grpc::Status::OK;
  }

  grpc::Status SetOrganizationIdentityProvider(
      grpc::ServerContext* context, const v1::SetOrganizationIdentityProviderRequest* request,
      v1::Organization* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    idp_ = *request;
    response->set_id(request->id());
    response->set_name("Org");
    response->set_identity_provider_issuer(request->identity_provider().issuer());
    return grpc::Status::OK;
  }

  grpc::Status CreateGrantRequest(grpc::ServerContext* context,
                                  const v1::CreateGrantRequestRequest* request,
                                  v1::CreateGrantRequestResponse* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    create_ = *request;
    *response->mutable_grant_request() =
        Stored(request->grant_request(), v1::GRANT_REQUEST_STATE_PENDING);
    if (request->grant_request().has_service_token()) response->set_token("hdl_pending");
    return grpc::Status::OK;
  }

  grpc::Status ApproveGrantRequest(grpc::ServerContext* context,
                                   const v1::ApproveGrantRequestRequest* request,
                                   v1::GrantRequest* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    approve_ = *request;
    if (request->id() != kGrq)
      return {grpc::StatusCode::PERMISSION_DENIED,
              "id: the requester may not approve their own request"};
    *response = Stored(Membership(), v1::GRANT_REQUEST_STATE_APPROVED);
    return grpc::Status::OK;
  }

  grpc::Status DenyGrantRequest(grpc::ServerContext* context,
                                const v1::DenyGrantRequestRequest* request,
                                v1::GrantRequest* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    deny_ = *request;
    *response = Stored(Membership(), v1::GRANT_REQUEST_STATE_DENIED);
    response->set_decision_note(request->note());
    return grpc::Status::OK;
  }

  grpc::Status GetGrantRequest(grpc::ServerContext* context,
                               const v1::GetGrantRequestRequest* request,
                               v1::GrantRequest* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    get_ = *request;
    *response = Stored(Membership(), v1::GRANT_REQUEST_STATE_PENDING);
    return grpc::Status::OK;
  }

  grpc::Status ListGrantRequests(grpc::ServerContext* context,
                                 const v1::ListGrantRequestsRequest* request,
                                 v1::ListGrantRequestsResponse* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    list_ = *request;
    *response->add_grant_requests() = Stored(Membership(), v1::GRANT_REQUEST_STATE_PENDING);
    v1::GrantRequest idp;
    idp.set_organization_id(kOrg);
    idp.mutable_identity_provider()->set_issuer("https://idp.example/org");
    idp.mutable_identity_provider()->set_audience("hoidla");
    v1::GrantRequest stored = Stored(idp, v1::GRANT_REQUEST_STATE_APPLIED);
    stored.set_id("grq_01hq3v0000000000000000000h");
    *response->add_grant_requests() = stored;
    return grpc::Status::OK;
  }

  grpc::Status ConfirmConsentRelease(grpc::ServerContext* context,
                                     const v1::ConfirmConsentReleaseRequest* request,
                                     v1::Consent* response) {
    Note(context);
    std::lock_guard<std::mutex> lock(mu_);
    confirm_ = *request;
    if (request->version() != 2)
      return {grpc::StatusCode::ABORTED, "version: not the current version"};
    response->set_id(request->id());
    response->set_version(2);
    response->mutable_release_confirmation()->set_required(true);
    response->mutable_release_confirmation()->set_confirmed_by("prn_pm");
    *response->mutable_release_confirmation()->mutable_confirmed_at() = At("2026-09-21T14:13:20Z");
    return grpc::Status::OK;
  }

 private:
  void Note(const grpc::ServerContext* context) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    authorization_ = AuthorizationOf(context);
  }

  std::mutex mu_;
  int calls_ = 0;
  std::string authorization_;
  v1::ExchangeIdTokenRequest exchange_;
  v1::IssueTokenRequest issue_;
  v1::ListTokensRequest list_tokens_;
  v1::RevokeTokenRequest revoke_;
  v1::DisablePrincipalRequest disable_;
  v1::RemoveCertificateMappingRequest unmap_;
  v1::SetOrganizationCrlRequest crl_;
  v1::SetOrganizationIdentityProviderRequest idp_;
  v1::CreateGrantRequestRequest create_;
  v1::ApproveGrantRequestRequest approve_;
  v1::DenyGrantRequestRequest deny_;
  v1::GetGrantRequestRequest get_;
  v1::ListGrantRequestsRequest list_;
  v1::ConfirmConsentReleaseRequest confirm_;
};

class VaultctlIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    for (grpc::Service* s : services_.all()) builder.RegisterService(s);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    dir_ = std::filesystem::temp_directory_path() /
           StrCat("vaultctl_identity_test_", ::getpid(), "_",
                  std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    server_->Shutdown();
    std::filesystem::remove_all(dir_);
  }

  std::string Address() const { return StrCat("127.0.0.1:", port_); }

  // vaultctl with the fake's address and the token "t".
  Result Online(const std::string& args) {
    return Shell(
        StrCat(VAULTCTL_PATH, " --server ", Address(), " --token t ", args, " </dev/null"));
  }

  std::filesystem::path File(const std::string& name, const std::string& contents) {
    const std::filesystem::path path = dir_ / name;
    WriteFile(path, contents);
    return path;
  }

  FakeIdentityVault service_;
  testing::FakeServices<FakeIdentityVault> services_{&service_};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::filesystem::path dir_;
};

std::string TokenText(const std::string& token) {
  return StrCat("token: ", token,
                "\ntoken_id: tok_01hq3v0000000000000000000t\n"
                "expires_at: 2026-09-21T15:13:20Z\n");
}

TEST_F(VaultctlIdentityTest, LoginExchangesAnIdTokenAndSendsNoCredential) {
  const auto file = File("id_token", "eyJ.header.sig\n");
  Result r = Online(
      StrCat("login --id-token-file ", Quote(file.string()), " --ttl 2h --client-org ", kOrg));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output, TokenText("hdl_session"));
  EXPECT_EQ(service_.authorization(), "") << "login sent the --token";
  EXPECT_EQ(service_.last_exchange().id_token(), "eyJ.header.sig");
  EXPECT_EQ(service_.last_exchange().ttl_seconds(), 7200);
  EXPECT_EQ(service_.last_exchange().client_organization_id(), kOrg);

  // The token itself, or on standard input; the server's default lifetime.
  Result inline_token = Online("login --id-token eyJ.a.b");
  ASSERT_EQ(inline_token.code, 0) << inline_token.output;
  EXPECT_EQ(service_.last_exchange().id_token(), "eyJ.a.b");
  EXPECT_EQ(service_.last_exchange().ttl_seconds(), 0);
  Result piped = Shell(StrCat("echo eyJ.c.d | ", VAULTCTL_PATH, " --server ", Address(),
                              " login --id-token-file - --json"));
  ASSERT_EQ(piped.code, 0) << piped.output;
  EXPECT_EQ(service_.last_exchange().id_token(), "eyJ.c.d");
  v1::IssueTokenResponse json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(piped.output, &json).ok())
      << piped.output;
  EXPECT_EQ(json.token(), "hdl_session");

  // Refused with the server's code.
  Result bad = Online("login --id-token bad");
  EXPECT_EQ(bad.code, 26) << bad.output;
  EXPECT_EQ(bad.output, "error: UNAUTHENTICATED: id_token: not accepted\n");

  // Usage errors send nothing.
  const int before = service_.calls();
  EXPECT_EQ(Online("login").code, 1);
  EXPECT_EQ(Online("login --id-token a --session").code, 1);
  EXPECT_EQ(Online(StrCat("login --id-token-file ", Quote((dir_ / "none").string()))).code, 1);
  EXPECT_EQ(Online(StrCat("login --id-token-file ", Quote(File("empty", "\n").string()))).code, 1);
  EXPECT_EQ(Online("login --session --client-org org_x").code, 1);
  EXPECT_EQ(Online("login --id-token a --ttl 5x").code, 1);
  EXPECT_EQ(service_.calls(), before);
}

TEST_F(VaultctlIdentityTest, SessionsAndServiceTokensAreIssued) {
  Result session = Online("login --session --ttl 30m");
  ASSERT_EQ(session.code, 0) << session.output;
  EXPECT_EQ(session.output, TokenText("hdl_own"));
  EXPECT_EQ(service_.authorization(), "Bearer t");
  EXPECT_EQ(service_.last_issue().id(), "");
  EXPECT_EQ(service_.last_issue().ttl_seconds(), 1800);
  ASSERT_EQ(Online("login --session").code, 0);
  EXPECT_EQ(service_.last_issue().ttl_seconds(), 3600);

  // `token issue` without a principal: one's own session.
  Result own = Online("token issue --ttl 10m");
  ASSERT_EQ(own.code, 0) << own.output;
  EXPECT_EQ(own.output, TokenText("hdl_own"));
  EXPECT_EQ(service_.last_issue().id(), "");
  EXPECT_EQ(service_.last_issue().ttl_seconds(), 600);
  Result service = Online("token issue prn_sa --ttl 30d");
  ASSERT_EQ(service.code, 0) << service.output;
  EXPECT_EQ(service.output, TokenText("hdl_service"));
  EXPECT_EQ(service_.last_issue().id(), "prn_sa");
  EXPECT_EQ(service_.last_issue().ttl_seconds(), 30 * 86400);
  Result person = Online("token issue prn_person --ttl 1h");
  EXPECT_EQ(person.code, 17) << person.output;
  EXPECT_EQ(person.output, "error: PERMISSION_DENIED: principal_id: another person\n");
}

TEST_F(VaultctlIdentityTest, TokenListRevokeDisableAndUnmap) {
  Result list = Online(StrCat("token list ", kPrn, " --page-size 3"));
  ASSERT_EQ(list.code, 0) << list.output;
  EXPECT_EQ(service_.last_list_tokens().principal_id(), kPrn);
  EXPECT_EQ(service_.last_list_tokens().page_size(), 3);
  EXPECT_EQ(list.output,
            StrCat("tok_a\tsession\tactive\t2026-09-21T14:13:20Z\t2026-09-21T15:13:20Z\t", kPrn,
                   "\t-\n"
                   "tok_b\tservice\tpending\t-\t-\tprn_admin\t",
                   kGrq,
                   "\n"
                   "tok_c\tbootstrap\trevoked\t-\t-\t-\t-\n"
                   "next_page_token: next\n"));

  Result revoke = Online("token revoke tok_a");
  ASSERT_EQ(revoke.code, 0) << revoke.output;
  EXPECT_EQ(revoke.output, "revoked: tok_a\n");
  EXPECT_EQ(service_.last_revoke().id(), "tok_a");

  Result disable = Online(StrCat("principal disable ", kPrn));
  ASSERT_EQ(disable.code, 0) << disable.output;
  EXPECT_EQ(service_.last_disable().id(), kPrn);
  EXPECT_EQ(disable.output,
            StrCat("id: ", kPrn, "\ndisplay_name: Worker\nkind: staff\norganization_id: ", kOrg,
                   "\ndisabled: true\ndisabled_at: 2026-09-21T14:13:20Z\n"
                   "disabled_by: prn_head\n"));

  Result unmap = Online(StrCat("principal unmap-cert ", kPrn, " --subject 'CN=worker1,O=Org'"));
  ASSERT_EQ(unmap.code, 0) << unmap.output;
  EXPECT_EQ(service_.last_unmap().id(), kPrn);
  EXPECT_EQ(service_.last_unmap().subject(), "CN=worker1,O=Org");
  Result unmapped = Online(StrCat("principal unmap-cert ", kPrn, " --subject CN=other"));
  EXPECT_EQ(unmapped.code, 15) << unmapped.output;
  EXPECT_EQ(unmapped.output, "error: NOT_FOUND: subject: not mapped to this principal\n");
  const int before = service_.calls();
  EXPECT_EQ(Online(StrCat("principal unmap-cert ", kPrn)).code, 1);
  EXPECT_EQ(Online("principal disable").code, 1);
  EXPECT_EQ(Online("token list").code, 1);
  EXPECT_EQ(service_.calls(), before);
}

TEST_F(VaultctlIdentityTest, OrgSetIdpAndCrlSendTheFiles) {
  const std::string jwks = R"({"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b"}]})";
  const auto jwks_file = File("jwks.json", jwks);
  Result idp = Online(StrCat("org set-idp ", kOrg,
                             " --issuer https://idp.example/org --audience hoidla-vault "
                             "--jwks-file ",
                             Quote(jwks_file.string()), " --principal-id-claim hoidla_prn"));
  ASSERT_EQ(idp.code, 0) << idp.output;
  EXPECT_EQ(service_.last_idp().id(), kOrg);
  EXPECT_EQ(service_.last_idp().identity_provider().issuer(), "https://idp.example/org");
  EXPECT_EQ(service_.last_idp().identity_provider().audience(), "hoidla-vault");
  EXPECT_EQ(service_.last_idp().identity_provider().jwks_json(), jwks);
  EXPECT_EQ(service_.last_idp().identity_provider().principal_id_claim(), "hoidla_prn");
  EXPECT_EQ(idp.output, StrCat("id: ", kOrg,
                               "\nname: Org\nidentity_provider_issuer: "
                               "https://idp.example/org\n"));

  const std::string pem = "-----BEGIN X509 CRL-----\nMII\n-----END X509 CRL-----\n";
  Result crl =
      Online(StrCat("org set-crl ", kOrg, " --crl-file ", Quote(File("crl.pem", pem).string())));
  ASSERT_EQ(crl.code, 0) << crl.output;
  EXPECT_EQ(service_.last_crl().crl_pem(), pem);
  EXPECT_EQ(crl.output, StrCat("id: ", kOrg,
                               "\nname: Org\nclient_ca: configured\n"
                               "crl: configured\n"));
  // An empty file removes the lists.
  Result removed =
      Online(StrCat("org set-crl ", kOrg, " --crl-file ", Quote(File("empty.pem", "").string())));
  ASSERT_EQ(removed.code, 0) << removed.output;
  EXPECT_EQ(service_.last_crl().crl_pem(), "");
  EXPECT_EQ(removed.output, StrCat("id: ", kOrg, "\nname: Org\nclient_ca: configured\n"));

  const int before = service_.calls();
  EXPECT_EQ(
      Online(StrCat("org set-crl ", kOrg, " --crl-file ", Quote((dir_ / "none").string()))).code,
      1);
  EXPECT_EQ(Online(StrCat("org set-idp ", kOrg, " --issuer i --audience a")).code, 1);
  EXPECT_EQ(Online(StrCat("org set-idp ", kOrg, " --issuer i --audience a --jwks-file ",
                          Quote((dir_ / "none").string())))
                .code,
            1);
  EXPECT_EQ(service_.calls(), before);
}

TEST_F(VaultctlIdentityTest, GrantRequestMapsEveryKind) {
  // A membership, printed id first with its state.
  Result membership =
      Online(StrCat("grant request --membership ", kPrn, " --role case_worker --org ", kOrg,
                    " --project prj_x --justification 'new hire'"));
  ASSERT_EQ(membership.code, 0) << membership.output;
  {
    const v1::GrantRequest g = service_.last_create().grant_request();
    ASSERT_TRUE(g.has_membership());
    EXPECT_EQ(g.membership().principal_id(), kPrn);
    EXPECT_EQ(g.membership().membership().role(), "case_worker");
    EXPECT_EQ(g.membership().membership().organization_id(), kOrg);
    EXPECT_EQ(g.membership().membership().project_id(), "prj_x");
    EXPECT_EQ(g.organization_id(), "") << "the vault derives it from the account";
    EXPECT_EQ(g.justification(), "new hire");
  }
  EXPECT_EQ(
      membership.output,
      StrCat("id: ", kGrq, "\nstate: pending\norganization_id: ", kOrg,
             "\ngrant: membership\nmembership: case_worker@", kOrg, "/prj_x\nprincipal_id: ", kPrn,
             "\njustification: new hire\nrequested_by: prn_admin\n"
             "requested_at: 2026-09-21T14:13:20Z\nexpires_at: 2026-09-28T14:13:20Z\n"));

  Result cert =
      Online(StrCat("grant request --certificate ", kPrn, " --subject 'CN=worker1,O=Org'"));
  ASSERT_EQ(cert.code, 0) << cert.output;
  EXPECT_EQ(service_.last_create().grant_request().certificate().principal_id(), kPrn);
  EXPECT_EQ(service_.last_create().grant_request().certificate().subject(), "CN=worker1,O=Org");
  EXPECT_TRUE(Contains(cert.output, "\ngrant: certificate\nsubject: CN=worker1,O=Org\n"))
      << cert.output;

  const std::string ca = "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n";
  Result client_ca = Online(StrCat("grant request --client-ca ", kOrg, " --ca-file ",
                                   Quote(File("ca.pem", ca).string())));
  ASSERT_EQ(client_ca.code, 0) << client_ca.output;
  EXPECT_EQ(service_.last_create().grant_request().organization_id(), kOrg);
  EXPECT_EQ(service_.last_create().grant_request().client_ca().ca_pem(), ca);
  EXPECT_TRUE(Contains(client_ca.output, "\ngrant: client_ca\n")) << client_ca.output;

  const std::string jwks = R"({"keys":[]})";
  Result idp = Online(StrCat("grant request --identity-provider ", kOrg,
                             " --issuer https://idp.example/org --audience hoidla --jwks-file ",
                             Quote(File("jwks.json", jwks).string()), " --principal-id-claim prn"));
  ASSERT_EQ(idp.code, 0) << idp.output;
  {
    const v1::GrantRequest g = service_.last_create().grant_request();
    EXPECT_EQ(g.organization_id(), kOrg);
    EXPECT_EQ(g.identity_provider().issuer(), "https://idp.example/org");
    EXPECT_EQ(g.identity_provider().audience(), "hoidla");
    EXPECT_EQ(g.identity_provider().jwks_json(), jwks);
    EXPECT_EQ(g.identity_provider().principal_id_claim(), "prn");
  }
  EXPECT_TRUE(Contains(idp.output,
                       "\ngrant: identity_provider\nissuer: https://idp.example/org\n"
                       "audience: hoidla\nprincipal_id_claim: prn\n"))
      << idp.output;

  // --act-for here names the grant's service account, not the global option.
  Result act_for = Online("grant request --act-for prn_sa");
  ASSERT_EQ(act_for.code, 0) << act_for.output;
  EXPECT_EQ(service_.last_create().grant_request().act_for().principal_id(), "prn_sa");
  EXPECT_TRUE(Contains(act_for.output, "\ngrant: act_for\n")) << act_for.output;

  // A service token: printed once, with the request.
  Result token = Online("grant request --service-token prn_sa --ttl 90d");
  ASSERT_EQ(token.code, 0) << token.output;
  EXPECT_EQ(service_.last_create().grant_request().service_token().principal_id(), "prn_sa");
  EXPECT_EQ(service_.last_create().grant_request().service_token().ttl_seconds(), 90 * 86400);
  EXPECT_TRUE(Contains(token.output,
                       "\ngrant: service_token\nttl_seconds: 7776000\n"
                       "token_id: tok_01hq3v0000000000000000000s\n"))
      << token.output;
  EXPECT_TRUE(Contains(token.output, "\ntoken: hdl_pending\n")) << token.output;
  Result json = Online("grant request --service-token prn_sa --ttl 1d --json");
  ASSERT_EQ(json.code, 0) << json.output;
  v1::CreateGrantRequestResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.output, &response).ok())
      << json.output;
  EXPECT_EQ(response.token(), "hdl_pending");
  EXPECT_EQ(response.grant_request().state(), v1::GRANT_REQUEST_STATE_PENDING);

  // Missing, misplaced or several grants: usage errors, nothing sent.
  const int before = service_.calls();
  for (const std::string& bad : {
           std::string("grant request"),
           StrCat("grant request --membership ", kPrn),
           StrCat("grant request --membership ", kPrn, " --role auditor --subject CN=x"),
           StrCat("grant request --certificate ", kPrn),
           StrCat("grant request --certificate ", kPrn, " --subject CN=x --role auditor"),
           StrCat("grant request --certificate ", kPrn, " --subject CN=x --org ", kOrg),
           StrCat("grant request --client-ca ", kOrg),
           StrCat("grant request --client-ca ", kOrg, " --ca-file ",
                  Quote((dir_ / "none").string())),
           StrCat("grant request --identity-provider ", kOrg, " --issuer i --audience a"),
           std::string("grant request --service-token prn_sa"),
           std::string("grant request --act-for prn_sa --ttl 1d"),
           std::string("grant request --act-for prn_sa --principal-id-claim c"),
           StrCat("grant request --act-for prn_sa --membership ", kPrn, " --role auditor"),
       }) {
    Result r = Online(bad);
    EXPECT_EQ(r.code, 1) << bad << "\n" << r.output;
  }
  EXPECT_EQ(service_.calls(), before);
}

TEST_F(VaultctlIdentityTest, GrantApproveDenyGetAndList) {
  Result approved = Online(StrCat("grant approve ", kGrq));
  ASSERT_EQ(approved.code, 0) << approved.output;
  EXPECT_EQ(service_.last_approve().id(), kGrq);
  EXPECT_EQ(approved.output,
            StrCat("id: ", kGrq, "\nstate: approved\norganization_id: ", kOrg,
                   "\ngrant: membership\nmembership: auditor@", kOrg, "\nprincipal_id: ", kPrn,
                   "\nrequested_by: prn_admin\nrequested_at: 2026-09-21T14:13:20Z\n"
                   "decided_by: prn_head\ndecided_at: 2026-09-21T14:14:20Z\n"));
  Result own = Online("grant approve grq_other");
  EXPECT_EQ(own.code, 17) << own.output;
  EXPECT_EQ(own.output,
            "error: PERMISSION_DENIED: id: the requester may not approve their own request\n");

  Result denied = Online(StrCat("grant deny ", kGrq, " --note 'not needed'"));
  ASSERT_EQ(denied.code, 0) << denied.output;
  EXPECT_EQ(service_.last_deny().id(), kGrq);
  EXPECT_EQ(service_.last_deny().note(), "not needed");
  EXPECT_TRUE(Contains(denied.output, "\nstate: denied\n")) << denied.output;
  EXPECT_TRUE(Contains(denied.output, "\ndecision_note: not needed\n")) << denied.output;

  Result got = Online(StrCat("grant get ", kGrq));
  ASSERT_EQ(got.code, 0) << got.output;
  EXPECT_EQ(service_.last_get().id(), kGrq);
  EXPECT_EQ(got.output.rfind(StrCat("id: ", kGrq, "\nstate: pending\n"), 0), 0u) << got.output;

  Result listed = Online(StrCat("grant list --org ", kOrg, " --state pending"));
  ASSERT_EQ(listed.code, 0) << listed.output;
  EXPECT_EQ(service_.last_list().organization_id(), kOrg);
  EXPECT_EQ(service_.last_list().state(), v1::GRANT_REQUEST_STATE_PENDING);
  EXPECT_EQ(listed.output, StrCat(kGrq, "\tpending\tmembership\t", kPrn, "\tprincipal_id=", kPrn,
                                  "; role=auditor@", kOrg,
                                  "\tprn_admin\t2026-09-21T14:13:20Z\n"
                                  "grq_01hq3v0000000000000000000h\tapplied\tidentity_provider\t-\t"
                                  "issuer=https://idp.example/org; audience=hoidla\tprn_admin\t"
                                  "2026-09-21T14:13:20Z\n"));
  ASSERT_EQ(Online(StrCat("grant list --org ", kOrg)).code, 0);
  EXPECT_EQ(service_.last_list().state(), v1::GRANT_REQUEST_STATE_UNSPECIFIED);
  for (const char* state : {"approved", "applied", "denied", "withdrawn", "expired"}) {
    ASSERT_EQ(Online(StrCat("grant list --org ", kOrg, " --state ", state)).code, 0) << state;
    EXPECT_EQ(GrantRequestStateName(service_.last_list().state()), state);
  }

  const int before = service_.calls();
  EXPECT_EQ(Online(StrCat("grant list --org ", kOrg, " --state open")).code, 1);
  EXPECT_EQ(Online("grant list").code, 1);
  EXPECT_EQ(Online("grant approve").code, 1);
  EXPECT_EQ(Online("grant deny").code, 1);
  EXPECT_EQ(service_.calls(), before);
}

TEST_F(VaultctlIdentityTest, ConsentConfirm) {
  Result confirmed = Online("consent confirm cns_x --version 2");
  ASSERT_EQ(confirmed.code, 0) << confirmed.output;
  EXPECT_EQ(service_.last_confirm().id(), "cns_x");
  EXPECT_EQ(service_.last_confirm().version(), 2u);
  EXPECT_TRUE(Contains(confirmed.output,
                       "\nrelease_confirmation: confirmed\nrelease_confirmed_by: prn_pm\n"
                       "release_confirmed_at: 2026-09-21T14:13:20Z\n"))
      << confirmed.output;
  Result stale = Online("consent confirm cns_x --version 1");
  EXPECT_EQ(stale.code, 20) << stale.output;
  const int before = service_.calls();
  EXPECT_EQ(Online("consent confirm cns_x").code, 1);
  EXPECT_EQ(service_.calls(), before);
}

TEST_F(VaultctlIdentityTest, ClientCallsReachTheService) {
  client::ConnectOptions options;
  options.address = Address();
  auto vault = client::VaultClient::Connect(options);
  ASSERT_TRUE(vault.ok()) << vault.status();
  v1::ExchangeIdTokenRequest exchange;
  exchange.set_id_token("eyJ.a.b");
  auto session = (*vault)->ExchangeIdToken(exchange);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->token(), "hdl_session");
  EXPECT_EQ(service_.authorization(), "");
  v1::ListGrantRequestsRequest list;
  list.set_organization_id(kOrg);
  auto listed = (*vault)->ListGrantRequests(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->grant_requests_size(), 2);
  v1::ApproveGrantRequestRequest approve;
  approve.set_id("grq_other");
  auto refused = (*vault)->ApproveGrantRequest(approve);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(refused.status().message(), "id: the requester may not approve their own request");
}

TEST(GrantFormatTest, NamesStatesKindsAndGrants) {
  EXPECT_EQ(GrantRequestStateName(v1::GRANT_REQUEST_STATE_WITHDRAWN), "withdrawn");
  EXPECT_EQ(GrantRequestStateName(static_cast<v1::GrantRequestState>(42)), "42");
  EXPECT_EQ(TokenKindName(v1::TOKEN_KIND_SERVICE), "service");
  v1::GrantRequest none;
  EXPECT_EQ(GrantKindName(none), "none");
  EXPECT_EQ(GrantString(none), "");
  v1::GrantRequest token;
  token.mutable_service_token()->set_principal_id("prn_sa");
  token.mutable_service_token()->set_ttl_seconds(60);
  EXPECT_EQ(GrantString(token), "principal_id=prn_sa; ttl_seconds=60");
  v1::GrantRequest ca;
  ca.mutable_client_ca()->set_ca_pem("12345");
  EXPECT_EQ(GrantString(ca), "ca_pem_bytes=5");
  // Text from the server is escaped.
  v1::GrantRequest g = FakeIdentityVault::Membership();
  g.set_justification("line\nbreak");
  std::ostringstream out;
  PrintGrantRequest(g, out);
  EXPECT_TRUE(Contains(out.str(), "justification: line\\nbreak\n")) << out.str();
}

}  // namespace
}  // namespace hoidla::vaultctl
