// Consent evaluation's cost, in one run: a partner agency worker's fetch of a
// small record of a client, allowed only by a consent in force (evaluated
// against every consent on file for that client), next to a project member's
// fetch of the same record, allowed by the member's own role (no consent
// evaluated).
//
//   Organisation A keeps the records: project P, a case worker assigned to
//   client C's case, a 1 KiB document of kind `case_plan` (and one of kind
//   `assessment_notes`). Organisation B is a partner agency: a partner worker
//   who states `x-hoidla-purpose: employment_support`. C has --consents
//   consents on file (default 1,000), recorded by the head of A: one releases
//   case plans to B for employment support; the others name other
//   organisations, other kinds, other purposes, a project recipient, or a
//   period that has not started yet, so each is a grant the decision has to
//   look at and reject. The matching one is recorded at a random position.
//
// Both fetches (GetDocument, DownloadDocument of the 1 KiB document) run
// over loopback against one vault in this process (RocksDB in a temporary
// folder), with the same number of concurrent clients. Phases alternate
// (member, partner; the order flips every round) over several rounds and the
// medians of the per-round ratios are reported. Figures, not assertions: the
// machine is shared and noisy.
//
// Usage: consent_bench [--seconds S] [--clients N] [--rounds R] [--consents K]
//        (defaults 2, 8, 5, 1000)
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "keys/crypto.h"
#include "tests/integration/api_stub.h"
#include "tests/integration/enrol.h"
#include "tests/integration/test_support.h"
#include "vault/server/server.h"

