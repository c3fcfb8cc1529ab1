// vaultd: the Hoidla server.
//
//   vaultd [options]                      serve (see --help)
//   vaultd master-key create-sealed ...   create a passphrase-sealed master key
//   vaultd master-key create-file ...     create a raw master key file
//   vaultd master-key change-passphrase   re-seal under a new passphrase
//
// Exit codes: 0 clean shutdown, 1 usage or configuration error, 2 the
// master key could not be unsealed or does not open the store, 3 any other
// start-up failure.
#include <fcntl.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "base/strings.h"
#include "keys/crypto.h"
#include "keys/jwt.h"
#include "keys/master.h"
#include "vault/server/config.h"
#include "vault/server/dev_idp.h"
#include "vault/server/server.h"

namespace {

using hoidla::keys::KdfStrength;
using hoidla::keys::MasterKeyMode;
using hoidla::keys::SecureBuffer;

int Fail(int code, const absl::Status& s) {
  std::cerr << "vaultd: " << absl::StatusCodeToString(s.code()) << ": " << s.message() << "\n";
  return code;
}

// Writes `content` to `path` readable by the owner only: created 0600 (never
// wider, not even for a moment), never through a symbolic link, synced.
absl::Status WriteSecretFile(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        hoidla::StrCat("bootstrap_token_file: cannot create ", path, ": ", std::strerror(errno),
                       errno == ELOOP ? " (a symbolic link)" : ""));
  }
  // An existing file keeps its mode through O_TRUNC: narrow it.
  bool ok = ::fchmod(fd, 0600) == 0;
  size_t done = 0;
  while (ok && done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok)
    return absl::UnavailableError(hoidla::StrCat("bootstrap_token_file: cannot write ", path));
  return absl::OkStatus();
}

// Reads a passphrase: from `file` when given, else HOIDLA_MASTER_PASSPHRASE,
// else from the terminal without echo.
absl::StatusOr<std::string> ReadPassphrase(const std::string& file, const char* prompt) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) return absl::NotFoundError("passphrase file: cannot read " + file);
    std::string p;
    std::getline(in, p);
    return p;
  }
  if (char* env = std::getenv("HOIDLA_MASTER_PASSPHRASE"); env != nullptr) {
    std::string p(env);
    // Not left in the environment (children, /proc/<pid>/environ): the
    // bytes are overwritten in place, then the variable removed.
    std::memset(env, 0, p.size());
    ::unsetenv("HOIDLA_MASTER_PASSPHRASE");
    return p;
  }
  if (!isatty(STDIN_FILENO)) {
    return absl::FailedPreconditionError(
        "passphrase: give --passphrase-file, set HOIDLA_MASTER_PASSPHRASE or run on a terminal");
  }
  std::cerr << prompt << std::flush;
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~ECHO;
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string p;
  std::getline(std::cin, p);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  return p;
}

absl::StatusOr<KdfStrength> ParseStrength(const std::string& s) {
  if (s == "interactive") return KdfStrength::kInteractive;
  if (s == "moderate") return KdfStrength::kModerate;
  if (s == "sensitive") return KdfStrength::kSensitive;
  return absl::InvalidArgumentError("strength: must be interactive, moderate or sensitive");
}

