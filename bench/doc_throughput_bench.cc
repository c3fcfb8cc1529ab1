// Document throughput over loopback against the machine's raw AEAD speed.
//
// One run measures, on the same machine and in the same minute:
//   1. raw single-core AEAD (the vault's content cipher, 64 KiB chunks):
//      seal MiB/s and open MiB/s;
//   2. a real vaultd (dev mode, temporary data folder, RocksDB, fsync on):
//      upload and download MiB/s of one 256 MiB document through the C++
//      client over loopback;
//   3. vaultd's peak RSS growth over its idle size during those transfers.
// and prints upload/seal and download/open as ratios next to the targets
// (download >= 50%, upload >= 35%, RSS growth < 64 MiB). Figures, not
// assertions: the machine is shared and noisy.
//
// Usage: doc_throughput_bench [--mib N]   (default 256)
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <streambuf>
#include <string>

#include "client/vault_client.h"
#include "keys/crypto.h"
#include "tests/integration/test_support.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = ::hoidla::v1;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
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

}  // namespace

int main(int argc, char** argv) {
  size_t mib = 256;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--mib") == 0) mib = std::stoul(argv[i + 1]);
  }
  if (!hoidla::keys::InitCrypto().ok()) return 1;
  const size_t total = mib << 20;
  const size_t chunk = 64 * 1024;
  std::string pattern(4 << 20, '\0');
  std::mt19937_64 rng(42);
  for (size_t i = 0; i + 8 <= pattern.size(); i += 8) {
    uint64_t v = rng();
    std::memcpy(&pattern[i], &v, 8);
  }

  // 1. Raw AEAD, one core, 64 KiB chunks, the vault's content cipher.
  auto cipher = hoidla::keys::PreferredCipher();
  hoidla::keys::SecureBuffer key = hoidla::keys::NewKey();
  std::string sealed, ad = "bench-associated-data-of-typical-size-0123456789";
  std::vector<std::string> sealed_chunks(pattern.size() / chunk);
  auto t0 = Clock::now();
  for (size_t done = 0, i = 0; done < total; done += chunk, ++i) {
    std::string& out = sealed_chunks[i % sealed_chunks.size()];
    out.clear();
    // Counter reuse across laps is harmless here: this measures speed only.
    hoidla::keys::SealWithCounter(cipher, key, i % sealed_chunks.size(), ad,
                                  std::string_view(pattern).substr((i * chunk) % pattern.size(),
                                                                   chunk),
                                  &out);
  }
  auto t1 = Clock::now();
  std::string plain(chunk, '\0');
  for (size_t done = 0, i = 0; done < total; done += chunk, ++i) {
    size_t slot = i % sealed_chunks.size();
    auto s = hoidla::keys::OpenWithCounterInto(cipher, key, slot, ad, sealed_chunks[slot],
                                               reinterpret_cast<uint8_t*>(plain.data()));
    if (!s.ok()) {
      std::cerr << "raw open failed\n";
      return 1;
    }
  }
  auto t2 = Clock::now();
  const double seal_mibs = mib / Seconds(t0, t1);
  const double open_mibs = mib / Seconds(t1, t2);

  // 2. A real vaultd.
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
  auto& c = **client;
  v1::CreateOrganizationRequest oreq;
  oreq.mutable_organization()->set_name("Bench");
  auto org = c.CreateOrganization(oreq);
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
  const int pid = vaultd.pid();
  const long rss_idle = ProcStatusKib(pid, "VmRSS");

  v1::Document header;
  header.set_project_id(prj->id());
  header.set_client_id(cli->id());
  header.set_title("bench");
  header.set_kind("bench");
  header.set_content_type("application/octet-stream");
  PatternBuf source(pattern, total);
  std::istream in(&source);
  auto t3 = Clock::now();
  auto doc = c.UploadDocument(header, in);
  auto t4 = Clock::now();
  if (!doc.ok()) {
    std::cerr << "upload: " << doc.status() << "\n";
    return 1;
  }
  NullBuf sink;
  std::ostream out(&sink);
  v1::DownloadDocumentRequest dreq;
  dreq.set_id(doc->id());
  auto t5 = Clock::now();
  auto got = c.DownloadDocument(dreq, out);
  auto t6 = Clock::now();
  if (!got.ok() || sink.bytes != total) {
    std::cerr << "download: " << got.status() << " bytes=" << sink.bytes << "\n";
    return 1;
  }
  const long rss_peak = ProcStatusKib(pid, "VmHWM");
  const double up_mibs = mib / Seconds(t3, t4);
  const double down_mibs = mib / Seconds(t5, t6);
  const double growth_mib = (rss_peak - rss_idle) / 1024.0;

  std::printf("Hoidla document throughput, %zu MiB document, cipher %s\n", mib,
              std::string(hoidla::keys::CipherName(cipher)).c_str());
  std::printf("  raw AEAD seal (1 core, 64 KiB)   %8.1f MiB/s   (baseline)\n", seal_mibs);
  std::printf("  raw AEAD open (1 core, 64 KiB)   %8.1f MiB/s   (baseline)\n", open_mibs);
  std::printf("  upload over loopback             %8.1f MiB/s   %5.1f%% of seal  (target >= 35%%: %s)\n",
              up_mibs, 100 * up_mibs / seal_mibs, up_mibs / seal_mibs >= 0.35 ? "met" : "NOT met");
  std::printf("  download over loopback           %8.1f MiB/s   %5.1f%% of open  (target >= 50%%: %s)\n",
              down_mibs, 100 * down_mibs / open_mibs,
              down_mibs / open_mibs >= 0.50 ? "met" : "NOT met");
  std::printf("  vaultd RSS idle %.1f MiB, peak %.1f MiB, growth %.1f MiB  (target < 64 MiB: %s)\n",
              rss_idle / 1024.0, rss_peak / 1024.0, growth_mib, growth_mib < 64 ? "met" : "NOT met");
  client->reset();
  vaultd.Stop();
  return 0;
}
