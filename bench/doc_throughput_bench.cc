// Document throughput over loopback against the machine's raw AEAD speed.
//
// One run measures, on the same machine and in the same minute:
//   1. raw single-core AEAD (the vault's content cipher, 64 KiB chunks):
//      seal MiB/s and open MiB/s;
//   2. a real vaultd (dev mode, temporary data folder, RocksDB, fsync on):
//      upload and download MiB/s of one 256 MiB document through the C++
//      client over loopback;
//   3. vaultd's peak RSS growth over its idle size during those transfers;
//   4. the disk's own rate for new data (write + fdatasync of a new file in
//      the same folder), the ceiling for a durable upload.
// and prints upload/seal and download/open as ratios next to the targets
// (download >= 50%, upload >= 35%, RSS growth < 64 MiB). Figures, not
// assertions: the machine is shared and noisy.
//
// Each figure is the median of --rounds rounds (default 3); in every round
// the baselines are measured right before the transfers they are compared
// with.
//
// Usage: doc_throughput_bench [--mib N] [--rounds R]   (defaults 256, 3)
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "client/vault_client.h"
#include "keys/crypto.h"
#include "tests/integration/api_stub.h"
#include "tests/integration/enrol.h"
#include "tests/integration/test_support.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = ::hoidla::v1;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU seconds (user + system) a process has used so far.
double CpuSeconds(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

// Writes `total` bytes of `pattern` to a new file in `dir` and fdatasyncs
// it: the disk's rate for new data, the ceiling for durable uploads.
double RawDiskWriteMibs(const std::string& dir, const std::string& pattern, size_t total) {
  std::string path = dir + "/raw-disk-baseline";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  auto t0 = std::chrono::steady_clock::now();
  for (size_t done = 0; done < total;) {
    size_t n = std::min(pattern.size(), total - done);
    if (::write(fd, pattern.data(), n) != static_cast<ssize_t>(n)) break;
    done += n;
  }
  ::fdatasync(fd);
  auto t1 = std::chrono::steady_clock::now();
  ::close(fd);
  ::unlink(path.c_str());
  return (total >> 20) / std::chrono::duration<double>(t1 - t0).count();
}

// Reads a field such as "VmRSS" or "VmHWM" of /proc/<pid>/status, in KiB.
long ProcStatusKib(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// Serves `total` bytes cycling over a fixed random buffer: constant memory.
class PatternBuf : public std::streambuf {
 public:
  PatternBuf(const std::string& pattern, size_t total) : pattern_(pattern), left_(total) {}

 protected:
  int_type underflow() override {
    if (left_ == 0) return traits_type::eof();
    size_t n = std::min(left_, pattern_.size());
    char* p = const_cast<char*>(pattern_.data());
    setg(p, p, p + n);
    left_ -= n;
    return traits_type::to_int_type(*p);
  }

 private:
  const std::string& pattern_;
  size_t left_;
};

// Counts and discards.
class NullBuf : public std::streambuf {
 public:
  size_t bytes = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += n;
    return n;
  }
  int_type overflow(int_type c) override {
    ++bytes;
    return c;
  }
};

struct Raw {
  double seal_mibs, open_mibs;
};

// Raw AEAD, one core, 64 KiB chunks, the vault's content cipher.
Raw MeasureRawAead(const std::string& pattern, size_t total) {
  const size_t chunk = 64 * 1024;
  auto cipher = hoidla::keys::PreferredCipher();
  hoidla::keys::SecureBuffer key = hoidla::keys::NewKey();
  const std::string ad = "bench-associated-data-of-typical-size-0123456789";
  std::vector<std::string> sealed(pattern.size() / chunk);
  auto t0 = Clock::now();
  for (size_t done = 0, i = 0; done < total; done += chunk, ++i) {
    std::string& out = sealed[i % sealed.size()];
    out.clear();
    // Counter reuse across laps is harmless here: this measures speed only.
    hoidla::keys::SealWithCounter(
        cipher, key, i % sealed.size(), ad,
        std::string_view(pattern).substr((i * chunk) % pattern.size(), chunk), &out);
  }
  auto t1 = Clock::now();
  std::string plain(chunk, '\0');
  for (size_t done = 0, i = 0; done < total; done += chunk, ++i) {
    size_t slot = i % sealed.size();
    if (!hoidla::keys::OpenWithCounterInto(cipher, key, slot, ad, sealed[slot],
                                           reinterpret_cast<uint8_t*>(plain.data()))
             .ok()) {
      std::abort();
    }
  }
  auto t2 = Clock::now();
  const double mib = static_cast<double>(total >> 20);
  return {mib / Seconds(t0, t1), mib / Seconds(t1, t2)};
}

// Resets a process's peak RSS (VmHWM) to its current RSS.
void ResetPeakRss(int pid) { std::ofstream("/proc/" + std::to_string(pid) + "/clear_refs") << "5"; }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  size_t mib = 256;
  int rounds = 3;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--mib") == 0) mib = std::stoul(argv[i + 1]);
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::max(1, std::stoi(argv[i + 1]));
  }
  if (!hoidla::keys::InitCrypto().ok()) return 1;
  const size_t total = mib << 20;
  std::string pattern(4 << 20, '\0');
  std::mt19937_64 rng(42);
  for (size_t i = 0; i + 8 <= pattern.size(); i += 8) {
    uint64_t v = rng();
    std::memcpy(&pattern[i], &v, 8);
  }

  hoidla::testing::TempDir dir;
  const int port = hoidla::testing::FreePort();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  hoidla::testing::VaultdProcess vaultd;
  if (!vaultd.Start({"--dev", "--data-dir", dir.path() + "/data", "--listen", address,
                     "--bootstrap-token-file", dir.path() + "/token", "--log-level", "warn"})) {
    std::cerr << "vaultd did not start:\n" << vaultd.output();
    return 1;
  }
  std::string token = hoidla::testing::ReadFileOrDie(dir.path() + "/token");
  token.erase(token.find_last_not_of("\n") + 1);
  hoidla::client::ConnectOptions opts;
  opts.address = address;
  opts.token = token;
  auto client = hoidla::client::VaultClient::Connect(opts);
  if (!client.ok()) {
    std::cerr << client.status() << "\n";
    return 1;
  }
  v1::CreateOrganizationRequest oreq;
  oreq.mutable_organization()->set_name("Bench");
  auto org = (*client)->CreateOrganization(oreq);
  // Client data needs an organisation role: a head of organisation.
  v1::CreatePrincipalRequest pr;
  pr.mutable_principal()->set_display_name("Head");
  pr.mutable_principal()->set_kind(v1::PRINCIPAL_KIND_STAFF);
  pr.mutable_principal()->set_organization_id(org->id());
  auto head = (*client)->CreatePrincipal(pr);
  // The head signs in through a test identity provider (set before the
  // head is enrolled, as a real organisation's would be).
  auto stub = std::make_unique<hoidla::testing::ApiStub>(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  hoidla::testing::TestIdentityProvider idp;
  hoidla::testing::Enrolment enrol(stub.get(), token, &idp);
  enrol.TrustIdentityProvider(org->id());
  enrol.Grant(head->id(), "head_of_organization", org->id(), "");
  const std::string head_token = enrol.Login(head->id());
  if (head_token.empty()) return 1;
  opts.token = head_token;
  client = hoidla::client::VaultClient::Connect(opts);
  if (!client.ok()) return 1;
  auto& c = **client;
  v1::CreateProjectRequest preq;
  preq.mutable_project()->set_organization_id(org->id());
  preq.mutable_project()->set_name("Bench");
  auto prj = c.CreateProject(preq);
  v1::CreateClientRequest creq;
  creq.mutable_client()->set_organization_id(org->id());
  creq.mutable_client()->add_project_ids(prj->id());
  creq.mutable_client()->set_given_name("Bench");
  creq.mutable_client()->set_family_name("Client");
  creq.mutable_client()->set_no_personal_code_reason("benchmark");
  auto cli = c.CreateClient(creq);
  if (!cli.ok()) {
    std::cerr << cli.status() << "\n";
    return 1;
  }
  const std::string server = std::to_string(vaultd.pid());
  const long rss_idle = ProcStatusKib(vaultd.pid(), "VmRSS");
  v1::Document header;
  header.set_project_id(prj->id());
  header.set_client_id(cli->id());
  header.set_title("bench");
  header.set_kind("bench");
  header.set_content_type("application/octet-stream");

  std::vector<double> seal, open, disk, up, down, up_ratio, down_ratio, up_disk;
  std::vector<double> up_peak, down_peak;
  std::vector<double> up_server_cpu, up_client_cpu, down_server_cpu, down_client_cpu;
  for (int r = 0; r < rounds; ++r) {
    Raw raw = MeasureRawAead(pattern, total);
    const double disk_mibs = RawDiskWriteMibs(dir.path(), pattern, total);

    PatternBuf source(pattern, total);
    std::istream in(&source);
    ResetPeakRss(vaultd.pid());
    const double s0 = CpuSeconds(server), c0 = CpuSeconds("self");
    auto t0 = Clock::now();
    auto doc = c.UploadDocument(header, in);
    auto t1 = Clock::now();
    const double s1 = CpuSeconds(server), c1 = CpuSeconds("self");
    if (!doc.ok()) {
      std::cerr << "upload: " << doc.status() << "\n";
      return 1;
    }
    up_peak.push_back(ProcStatusKib(vaultd.pid(), "VmHWM") / 1024.0);
    ResetPeakRss(vaultd.pid());
    NullBuf sink;
    std::ostream out(&sink);
    v1::DownloadDocumentRequest dreq;
    dreq.set_id(doc->id());
    auto t2 = Clock::now();
    auto got = c.DownloadDocument(dreq, out);
    auto t3 = Clock::now();
    const double s2 = CpuSeconds(server), c2 = CpuSeconds("self");
    down_peak.push_back(ProcStatusKib(vaultd.pid(), "VmHWM") / 1024.0);
    if (!got.ok() || sink.bytes != total) {
      std::cerr << "download: " << got.status() << " bytes=" << sink.bytes << "\n";
      return 1;
    }
    const double up_mibs = mib / Seconds(t0, t1), down_mibs = mib / Seconds(t2, t3);
    seal.push_back(raw.seal_mibs);
    open.push_back(raw.open_mibs);
    disk.push_back(disk_mibs);
    up.push_back(up_mibs);
    down.push_back(down_mibs);
    up_ratio.push_back(up_mibs / raw.seal_mibs);
    down_ratio.push_back(down_mibs / raw.open_mibs);
    up_disk.push_back(up_mibs / disk_mibs);
    up_server_cpu.push_back(s1 - s0);
    up_client_cpu.push_back(c1 - c0);
    down_server_cpu.push_back(s2 - s1);
    down_client_cpu.push_back(c2 - c1);
  }
  const double rss_peak = std::max(*std::max_element(up_peak.begin(), up_peak.end()),
                                   *std::max_element(down_peak.begin(), down_peak.end()));
  const double growth_mib = rss_peak - rss_idle / 1024.0;

  std::printf("Hoidla document throughput: %zu MiB document, cipher %s, median of %d rounds\n", mib,
              std::string(hoidla::keys::CipherName(hoidla::keys::PreferredCipher())).c_str(),
              rounds);
  std::printf("  raw AEAD seal (1 core, 64 KiB)   %8.1f MiB/s   baseline\n", Median(seal));
  std::printf("  raw AEAD open (1 core, 64 KiB)   %8.1f MiB/s   baseline\n", Median(open));
  std::printf("  raw disk write + fdatasync       %8.1f MiB/s   baseline (new file, same folder)\n",
              Median(disk));
  std::printf(
      "  upload over loopback             %8.1f MiB/s   %5.1f%% of seal (target >= 35%%: %s),"
      " %.0f%% of disk\n",
      Median(up), 100 * Median(up_ratio), Median(up_ratio) >= 0.35 ? "met" : "NOT met",
      100 * Median(up_disk));
  std::printf(
      "  download over loopback           %8.1f MiB/s   %5.1f%% of open (target >= 50%%: %s)\n",
      Median(down), 100 * Median(down_ratio), Median(down_ratio) >= 0.50 ? "met" : "NOT met");
  std::printf(
      "  CPU seconds per transfer: upload vaultd %.2f client %.2f; download vaultd %.2f"
      " client %.2f\n",
      Median(up_server_cpu), Median(up_client_cpu), Median(down_server_cpu),
      Median(down_client_cpu));
  std::printf(
      "  vaultd RSS idle %.1f MiB; peak during upload %.1f, download %.1f MiB (worst round);"
      " growth %.1f MiB (target < 64 MiB: %s)\n",
      rss_idle / 1024.0, *std::max_element(up_peak.begin(), up_peak.end()),
      *std::max_element(down_peak.begin(), down_peak.end()), growth_mib,
      growth_mib < 64 ? "met" : "NOT met");
  client->reset();
  vaultd.Stop();
  return 0;
}
