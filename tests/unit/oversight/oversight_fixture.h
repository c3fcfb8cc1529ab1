// The vault's domain wired as vault/server/server.cc wires it, over
// CoreTest's fault-injecting MemoryStore: an audit log with checkpoints,
// Identity (with a test identity provider for data subjects), Consents,
// Instruments, Records, and the oversight modules AuditAccess,
// SubjectAccess and KeyAdmin. Calls are run the way the rpc layer (vault/rpc/call.h) runs them
// (Audited/AuditedStream): an audit draft naming the method and the caller,
// the module's decision and effect, then the entry committed with the
// outcome unless the effect committed it already. Test code only.
#ifndef HOIDLA_TESTS_UNIT_OVERSIGHT_OVERSIGHT_FIXTURE_H_
#define HOIDLA_TESTS_UNIT_OVERSIGHT_OVERSIGHT_FIXTURE_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "base/strings.h"
#include "gtest/gtest.h"
#include "keys/jwt.h"
#include "tests/unit/core_fixture.h"
#include "tests/unit/test_util.h"
#include "vault/audit/audit_log.h"
#include "vault/audit/checkpoints.h"
#include "vault/consent/consents.h"
#include "vault/identity/identity.h"
#include "vault/oversight/audit_access.h"
#include "vault/oversight/key_admin.h"
#include "vault/oversight/subject_access.h"
#include "vault/records/instruments.h"
#include "vault/records/records.h"

