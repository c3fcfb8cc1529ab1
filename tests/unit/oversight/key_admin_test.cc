// KeyAdmin (vault/oversight/key_admin.h) over a dev keyring and a real
// audit log: status without key material; rotation, rewrap and retirement
// each committed in one write with the call's audit entry, nothing written
// when that write fails, an interrupted rewrap finished by the next run;
// retirement's refusals; system administrators only.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/unit/oversight/oversight_fixture.h"
#include "tests/unit/test_util.h"

namespace hoidla::core {
namespace {

using ::hoidla::testing::DumpStore;
using ::hoidla::testing::IsInvalidArgumentFor;

class KeyAdminTest : public OversightTest {
 protected:
  void SetUp() override {
    OversightTest::SetUp();
    org_ = MakeOrg();
    prj_ = MakeProject(org_.id());
  }

  absl::StatusOr<v1::KeyStatus> Status() { return key_admin_->Status(admin_); }
  absl::StatusOr<v1::KeyStatus> Rotate(const RequestContext& who) {
    return Audited(who, "RotateKeyEncryptionKey",
                   [&](const RequestContext& ctx) { return key_admin_->Rotate(ctx); });
  }
  absl::StatusOr<v1::RewrapKeysResponse> Rewrap(const RequestContext& who) {
    return Audited(who, "RewrapKeys",
                   [&](const RequestContext& ctx) { return key_admin_->Rewrap(ctx); });
  }
  absl::StatusOr<v1::KeyStatus> Retire(const RequestContext& who, uint32_t version) {
    v1::RetireKeyEncryptionKeyRequest req;
    req.set_version(version);
    return Audited(who, "RetireKeyEncryptionKey",
                   [&](const RequestContext& ctx) { return key_admin_->Retire(ctx, req); });
  }
  // Version -> (active, wrapped keys).
  static std::vector<std::pair<uint32_t, int64_t>> Versions(const v1::KeyStatus& s) {
    std::vector<std::pair<uint32_t, int64_t>> out;
    for (const auto& v : s.versions()) out.emplace_back(v.version(), v.wrapped_keys());
    return out;
  }
  static uint32_t Active(const v1::KeyStatus& s) {
    for (const auto& v : s.versions()) {
      if (v.active()) return v.version();
    }
    return 0;
  }
  int64_t WrappedKeys() {
    auto s = Status();
    EXPECT_TRUE(s.ok()) << s.status();
    int64_t n = 0;
    if (s.ok()) {
      for (const auto& v : s->versions()) n += v.wrapped_keys();
    }
    return n;
  }
  // The last entry is the call's, committed with status OK.
  void ExpectCommittedEntry(const std::string& method, uint64_t size_before) {
    ASSERT_EQ(log_->size(), size_before + 1);
    const audit::Entry e = LastEntry();
    EXPECT_EQ(e.method(), method);
    EXPECT_EQ(e.action(), "manage_keys");
    EXPECT_TRUE(e.allowed());
    EXPECT_EQ(e.reason(), "role:system_administrator");
    EXPECT_EQ(e.status(), "OK");
    EXPECT_EQ(e.actor(), admin_.principal.id);
  }

