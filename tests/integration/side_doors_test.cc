// No side doors: what the vault reveals, it reveals on purpose. Each test
// is a way of learning or reaching something found against a running
// vaultd, in the world of world.h, failing the way it was found before
// the fix.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "hoidla/v1/vault.grpc.pb.h"
#include "hoidla/storage/v1/records.pb.h"
#include "keys/signed_note.h"
#include "tests/integration/world.h"
#include "vault/audit/bundle.h"
#include "vault/common/strings.h"

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

}  // namespace
}  // namespace hoidla
