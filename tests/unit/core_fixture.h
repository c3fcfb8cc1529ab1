// A vault core over a MemoryStore (wrapped in a FaultInjectingStore) and a
// MemoryBlobStore, with a dev-mode Keyring, a FakeClock and an operator
// principal (`admin_`) who is system administrator and head of every
// organisation MakeOrg creates. Test code only.
#ifndef HOIDLA_TESTS_UNIT_CORE_FIXTURE_H_
#define HOIDLA_TESTS_UNIT_CORE_FIXTURE_H_

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/limits.h"
#include "gtest/gtest.h"
#include "keys/crypto.h"
#include "keys/keyring.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fault_injecting_store.h"
#include "tests/unit/test_util.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/directory/registry.h"
#include "vault/documents/documents.h"
#include "vault/sealing/kv_key_store.h"
#include "vault/storage/blob_store.h"
#include "vault/storage/memory_store.h"

namespace hoidla::core {

// 2024-01-15T00:00:00Z in microseconds.
inline constexpr int64_t kTestStartMicros = 1'705'276'800'000'000;

class CoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto k = sealing::OpenKeyring(&faulty_, keys::NewKey(), keys::MasterKeyMode::kDev, &clock_);
    ASSERT_TRUE(k.ok()) << k.status();
    keyring_ = std::move(*k);
    registry_ = std::make_unique<Registry>(&faulty_, keyring_.get(), &clock_, &policy_, limits_);
    documents_ = std::make_unique<Documents>(&faulty_, &blobs_, keyring_.get(), &clock_, &policy_,
                                             registry_.get(), limits_);
    admin_.principal = {.id = "prn_0000000000000000000000000a",
                        .display_name = "test operator",
                        .memberships = {{Role::kSystemAdministrator, "", ""}}};
    admin_.request_id = "req-test";
    admin_.peer = "unit-test";
    nobody_.principal = {
        .id = "prn_0000000000000000000000000b", .display_name = "no roles", .memberships = {}};
  }

  // Makes admin_ head of `org_id` too (client data needs an organisation
  // role; the system administrator role alone sees none).
  void GrantHead(const std::string& org_id) {
    admin_.principal.memberships.push_back({Role::kHeadOfOrganization, org_id, ""});
  }

  // Moves the clock on by a millisecond, so that ids made afterwards sort
  // after every id made before.
  void Tick() { clock_.Advance(1000); }

  v1::Organization MakeOrg(const std::string& name = "Tartu Tugikeskus") {
    Tick();
    v1::CreateOrganizationRequest req;
    req.mutable_organization()->set_name(name);
    auto o = registry_->CreateOrganization(admin_, req);
    EXPECT_TRUE(o.ok()) << o.status();
    if (o.ok()) GrantHead(o->id());
    return o.ok() ? *o : v1::Organization();
  }
  v1::Project MakeProject(const std::string& org_id, const std::string& name = "Tugiisik") {
    Tick();
    v1::CreateProjectRequest req;
    req.mutable_project()->set_organization_id(org_id);
    req.mutable_project()->set_name(name);
    auto p = registry_->CreateProject(admin_, req);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : v1::Project();
  }

 public:
  static v1::CreateClientRequest ClientRequest(const std::string& org_id,
                                               const std::string& project_id,
                                               const std::string& personal_code,
                                               const std::string& given = "Kristiina",
                                               const std::string& family = "Põldmäe") {
    v1::CreateClientRequest req;
    auto* c = req.mutable_client();
    c->set_organization_id(org_id);
    c->add_project_ids(project_id);
    c->set_given_name(given);
    c->set_family_name(family);
    if (personal_code.empty()) {
      c->set_no_personal_code_reason("foreign national, no code");
    } else {
      c->set_personal_code(personal_code);
    }
    return req;
  }

 protected:
  v1::Client MakeClient(const std::string& org_id, const std::string& project_id,
                        const std::string& personal_code = "") {
    Tick();
    auto c = registry_->CreateClient(admin_, ClientRequest(org_id, project_id, personal_code));
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : v1::Client();
  }
  v1::Case MakeCase(const std::string& project_id, const std::string& client_id,
                    const std::string& title = "Toimetulekutoetus 2024") {
    Tick();
    v1::CreateCaseRequest req;
    req.mutable_case_()->set_project_id(project_id);
    req.mutable_case_()->set_client_id(client_id);
    req.mutable_case_()->set_title(title);
    auto c = registry_->CreateCase(admin_, req);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : v1::Case();
  }

  // The engines' overrides lack the interface's default arguments.
  storage::KvStore& base() { return base_; }

  FakeClock clock_{kTestStartMicros};
  storage::MemoryStore base_;
  storage::FaultInjectingStore faulty_{&base_};
  storage::MemoryBlobStore blobs_;
  Policy policy_;
  Limits limits_;
  std::unique_ptr<keys::Keyring> keyring_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Documents> documents_;
  RequestContext admin_;
  RequestContext nobody_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_TESTS_UNIT_CORE_FIXTURE_H_