  v1::Organization org_;
  v1::Project prj_;
};

TEST_F(KeyAdminTest, StatusListsVersionsAndCountsWithoutKeyMaterial) {
  const int64_t before = WrappedKeys();
  MakeClient(org_.id(), prj_.id());
  MakeClient(org_.id(), prj_.id());
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::KeyStatus s, Status());
  EXPECT_EQ(s.master_key_mode(), "dev");
  EXPECT_TRUE(s.data_cipher() == "aes256gcm" || s.data_cipher() == "xchacha20poly1305")
      << s.data_cipher();
  ASSERT_EQ(s.versions_size(), 1);
  EXPECT_EQ(s.versions(0).version(), 1u);
  EXPECT_TRUE(s.versions(0).active());
  EXPECT_EQ(s.versions(0).wrapped_keys(), before + 2);
  EXPECT_GT(s.versions(0).created_at().seconds(), 0);
}

TEST_F(KeyAdminTest, OnlySystemAdministratorsAdministerKeys) {
  // A head of organisation and a data protection officer: no role for keys.
  RequestContext head =
      Person(org_.id(), "Juhan Juht", {{Role::kHeadOfOrganization, org_.id(), ""}});
  RequestContext dpo = Dpo(org_.id());
  const std::string denied = "permission denied: no role of the caller may ";
  for (const RequestContext& who : {head, dpo}) {
    auto status = key_admin_->Status(who);
    EXPECT_EQ(status.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(status.status().message(), denied + "read_key_status");
    for (const absl::Status& s :
         {Rotate(who).status(), Rewrap(who).status(), Retire(who, 1).status()}) {
      EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
      EXPECT_EQ(s.message(), denied + "manage_keys");
    }
  }
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::KeyStatus s, Status());
  EXPECT_EQ(s.versions_size(), 1);
}

TEST_F(KeyAdminTest, RotationIsCommittedWithItsAuditEntry) {
  const uint64_t size = log_->size();
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::KeyStatus s, Rotate(admin_));
  ASSERT_EQ(s.versions_size(), 2);
  EXPECT_EQ(Active(s), 2u);
  EXPECT_FALSE(s.versions(0).active());
  ExpectCommittedEntry("RotateKeyEncryptionKey", size);
  // New client keys are wrapped with the new version.
  MakeClient(org_.id(), prj_.id());
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::KeyStatus after, Status());
  EXPECT_EQ(after.versions(1).wrapped_keys(), 1);
}

TEST_F(KeyAdminTest, FailedRotationWritesNothing) {
  const uint64_t size = log_->size();
  const auto dump = DumpStore(base());
  faulty_.FailWritesAfter(0);
  EXPECT_EQ(Rotate(admin_).status().code(), absl::StatusCode::kUnavailable);
  faulty_.Heal();
  EXPECT_EQ(DumpStore(base()), dump);
  EXPECT_EQ(log_->size(), size);
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::KeyStatus s, Status());
  EXPECT_EQ(s.versions_size(), 1);
  EXPECT_EQ(Active(s), 1u);
  // The keyring did not move on either: new keys still use version 1, and
  // the next rotation makes version 2.
  MakeClient(org_.id(), prj_.id());
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::KeyStatus rotated, Rotate(admin_));
  EXPECT_EQ(Active(rotated), 2u);
}

TEST_F(KeyAdminTest, RewrapMovesEveryKeyToTheActiveVersionWithItsAuditEntry) {
  auto c1 = MakeClient(org_.id(), prj_.id());
  auto c2 = MakeClient(org_.id(), prj_.id());
  const int64_t keys = WrappedKeys();
  HOIDLA_ASSERT_OK(Rotate(admin_).status());
  const uint64_t size = log_->size();
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::RewrapKeysResponse r, Rewrap(admin_));
  EXPECT_EQ(r.rewrapped(), keys);
  EXPECT_EQ(Versions(r.status()), (std::vector<std::pair<uint32_t, int64_t>>{{1, 0}, {2, keys}}));
  ExpectCommittedEntry("RewrapKeys", size);
  // The clients' data stays readable.
  for (const auto& c : {c1, c2}) {
    v1::GetClientRequest req;
    req.set_id(c.id());
    HOIDLA_EXPECT_OK(registry_->GetClient(admin_, req));
  }
  // Nothing is left to rewrap: a second run rewraps none, and says so.
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::RewrapKeysResponse again, Rewrap(admin_));
  EXPECT_EQ(again.rewrapped(), 0);
  ExpectCommittedEntry("RewrapKeys", size + 1);
}

