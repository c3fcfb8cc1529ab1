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
#include "tests/integration/world.h"
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

}  // namespace
}  // namespace hoidla