void PrintDevWarning(const std::string& path) {
  std::cerr << "\n"
            << "**************************************************************************\n"
            << "*  WARNING: DEVELOPMENT MODE                                             *\n"
            << "*  The master key is stored UNENCRYPTED in " << path << "\n"
            << "*  Anyone who can read that file can read every record in this vault.   *\n"
            << "*  Never put real client data in a development vault.                   *\n"
            << "*  For production: vaultd master-key create-sealed --file FILE           *\n"
            << "**************************************************************************\n\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (auto s = hoidla::keys::InitCrypto(); !s.ok()) return Fail(3, s);
  CLI::App app{"vaultd: the Hoidla secure records vault server"};
  app.footer(
      "Exit codes: 0 clean shutdown; 1 usage or configuration error; 2 master key "
      "cannot be unsealed or does not open the store; 3 other start-up failure.");

  std::string config_file, listen, data_dir, mode, key_file, passphrase_file, token_file, tls_cert,
      tls_key, log_level = "info";
  bool dev = false;
  app.add_option("--config", config_file, "JSON configuration file (doc/configuration.md)");
  app.add_option("--listen", listen, "host:port to listen on (default 127.0.0.1:7443)");
  app.add_option("--data-dir", data_dir, "data folder (default var/data)");
  app.add_flag("--dev", dev, "development mode: plaintext master key in the data folder");
  app.add_option("--master-key-mode", mode, "dev, sealed or key_file");
  app.add_option("--master-key-file", key_file, "sealed master key or raw key file");
  app.add_option("--passphrase-file", passphrase_file, "file holding the master key passphrase");
  app.add_option("--bootstrap-token-file", token_file,
                 "also write the first administrator's token here (0600)");
  app.add_option("--tls-cert", tls_cert, "server certificate chain (PEM)");
  app.add_option("--tls-key", tls_key, "server private key (PEM)");
  app.add_option("--log-level", log_level, "debug, info, warn or error");

  auto* mk = app.add_subcommand("master-key", "manage the master key file");
  mk->require_subcommand(1);
  std::string mk_file, mk_pass_file, mk_new_pass_file, strength = "moderate";
  auto* create_sealed =
      mk->add_subcommand("create-sealed", "create a passphrase-sealed master key");
  create_sealed->add_option("--file", mk_file, "where to write it")->required();
  create_sealed->add_option("--passphrase-file", mk_pass_file, "file holding the passphrase");
  create_sealed->add_option("--strength", strength,
                            "Argon2id cost: interactive, moderate, sensitive");
  auto* create_file = mk->add_subcommand("create-file", "create a raw master key file (0600)");
  create_file->add_option("--file", mk_file, "where to write it")->required();
  auto* change = mk->add_subcommand("change-passphrase", "re-seal under a new passphrase");
  change->add_option("--file", mk_file, "the sealed master key")->required();
  change->add_option("--passphrase-file", mk_pass_file, "file holding the current passphrase");
  change->add_option("--new-passphrase-file", mk_new_pass_file, "file holding the new passphrase");
  change->add_option("--strength", strength, "Argon2id cost: interactive, moderate, sensitive");

  auto* idp = app.add_subcommand(
      "dev-idp", "development identity provider: sign ID tokens with the data folder's dev key");
  idp->require_subcommand(1);
  std::string idp_dir = "var/data", idp_issuer, idp_audience(hoidla::service::kDevAudience),
              idp_subject;
  std::vector<std::string> idp_claims;
  int64_t idp_ttl = 3600;
  auto* idp_jwks = idp->add_subcommand("jwks",
                                       "print the public JWKS (for an organisation's "
                                       "identity provider setting)");
  idp_jwks->add_option("--data-dir", idp_dir, "data folder (default var/data)");
  auto* idp_token = idp->add_subcommand("token", "print a signed ID token");
  idp_token->add_option("--data-dir", idp_dir, "data folder (default var/data)");
  idp_token->add_option("--issuer", idp_issuer,
                        "iss (default: the data subjects' development issuer)");
  idp_token->add_option("--audience", idp_audience, "aud (default hoidla)");
  idp_token
      ->add_option("--subject", idp_subject,
                   "sub: a principal id (staff) or EE + personal code (a data subject)")
      ->required();
  idp_token->add_option("--claim", idp_claims, "extra string claim name=value (repeatable)");
  idp_token->add_option("--ttl", idp_ttl, "lifetime in seconds (default 3600)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }

  if (create_sealed->parsed()) {
    auto st = ParseStrength(strength);
    if (!st.ok()) return Fail(1, st.status());
    auto pass = ReadPassphrase(mk_pass_file, "New master key passphrase: ");
    if (!pass.ok()) return Fail(1, pass.status());
    auto key = hoidla::keys::CreateSealedMasterKey(mk_file, *pass, *st);
    std::fill(pass->begin(), pass->end(), '\0');
    if (!key.ok()) return Fail(1, key.status());
    std::cout << "sealed master key written to " << mk_file << "\n";
    return 0;
  }
  if (create_file->parsed()) {
    auto key = hoidla::keys::CreateKeyFile(mk_file);
    if (!key.ok()) return Fail(1, key.status());
    std::cout << "master key file written to " << mk_file << " (mode 0600)\n";
    return 0;
  }
  if (change->parsed()) {
    auto st = ParseStrength(strength);
    if (!st.ok()) return Fail(1, st.status());
    auto old_pass = ReadPassphrase(mk_pass_file, "Current passphrase: ");
    if (!old_pass.ok()) return Fail(1, old_pass.status());
    if (mk_new_pass_file.empty()) {
      return Fail(1, absl::InvalidArgumentError("--new-passphrase-file: required"));
    }
    auto new_pass = ReadPassphrase(mk_new_pass_file, "New passphrase: ");
    if (!new_pass.ok()) return Fail(1, new_pass.status());
    auto s = hoidla::keys::ChangeMasterKeyPassphrase(mk_file, *old_pass, *new_pass, *st);
    if (!s.ok()) return Fail(s.code() == absl::StatusCode::kPermissionDenied ? 2 : 1, s);
    std::cout << "passphrase changed\n";
    return 0;
  }

  if (idp_jwks->parsed() || idp_token->parsed()) {
    std::cerr << "WARNING: development identity provider; its key is in plaintext in the data "
                 "folder. Never use it with real data.\n";
    auto key = hoidla::service::LoadOrCreateDevIdpKey(idp_dir);
    if (!key.ok()) return Fail(1, key.status());
    if (idp_jwks->parsed()) {
      std::cout << key->public_jwks_json << "\n";
      return 0;
    }
    if (idp_ttl < 1 || idp_ttl > 24 * 3600) {
      return Fail(1, absl::InvalidArgumentError("--ttl: must be 1 to 86400"));
    }
    nlohmann::json claims = {
        {"iss", idp_issuer.empty() ? std::string(hoidla::service::kDevSubjectIssuer) : idp_issuer},
        {"aud", idp_audience},
        {"sub", idp_subject}};
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    claims["iat"] = now;
    claims["nbf"] = now;
    claims["exp"] = now + idp_ttl;
    for (const auto& c : idp_claims) {
      size_t eq = c.find('=');
      if (eq == std::string::npos || eq == 0) {
        return Fail(1, absl::InvalidArgumentError("--claim: name=value"));
      }
      claims[c.substr(0, eq)] = c.substr(eq + 1);
    }
    auto jwt = hoidla::keys::SignJwt(*key, claims.dump());
    if (!jwt.ok()) return Fail(1, jwt.status());
    std::cout << *jwt << "\n";
    return 0;
  }

  // ---- serve ----
  auto logger = spdlog::stderr_color_mt("vaultd");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));

  hoidla::service::ServerConfig config;
  if (!config_file.empty()) {
    auto c = hoidla::service::LoadConfig(config_file);
    if (!c.ok()) return Fail(1, c.status());
    config = *c;
  }
  if (!listen.empty()) config.listen = listen;
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (dev) config.master_key_mode = "dev";
  if (!mode.empty()) config.master_key_mode = mode;
  if (!key_file.empty()) config.master_key_file = key_file;
  if (!passphrase_file.empty()) config.passphrase_file = passphrase_file;
  if (!token_file.empty()) config.bootstrap_token_file = token_file;
  if (!tls_cert.empty()) config.tls_cert_file = tls_cert;
  if (!tls_key.empty()) config.tls_key_file = tls_key;
  if (auto s = hoidla::service::ValidateConfig(config); !s.ok()) return Fail(1, s);

  SecureBuffer master;
  MasterKeyMode key_mode;
  if (config.master_key_mode == "dev") {
    key_mode = MasterKeyMode::kDev;
    std::filesystem::create_directories(config.data_dir);
    std::string path = config.data_dir + "/dev-master.key";
    bool created = false;
    auto k = hoidla::keys::LoadOrCreateDevKey(path, &created);
    if (!k.ok()) return Fail(2, k.status());
    master = std::move(*k);
    PrintDevWarning(path);
  } else if (config.master_key_mode == "sealed") {
    key_mode = MasterKeyMode::kSealed;
    auto pass = ReadPassphrase(config.passphrase_file, "Master key passphrase: ");
    if (!pass.ok()) return Fail(1, pass.status());
    auto k = hoidla::keys::UnsealMasterKey(config.master_key_file, *pass);
    std::fill(pass->begin(), pass->end(), '\0');
    if (!k.ok()) return Fail(2, k.status());
    master = std::move(*k);
  } else {
    key_mode = MasterKeyMode::kKeyFile;
    auto k = hoidla::keys::ReadKeyFile(config.master_key_file);
    if (!k.ok()) return Fail(2, k.status());
    master = std::move(*k);
  }

  // Block the shutdown signals in every thread; the main thread waits for
  // them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = hoidla::service::VaultServer::Start(config, std::move(master), key_mode);
  if (!server.ok()) {
    int code = server.status().code() == absl::StatusCode::kPermissionDenied ? 2 : 3;
    return Fail(code, server.status());
  }
  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  std::string address = host + ":" + std::to_string((*server)->port());
  if (const auto& token = (*server)->bootstrap_token(); token.has_value()) {
    if (!config.bootstrap_token_file.empty()) {
      if (absl::Status w = WriteSecretFile(config.bootstrap_token_file, *token + "\n"); !w.ok()) {
        // The token is still shown below, once.
        std::cerr << "vaultd: " << w.message() << "\n";
      }
    }
    std::cout << "\nFirst administrator token (shown once; keep it safe):\n  " << *token
              << "\n\nConnect with:\n  export HOIDLA_TOKEN=" << *token
              << "\n  build/client/vaultctl --server " << address << " whoami\n\n";
  } else {
    std::cout << "Connect with:\n  HOIDLA_TOKEN=<your token> build/client/vaultctl --server "
              << address << " whoami\n";
  }
  std::cout << "vaultd: serving on " << address << std::endl;
  spdlog::info("serving on {} (master key: {}, tls: {})", address, config.master_key_mode,
               config.tls_cert_file.empty() ? "off, loopback only" : "on");

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("signal {}: shutting down; in-flight calls get {} s", sig,
               config.shutdown_grace_seconds);
  (*server)->Shutdown(std::chrono::seconds(config.shutdown_grace_seconds));
  server->reset();
  spdlog::info("stopped");
  return 0;
}
