// Release decisions against a reference evaluator: a random history of
// consents (recipients x kinds x purposes x periods x revisions x withdrawals
// x representatives) and disclosures without consent is recorded through the
// real core API while the test keeps its own model of every version as it
// recorded it; then many random partner requests at random moments (inside,
// outside and at the exact edges of every period and version change) are
// decided both by Consents::ReleaseFor, with the FakeClock set to the
// moment, and by a small evaluator written here from the rules in
// vault/consent/consents.h and proto/hoidla/v1/consents.proto, over the model alone.
//
// A consent never widens its recorder's reach: the history is recorded by a
// head of the client's organisation, who works for no recipient, and a
// consent releases only items its own project holds. A recipient project of
// the client's own organisation receives nothing until a project manager of
// the consent's project (not its recorder) confirms the version
// (ConfirmConsentRelease); the history confirms some versions. Decisions at
// a moment before a confirmation count it as given: the vault compiles the
// confirmed version's windows whole, and every real decision is made at the
// present moment, never before what has already happened.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_clock.h"
#include "tests/unit/core_fixture.h"
#include "vault/consent/consents.h"

namespace hoidla::core {
namespace {

constexpr int64_t kMicro = 1;
constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kNever = INT64_MAX;

const std::vector<std::string> kKinds = {"case_plan", "assessment_notes", "home_visit_report",
                                         "medical_summary", "income_statement"};
// Kinds requests ask for: the consented ones and one no consent names.
const std::vector<std::string> kAskedKinds = {"case_plan",         "assessment_notes",
                                              "home_visit_report", "medical_summary",
                                              "income_statement",  "court_order"};
const std::vector<std::string> kPurposes = {"employment_support", "housing",
                                            "probation_supervision", "debt_counselling"};
const std::vector<std::string> kAskedPurposes = {
    "employment_support", "housing", "probation_supervision", "debt_counselling", "marketing"};

google::protobuf::Timestamp TimestampOf(int64_t micros) {
  google::protobuf::Timestamp t;
  t.set_seconds(micros / kSecond);
  t.set_nanos(static_cast<int32_t>(micros % kSecond) * 1000);
  return t;
}

std::string TimeText(int64_t micros) {
  if (micros == kNever) return "never";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::FromUnixMicros(micros),
                          absl::UTCTimeZone()) +
         " (" + std::to_string(micros) + ")";
}

// Days since 1970-01-01 of a proleptic Gregorian date (written here, not
// taken from the vault).
int64_t DaysFromCivil(int y, int m, int d) {
  int64_t days = 0;
  for (int year = 1970; year < y; ++year) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    days += leap ? 366 : 365;
  }
  static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  for (int month = 1; month < m; ++month) days += kMonthDays[month - 1] + (month == 2 && leap);
  return days + d - 1;
}

// An Estonian personal code for someone born on (y, m, d) in 2000-2099.
std::string PersonalCode(int y, int m, int d, int serial, bool female) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%d%02d%02d%02d%03d", female ? 6 : 5, y % 100, m, d,
                serial % 1000);
  std::string code = buf;
  auto check = [&](const int* w) {
    int sum = 0;
    for (int i = 0; i < 10; ++i) sum += (code[i] - '0') * w[i];
    return sum % 11;
  };
  static constexpr int kW1[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1};
  static constexpr int kW2[] = {3, 4, 5, 6, 7, 8, 9, 1, 2, 3};
  int c = check(kW1);
  if (c == 10) c = check(kW2);
  if (c == 10) c = 0;
  return code + static_cast<char>('0' + c);
}

// ---------------------------------------------------------------------------
// The test's model of what it recorded.

struct RecipientM {
  bool project = false;
  std::string org;
  std::string project_id;  // project recipients only
};

struct ProvisionM {
  std::vector<RecipientM> recipients;
  std::set<std::string> kinds;
  std::set<std::string> purposes;
  int64_t from = 0;
  int64_t until = 0;  // exclusive
};

struct VersionM {
  int64_t recorded_at = 0;  // the clock when the call was made
  int64_t authority_end = kNever;
  // Names a recipient project of the client's own organisation.
  bool needs_confirmation = false;
  bool confirmed = false;
  std::string giver;  // for messages
  std::vector<ProvisionM> provisions;
};

struct ConsentM {
  std::string id;
  int client = 0;
  std::string project_id;  // the consent's (holding) project
  std::vector<VersionM> versions;
  int64_t withdrawn_at = kNever;
};

struct DisclosureM {
  std::string id;
  int client = 0;
  std::string recipient_org;
  std::string basis_name;
  std::set<std::string> items;
  int64_t created = 0;
  int64_t until = 0;
  bool rejected = false;
};

struct DocM {
  std::string id;
  std::string kind;
};

struct ClientM {
  std::string id;
  std::string project_id;
  std::optional<int64_t> adult_at;  // the 18th birthday, midnight UTC
  std::vector<DocM> docs;
};

struct Answer {
  std::string basis;
  std::string org;
  std::string project;
  auto operator<=>(const Answer&) const = default;
};

struct Request {
  Principal principal;
  std::string purpose;
  int client = 0;
  std::string kind;
  std::string item_id;
  // The project holding the item (empty for a list over the client).
  std::string project_id;
  int64_t at = 0;
};

std::string RoleText(Role r) { return std::string(RoleName(r)); }

std::string Describe(const Request& q, const std::vector<ClientM>& clients) {
  std::ostringstream o;
  o << "at " << TimeText(q.at) << ", purpose \"" << q.purpose << "\", client "
    << clients[q.client].id << ", kind \"" << q.kind << "\", item \"" << q.item_id
    << "\" held by \"" << q.project_id << "\", memberships:";
  for (const auto& m : q.principal.memberships) {
    o << " " << RoleText(m.role) << "(" << m.organization_id
      << (m.project_id.empty() ? "" : "/" + m.project_id) << ")";
  }
  return o.str();
}

