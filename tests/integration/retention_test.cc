// Disposal against a real server (in-process, loopback, RocksDB in a temp
// folder, a fake clock so that periods run out), driven through the real
// vaultctl: a period runs out, the item goes on the due list, is approved
// and destroyed; the certificate verifies offline and an altered one does
// not; the audit log names the certificate; a hold keeps a document until
// it is lifted.
#include "vault/retention/retention.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "base/strings.h"
#include "client/vaultctl_consent.h"
#include "keys/crypto.h"
#include "tests/integration/clocked_vault.h"
#include "tests/integration/test_support.h"
#include "vault/storage/kv_store.h"

namespace hoidla {
namespace {

namespace v1 = ::hoidla::v1;
using testing::kDay;
using testing::kSecond;
using testing::PersonalCode;

class Disposal : public testing::ClockedVault {
 protected:
  // The real vaultctl as `who`.
  testing::CommandResult Vaultctl(const Someone& who, const std::vector<std::string>& args) {
    std::vector<std::string> argv{VAULTCTL_PATH, "--server", address_, "--token", Session(who.id)};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::Run(argv);
  }
  testing::CommandResult Offline(const std::vector<std::string>& args) {
    std::vector<std::string> argv{VAULTCTL_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::Run(argv);
  }
  // The value of "key: value" line `key` of `out`.
  static std::string Field(const std::string& out, const std::string& key) {
    const std::string start = key + ": ";
    size_t at = out.rfind("\n" + start);
    if (at == std::string::npos) {
      if (!out.starts_with(start)) return "";
      at = 0;
    } else {
      ++at;
    }
    const size_t end = out.find('\n', at);
    return out.substr(at + start.size(), end - at - start.size());
  }
  absl::StatusCode GetDocumentAs(const Someone& who, const std::string& id) {
    v1::GetDocumentRequest req;
    req.set_id(id);
    return who.As(this)->GetDocument(req).status().code();
  }
  void CloseTheCase() {
    v1::CloseCaseRequest req;
    req.set_id(case_);
    req.set_reason(v1::CLOSING_REASON_GOALS_MET);
    ASSERT_TRUE(cw_.As(this)->CloseCase(req).ok());
  }
};

TEST_F(Disposal, AReviewedDocumentGoesAfterApprovalAndItsCertificateVerifiesOffline) {
  auto made = Vaultctl(dpo_, {"retention", "schedule", "create", "--org", org_, "--item",
                              "document", "--kind", "case_plan", "--trigger", "case_closed",
                              "--days", "30", "--action", "review", "--basis", "records policy"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string schedule = Field(made.out, "id");
  CloseTheCase();

  clock_.Advance(31 * kDay);
  auto swept = Vaultctl(dpo_, {"retention", "sweep", "--org", org_});
  ASSERT_EQ(swept.exit_code, 0) << swept.err;
  EXPECT_EQ(Field(swept.out, "awaiting_review"), "1");
  EXPECT_EQ(Field(swept.out, "destroyed"), "0");
  auto due = Vaultctl(dpo_, {"retention", "due", "--org", org_});
  ASSERT_EQ(due.exit_code, 0) << due.err;
  EXPECT_NE(due.out.find(plan_), std::string::npos) << due.out;
  EXPECT_NE(due.out.find("awaiting_review"), std::string::npos) << due.out;
  // Only the plan's kind is governed; the other documents stay.
  EXPECT_EQ(due.out.find(notes_), std::string::npos) << due.out;

  // The case worker may neither decide nor sweep.
  auto refused = Vaultctl(cw_, {"retention", "approve", plan_, "--reason", "done"});
  EXPECT_EQ(refused.exit_code, 10 + static_cast<int>(absl::StatusCode::kPermissionDenied))
      << refused.out << refused.err;

  auto approved = Vaultctl(head_, {"retention", "approve", plan_, "--reason", "reviewed"});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_EQ(Field(approved.out, "state"), "approved");
  EXPECT_EQ(GetDocumentAs(cw_, plan_), absl::StatusCode::kOk);  // until the sweep
  Tick();
  auto run = Vaultctl(dpo_, {"retention", "sweep", "--org", org_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Field(run.out, "destroyed"), "1");
  const std::string cert = Field(run.out, "certificate_id");
  ASSERT_TRUE(cert.starts_with("dct_")) << run.out;

  // Destroyed reads as never stored, for everyone.
  EXPECT_EQ(GetDocumentAs(cw_, plan_), absl::StatusCode::kNotFound);
  EXPECT_EQ(GetDocumentAs(head_, plan_), absl::StatusCode::kNotFound);
  EXPECT_EQ(GetDocumentAs(cw_, notes_), absl::StatusCode::kOk);

  // The certificate, fetched and verified offline with the audit keys.
  const std::string note_file = dir_.path() + "/cert.note";
  auto got = Vaultctl(dpo_, {"retention", "certificate", "get", cert, "-o", note_file});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_NE(got.out.find(plan_), std::string::npos) << got.out;
  EXPECT_NE(got.out.find(StrCat(schedule, "@1")), std::string::npos) << got.out;
  auto keys = Vaultctl(dpo_, {"audit", "public-keys"});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  const std::string key_file = dir_.path() + "/keys.txt";
  testing::WriteFileOrDie(key_file, keys.out);
  auto verified =
      Offline({"retention", "certificate", "verify", note_file, "--public-key", key_file});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_EQ(Field(verified.out, "certificate_id"), cert);
  EXPECT_EQ(Field(verified.out, "organization_id"), org_);
  EXPECT_EQ(Field(verified.out, "cause"), "SCHEDULE");
  EXPECT_NE(verified.out.find(plan_), std::string::npos) << verified.out;

  // One altered byte, anywhere in the text: refused.
  std::string note = testing::ReadFileOrDie(note_file);
  const size_t at = note.find(plan_);
  ASSERT_NE(at, std::string::npos);
  note[at + 6] = note[at + 6] == 'A' ? 'B' : 'A';
  const std::string forged_file = dir_.path() + "/forged.note";
  testing::WriteFileOrDie(forged_file, note);
  auto forged =
      Offline({"retention", "certificate", "verify", forged_file, "--public-key", key_file});
  EXPECT_EQ(forged.exit_code, 10 + static_cast<int>(absl::StatusCode::kDataLoss)) << forged.out;
  EXPECT_NE(forged.err.find("certificate: "), std::string::npos) << forged.err;

  // The audit log's entry of the run names the certificate's note.
  bool named = false;
  keys::Sha256 digest;
  digest.Update(testing::ReadFileOrDie(note_file));
  const std::string sha = keys::ToHex(digest.Finish());
  for (uint64_t seq = 0; seq < server_->audit_log()->size(); ++seq) {
    auto e = server_->audit_log()->Get(seq);
    ASSERT_TRUE(e.ok());
    if (e->disposal().certificate_id() != cert) continue;
    named = true;
    EXPECT_EQ(e->method(), "RunDisposal");
    EXPECT_EQ(e->disposal().certificate_sha256(), sha);
    EXPECT_EQ(e->disposal().destroyed(), 1);
    EXPECT_EQ(e->listed_client_ids_size(), 1);
    EXPECT_EQ(e->listed_client_ids(0), client_);
  }
  EXPECT_TRUE(named);

  // The destroyed document's sealed bytes are gone from the blob store;
  // the others' are there.
  bool plan_file = false, notes_file = false;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir_.path() + "/data")) {
    plan_file |= f.path().filename() == plan_;
    notes_file |= f.path().filename() == notes_;
  }
  EXPECT_FALSE(plan_file);
  EXPECT_TRUE(notes_file);
}

TEST_F(Disposal, AHeldDocumentSurvivesTheSweepAndGoesAtTheFirstSweepAfterTheLift) {
  auto made =
      Vaultctl(head_, {"retention", "schedule", "create", "--org", org_, "--item", "document",
                       "--trigger", "created", "--days", "10", "--action", "destroy"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto hold = Vaultctl(dpo_, {"retention", "hold", "place", "--document", notes_, "--reason",
                              "prosecutor's request"});
  ASSERT_EQ(hold.exit_code, 0) << hold.err;
  const std::string hold_id = Field(hold.out, "id");

  clock_.Advance(11 * kDay);
  auto swept = Vaultctl(dpo_, {"retention", "sweep", "--org", org_});
  ASSERT_EQ(swept.exit_code, 0) << swept.err;
  EXPECT_EQ(Field(swept.out, "destroyed"), "2");  // the plan and the recording
  EXPECT_EQ(Field(swept.out, "held"), "1");
  EXPECT_EQ(GetDocumentAs(cw_, notes_), absl::StatusCode::kOk);
  EXPECT_EQ(GetDocumentAs(cw_, plan_), absl::StatusCode::kNotFound);

  auto lifted = Vaultctl(dpo_, {"retention", "release", hold_id, "--reason", "case dropped"});
  ASSERT_EQ(lifted.exit_code, 0) << lifted.err;
  Tick();
  auto after = Vaultctl(dpo_, {"retention", "sweep", "--org", org_});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(Field(after.out, "destroyed"), "1");
  EXPECT_EQ(GetDocumentAs(cw_, notes_), absl::StatusCode::kNotFound);

  auto list = Vaultctl(dpo_, {"retention", "certificate", "list", "--org", org_});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 2) << list.out;
}

TEST_F(Disposal, AnErasedClientsKeyIsOnNoFileOfTheDataFolder) {
  // The client's wrapped key as stored (kKeys "subj/<client>"), and a
  // consent of theirs, so that every kind of thing is erased.
  Record(PlanToOrg(client_, labour_));
  auto wrapped = server_->store()->Get(storage::Space::kKeys, StrCat("subj/", client_));
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();
  ASSERT_GE(wrapped->size(), 32u);
  // Make sure the key has reached table files and old logs, as it would
  // on a vault that has run for a while.
  ASSERT_TRUE(server_->store()->Purge(storage::Space::kMeta).ok());
  ASSERT_FALSE(testing::FilesContaining(dir_.path() + "/data", *wrapped).empty());

  // The case worker may not erase; the DPO may, once the hold is lifted.
  auto hold = Vaultctl(
      dpo_, {"retention", "hold", "place", "--client", client_, "--reason", "court request"});
  ASSERT_EQ(hold.exit_code, 0) << hold.err;
  auto by_worker = Vaultctl(cw_, {"client", "erase", client_, "--reason", "request"});
  EXPECT_EQ(by_worker.exit_code, 10 + static_cast<int>(absl::StatusCode::kPermissionDenied));
  auto held = Vaultctl(dpo_, {"client", "erase", client_, "--reason", "request of 2026-12-01"});
  EXPECT_EQ(held.exit_code, 10 + static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_NE(held.err.find(Field(hold.out, "id")), std::string::npos) << held.err;
  ASSERT_EQ(Vaultctl(dpo_, {"retention", "release", Field(hold.out, "id"), "--reason", "ended"})
                .exit_code,
            0);

  auto erased = Vaultctl(dpo_, {"client", "erase", client_, "--reason", "request of 2026-12-01"});
  ASSERT_EQ(erased.exit_code, 0) << erased.err;
  EXPECT_EQ(Field(erased.out, "cause"), "erasure");
  EXPECT_EQ(Field(erased.out, "client_id"), client_);
  EXPECT_EQ(testing::FilesContaining(dir_.path() + "/data", *wrapped), std::vector<std::string>());
  EXPECT_EQ(GetDocumentAs(cw_, plan_), absl::StatusCode::kNotFound);
  v1::GetClientRequest get;
  get.set_id(client_);
  EXPECT_EQ(head_.As(this)->GetClient(get).status().code(), absl::StatusCode::kNotFound);

  // The audit log still verifies: an export of the organisation's entries
  // (the erased client's accesses and the erasure among them) checks
  // offline against a fresh checkpoint.
  const std::string bundle = dir_.path() + "/audit.bundle";
  auto exported = Vaultctl(dpo_, {"audit", "export", "--org", org_, "--fresh", "-o", bundle});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  auto keys = Vaultctl(dpo_, {"audit", "public-keys"});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  const std::string key_file = dir_.path() + "/keys.txt";
  testing::WriteFileOrDie(key_file, keys.out);
  auto check = Offline({"audit", "verify", bundle, "--public-key", key_file});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

  // The other client of the organisation is untouched.
  const std::string other = NewClient(PersonalCode(2), nullptr);
  get.set_id(other);
  EXPECT_TRUE(head_.As(this)->GetClient(get).ok());
}

// The vault's own sweep, every second of real time here.
class SweepingVault : public Disposal {
 protected:
  void Configure(service::ServerConfig* config) override {
    config->retention_sweep_interval_seconds = 1;
  }
};

TEST_F(SweepingVault, TheVaultSweepsOnItsOwnAndAuditsItAsTheSystem) {
  auto made = Vaultctl(
      head_, {"retention", "schedule", "create", "--org", org_, "--item", "document", "--kind",
              "case_plan", "--trigger", "created", "--days", "10", "--action", "destroy"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  clock_.Advance(11 * kDay);
  // Waits for the event (a sweep within a few seconds), not for a speed.
  absl::StatusCode plan = absl::StatusCode::kOk;
  for (int i = 0; i < 200 && plan == absl::StatusCode::kOk; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    plan = GetDocumentAs(cw_, plan_);
  }
  EXPECT_EQ(plan, absl::StatusCode::kNotFound);
  EXPECT_EQ(GetDocumentAs(cw_, notes_), absl::StatusCode::kOk);
  bool audited = false;
  for (uint64_t seq = 0; seq < server_->audit_log()->size(); ++seq) {
    auto e = server_->audit_log()->Get(seq);
    ASSERT_TRUE(e.ok());
    if (e->method() != "RetentionSweep" || e->disposal().destroyed() == 0) continue;
    audited = true;
    EXPECT_EQ(e->actor(), "system");
    EXPECT_EQ(e->organization_id(), org_);
    EXPECT_EQ(e->status(), "OK");
    EXPECT_TRUE(e->disposal().certificate_id().starts_with("dct_"));
  }
  EXPECT_TRUE(audited);
}

TEST_F(Disposal, TheServersAndTheClientsCertificateHeadersAgree) {
  EXPECT_EQ(core::kCertificateHeader, vaultctl::kDisposalCertificateHeader);
}

}  // namespace
}  // namespace hoidla