namespace {

namespace v1 = ::hoidla::v1;
using Clock = std::chrono::steady_clock;

constexpr char kPurpose[] = "employment_support";

[[noreturn]] void Fail(const std::string& what) {
  std::cerr << "consent_bench: " << what << "\n";
  std::exit(1);
}

template <typename Resp, typename Req, typename M>
Resp Must(hoidla::testing::ApiStub* stub, M method, const std::string& token, const Req& req,
          const char* what) {
  grpc::ClientContext c;
  c.AddMetadata("authorization", "Bearer " + token);
  Resp out;
  grpc::Status s = (stub->*method)(&c, req, &out);
  if (!s.ok()) Fail(std::string("setup failed: ") + what + ": " + s.error_message());
  return out;
}

void Authorize(grpc::ClientContext* c, const std::string& token, const std::string& purpose) {
  c->AddMetadata("authorization", "Bearer " + token);
  if (!purpose.empty()) c->AddMetadata("x-hoidla-purpose", purpose);
}

grpc::Status Get(hoidla::testing::ApiStub* stub, const std::string& token,
                 const std::string& purpose, const std::string& id) {
  grpc::ClientContext c;
  Authorize(&c, token, purpose);
  v1::GetDocumentRequest r;
  r.set_id(id);
  v1::Document out;
  return stub->GetDocument(&c, r, &out);
}

grpc::Status Download(hoidla::testing::ApiStub* stub, const std::string& token,
                      const std::string& purpose, const std::string& id, size_t* bytes) {
  grpc::ClientContext c;
  Authorize(&c, token, purpose);
  v1::DownloadDocumentRequest r;
  r.set_id(id);
  auto reader = stub->DownloadDocument(&c, r);
  v1::DownloadDocumentResponse part;
  size_t n = 0;
  while (reader->Read(&part)) n += part.data().size();
  if (bytes != nullptr) *bytes = n;
  return reader->Finish();
}

// Runs `op` from `clients` threads for `seconds`; returns calls per second.
template <typename Op>
double Throughput(int clients, double seconds, const char* what, Op op) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> done{0}, failed{0};
  std::vector<std::thread> pool;
  auto t0 = Clock::now();
  for (int i = 0; i < clients; ++i) {
    pool.emplace_back([&] {
      int64_t n = 0, bad = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (op()) {
          ++n;
        } else {
          ++bad;
        }
      }
      done += n;
      failed += bad;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : pool) t.join();
  if (failed > 0)
    std::fprintf(stderr, "warning: %s: %ld failed calls\n", what, long(failed.load()));
  return done / std::chrono::duration<double>(Clock::now() - t0).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void Expect(const grpc::Status& s, grpc::StatusCode want, const char* what) {
  if (s.error_code() != want) {
    Fail(std::string("check failed: ") + what + ": got code " +
         std::to_string(static_cast<int>(s.error_code())) + " (" + s.error_message() + "), want " +
         std::to_string(static_cast<int>(want)));
  }
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  int clients = 8;
  int rounds = 5;
  int consents = 1000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::stod(argv[i + 1]);
    if (std::strcmp(argv[i], "--clients") == 0) clients = std::max(1, std::stoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::max(1, std::stoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--consents") == 0) consents = std::max(1, std::stoi(argv[i + 1]));
  }
  if (!hoidla::keys::InitCrypto().ok()) return 1;

  hoidla::testing::TempDir dir;
  hoidla::service::ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.data_dir = dir.path() + "/data";
  auto vault = hoidla::service::VaultServer::Start(config, hoidla::keys::NewKey(),
                                                   hoidla::keys::MasterKeyMode::kDev);
  if (!vault.ok()) {
    std::cerr << vault.status() << "\n";
    return 1;
  }
  const std::string admin = *(*vault)->bootstrap_token();
  auto stub = std::make_unique<hoidla::testing::ApiStub>(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string((*vault)->port()), grpc::InsecureChannelCredentials()));
  auto* s = stub.get();
  using Stub = hoidla::testing::ApiStub;

  // People sign in through a test identity provider; grants after an
  // organisation's first head are approved by that head (four eyes).
  hoidla::testing::TestIdentityProvider idp;
  hoidla::testing::Enrolment enrol(s, admin, &idp);
  auto new_org = [&](const std::string& name) {
    v1::CreateOrganizationRequest r;
    r.mutable_organization()->set_name(name);
    std::string id =
        Must<v1::Organization>(s, &Stub::CreateOrganization, admin, r, "organization").id();
    enrol.TrustIdentityProvider(id);
    return id;
  };
  auto new_principal = [&](v1::PrincipalKind kind, const std::string& org,
                           const std::string& name) {
    v1::CreatePrincipalRequest r;
    r.mutable_principal()->set_display_name(name);
    r.mutable_principal()->set_kind(kind);
    r.mutable_principal()->set_organization_id(org);
    return Must<v1::Principal>(s, &Stub::CreatePrincipal, admin, r, "principal").id();
  };
  auto grant = [&](const std::string& principal, const std::string& role, const std::string& org,
                   const std::string& project) { enrol.Grant(principal, role, org, project); };
  auto issue_token = [&](const std::string& principal) {
    std::string token = enrol.Login(principal);
    if (token.empty()) Fail("setup failed: sign-in");
    return token;
  };

  // Organisation A with project P and its people; partner organisation B;
  // other organisations that non-matching consents name.
  const std::string org_a = new_org("Bench A");
  const std::string org_b = new_org("Bench B (labour office)");
  std::vector<std::string> others;
  for (int i = 0; i < 8; ++i) others.push_back(new_org("Other " + std::to_string(i)));
  std::string project;
  {
    v1::CreateProjectRequest r;
    r.mutable_project()->set_organization_id(org_a);
    r.mutable_project()->set_name("P");
    project = Must<v1::Project>(s, &Stub::CreateProject, admin, r, "project").id();
  }
  const std::string head = new_principal(v1::PRINCIPAL_KIND_STAFF, org_a, "Head of A");
  grant(head, "head_of_organization", org_a, "");
  const std::string head_token = issue_token(head);
  const std::string cw = new_principal(v1::PRINCIPAL_KIND_STAFF, org_a, "Case worker of A/P");
  grant(cw, "case_worker", org_a, project);
  const std::string member_token = issue_token(cw);
  grant(new_principal(v1::PRINCIPAL_KIND_STAFF, org_b, "Head of B"), "head_of_organization", org_b,
        "");
  const std::string partner =
      new_principal(v1::PRINCIPAL_KIND_PARTNER_WORKER, org_b, "Partner worker of B");
  grant(partner, "partner_worker", org_b, "");
  const std::string partner_token = issue_token(partner);

  std::string client;
  {
    v1::CreateClientRequest r;
    r.mutable_client()->set_organization_id(org_a);
    r.mutable_client()->add_project_ids(project);
    r.mutable_client()->set_given_name("Mari");
    r.mutable_client()->set_family_name("Tamm");
    r.mutable_client()->set_no_personal_code_reason("benchmark");
    client = Must<v1::Client>(s, &Stub::CreateClient, head_token, r, "client").id();
  }
  std::string kase;
  {
    v1::CreateCaseRequest r;
    r.mutable_case_()->set_project_id(project);
    r.mutable_case_()->set_client_id(client);
    r.mutable_case_()->set_title("Toimetulek");
    r.mutable_case_()->set_assigned_worker_id(cw);
    kase = Must<v1::Case>(s, &Stub::CreateCase, head_token, r, "case").id();
  }
  const std::string data(1024, 'x');
  auto upload = [&](const std::string& kind) {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + head_token);
    v1::Document doc;
    auto w = s->UploadDocument(&c, &doc);
    v1::UploadDocumentRequest h;
    h.mutable_header()->set_project_id(project);
    h.mutable_header()->set_client_id(client);
    h.mutable_header()->set_case_id(kase);
    h.mutable_header()->set_title("Plan");
    h.mutable_header()->set_kind(kind);
    h.mutable_header()->set_content_type("application/pdf");
    v1::UploadDocumentRequest d;
    d.set_data(data);
    if (!(w->Write(h) && w->Write(d) && w->WritesDone() && w->Finish().ok())) {
      Fail("setup failed: upload " + kind);
    }
    return doc.id();
  };
  const std::string plan = upload("case_plan");
  const std::string notes = upload("assessment_notes");

  // The consents. Every one is in force or still to come, so each is a grant
  // of the client's release state; only `match_at` releases case plans to B
  // for employment support now. None releases assessment notes to B.
  std::mt19937 rng(std::random_device{}());
  const int match_at = std::uniform_int_distribution<int>(0, consents - 1)(rng);
  const int64_t now = std::time(nullptr);
  const char* other_kinds[] = {"home_visit_notes", "income_statement", "health_summary",
                               "debt_plan"};
  const char* other_purposes[] = {"probation_supervision", "housing_support", "debt_counselling"};
  auto consent_of = [&](int i) {
    v1::RecordConsentRequest req;
    v1::Consent& c = *req.mutable_consent();
    c.set_client_id(client);
    c.set_project_id(project);
    c.mutable_given_by()->set_kind(v1::CONSENT_GIVER_KIND_DATA_SUBJECT);
    c.set_form(v1::CONSENT_FORM_ORAL);
    c.set_witness("case worker");
    c.set_note("agreed at a meeting");
    c.mutable_given_at()->set_seconds(now - 60);
    auto* p = c.add_provisions();
    auto* r = p->add_recipients();
    r->set_kind(v1::RECIPIENT_KIND_ORGANIZATION);
    r->set_organization_id(org_b);
    std::string kind = "case_plan", purpose = kPurpose;
    int64_t from = now - 60, until = now + 86400;
    if (i != match_at) {
      switch (i % 5) {
        case 0:  // another organisation
          r->set_organization_id(others[i % others.size()]);
          break;
        case 1:  // another kind
          kind = other_kinds[i % 4];
          break;
        case 2:  // another purpose
          purpose = other_purposes[i % 3];
          break;
        case 3:  // a period still to come
          from = now + 86400;
          until = now + 30 * 86400;
          break;
        default: {  // another organisation and a project (members of P)
          r->set_organization_id(others[i % others.size()]);
          auto* r2 = p->add_recipients();
          r2->set_kind(v1::RECIPIENT_KIND_PROJECT);
          r2->set_organization_id(org_a);
          r2->set_project_id(project);
          p->add_kinds("assessment_notes");
          break;
        }
      }
    }
    p->add_kinds(kind);
    p->add_purposes(purpose);
    p->mutable_valid_from()->set_seconds(from);
    p->mutable_valid_until()->set_seconds(until);
    return req;
  };
  std::vector<std::string> ids;
  std::string match_id;
  auto r0 = Clock::now();
  double first_ms = 0, last_ms = 0;
  const int tail = std::max(1, std::min(100, consents / 10));
  for (int i = 0; i < consents; ++i) {
    auto t = Clock::now();
    auto receipt = Must<v1::ConsentReceipt>(s, &Stub::RecordConsent, head_token, consent_of(i),
                                            "RecordConsent");
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t).count();
    if (i < tail) first_ms += ms;
    if (i >= consents - tail) last_ms += ms;
    ids.push_back(receipt.consent().id());
    if (i == match_at) match_id = receipt.consent().id();
  }
  const double record_s = std::chrono::duration<double>(Clock::now() - r0).count();
  // The release state lists the grants in consent id order.
  std::sort(ids.begin(), ids.end());
  const long match_rank = std::lower_bound(ids.begin(), ids.end(), match_id) - ids.begin() + 1;
  int on_file = 0, in_force = 0;
  {
    v1::ListConsentsRequest r;
    r.set_client_id(client);
    r.set_all_versions(true);
    on_file = Must<v1::ListConsentsResponse>(s, &Stub::ListConsents, head_token, r, "list")
                  .consents_size();
    r.set_all_versions(false);
    in_force = Must<v1::ListConsentsResponse>(s, &Stub::ListConsents, head_token, r, "list")
                   .consents_size();
  }
  if (on_file != consents) {
    Fail("check failed: " + std::to_string(on_file) + " consents on file, want " +
         std::to_string(consents));
  }