namespace hoidla::core {

inline constexpr char kAuditOrigin[] = "hoidla-audit";
inline constexpr char kCitizens[] = "https://citizens.test";
// Valid isikukoods.
inline constexpr char kCodeMari[] = "37605030299";
inline constexpr char kCodeLiis[] = "49403136526";

class OversightTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    auto log = audit::AuditLog::Open(&faulty_, &clock_);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    auto key = keys::GenerateJwtSigningKey();
    ASSERT_TRUE(key.ok()) << key.status();
    idp_key_ = std::move(*key);
    key_admin_ = std::make_unique<KeyAdmin>(keyring_.get(), &faulty_, &policy_);
    identity_ =
        std::make_unique<Identity>(&faulty_, keyring_.get(), &clock_, &policy_, registry_.get());
    identity_->SetSubjectIdentityProvider({kCitizens, "hoidla", idp_key_.public_jwks_json, "sub"});
    checkpoints_ =
        std::make_unique<audit::Checkpoints>(log_.get(), &faulty_, keyring_.get(), kAuditOrigin);
    audit_access_ = std::make_unique<AuditAccess>(log_.get(), checkpoints_.get(), keyring_.get(),
                                                  &policy_, registry_.get(), identity_.get());
    consents_ = std::make_unique<Consents>(&faulty_, keyring_.get(), &clock_, &policy_,
                                           registry_.get(), documents_.get(), kAuditOrigin);
    documents_->SetReleaseSource(consents_.get());
    instruments_ =
        std::make_unique<Instruments>(&faulty_, keyring_.get(), &clock_, &policy_, registry_.get());
    records_ = std::make_unique<Records>(&faulty_, keyring_.get(), &clock_, &policy_,
                                         registry_.get(), consents_.get(), instruments_.get());
    consents_->SetRecordLocator(
        [records =
             records_.get()](std::string_view id) -> absl::StatusOr<Consents::RecordLocation> {
          auto found = records->Locate(id);
          if (!found.ok()) return found.status();
          return Consents::RecordLocation{std::move(found->target), std::move(found->kind)};
        });
    registry_->SetPrincipalLookup(
        [identity = identity_.get()](std::string_view id) { return identity->PrincipalById(id); });
    registry_->SetRecordOfCaseCheck(
        [records = records_.get()](std::string_view case_id, std::string_view record_id) {
          return records->IsRecordOfCase(case_id, record_id);
        });
    consents_->SetRecordKindCheck([records = records_.get()](std::string_view client,
                                                             std::string_view kind,
                                                             std::string_view project) {
      return records->ClientHasKind(client, kind, project);
    });
    subject_access_ =
        std::make_unique<SubjectAccess>(&clock_, &policy_, registry_.get(), documents_.get(),
                                        records_.get(), consents_.get(), audit_access_.get());
  }

  // The call's audit draft as Calls::NewDraft starts it.
  audit::AuditDraft Draft(const RequestContext& who, std::string_view method) {
    audit::AuditDraft draft;
    draft.log = log_.get();
    draft.entry.set_method(std::string(method));
    draft.entry.set_peer(who.peer);
    draft.entry.set_request_id(who.request_id);
    draft.entry.set_actor(who.principal.id);
    draft.entry.set_acting_through(who.acting_through);
    return draft;
  }
  // Calls::Finish (vault/rpc/call.h): every outcome on the record; a call whose effect
  // committed the entry adds one only when it then failed.
  absl::Status Finish(audit::AuditDraft* draft, absl::Status status) {
    if (draft->committed && status.ok()) return status;
    audit::Entry e = draft->entry;
    e.set_status(absl::StatusCodeToString(status.code()));
    auto seq = log_->Commit(std::move(e));
    if (!seq.ok()) return seq.status();
    draft->committed = true;
    return status;
  }
  // Runs `fn(ctx)` as an audited unary call of `method` by `who`.
  template <typename Fn>
  auto Audited(const RequestContext& who, std::string_view method, Fn&& fn) {
    audit::AuditDraft draft = Draft(who, method);
    RequestContext ctx = who;
    ctx.audit = &draft;
    auto result = fn(static_cast<const RequestContext&>(ctx));
    absl::Status s = Finish(&draft, ::hoidla::testing::StatusOf(result));
    if (!s.ok()) result = s;
    return result;
  }
  // Runs `fn(ctx, before_part)` as an audited streamed call: `before_part`
  // commits the call's entry before the first part leaves (Calls::Export's
  // ExportAudit and ExportSubjectData).
  using BeforePart = std::function<absl::Status()>;
  template <typename Fn>
  absl::Status AuditedStream(const RequestContext& who, std::string_view method, Fn&& fn) {
    audit::AuditDraft draft = Draft(who, method);
    RequestContext ctx = who;
    ctx.audit = &draft;
    bool recorded = false;
    BeforePart before_part = [&]() -> absl::Status {
      if (recorded) return absl::OkStatus();
      absl::Status s = audit::CommitEffect(&draft, nullptr, {});
      if (s.ok()) recorded = true;
      return s;
    };
    absl::Status s = fn(static_cast<const RequestContext&>(ctx), before_part);
    return Finish(&draft, s);
  }

  // A stored account of `org` named `name`, whose calls carry `roles` (the
  // policy decides on the call's principal; the access report names the
  // stored account).
  RequestContext Person(const std::string& org, const std::string& name,
                        std::vector<Membership> roles,
                        v1::PrincipalKind kind = v1::PRINCIPAL_KIND_STAFF) {
    v1::CreatePrincipalRequest req;
    req.mutable_principal()->set_display_name(name);
    req.mutable_principal()->set_kind(kind);
    req.mutable_principal()->set_organization_id(org);
    RequestContext ctx;
    auto created = identity_->CreatePrincipal(admin_, req);
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return ctx;
    auto stored = identity_->LookupPrincipal(created->id());
    EXPECT_TRUE(stored.ok()) << stored.status();
    if (!stored.ok()) return ctx;
    ctx.principal = *stored;
    ctx.principal.memberships = std::move(roles);
    ctx.request_id = StrCat("req-", created->id());
    ctx.peer = "unit-test";
    return ctx;
  }
  RequestContext Dpo(const std::string& org, const std::string& name = "Dora DPO") {
    return Person(org, name, {{Role::kDataProtectionOfficer, org, ""}});
  }
  RequestContext Auditor(const std::string& org, const std::string& name = "Aadu Audiitor") {
    return Person(org, name, {{Role::kAuditor, org, ""}});
  }
  RequestContext Manager(const std::string& org, const std::string& project,
                         const std::string& name = "Mati Mets") {
    return Person(org, name, {{Role::kProjectManager, org, project}});
  }
  RequestContext Partner(const std::string& org, const std::string& name = "Peeter Partner") {
    return Person(org, name, {{Role::kPartnerWorker, org, ""}}, v1::PRINCIPAL_KIND_PARTNER_WORKER);
  }

  // The data subject of the client with `personal_code`, signed in through
  // the public identity provider as a deployment signs them in.
  RequestContext Subject(const std::string& personal_code) {
    RequestContext ctx;
    const int64_t now = clock_.NowMicros() / 1000000;
    auto jwt = keys::SignJwt(idp_key_, StrCat("{\"iss\":\"", kCitizens, "\",\"sub\":\"",
                                              personal_code, "\",\"aud\":\"hoidla\",\"iat\":", now,
                                              ",\"nbf\":", now, ",\"exp\":", now + 600, "}"));
    EXPECT_TRUE(jwt.ok()) << jwt.status();
    if (!jwt.ok()) return ctx;
    v1::ExchangeIdTokenRequest req;
    req.set_id_token(*jwt);
    RequestContext sign_in;
    auto token = identity_->ExchangeIdToken(&sign_in, req);
    EXPECT_TRUE(token.ok()) << token.status();
    if (!token.ok()) return ctx;
    auto principal = identity_->Authenticate(token->token());
    EXPECT_TRUE(principal.ok()) << principal.status();
    if (!principal.ok()) return ctx;
    ctx.principal = *principal;
    ctx.request_id = "req-subject";
    ctx.peer = "unit-test";
    return ctx;
  }

  // A project that takes partners' reports of concerns.
  v1::Project MakeIntakeProject(const std::string& org_id) {
    Tick();
    v1::CreateProjectRequest req;
    req.mutable_project()->set_organization_id(org_id);
    req.mutable_project()->set_name("Vastuvõtt");
    req.mutable_project()->set_accepts_concern_reports(true);
    auto p = registry_->CreateProject(admin_, req);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : v1::Project();
  }
  // `partner` reports a concern about the person with `personal_code`.
  std::string ReportConcern(const RequestContext& partner, const std::string& org_id,
                            const std::string& project_id, const std::string& personal_code) {
    Tick();
    v1::ReportConcernRequest req;
    req.set_organization_id(org_id);
    req.set_project_id(project_id);
    req.set_given_name("Kristiina");
    req.set_family_name("Põldmäe");
    req.set_personal_code(personal_code);
    req.set_concern("Laps puudub koolist");
    req.set_reporter_contact("+372 5111 1111");
    auto r = Audited(partner, "ReportConcern",
                     [&](const RequestContext& ctx) { return registry_->ReportConcern(ctx, req); });
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->report_id() : "";
  }

  // GetClient `client_id` as `who`, audited; returns the outcome.
  absl::Status ReadClient(const RequestContext& who, const std::string& client_id) {
    Tick();
    v1::GetClientRequest req;
    req.set_id(client_id);
    return Audited(who, "GetClient",
                   [&](const RequestContext& ctx) { return registry_->GetClient(ctx, req); })
        .status();
  }

  // Every committed entry, oldest first.
  std::vector<audit::Entry> LogEntries() const {
    std::vector<audit::Entry> out;
    for (uint64_t seq = 0; seq < log_->size(); ++seq) {
      auto e = log_->Get(seq);
      EXPECT_TRUE(e.ok()) << e.status();
      if (e.ok()) out.push_back(std::move(*e));
    }
    return out;
  }
  audit::Entry LastEntry() const {
    auto e = log_->Get(log_->size() - 1);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : audit::Entry();
  }

  std::unique_ptr<audit::AuditLog> log_;
  keys::JwtSigningKey idp_key_;
  std::unique_ptr<KeyAdmin> key_admin_;
  std::unique_ptr<Identity> identity_;
  std::unique_ptr<audit::Checkpoints> checkpoints_;
  std::unique_ptr<AuditAccess> audit_access_;
  std::unique_ptr<Consents> consents_;
  std::unique_ptr<Instruments> instruments_;
  std::unique_ptr<Records> records_;
  std::unique_ptr<SubjectAccess> subject_access_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_TESTS_UNIT_OVERSIGHT_OVERSIGHT_FIXTURE_H_