// The reference evaluator: every (basis, recipient) that releases `q`, from
// the model alone, following the rules stated in vault/consent/consents.h.
std::set<Answer> Reference(const std::vector<ConsentM>& consents,
                           const std::vector<DisclosureM>& disclosures, const std::string& home_org,
                           const Request& q) {
  std::set<Answer> out;
  if (q.purpose.empty()) return out;
  const bool list = q.kind.empty() && q.item_id.empty();
  auto org_member = [&](const std::string& org) {
    for (const auto& m : q.principal.memberships) {
      if (m.role == Role::kPartnerWorker && m.organization_id == org) return true;
    }
    return false;
  };
  auto project_member = [&](const std::string& project) {
    for (const auto& m : q.principal.memberships) {
      if ((m.role == Role::kProjectManager || m.role == Role::kCaseWorker) &&
          m.project_id == project) {
        return true;
      }
    }
    return false;
  };
  for (const ConsentM& c : consents) {
    if (c.client != q.client) continue;
    // Only what the consent's own project holds (a list over the client
    // names no item).
    if (!q.item_id.empty() && q.project_id != c.project_id) continue;
    for (size_t i = 0; i < c.versions.size(); ++i) {
      const VersionM& v = c.versions[i];
      // In force: recorded at or before T; not superseded, withdrawn or out
      // of authority at or before T.
      if (q.at < v.recorded_at) continue;
      if (i + 1 < c.versions.size() && q.at >= c.versions[i + 1].recorded_at) continue;
      if (q.at >= c.withdrawn_at) continue;
      if (q.at >= v.authority_end) continue;
      for (const ProvisionM& p : v.provisions) {
        if (q.at < p.from || q.at >= p.until) continue;
        if (!p.purposes.contains(q.purpose)) continue;
        if (!list && !p.kinds.contains(q.kind)) continue;
        for (const RecipientM& r : p.recipients) {
          // A project of the client's own organisation: only once confirmed.
          if (r.project && r.org == home_org && v.needs_confirmation && !v.confirmed) continue;
          if (r.project ? project_member(r.project_id) : org_member(r.org)) {
            out.insert({"consent:" + c.id + "/" + std::to_string(i + 1), r.org,
                        r.project ? r.project_id : ""});
          }
        }
      }
    }
  }
  for (const DisclosureM& d : disclosures) {
    if (d.client != q.client || d.rejected) continue;
    if (q.at < d.created || q.at >= d.until) continue;
    if (!list && !d.items.contains(q.item_id)) continue;
    if (org_member(d.recipient_org)) {
      out.insert({"disclosure:" + d.id + ":" + d.basis_name, d.recipient_org, ""});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------

class ConsentDecisions : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    consents_ = std::make_unique<Consents>(&faulty_, keyring_.get(), &clock_, &policy_,
                                           registry_.get(), documents_.get(), "test.hoidla");
    documents_->SetReleaseSource(consents_.get());
  }

  // Advances the clock by at least a microsecond (so that every change is
  // recorded at the clock of its call) and returns the new time.
  int64_t AdvanceRandomly() {
    static const int64_t kSteps[] = {kMicro, 7 * kMicro, kSecond, kMinute,
                                     kHour,  6 * kHour,  kDay,    3 * kDay};
    std::uniform_int_distribution<int> pick(0, std::size(kSteps) - 1);
    int64_t step = kSteps[pick(rng_)];
    if (step > kSecond) step = std::uniform_int_distribution<int64_t>(1, step)(rng_);
    clock_.Advance(step);
    return clock_.NowMicros();
  }

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng_)];
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  int64_t Uniform64(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  template <typename T>
  std::vector<T> Subset(const std::vector<T>& pool, int max) {
    std::vector<T> v = pool;
    std::shuffle(v.begin(), v.end(), rng_);
    v.resize(Uniform(1, std::min<int>(max, v.size())));
    return v;
  }

  // A random period: often around now, sometimes tiny, sometimes retroactive.
  std::pair<int64_t, int64_t> RandomPeriod(int64_t now) {
    int64_t from;
    switch (Uniform(0, 3)) {
      case 0:
        from = now;
        break;
      case 1:
        from = now + Uniform64(-40 * kDay, 40 * kDay);
        break;
      case 2:
        from = now + Uniform64(-3, 3) * kDay;
        break;  // whole days
      default:
        from = now + Uniform64(1, 5 * kMinute);
        break;
    }
    int64_t length;
    switch (Uniform(0, 4)) {
      case 0:
        length = kMicro;
        break;
      case 1:
        length = Uniform64(1, kHour);
        break;
      case 2:
        length = Uniform64(1, 10) * kDay;
        break;
      default:
        length = Uniform64(kHour, 120 * kDay);
        break;
    }
    return {from, from + length};
  }

  // Builds a random consent body for client `ci` at `now` and the model of
  // the version it becomes; `expect_ok` says whether the vault must accept
  // it.
  v1::Consent RandomConsent(int ci, int64_t now, VersionM* model, bool* expect_ok) {
    const ClientM& cl = clients_[ci];
    v1::Consent c;
    c.set_client_id(cl.id);
    c.set_project_id(cl.project_id);
    *c.mutable_given_at() = TimestampOf(now - Uniform64(0, 2 * kDay));
    c.set_cooperation_agreed(true);
    c.set_processing_agreed(true);
    c.set_given_voluntarily(true);
    if (Chance(0.5)) {
      c.set_form(v1::CONSENT_FORM_DIGITAL_SIGNATURE);
      c.set_signature_reference("asice:container-" + std::to_string(Uniform(1, 1000000)));
    } else {
      c.set_form(v1::CONSENT_FORM_ORAL);
      c.set_witness("Mari Maasikas");
      c.set_note("given by phone, read back to the client");
    }
    *expect_ok = true;
    model->recorded_at = now;
    model->authority_end = kNever;
    model->needs_confirmation = false;
    model->confirmed = false;
    auto* g = c.mutable_given_by();
    const int giver = Uniform(0, 9);
    if (giver < 4) {
      g->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
      model->giver = "data subject";
    } else if (giver < 7) {
      g->set_kind(v1::CONSENT_GIVER_KIND_LEGAL_REPRESENTATIVE);
      g->set_name("Ema Tamm");
      g->set_authority_basis("parent");
      model->giver = "legal representative";
      std::optional<int64_t> valid_until;
      if (Chance(0.4) || (!cl.adult_at && Chance(0.8))) {
        valid_until = now + Uniform64(1, 150 * kDay);
        *g->mutable_authority_valid_until() = TimestampOf(*valid_until);
      }
      if (cl.adult_at) {
        if (*cl.adult_at <= now) *expect_ok = false;  // a representative of an adult
        model->authority_end = std::min(valid_until.value_or(kNever), *cl.adult_at);
      } else {
        if (!valid_until) *expect_ok = false;  // birth unknown: the end is required
        model->authority_end = valid_until.value_or(kNever);
      }
    } else {
      g->set_kind(v1::CONSENT_GIVER_KIND_GUARDIAN);
      g->set_name("Jaan Kask");
      g->set_authority_basis("court order 2-23-1234");
      model->giver = "guardian";
      if (Chance(0.95)) {
        const int64_t until = now + (Chance(0.2) ? Uniform64(1, kHour) : Uniform64(1, 150 * kDay));
        *g->mutable_authority_valid_until() = TimestampOf(until);
        model->authority_end = until;
      } else {
        *expect_ok = false;  // a guardian without the order's end
      }
    }
    model->provisions.clear();
    const int n = Uniform(1, 3);
    for (int i = 0; i < n; ++i) {
      ProvisionM pm;
      auto* p = c.add_provisions();
      const int nr = Uniform(1, 2);
      for (int j = 0; j < nr; ++j) {
        const RecipientM& r = Pick(recipients_);
        auto* rc = p->add_recipients();
        rc->set_kind(r.project ? v1::RECIPIENT_KIND_PROJECT : v1::RECIPIENT_KIND_ORGANIZATION);
        rc->set_organization_id(r.org);
        if (r.project) rc->set_project_id(r.project_id);
        if (r.project && r.org == home_org_) model->needs_confirmation = true;
        pm.recipients.push_back(r);
      }
      for (const auto& k : Subset(kKinds, 3)) {
        p->add_kinds(k);
        pm.kinds.insert(k);
      }
      for (const auto& k : Subset(kPurposes, 2)) {
        p->add_purposes(k);
        pm.purposes.insert(k);
      }
      auto [from, until] = RandomPeriod(now);
      *p->mutable_valid_from() = TimestampOf(from);
      *p->mutable_valid_until() = TimestampOf(until);
      p->set_existence_queries(Chance(0.3));
      pm.from = from;
      pm.until = until;
      model->provisions.push_back(std::move(pm));
    }
    return c;
  }

  void RecordOne(int64_t now) {
    const int ci = Uniform(0, clients_.size() - 1);
    VersionM v;
    bool expect_ok;
    v1::RecordConsentRequest req;
    *req.mutable_consent() = RandomConsent(ci, now, &v, &expect_ok);
    auto r = consents_->RecordConsent(recorder_, req);
    if (!expect_ok) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument)
          << r.status() << " for a " << v.giver << " of " << clients_[ci].id;
      return;
    }
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->consent().release_confirmation().required(), v.needs_confirmation);
    ConsentM c;
    c.id = r->consent().id();
    c.client = ci;
    c.project_id = clients_[ci].project_id;
    c.versions.push_back(std::move(v));
    model_consents_.push_back(std::move(c));
    ++recorded_;
  }

  void ReviseOne(int64_t now) {
    if (model_consents_.empty()) return;
    ConsentM& c = model_consents_[Uniform(0, model_consents_.size() - 1)];
    VersionM v;
    bool expect_ok;
    v1::ReviseConsentRequest req;
    req.set_id(c.id);
    const bool stale = c.versions.size() > 1 && Chance(0.1);
    req.set_expected_version(stale ? c.versions.size() - 1 : c.versions.size());
    *req.mutable_consent() = RandomConsent(c.client, now, &v, &expect_ok);
    auto r = consents_->ReviseConsent(recorder_, req);
    if (c.withdrawn_at != kNever) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
      return;
    }
    if (stale) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kAborted) << r.status();
      return;
    }
    if (!expect_ok) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument)
          << r.status() << " for a " << v.giver;
      return;
    }
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->consent().version(), c.versions.size() + 1);
    c.versions.push_back(std::move(v));
    ++revised_;
  }

  void WithdrawOne(int64_t now) {
    if (model_consents_.empty()) return;
    ConsentM& c = model_consents_[Uniform(0, model_consents_.size() - 1)];
    v1::WithdrawConsentRequest req;
    req.set_id(c.id);
    auto r = consents_->WithdrawConsent(recorder_, req);
    if (c.withdrawn_at != kNever) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
      return;
    }
    ASSERT_TRUE(r.ok()) << r.status();
    c.withdrawn_at = now;
    ++withdrawn_;
  }

  // Confirms the current version of a consent that needs it (the project
  // manager); sometimes first tries who may not, or what needs nothing.
  void ConfirmOne() {
    if (model_consents_.empty()) return;
    ConsentM& c = model_consents_[Uniform(0, model_consents_.size() - 1)];
    VersionM& v = c.versions.back();
    v1::ConfirmConsentReleaseRequest req;
    req.set_id(c.id);
    req.set_version(c.versions.size());
    if (Chance(0.2)) {
      // The recorder (a head of the organisation) of the version may not.
      auto r = consents_->ConfirmConsentRelease(recorder_, req);
      EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
    }
    if (Chance(0.1)) {
      // A case worker of the project is no project manager.
      auto r = consents_->ConfirmConsentRelease(worker_, req);
      EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
    }
    auto r = consents_->ConfirmConsentRelease(confirmer_, req);
    if (!v.needs_confirmation || v.confirmed || c.withdrawn_at != kNever) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
      return;
    }
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->release_confirmation().required());
    EXPECT_EQ(r->release_confirmation().confirmed_by(), confirmer_.principal.id);
    v.confirmed = true;
    ++confirmed_;
  }

  void DiscloseOne(int64_t now) {
    const int ci = Uniform(0, clients_.size() - 1);
    const ClientM& cl = clients_[ci];
    static const std::vector<std::pair<v1::LegalBasis, std::string>> kBases = {
        {v1::LEGAL_BASIS_DANGER_TO_OTHERS, "danger_to_others"},
        {v1::LEGAL_BASIS_CRIME, "crime"},
        {v1::LEGAL_BASIS_DANGER_TO_CLIENT, "danger_to_client"},
        {v1::LEGAL_BASIS_COURT_OR_PROSECUTOR_REQUEST, "court_or_prosecutor_request"}};
    const auto& [basis, basis_name] = Pick(kBases);
    DisclosureM m;
    m.client = ci;
    m.recipient_org = Pick(partner_orgs_);
    m.basis_name = basis_name;
    v1::DiscloseWithoutConsentRequest req;
    auto* d = req.mutable_disclosure();
    d->set_client_id(cl.id);
    d->set_recipient_organization_id(m.recipient_org);
    d->set_legal_basis(basis);
    d->set_justification("threats against a neighbour reported by the case worker");
    for (const auto& doc : Subset(cl.docs, 2)) {
      d->add_item_ids(doc.id);
      m.items.insert(doc.id);
    }
    const int hours = Chance(0.3) ? 1 : Uniform(1, 168);
    d->set_valid_hours(hours);
    auto r = consents_->DiscloseWithoutConsent(admin_, req);
    ASSERT_TRUE(r.ok()) << r.status();
    m.id = r->id();
    m.created = now;
    m.until = now + hours * kHour;
    model_disclosures_.push_back(std::move(m));
  }

  void ReviewOne() {
    std::vector<DisclosureM*> pending;
    for (auto& d : model_disclosures_) {
      if (!reviewed_.contains(d.id)) pending.push_back(&d);
    }
    if (pending.empty()) return;
    DisclosureM& d = *pending[Uniform(0, pending.size() - 1)];
    const bool reject = Chance(0.5);
    v1::ReviewDisclosureRequest req;
    req.set_id(d.id);
    req.set_review(reject ? v1::DISCLOSURE_REVIEW_REJECTED : v1::DISCLOSURE_REVIEW_UPHELD);
    auto r = consents_->ReviewDisclosure(dpo_, req);
    ASSERT_TRUE(r.ok()) << r.status();
    reviewed_.insert(d.id);
    d.rejected = reject;
    rejected_ += reject;
  }

  // Every moment at which some decision for client `ci` may change.
  std::vector<int64_t> Edges(int ci) const {
    std::vector<int64_t> e;
    if (clients_[ci].adult_at) e.push_back(*clients_[ci].adult_at);
    for (const auto& c : model_consents_) {
      if (c.client != ci) continue;
      if (c.withdrawn_at != kNever) e.push_back(c.withdrawn_at);
      for (const auto& v : c.versions) {
        e.push_back(v.recorded_at);
        if (v.authority_end != kNever) e.push_back(v.authority_end);
        for (const auto& p : v.provisions) {
          e.push_back(p.from);
          e.push_back(p.until);
        }
      }
    }
    for (const auto& d : model_disclosures_) {
      if (d.client != ci) continue;
      e.push_back(d.created);
      e.push_back(d.until);
    }
    return e;
  }

  int64_t RandomMomentNear(int64_t t) {
    switch (Uniform(0, 5)) {
      case 0:
      case 1:
        return t;
      case 2:
        return t - 1;
      case 3:
        return t + 1;
      case 4:
        return t + Uniform64(-kMinute, kMinute);
      default:
        return t + Uniform64(-2 * kDay, 2 * kDay);
    }
  }

  Membership RandomMembership() {
    if (Chance(0.45)) return {Role::kPartnerWorker, Pick(partner_orgs_), ""};
    if (Chance(0.75)) {
      const RecipientM& p = Pick(projects_);
      return {Chance(0.5) ? Role::kCaseWorker : Role::kProjectManager, p.org, p.project_id};
    }
    // Roles a release never names.
    switch (Uniform(0, 3)) {
      case 0: {
        const RecipientM& p = Pick(projects_);
        return {Role::kServiceProvider, p.org, p.project_id};
      }
      case 1:
        return {Role::kHeadOfOrganization, Pick(partner_orgs_), ""};
      case 2:
        return {Role::kAuditor, Pick(partner_orgs_), ""};
      default:
        return {Role::kDataProtectionOfficer, Pick(partner_orgs_), ""};
    }
  }

  Membership MembershipFor(const RecipientM& r) {
    if (!r.project) return {Role::kPartnerWorker, r.org, ""};
    return {Chance(0.5) ? Role::kCaseWorker : Role::kProjectManager, r.org, r.project_id};
  }

  // An item of the client of kind `kind` when there is one, else a made-up
  // id (ReleaseFor decides ids it has never seen like any other).
  std::string ItemOfKind(int ci, const std::string& kind) {
    std::vector<std::string> ids;
    for (const auto& d : clients_[ci].docs) {
      if (d.kind == kind) ids.push_back(d.id);
    }
    if (!ids.empty() && Chance(0.8)) return Pick(ids);
    if (Chance(0.3)) {
      // Another client's document.
      const ClientM& other = Pick(clients_);
      return Pick(other.docs).id;
    }
    return "doc_0000000000000000000000" + std::to_string(Uniform(1000, 9999));
  }

  Request RandomRequest(int64_t lo, int64_t hi) {
    Request q;
    q.client = Uniform(0, clients_.size() - 1);
    q.principal.id = "prn_0000000000000000000000000p";
    const int extra = Uniform(0, 2);
    const int focus = Uniform(0, 9);
    std::vector<const ConsentM*> own;
    for (const auto& c : model_consents_) {
      if (c.client == q.client) own.push_back(&c);
    }
    std::vector<const DisclosureM*> own_disclosures;
    for (const auto& d : model_disclosures_) {
      if (d.client == q.client) own_disclosures.push_back(&d);
    }
    if (focus < 5 && !own.empty()) {
      // Aimed at one provision of one version.
      const ConsentM& c = *own[Uniform(0, own.size() - 1)];
      const size_t vi = Uniform(0, c.versions.size() - 1);
      const VersionM& v = c.versions[vi];
      const ProvisionM& p = v.provisions[Uniform(0, v.provisions.size() - 1)];
      q.principal.memberships.push_back(MembershipFor(Pick(p.recipients)));
      q.purpose = *std::next(p.purposes.begin(), Uniform(0, p.purposes.size() - 1));
      q.kind = *std::next(p.kinds.begin(), Uniform(0, p.kinds.size() - 1));
      q.item_id = ItemOfKind(q.client, q.kind);
      std::vector<int64_t> edges = {v.recorded_at, p.from, p.until, c.withdrawn_at,
                                    v.authority_end};
      if (vi + 1 < c.versions.size()) edges.push_back(c.versions[vi + 1].recorded_at);
      edges.erase(std::remove(edges.begin(), edges.end(), kNever), edges.end());
      if (Chance(0.5)) {
        q.at = RandomMomentNear(Pick(edges));
      } else {
        q.at = Uniform64(std::max(v.recorded_at, p.from) - kDay, p.until + kDay);
      }
      // Sometimes spoil one thing.
      switch (Uniform(0, 9)) {
        case 0:
          q.purpose = Pick(kAskedPurposes);
          break;
        case 1:
          q.kind = Pick(kAskedKinds);
          break;
        case 2:
          q.principal.memberships[0] = RandomMembership();
          break;
        default:
          break;
      }
    } else if (focus < 7 && !own_disclosures.empty()) {
      const DisclosureM& d = *own_disclosures[Uniform(0, own_disclosures.size() - 1)];
      q.principal.memberships.push_back({Role::kPartnerWorker, d.recipient_org, ""});
      q.purpose = Pick(kAskedPurposes);
      const std::string item = *std::next(d.items.begin(), Uniform(0, d.items.size() - 1));
      q.item_id = item;
      for (const auto& doc : clients_[q.client].docs) {
        if (doc.id == item) q.kind = doc.kind;
      }
      if (Chance(0.2)) q.item_id = ItemOfKind(q.client, q.kind);
      q.at = Chance(0.5) ? RandomMomentNear(Chance(0.5) ? d.created : d.until)
                         : Uniform64(d.created - kHour, d.until + kHour);
    } else {
      q.principal.memberships.push_back(RandomMembership());
      q.purpose = Pick(kAskedPurposes);
      q.kind = Pick(kAskedKinds);
      q.item_id = ItemOfKind(q.client, q.kind);
      const std::vector<int64_t> edges = Edges(q.client);
      q.at = (!edges.empty() && Chance(0.6)) ? RandomMomentNear(Pick(edges)) : Uniform64(lo, hi);
    }
    for (int i = 0; i < extra; ++i) q.principal.memberships.push_back(RandomMembership());
    std::shuffle(q.principal.memberships.begin(), q.principal.memberships.end(), rng_);
    // The project holding the item: the project of the client whose document
    // it is; sometimes another project of the organisation (an item the
    // client has in another project).
    q.project_id = Pick(home_projects_);
    for (const auto& cl : clients_) {
      for (const auto& d : cl.docs) {
        if (d.id == q.item_id) q.project_id = cl.project_id;
      }
    }
    if (Chance(0.15)) q.project_id = Pick(home_projects_);
    if (Chance(0.05)) {
      q.kind.clear();  // a list over the client
      q.item_id.clear();
      q.project_id.clear();
    }
    if (Chance(0.01)) q.purpose.clear();
    return q;
  }

  // Decides `q` both ways; counts and records a disagreement.
  void Check(const Request& q) {
    clock_.Set(q.at);
    auto got = consents_->ReleaseFor(q.principal, q.purpose,
                                     {clients_[q.client].id, q.kind, q.item_id, q.project_id});
    const std::set<Answer> want = Reference(model_consents_, model_disclosures_, home_org_, q);
    ++cases_;
    std::string problem;
    if (q.purpose.empty()) {
      // No purpose: a partner worker must state one; others get no release.
      const bool partner = q.principal.Has(Role::kPartnerWorker);
      if (partner ? got.status().code() != absl::StatusCode::kInvalidArgument
                  : !(got.ok() && !got->has_value())) {
        problem =
            "no purpose: vault said " +
            (got.ok() ? std::string(got->has_value() ? "release " + (*got)->basis : "no release")
                      : got.status().ToString());
      }
      ++denied_;
    } else if (!got.ok()) {
      problem = "vault failed: " + got.status().ToString();
    } else if (got->has_value() != !want.empty()) {
      problem = got->has_value() ? "vault released on " + (*got)->basis + ", reference denies"
                                 : "vault denied, reference releases";
    } else if (got->has_value()) {
      const Release& r = **got;
      if (!want.contains({r.basis, r.recipient_organization_id, r.recipient_project_id})) {
        problem = "vault released on " + r.basis + " to " + r.recipient_organization_id + "/" +
                  r.recipient_project_id + ", which the reference does not find valid";
      }
    }
    if (!q.purpose.empty()) (want.empty() ? denied_ : allowed_) += 1;
    if (problem.empty()) return;
    ++disagreements_;
    if (reports_.size() < 5) {
      std::ostringstream o;
      o << problem << "\n  request: " << Describe(q, clients_) << "\n  reference:";
      for (const auto& a : want) o << " " << a.basis << "->" << a.org << "/" << a.project;
      o << "\n" << DumpClient(q.client);
      // The vault's own account of the client's versions.
      v1::ListConsentsRequest all;
      all.set_client_id(clients_[q.client].id);
      all.set_all_versions(true);
      auto listed = consents_->ListConsents(admin_, all);
      if (listed.ok()) {
        for (const auto& c : listed->consents()) {
          o << "  vault: " << c.id() << "/" << c.version() << " recorded "
            << TimeText(c.recorded_at().seconds() * kSecond + c.recorded_at().nanos() / 1000)
            << ", " << v1::ConsentStatus_Name(c.status()) << "\n";
        }
      } else {
        o << "  vault: ListConsents failed: " << listed.status() << "\n";
      }
      reports_.push_back(o.str());
    }
  }

  std::string DumpClient(int ci) const {
    std::ostringstream o;
    const ClientM& cl = clients_[ci];
    o << "  client " << cl.id << " adult at " << (cl.adult_at ? TimeText(*cl.adult_at) : "unknown")
      << "\n";
    for (const auto& c : model_consents_) {
      if (c.client != ci) continue;
      o << "  consent " << c.id << " of project " << c.project_id << " withdrawn "
        << TimeText(c.withdrawn_at) << "\n";
      for (size_t i = 0; i < c.versions.size(); ++i) {
        const VersionM& v = c.versions[i];
        o << "    v" << i + 1 << " recorded " << TimeText(v.recorded_at) << " by " << v.giver
          << ", authority ends " << TimeText(v.authority_end)
          << (v.needs_confirmation ? (v.confirmed ? ", confirmed" : ", unconfirmed") : "") << "\n";
        for (const auto& p : v.provisions) {
          o << "      [" << TimeText(p.from) << ", " << TimeText(p.until) << ") to";
          for (const auto& r : p.recipients) {
            o << " " << (r.project ? "project " + r.project_id : "org " + r.org);
          }
          o << "; kinds";
          for (const auto& k : p.kinds) o << " " << k;
          o << "; purposes";
          for (const auto& k : p.purposes) o << " " << k;
          o << "\n";
        }
      }
    }
    for (const auto& d : model_disclosures_) {
      if (d.client != ci) continue;
      o << "  disclosure " << d.id << " to " << d.recipient_org << " [" << TimeText(d.created)
        << ", " << TimeText(d.until) << ")" << (d.rejected ? " rejected" : "") << " items";
      for (const auto& i : d.items) o << " " << i;
      o << "\n";
    }
    return o.str();
  }

  std::mt19937 rng_{20240115};
  std::unique_ptr<Consents> consents_;
  RequestContext dpo_;
  // Records the history: a head of the client's organisation only (so that
  // no recipient is the recorder).
  RequestContext recorder_;
  // Confirms in-organisation releases: a project manager of both projects.
  RequestContext confirmer_;
  // A case worker of both projects (no confirmer).
  RequestContext worker_;
  std::string home_org_;
  std::vector<std::string> home_projects_;
  std::vector<ClientM> clients_;
  std::vector<RecipientM> recipients_;  // what consents name
  std::vector<RecipientM> projects_;    // every project a membership may name
  std::vector<std::string> partner_orgs_;
  std::vector<ConsentM> model_consents_;
  std::vector<DisclosureM> model_disclosures_;
  std::set<std::string> reviewed_;
  int recorded_ = 0, revised_ = 0, withdrawn_ = 0, rejected_ = 0, confirmed_ = 0;
  int64_t cases_ = 0, allowed_ = 0, denied_ = 0, disagreements_ = 0;
  std::vector<std::string> reports_;
};