  // Checks before measuring.
  size_t bytes = 0;
  Expect(Get(s, member_token, "", plan), grpc::StatusCode::OK, "member GetDocument");
  Expect(Download(s, member_token, "", plan, &bytes), grpc::StatusCode::OK,
         "member DownloadDocument");
  if (bytes != data.size()) Fail("check failed: member download size");
  Expect(Get(s, partner_token, kPurpose, plan), grpc::StatusCode::OK, "partner GetDocument");
  bytes = 0;
  Expect(Download(s, partner_token, kPurpose, plan, &bytes), grpc::StatusCode::OK,
         "partner DownloadDocument");
  if (bytes != data.size()) Fail("check failed: partner download size");
  Expect(Get(s, partner_token, "", plan), grpc::StatusCode::INVALID_ARGUMENT,
         "partner GetDocument without x-hoidla-purpose");
  Expect(Download(s, partner_token, "", plan, nullptr), grpc::StatusCode::INVALID_ARGUMENT,
         "partner DownloadDocument without x-hoidla-purpose");
  Expect(Get(s, partner_token, kPurpose, notes), grpc::StatusCode::NOT_FOUND,
         "partner GetDocument of assessment_notes");
  Expect(Download(s, partner_token, kPurpose, notes, nullptr), grpc::StatusCode::NOT_FOUND,
         "partner DownloadDocument of assessment_notes");