TEST_F(KeyAdminTest, InterruptedRewrapIsFinishedByTheNextRun) {
  // More keys than one batch (256): the first batch is written alone, the
  // last one with the call's entry.
  std::vector<v1::Client> clients;
  for (int i = 0; i < 260; ++i) clients.push_back(MakeClient(org_.id(), prj_.id()));
  const int64_t keys = WrappedKeys();
  ASSERT_GT(keys, 256);
  HOIDLA_ASSERT_OK(Rotate(admin_).status());
  const uint64_t size = log_->size();
  faulty_.FailWritesAfter(1);
  EXPECT_EQ(Rewrap(admin_).status().code(), absl::StatusCode::kUnavailable);
  faulty_.Heal();
  // No entry: the call did not complete. Every key is readable.
  EXPECT_EQ(log_->size(), size);
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::KeyStatus mid, Status());
  EXPECT_EQ(mid.versions(0).wrapped_keys() + mid.versions(1).wrapped_keys(), keys);
  EXPECT_EQ(mid.versions(1).wrapped_keys(), 256);
  for (const auto& c : {clients.front(), clients.back()}) {
    v1::GetClientRequest req;
    req.set_id(c.id());
    HOIDLA_EXPECT_OK(registry_->GetClient(admin_, req));
  }
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::RewrapKeysResponse r, Rewrap(admin_));
  EXPECT_EQ(r.rewrapped(), keys - 256);
  EXPECT_EQ(Versions(r.status()), (std::vector<std::pair<uint32_t, int64_t>>{{1, 0}, {2, keys}}));
  ExpectCommittedEntry("RewrapKeys", size);
}

TEST_F(KeyAdminTest, RetireRefusesTheActiveAnInUseAMissingAndVersionZero) {
  MakeClient(org_.id(), prj_.id());
  auto active = Retire(admin_, 1);
  EXPECT_EQ(active.status().code(), absl::StatusCode::kFailedPrecondition);
  HOIDLA_ASSERT_OK(Rotate(admin_).status());
  auto in_use = Retire(admin_, 1);
  EXPECT_EQ(in_use.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Retire(admin_, 9).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(IsInvalidArgumentFor(Retire(admin_, 0), "version"));
  // Each refusal is on the record with its outcome.
  EXPECT_EQ(LastEntry().method(), "RetireKeyEncryptionKey");
  EXPECT_EQ(LastEntry().status(), "INVALID_ARGUMENT");
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::KeyStatus s, Status());
  EXPECT_EQ(s.versions_size(), 2);
}

TEST_F(KeyAdminTest, RetireAfterRewrapDestroysTheVersionWithItsAuditEntry) {
  MakeClient(org_.id(), prj_.id());
  HOIDLA_ASSERT_OK(Rotate(admin_).status());
  HOIDLA_ASSERT_OK(Rewrap(admin_).status());
  const uint64_t size = log_->size();
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::KeyStatus s, Retire(admin_, 1));
  ASSERT_EQ(s.versions_size(), 1);
  EXPECT_EQ(s.versions(0).version(), 2u);
  EXPECT_TRUE(s.versions(0).active());
  ExpectCommittedEntry("RetireKeyEncryptionKey", size);
  EXPECT_EQ(Retire(admin_, 1).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(KeyAdminTest, FailedRetireWritesNothing) {
  MakeClient(org_.id(), prj_.id());
  HOIDLA_ASSERT_OK(Rotate(admin_).status());
  HOIDLA_ASSERT_OK(Rewrap(admin_).status());
  const uint64_t size = log_->size();
  const auto dump = DumpStore(base());
  faulty_.FailWritesAfter(0);
  EXPECT_EQ(Retire(admin_, 1).status().code(), absl::StatusCode::kUnavailable);
  faulty_.Heal();
  EXPECT_EQ(DumpStore(base()), dump);
  EXPECT_EQ(log_->size(), size);
  HOIDLA_ASSERT_OK_AND_ASSIGN(v1::KeyStatus s, Status());
  EXPECT_EQ(s.versions_size(), 2);
  // Version 1 is still there to retire.
  HOIDLA_ASSERT_OK(Retire(admin_, 1).status());
}

}  // namespace
}  // namespace hoidla::core