TEST_F(ConsentDecisions, VaultAgreesWithTheReferenceEvaluatorOnRandomRequests) {
  // The client's organisation and projects.
  const v1::Organization home = MakeOrg("Tartu Tugikeskus");
  const v1::Project home_a = MakeProject(home.id(), "Tugiisik");
  const v1::Project home_b = MakeProject(home.id(), "Noorte nõustamine");
  dpo_.principal = {.id = "prn_0000000000000000000000000d",
                    .display_name = "dpo",
                    .memberships = {{Role::kDataProtectionOfficer, home.id(), ""}}};
  dpo_.request_id = "req-dpo";
  home_org_ = home.id();
  home_projects_ = {home_a.id(), home_b.id()};
  recorder_.principal = {.id = "prn_0000000000000000000000000r",
                         .display_name = "recorder",
                         .memberships = {{Role::kHeadOfOrganization, home.id(), ""}}};
  recorder_.request_id = "req-recorder";
  confirmer_.principal = {.id = "prn_0000000000000000000000000m",
                          .display_name = "project manager",
                          .memberships = {{Role::kProjectManager, home.id(), home_a.id()},
                                          {Role::kProjectManager, home.id(), home_b.id()}}};
  confirmer_.request_id = "req-confirmer";
  worker_.principal = {.id = "prn_0000000000000000000000000w",
                       .display_name = "case worker",
                       .memberships = {{Role::kCaseWorker, home.id(), home_a.id()},
                                       {Role::kCaseWorker, home.id(), home_b.id()}}};
  worker_.request_id = "req-worker";
  // Recipients: three partner organisations with two projects each, and the
  // home organisation's second project; a fourth organisation no consent
  // names.
  for (int i = 0; i < 4; ++i) {
    const v1::Organization o = MakeOrg("Partner " + std::to_string(i));
    partner_orgs_.push_back(o.id());
    for (int j = 0; j < 2; ++j) {
      const v1::Project p = MakeProject(o.id(), "Projekt " + std::to_string(j));
      projects_.push_back({true, o.id(), p.id()});
      if (i < 3) recipients_.push_back({true, o.id(), p.id()});
    }
    if (i < 3) recipients_.push_back({false, o.id(), ""});
  }
  partner_orgs_.push_back(home.id());
  recipients_.push_back({true, home.id(), home_b.id()});
  projects_.push_back({true, home.id(), home_b.id()});
  projects_.push_back({true, home.id(), home_a.id()});

  // Clients: minors turning 18 during the run (from a date of birth or from
  // the personal code), a young child, adults, one whose birth is unknown.
  struct Born {
    int y, m, d;
    bool from_code;
  };
  const std::vector<std::optional<Born>> births = {Born{2006, 2, 3, false},
                                                   Born{2006, 3, 17, true},
                                                   Born{2006, 5, 28, false},
                                                   Born{2012, 9, 1, false},
                                                   Born{1985, 6, 14, false},
                                                   Born{2001, 1, 1, true},
                                                   std::nullopt};
  int serial = 100;
  for (const auto& b : births) {
    const std::string& project = Chance(0.5) ? home_a.id() : home_b.id();
    v1::CreateClientRequest req =
        ClientRequest(home.id(), project,
                      b && b->from_code ? PersonalCode(b->y, b->m, b->d, ++serial, true) : "");
    if (b && !b->from_code) {
      auto* dob = req.mutable_client()->mutable_date_of_birth();
      dob->set_year(b->y);
      dob->set_month(b->m);
      dob->set_day(b->d);
    }
    Tick();
    auto c = registry_->CreateClient(admin_, req);
    ASSERT_TRUE(c.ok()) << c.status();
    ClientM m;
    m.id = c->id();
    m.project_id = project;
    if (b) m.adult_at = DaysFromCivil(b->y + 18, b->m, b->d) * kDay;
    for (int i = 0; i < 3; ++i) {
      v1::Document h;
      h.set_project_id(project);
      h.set_client_id(m.id);
      h.set_title("Dokument " + std::to_string(i));
      h.set_kind(Pick(kKinds));
      h.set_content_type("application/pdf");
      Tick();
      auto up = documents_->BeginUpload(admin_, h);
      ASSERT_TRUE(up.ok()) << up.status();
      ASSERT_TRUE((*up)->Append("%PDF-1.7 " + std::to_string(i)).ok());
      auto doc = (*up)->Commit();
      ASSERT_TRUE(doc.ok()) << doc.status();
      m.docs.push_back({doc->id(), doc->kind()});
    }
    clients_.push_back(std::move(m));
  }

  // The history, with probes at random moments against the state so far.
  const int64_t start = clock_.NowMicros();
  for (int step = 0; step < 400; ++step) {
    const int64_t now = AdvanceRandomly();
    const int op = Uniform(0, 99);
    if (op < 35 || model_consents_.size() < 5) {
      RecordOne(now);
    } else if (op < 65) {
      ReviseOne(now);
    } else if (op < 75) {
      WithdrawOne(now);
    } else if (op < 80) {
      ConfirmOne();
    } else if (op < 88) {
      DiscloseOne(now);
    } else if (op < 93) {
      ReviewOne();
    } else {
      for (int i = 0; i < 100; ++i) Check(RandomRequest(start - 5 * kDay, now + 100 * kDay));
      clock_.Set(now);
    }
    if (HasFatalFailure()) return;
  }
  const int64_t end = clock_.NowMicros();
  // Then requests at any moment against the final state.
  while (cases_ < 40000) Check(RandomRequest(start - 5 * kDay, end + 100 * kDay));
  clock_.Set(end);

  std::ostringstream summary;
  summary << recorded_ << " consents, " << revised_ << " revisions, " << withdrawn_
          << " withdrawals, " << confirmed_ << " confirmations, " << model_disclosures_.size()
          << " disclosures (" << rejected_ << " rejected); " << cases_ << " requests: " << allowed_
          << " released, " << denied_ << " denied, " << disagreements_
          << " disagreements; history from " << TimeText(start) << " to " << TimeText(end);
  std::cout << summary.str() << std::endl;
  for (const auto& r : reports_) ADD_FAILURE() << r;
  EXPECT_EQ(disagreements_, 0) << summary.str();
  EXPECT_GE(cases_, 40000);
  EXPECT_GE(allowed_, cases_ / 10) << summary.str();
  EXPECT_GE(denied_, cases_ / 10) << summary.str();
  EXPECT_GE(recorded_, 20);
  EXPECT_GE(revised_, 20);
  EXPECT_GE(withdrawn_, 5);
  EXPECT_GE(rejected_, 1);
  EXPECT_GE(confirmed_, 3);
}