  // Measure: phases alternate; the medians of per-round ratios are reported.
  struct Who {
    const std::string* token;
    std::string purpose;
    const char* name;
  };
  const Who who[2] = {{&member_token, "", "member"}, {&partner_token, kPurpose, "partner"}};
  std::vector<double> get_qps[2], dl_qps[2], get_ratio, dl_ratio;
  for (int round = 0; round < rounds; ++round) {
    double g[2], d[2];
    for (int k = 0; k < 2; ++k) {
      const int a = (round % 2 == 0) ? k : 1 - k;
      const Who& w = who[a];
      g[a] = Throughput(clients, seconds, w.name,
                        [&] { return Get(s, *w.token, w.purpose, plan).ok(); });
    }
    for (int k = 0; k < 2; ++k) {
      const int a = (round % 2 == 0) ? k : 1 - k;
      const Who& w = who[a];
      d[a] = Throughput(clients, seconds, w.name,
                        [&] { return Download(s, *w.token, w.purpose, plan, nullptr).ok(); });
    }
    for (int a = 0; a < 2; ++a) {
      get_qps[a].push_back(g[a]);
      dl_qps[a].push_back(d[a]);
    }
    get_ratio.push_back(g[1] / g[0]);
    dl_ratio.push_back(d[1] / d[0]);
  }

  std::printf(
      "Hoidla consent evaluation (%d concurrent clients, %.0f s per phase, %d rounds, "
      "RocksDB; medians)\n",
      clients, seconds, rounds);
  std::printf(
      "  consents on file for the client: %d (%d with a provision running now, the rest "
      "still to come); the matching one is #%ld in the vault's scan order\n",
      on_file, in_force, match_rank);
  std::printf("  recording them: %.1f s (first %d: %.1f ms each, last %d: %.1f ms each)\n",
              record_s, tail, first_ms / tail, tail, last_ms / tail);
  std::printf("  GetDocument:    member %8.0f /s, partner %8.0f /s: partner/member %5.1f%%\n",
              Median(get_qps[0]), Median(get_qps[1]), 100 * Median(get_ratio));
  std::printf("  1 KiB download: member %8.0f /s, partner %8.0f /s: partner/member %5.1f%%\n",
              Median(dl_qps[0]), Median(dl_qps[1]), 100 * Median(dl_ratio));
  (*vault)->Shutdown(std::chrono::seconds(5));
  return 0;
}
