// Access-control costs, each next to a baseline measured in the same run.
//
//   1. Policy decisions per second in-process (a case worker with several
//      memberships deciding a case-bound read), next to an empty loop.
//   2. GetDocument (a small document-metadata read) over loopback with the
//      full path: token authentication, policy decision, sealed-record
//      reads, next to a trivial gRPC echo of a similar payload on the same
//      machine, same client threads: the ratio is what the vault's security
//      costs per call.
// Figures, not assertions: the machine is shared and noisy.
//
// Usage: access_bench [--seconds S] [--threads N]   (defaults 2, 8)
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "bench/proto/echo.grpc.pb.h"
#include "keys/crypto.h"
#include "tests/integration/api_stub.h"
#include "tests/integration/enrol.h"
#include "tests/integration/test_support.h"
#include "vault/access/policy.h"
#include "vault/server/server.h"

namespace {

namespace v1 = ::hoidla::v1;
using Clock = std::chrono::steady_clock;

class EchoService final : public hoidla::bench::Echo::Service {
  grpc::Status Echo(grpc::ServerContext*, const hoidla::bench::EchoMessage* req,
                    hoidla::bench::EchoMessage* resp) override {
    *resp = *req;
    return grpc::Status::OK;
  }
};

// Runs `call` from `threads` threads for `seconds`; returns calls per second.
template <typename Call>
double Throughput(int threads, double seconds, Call call) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> done{0}, failed{0};
  std::vector<std::thread> pool;
  auto t0 = Clock::now();
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&] {
      int64_t n = 0, bad = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (call()) {
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
  double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  if (failed > 0) std::fprintf(stderr, "warning: %ld failed calls\n", long(failed.load()));
  return done / elapsed;
}

template <typename Req, typename Resp, typename Method>
bool Call(hoidla::testing::ApiStub* stub, Method method, const std::string& token, const Req& req) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  Resp resp;
  return ((*stub).*method)(&ctx, req, &resp).ok();
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  int threads = 8;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::stod(argv[i + 1]);
    if (std::strcmp(argv[i], "--threads") == 0) threads = std::stoi(argv[i + 1]);
  }
  if (!hoidla::keys::InitCrypto().ok()) return 1;

  // 1. Policy decisions in-process.
  using hoidla::core::Role;
  hoidla::core::Policy policy;
  hoidla::core::Principal cw{.id = "prn_cw",
                             .memberships = {{Role::kServiceProvider, "org_a", "prj_0"},
                                             {Role::kCaseWorker, "org_a", "prj_3"},
                                             {Role::kCaseWorker, "org_a", "prj_2"},
                                             {Role::kCaseWorker, "org_a", "prj_1"}}};
  hoidla::core::Target target{.organization_id = "org_a",
                              .project_id = "prj_1",
                              .client_id = "cli_1",
                              .case_id = "cas_1",
                              .case_assignee = "prn_cw",
                              .object_id = "doc_1"};
  const int64_t n = 2'000'000;
  int64_t allowed = 0;
  auto p0 = Clock::now();
  for (int64_t i = 0; i < n; ++i) {
    allowed += policy.Decide(cw, hoidla::core::Action::kReadDocument, target).allowed;
  }
  auto p1 = Clock::now();
  volatile int64_t sink = 0;
  for (int64_t i = 0; i < n; ++i) sink = sink + (i & 1);
  auto p2 = Clock::now();
  const double decisions = n / std::chrono::duration<double>(p1 - p0).count();
  const double empty = n / std::chrono::duration<double>(p2 - p1).count();
  if (allowed != n) std::fprintf(stderr, "warning: unexpected denials\n");

  // 2. A vault and an echo server in this process, on loopback.
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
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*vault)->port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = std::make_unique<hoidla::testing::ApiStub>(channel);
  auto must = [](bool ok, const char* what) {
    if (!ok) {
      std::cerr << "setup failed: " << what << "\n";
      std::exit(1);
    }
  };
  // Organisation, project, a head of organisation with a token, a client, a
  // case, a small document.
  v1::Organization org;
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + admin);
    v1::CreateOrganizationRequest r;
    r.mutable_organization()->set_name("Bench");
    must(stub->CreateOrganization(&c, r, &org).ok(), "organization");
  }
  // The head signs in through a test identity provider.
  hoidla::testing::TestIdentityProvider idp;
  hoidla::testing::Enrolment enrol(stub.get(), admin, &idp);
  enrol.TrustIdentityProvider(org.id());
  v1::Principal head;
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + admin);
    v1::CreatePrincipalRequest r;
    r.mutable_principal()->set_display_name("Head");
    r.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
    r.mutable_principal()->set_organization_id(org.id());
    must(stub->CreatePrincipal(&c, r, &head).ok(), "principal");
  }
  enrol.Grant(head.id(), "head_of_organization", org.id(), "");
  const std::string token = enrol.Login(head.id());
  must(!token.empty(), "sign-in");
  v1::Project prj;
  must(Call<v1::CreateProjectRequest, v1::Project>(
           stub.get(), &hoidla::testing::ApiStub::CreateProject, token,
           [&] {
             v1::CreateProjectRequest r;
             r.mutable_project()->set_organization_id(org.id());
             r.mutable_project()->set_name("P");
             return r;
           }()),
       "project");
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + token);
    v1::ListProjectsRequest r;
    r.set_organization_id(org.id());
    v1::ListProjectsResponse out;
    must(stub->ListProjects(&c, r, &out).ok() && out.projects_size() == 1, "projects");
    prj = out.projects(0);
  }
  v1::Client cli;
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + token);
    v1::CreateClientRequest r;
    r.mutable_client()->set_organization_id(org.id());
    r.mutable_client()->add_project_ids(prj.id());
    r.mutable_client()->set_given_name("Mari");
    r.mutable_client()->set_family_name("Tamm");
    r.mutable_client()->set_no_personal_code_reason("benchmark");
    must(stub->CreateClient(&c, r, &cli).ok(), "client");
  }
  v1::Case kase;
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + token);
    v1::CreateCaseRequest r;
    r.mutable_case_()->set_project_id(prj.id());
    r.mutable_case_()->set_client_id(cli.id());
    r.mutable_case_()->set_title("Toimetulek");
    must(stub->CreateCase(&c, r, &kase).ok(), "case");
  }
  v1::Document doc;
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + token);
    auto writer = stub->UploadDocument(&c, &doc);
    v1::UploadDocumentRequest h;
    h.mutable_header()->set_project_id(prj.id());
    h.mutable_header()->set_client_id(cli.id());
    h.mutable_header()->set_case_id(kase.id());
    h.mutable_header()->set_title("Hindamine");
    h.mutable_header()->set_kind("assessment");
    h.mutable_header()->set_content_type("application/pdf");
    v1::UploadDocumentRequest d;
    d.set_data(std::string(1024, 'x'));
    must(writer->Write(h) && writer->Write(d) && writer->WritesDone() && writer->Finish().ok(),
         "document");
  }
  v1::GetDocumentRequest get;
  get.set_id(doc.id());
  std::string reply_size;
  {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + token);
    v1::Document out;
    must(stub->GetDocument(&c, get, &out).ok(), "get document");
    reply_size = std::to_string(out.ByteSizeLong());
  }

  EchoService echo_service;
  grpc::ServerBuilder builder;
  int echo_port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &echo_port);
  builder.RegisterService(&echo_service);
  auto echo_server = builder.BuildAndStart();
  auto echo_stub = hoidla::bench::Echo::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(echo_port), grpc::InsecureChannelCredentials()));
  hoidla::bench::EchoMessage ping;
  ping.set_payload(std::string(std::stoul(reply_size), 'e'));

  const double echo_qps = Throughput(threads, seconds, [&] {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + token);  // same metadata size
    hoidla::bench::EchoMessage out;
    return echo_stub->Echo(&c, ping, &out).ok();
  });
  const double get_qps = Throughput(threads, seconds, [&] {
    return Call<v1::GetDocumentRequest, v1::Document>(
        stub.get(), &hoidla::testing::ApiStub::GetDocument, token, get);
  });
  const double echo_qps2 = Throughput(threads, seconds, [&] {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + token);
    hoidla::bench::EchoMessage out;
    return echo_stub->Echo(&c, ping, &out).ok();
  });
  const double echo_baseline = (echo_qps + echo_qps2) / 2;

  std::printf("Hoidla access control (%d client threads, %.0f s per phase)\n", threads, seconds);
  std::printf(
      "  policy decisions in-process     %12.0f /s   (empty loop %.0f /s; %.0f ns per "
      "decision)\n",
      decisions, empty, 1e9 / decisions);
  std::printf(
      "  gRPC echo over loopback         %12.0f /s   baseline (%s-byte payload; before "
      "%.0f, after %.0f)\n",
      echo_baseline, reply_size.c_str(), echo_qps, echo_qps2);
  std::printf("  GetDocument, full auth path     %12.0f /s   %.1f%% of echo\n", get_qps,
              100 * get_qps / echo_baseline);
  echo_server->Shutdown();
  (*vault)->Shutdown(std::chrono::seconds(5));
  return 0;
}