// The smallest history in which the randomised test above found the vault
// disagreeing: revising a consent whose chain had one version rebuilt the
// client's release state without any of the client's consents.
TEST_F(ConsentDecisions, RevisingOneConsentKeepsEveryConsentOfTheClientReleasing) {
  const v1::Organization home = MakeOrg();
  const v1::Project project = MakeProject(home.id());
  const v1::Organization partner = MakeOrg("Töötukassa");
  const v1::Client client = MakeClient(home.id(), project.id());
  // Recorded by a head of the client's organisation, who works for no
  // recipient.
  RequestContext recorder;
  recorder.principal = {.id = "prn_0000000000000000000000000r",
                        .memberships = {{Role::kHeadOfOrganization, home.id(), ""}}};
  auto consent = [&](const std::string& kind) {
    v1::Consent c;
    c.set_client_id(client.id());
    c.set_project_id(project.id());
    c.mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
    c.set_form(v1::CONSENT_FORM_DIGITAL_SIGNATURE);
    c.set_signature_reference("asice:container-1");
    *c.mutable_given_at() = TimestampOf(clock_.NowMicros());
    auto* p = c.add_provisions();
    auto* r = p->add_recipients();
    r->set_kind(v1::RECIPIENT_KIND_ORGANIZATION);
    r->set_organization_id(partner.id());
    p->add_kinds(kind);
    p->add_purposes("employment_support");
    *p->mutable_valid_from() = TimestampOf(clock_.NowMicros() - kDay);
    *p->mutable_valid_until() = TimestampOf(clock_.NowMicros() + 30 * kDay);
    return c;
  };
  Tick();
  v1::RecordConsentRequest first;
  *first.mutable_consent() = consent("case_plan");
  auto a = consents_->RecordConsent(recorder, first);
  ASSERT_TRUE(a.ok()) << a.status();
  Tick();
  v1::RecordConsentRequest second;
  *second.mutable_consent() = consent("income_statement");
  auto b = consents_->RecordConsent(recorder, second);
  ASSERT_TRUE(b.ok()) << b.status();
  Tick();
  v1::ReviseConsentRequest revise;
  revise.set_id(b->consent().id());
  revise.set_expected_version(1);
  *revise.mutable_consent() = consent("income_statement");
  auto b2 = consents_->ReviseConsent(recorder, revise);
  ASSERT_TRUE(b2.ok()) << b2.status();
  Tick();

  Principal worker{.id = "prn_0000000000000000000000000p",
                   .memberships = {{Role::kPartnerWorker, partner.id(), ""}}};
  auto by_a = consents_->ReleaseFor(
      worker, "employment_support",
      {client.id(), "case_plan", "doc_00000000000000000000000001", project.id()});
  ASSERT_TRUE(by_a.ok()) << by_a.status();
  ASSERT_TRUE(by_a->has_value()) << "the unrevised consent no longer releases";
  EXPECT_EQ((*by_a)->basis, "consent:" + a->consent().id() + "/1");
  auto by_b = consents_->ReleaseFor(
      worker, "employment_support",
      {client.id(), "income_statement", "doc_00000000000000000000000002", project.id()});
  ASSERT_TRUE(by_b.ok()) << by_b.status();
  ASSERT_TRUE(by_b->has_value()) << "the new version does not release";
  EXPECT_EQ((*by_b)->basis, "consent:" + b->consent().id() + "/2");
}

