// Guard (vault/access/guard.h): load -> locate -> decide -> reveal, with the
// real policy, a location index held in memory and a recording release
// source.
#include "vault/access/guard.h"

#include <map>
#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace hoidla::core {
namespace {

// An object as a module would load it.
struct Item {
  std::string id;
  std::string kind;
  Target target;
};

Target InProject(std::string_view project, std::string_view object) {
  return Target{.organization_id = "org_1",
                .project_id = std::string(project),
                .client_project_ids = {std::string(project)},
                .client_id = "cli_1",
                .object_id = std::string(object)};
}

class MapLocations : public Locations {
 public:
  Target LocationOf(std::string_view id) const override {
    auto it = where.find(std::string(id));
    if (it == where.end()) return Target{.object_id = std::string(id)};
    return it->second;
  }
  std::map<std::string, Target> where;
};

class RecordingReleases : public ReleaseSource {
 public:
  absl::StatusOr<std::optional<Release>> ReleaseFor(const Principal&, std::string_view purpose,
                                                    const ReleaseQuery& query) const override {
    asked = query;
    if (purpose.empty()) return absl::InvalidArgumentError("x-hoidla-purpose: required");
    if (!grant) return std::nullopt;
    return Release{.basis = "consent:cns_1/1", .recipient_organization_id = "org_2"};
  }
  bool grant = false;
  mutable std::optional<ReleaseQuery> asked;
};

RequestContext Caller(Role role, std::string_view org, std::string_view project) {
  RequestContext ctx;
  ctx.principal.id = "prn_1";
  ctx.principal.organization_id = std::string(org);
  ctx.principal.memberships.push_back(
      {.role = role, .organization_id = std::string(org), .project_id = std::string(project)});
  return ctx;
}

class GuardTest : public ::testing::Test {
 protected:
  absl::StatusOr<Target> Reveal(const RequestContext& ctx, const absl::StatusOr<Item>& loaded,
                                Action action = Action::kReadDocument, bool releasable = false) {
    return Guard(&policy_, &locations_, &releases_)
        .Reveal(
            ctx, {.action = action, .id = "doc_1", .field = "id", .releasable = releasable}, loaded,
            [](const Item& i) { return i.target; },
            [](const Item& i) { return std::string_view(i.kind); });
  }

  Policy policy_;
  MapLocations locations_;
  RecordingReleases releases_;
  const Item item_{"doc_1", "consent_form", InProject("prj_1", "doc_1")};
};

TEST_F(GuardTest, AnAllowedCallerGetsTheLoadedObjectsTarget) {
  auto t = Reveal(Caller(Role::kProjectManager, "org_1", "prj_1"), item_);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->project_id, "prj_1");
  EXPECT_FALSE(t->release.has_value());
}

TEST_F(GuardTest, ACallerOutOfScopeGetsOneAnswerWhetherTheObjectIsThereMissingOrDamaged) {
  locations_.where["doc_1"] = InProject("prj_1", "doc_1");
  const RequestContext other = Caller(Role::kProjectManager, "org_1", "prj_2");
  for (const absl::StatusOr<Item>& loaded :
       {absl::StatusOr<Item>(item_), absl::StatusOr<Item>(absl::NotFoundError("not found")),
        absl::StatusOr<Item>(absl::DataLossError("stored document is corrupt"))}) {
    absl::Status s = Reveal(other, loaded).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(s.message(), "id: not found");
  }
}

TEST_F(GuardTest, AnAllowedCallerLearnsThatTheStoredBytesAreDamaged) {
  locations_.where["doc_1"] = InProject("prj_1", "doc_1");
  absl::Status s = Reveal(Caller(Role::kProjectManager, "org_1", "prj_1"),
                          absl::DataLossError("stored document is corrupt"))
                       .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
}

TEST_F(GuardTest, AMissingObjectIsNotFoundNamingTheField) {
  absl::Status s =
      Guard(&policy_, &locations_)
          .Reveal(Caller(Role::kProjectManager, "org_1", "prj_1"),
                  {.action = Action::kWriteRecord, .id = "cas_9", .field = "record.case_id"},
                  absl::StatusOr<Item>(absl::NotFoundError("not found")),
                  [](const Item& i) { return i.target; })
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "record.case_id: not found");
}

TEST_F(GuardTest, ACallerWithNoRoleForTheActionIsPermissionDenied) {
  absl::Status s = Reveal(Caller(Role::kAuditor, "org_1", ""), item_).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  s = Reveal(Caller(Role::kAuditor, "org_1", ""), absl::NotFoundError("not found")).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(GuardTest, ALocateErrorIsReturnedBeforeAnyDecision) {
  auto t = Guard(&policy_, &locations_)
               .Reveal(Caller(Role::kProjectManager, "org_1", "prj_1"),
                       {.action = Action::kReadDocument, .id = "doc_1", .field = "id"},
                       absl::StatusOr<Item>(item_), [](const Item&) -> absl::StatusOr<Target> {
                         return absl::UnavailableError("project unreadable");
                       });
  EXPECT_EQ(t.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(GuardTest, APartnerIsReachedOnlyByAReleaseOfTheObjectsKind) {
  RequestContext partner = Caller(Role::kPartnerWorker, "org_2", "");
  partner.purpose = "employment";
  EXPECT_EQ(Reveal(partner, item_, Action::kReadDocument, true).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(releases_.asked.has_value());
  EXPECT_EQ(releases_.asked->kind, "consent_form");
  EXPECT_EQ(releases_.asked->item_id, "doc_1");
  EXPECT_EQ(releases_.asked->project_id, "prj_1");

  releases_.grant = true;
  auto t = Reveal(partner, item_, Action::kReadDocument, true);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_TRUE(t->release.has_value());
  EXPECT_EQ(t->release->basis, "consent:cns_1/1");
}

TEST_F(GuardTest, ANotReleasableCallNeverAsksForARelease) {
  releases_.grant = true;
  RequestContext partner = Caller(Role::kPartnerWorker, "org_2", "");
  partner.purpose = "employment";
  EXPECT_EQ(Reveal(partner, item_, Action::kReadDocument, false).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(releases_.asked.has_value());
}

TEST_F(GuardTest, APartnersMissingPurposeIsTheReleaseSourcesAnswer) {
  auto t = Reveal(Caller(Role::kPartnerWorker, "org_2", ""), item_, Action::kReadDocument, true);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hoidla::core
