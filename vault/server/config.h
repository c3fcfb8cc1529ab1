// vaultd's configuration: a JSON file (doc/configuration.md) whose values
// command-line flags may override.
// Thread-safety: plain value.
#ifndef HOIDLA_VAULT_SERVER_CONFIG_H_
#define HOIDLA_VAULT_SERVER_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/limits.h"

namespace hoidla::service {

struct ServerConfig {
  // Tests only (never from a file or flag): the clock the vault reads; null
  // for the system clock.
  Clock* clock = nullptr;

  // host:port. Plaintext is allowed only when the host is a loopback
  // address; anything else needs tls_cert_file and tls_key_file.
  std::string listen = "127.0.0.1:7443";
  // Holds db/ (RocksDB) and, in development mode, dev-master.key.
  std::string data_dir = "var/data";
  std::string tls_cert_file;
  std::string tls_key_file;
  // "dev", "sealed" or "key_file".
  std::string master_key_mode = "dev";
  // sealed: the sealed master key file; key_file: the raw key file. Empty
  // in dev mode (the key lives at <data_dir>/dev-master.key).
  std::string master_key_file;
  // sealed mode: file holding the passphrase (else the environment variable
  // HOIDLA_MASTER_PASSPHRASE, else a prompt on the terminal).
  std::string passphrase_file;
  // When set, the first administrator's token is also written here (0600).
  std::string bootstrap_token_file;
  // The first administrator's token expires this long after first start
  // (1 second to a year); it is revocable like any token.
  int64_t bootstrap_token_ttl_seconds = 7 * 24 * 3600;
  // The public identity provider data subjects sign in with
  // (ExchangeIdToken): its issuer, the audience its tokens name for this
  // vault, a file holding its JWKS, and the claim holding the personal
  // code. Empty issuer: none, except in development mode, where the
  // development identity provider stands in (dev_idp.h).
  std::string subject_idp_issuer;
  std::string subject_idp_audience;
  std::string subject_idp_jwks_file;
  std::string subject_idp_personal_code_claim = "sub";
  int shutdown_grace_seconds = 30;
  // Server reflection (the public API schema only; no data) for generic
  // gRPC tools.
  bool reflection = true;
  core::Limits limits;
  // The audit log's name in its signed checkpoints (and its key's name).
  std::string audit_origin = "hoidla-audit";
  // A checkpoint of a grown log is signed at most this often (and on
  // demand).
  int checkpoint_interval_seconds = 10;
  // The vault sweeps every organisation for what is due for disposal this
  // often (doc/retention.md); 0: only on demand (RunDisposal).
  int retention_sweep_interval_seconds = 3600;
};

// Parses a JSON configuration. INVALID_ARGUMENT naming the key when a value
// has the wrong type or is out of range, or a key is unknown; NOT_FOUND when
// the file does not exist.
absl::StatusOr<ServerConfig> LoadConfig(const std::string& path);
absl::StatusOr<ServerConfig> ParseConfig(const std::string& json_text);

// Checks the combination of settings (TLS versus loopback, master key mode
// and file). FAILED_PRECONDITION naming the setting when it is unsafe or
// incomplete.
absl::Status ValidateConfig(const ServerConfig& config);

// True when `listen`'s host is 127.0.0.0/8, ::1 or localhost.
bool IsLoopback(const std::string& listen);

}  // namespace hoidla::service

#endif  // HOIDLA_VAULT_SERVER_CONFIG_H_