// A consent of one project, naming partner organisation `partner` or
// project `project_recipient` as its recipient, given now by the client.
v1::Consent ConsentIn(const std::string& client, const std::string& project, const std::string& org,
                      const std::string& project_recipient, int64_t now) {
  v1::Consent c;
  c.set_client_id(client);
  c.set_project_id(project);
  c.mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
  c.set_form(v1::CONSENT_FORM_DIGITAL_SIGNATURE);
  c.set_signature_reference("asice:container-1");
  *c.mutable_given_at() = TimestampOf(now);
  auto* p = c.add_provisions();
  auto* r = p->add_recipients();
  r->set_kind(project_recipient.empty() ? v1::RECIPIENT_KIND_ORGANIZATION
                                        : v1::RECIPIENT_KIND_PROJECT);
  r->set_organization_id(org);
  if (!project_recipient.empty()) r->set_project_id(project_recipient);
  p->add_kinds("case_plan");
  p->add_purposes("employment_support");
  *p->mutable_valid_from() = TimestampOf(now - kDay);
  *p->mutable_valid_until() = TimestampOf(now + 30 * kDay);
  return c;
}

TEST_F(ConsentDecisions, AConsentReleasesOnlyWhatItsOwnProjectHolds) {
  const v1::Organization home = MakeOrg();
  const v1::Project project = MakeProject(home.id());
  const v1::Project other = MakeProject(home.id(), "Teine");
  const v1::Organization partner = MakeOrg("Töötukassa");
  const v1::Client client = MakeClient(home.id(), project.id());
  RequestContext recorder;
  recorder.principal = {.id = "prn_0000000000000000000000000r",
                        .memberships = {{Role::kHeadOfOrganization, home.id(), ""}}};
  Tick();
  v1::RecordConsentRequest req;
  *req.mutable_consent() =
      ConsentIn(client.id(), project.id(), partner.id(), "", clock_.NowMicros());
  HOIDLA_ASSERT_OK(consents_->RecordConsent(recorder, req));
  Tick();
  Principal worker{.id = "prn_0000000000000000000000000p",
                   .memberships = {{Role::kPartnerWorker, partner.id(), ""}}};
  const std::string item = "doc_00000000000000000000000001";
  auto held = consents_->ReleaseFor(worker, "employment_support",
                                    {client.id(), "case_plan", item, project.id()});
  HOIDLA_ASSERT_OK(held);
  EXPECT_TRUE(held->has_value());
  auto elsewhere = consents_->ReleaseFor(worker, "employment_support",
                                         {client.id(), "case_plan", item, other.id()});
  HOIDLA_ASSERT_OK(elsewhere);
  EXPECT_FALSE(elsewhere->has_value()) << "an item another project holds";
  auto unknown =
      consents_->ReleaseFor(worker, "employment_support", {client.id(), "case_plan", item, ""});
  HOIDLA_ASSERT_OK(unknown);
  EXPECT_FALSE(unknown->has_value()) << "an item whose holding project is not known";
}

TEST_F(ConsentDecisions, AConsentNeverNamesItsRecorderAsRecipient) {
  const v1::Organization home = MakeOrg();
  const v1::Project project = MakeProject(home.id());
  const v1::Project other = MakeProject(home.id(), "Teine");
  const v1::Organization partner = MakeOrg("Töötukassa");
  const v1::Client client = MakeClient(home.id(), project.id());
  // admin_ is head of every organisation MakeOrg made, the partner's too.
  v1::RecordConsentRequest req;
  *req.mutable_consent() =
      ConsentIn(client.id(), project.id(), partner.id(), "", clock_.NowMicros());
  auto r = consents_->RecordConsent(admin_, req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  EXPECT_TRUE(absl::StartsWith(r.status().message(), "consent.provisions[0].recipients[0]: "))
      << r.status();
  // A case worker of the recipient project.
  RequestContext worker;
  worker.principal = {.id = "prn_0000000000000000000000000w",
                      .memberships = {{Role::kCaseWorker, home.id(), project.id()},
                                      {Role::kCaseWorker, home.id(), other.id()}}};
  *req.mutable_consent() =
      ConsentIn(client.id(), project.id(), home.id(), other.id(), clock_.NowMicros());
  r = consents_->RecordConsent(worker, req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
}

TEST_F(ConsentDecisions, AProjectOfTheSameOrganisationReceivesOnlyOnceAManagerConfirms) {
  const v1::Organization home = MakeOrg();
  const v1::Project project = MakeProject(home.id());
  const v1::Project other = MakeProject(home.id(), "Teine");
  const v1::Client client = MakeClient(home.id(), project.id());
  RequestContext recorder;
  recorder.principal = {.id = "prn_0000000000000000000000000r",
                        .memberships = {{Role::kCaseWorker, home.id(), project.id()}}};
  RequestContext manager;
  manager.principal = {.id = "prn_0000000000000000000000000m",
                       .memberships = {{Role::kProjectManager, home.id(), project.id()}}};
  RequestContext other_manager;
  other_manager.principal = {.id = "prn_0000000000000000000000000n",
                             .memberships = {{Role::kProjectManager, home.id(), other.id()}}};
  Tick();
  v1::RecordConsentRequest req;
  *req.mutable_consent() =
      ConsentIn(client.id(), project.id(), home.id(), other.id(), clock_.NowMicros());
  auto recorded = consents_->RecordConsent(recorder, req);
  HOIDLA_ASSERT_OK(recorded);
  EXPECT_TRUE(recorded->consent().release_confirmation().required());
  EXPECT_TRUE(recorded->consent().release_confirmation().confirmed_by().empty());
  Tick();
  Principal colleague{.id = "prn_0000000000000000000000000c",
                      .memberships = {{Role::kCaseWorker, home.id(), other.id()}}};
  const ReleaseQuery query{client.id(), "case_plan", "doc_00000000000000000000000001",
                           project.id()};
  auto before = consents_->ReleaseFor(colleague, "employment_support", query);
  HOIDLA_ASSERT_OK(before);
  EXPECT_FALSE(before->has_value()) << "released before a manager confirmed it";

  v1::ConfirmConsentReleaseRequest confirm;
  confirm.set_id(recorded->consent().id());
  confirm.set_version(1);
  EXPECT_EQ(consents_->ConfirmConsentRelease(recorder, confirm).status().code(),
            absl::StatusCode::kPermissionDenied)
      << "a case worker is no project manager";
  EXPECT_EQ(consents_->ConfirmConsentRelease(other_manager, confirm).status().code(),
            absl::StatusCode::kNotFound)
      << "the recipient project's manager does not see the consent";
  confirm.set_version(2);
  EXPECT_EQ(consents_->ConfirmConsentRelease(manager, confirm).status().code(),
            absl::StatusCode::kAborted);
  confirm.set_version(1);
  auto confirmed = consents_->ConfirmConsentRelease(manager, confirm);
  HOIDLA_ASSERT_OK(confirmed);
  EXPECT_EQ(confirmed->release_confirmation().confirmed_by(), manager.principal.id);
  EXPECT_EQ(consents_->ConfirmConsentRelease(manager, confirm).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "confirmed already";
  Tick();
  auto after = consents_->ReleaseFor(colleague, "employment_support", query);
  HOIDLA_ASSERT_OK(after);
  ASSERT_TRUE(after->has_value());
  EXPECT_EQ((*after)->basis, "consent:" + recorded->consent().id() + "/1");
  EXPECT_EQ((*after)->recipient_project_id, other.id());
}

}  // namespace
}  // namespace hoidla::core
