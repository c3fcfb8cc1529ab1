#include "vault/server/config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "base/status_macros.h"
#include "base/strings.h"

namespace hoidla::service {
namespace {

using json = nlohmann::json;

absl::Status Bad(std::string_view key, std::string_view what) {
  return absl::InvalidArgumentError(StrCat("config ", key, ": ", what));
}

absl::Status CheckKeys(const json& obj, std::string_view where,
                       const std::set<std::string>& allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!allowed.contains(it.key())) {
      return Bad(StrCat(where, where.empty() ? "" : ".", it.key()), "unknown key");
    }
  }
  return absl::OkStatus();
}

template <typename T>
absl::Status Read(const json& obj, const std::string& key, std::string_view path, T* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return absl::OkStatus();
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return Bad(path, "must be a string");
    *out = it->template get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return Bad(path, "must be true or false");
    *out = it->template get<bool>();
  } else {
    if (!it->is_number_integer() || it->template get<int64_t>() < 0) {
      return Bad(path, "must be a non-negative integer");
    }
    *out = static_cast<T>(it->template get<int64_t>());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServerConfig> ParseConfig(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError("config: not a JSON object");
  }
  ServerConfig c;
  HOIDLA_RETURN_IF_ERROR(
      CheckKeys(j, "",
                {"listen", "data_dir", "tls", "master_key", "bootstrap_token_file",
                 "shutdown_grace_seconds", "reflection", "limits", "audit_origin",
                 "checkpoint_interval_seconds", "retention_sweep_interval_seconds",
                 "bootstrap_token_ttl_seconds", "subject_identity_provider"}));
  HOIDLA_RETURN_IF_ERROR(Read(j, "bootstrap_token_ttl_seconds", "bootstrap_token_ttl_seconds",
                              &c.bootstrap_token_ttl_seconds));
  if (c.bootstrap_token_ttl_seconds < 1 || c.bootstrap_token_ttl_seconds > 365LL * 24 * 3600) {
    return Bad("bootstrap_token_ttl_seconds", "must be 1 to 31536000");
  }
  if (auto it = j.find("subject_identity_provider"); it != j.end()) {
    if (!it->is_object()) return Bad("subject_identity_provider", "must be an object");
    HOIDLA_RETURN_IF_ERROR(CheckKeys(*it, "subject_identity_provider",
                                     {"issuer", "audience", "jwks_file", "personal_code_claim"}));
    HOIDLA_RETURN_IF_ERROR(
        Read(*it, "issuer", "subject_identity_provider.issuer", &c.subject_idp_issuer));
    HOIDLA_RETURN_IF_ERROR(
        Read(*it, "audience", "subject_identity_provider.audience", &c.subject_idp_audience));
    HOIDLA_RETURN_IF_ERROR(
        Read(*it, "jwks_file", "subject_identity_provider.jwks_file", &c.subject_idp_jwks_file));
    HOIDLA_RETURN_IF_ERROR(Read(*it, "personal_code_claim",
                                "subject_identity_provider.personal_code_claim",
                                &c.subject_idp_personal_code_claim));
  }
  HOIDLA_RETURN_IF_ERROR(Read(j, "listen", "listen", &c.listen));
  HOIDLA_RETURN_IF_ERROR(Read(j, "data_dir", "data_dir", &c.data_dir));
  HOIDLA_RETURN_IF_ERROR(
      Read(j, "bootstrap_token_file", "bootstrap_token_file", &c.bootstrap_token_file));
  HOIDLA_RETURN_IF_ERROR(
      Read(j, "shutdown_grace_seconds", "shutdown_grace_seconds", &c.shutdown_grace_seconds));
  HOIDLA_RETURN_IF_ERROR(Read(j, "reflection", "reflection", &c.reflection));
  HOIDLA_RETURN_IF_ERROR(Read(j, "audit_origin", "audit_origin", &c.audit_origin));
  HOIDLA_RETURN_IF_ERROR(Read(j, "checkpoint_interval_seconds", "checkpoint_interval_seconds",
                              &c.checkpoint_interval_seconds));
  HOIDLA_RETURN_IF_ERROR(Read(j, "retention_sweep_interval_seconds",
                              "retention_sweep_interval_seconds",
                              &c.retention_sweep_interval_seconds));
  if (c.retention_sweep_interval_seconds < 0 ||
      c.retention_sweep_interval_seconds > 7 * 24 * 3600) {
    return Bad("retention_sweep_interval_seconds", "must be 0 (off) to 604800 (a week)");
  }
  if (auto it = j.find("tls"); it != j.end()) {
    if (!it->is_object()) return Bad("tls", "must be an object");
    HOIDLA_RETURN_IF_ERROR(CheckKeys(*it, "tls", {"cert_file", "key_file"}));
    HOIDLA_RETURN_IF_ERROR(Read(*it, "cert_file", "tls.cert_file", &c.tls_cert_file));
    HOIDLA_RETURN_IF_ERROR(Read(*it, "key_file", "tls.key_file", &c.tls_key_file));
  }
  if (auto it = j.find("master_key"); it != j.end()) {
    if (!it->is_object()) return Bad("master_key", "must be an object");
    HOIDLA_RETURN_IF_ERROR(CheckKeys(*it, "master_key", {"mode", "file", "passphrase_file"}));
    HOIDLA_RETURN_IF_ERROR(Read(*it, "mode", "master_key.mode", &c.master_key_mode));
    HOIDLA_RETURN_IF_ERROR(Read(*it, "file", "master_key.file", &c.master_key_file));
    HOIDLA_RETURN_IF_ERROR(
        Read(*it, "passphrase_file", "master_key.passphrase_file", &c.passphrase_file));
  }
  if (auto it = j.find("limits"); it != j.end()) {
    if (!it->is_object()) return Bad("limits", "must be an object");
    HOIDLA_RETURN_IF_ERROR(CheckKeys(
        *it, "limits",
        {"max_name_bytes", "max_text_bytes", "max_document_bytes", "max_upload_message_bytes"}));
    HOIDLA_RETURN_IF_ERROR(
        Read(*it, "max_name_bytes", "limits.max_name_bytes", &c.limits.max_name_bytes));
    HOIDLA_RETURN_IF_ERROR(
        Read(*it, "max_text_bytes", "limits.max_text_bytes", &c.limits.max_text_bytes));
    HOIDLA_RETURN_IF_ERROR(
        Read(*it, "max_document_bytes", "limits.max_document_bytes", &c.limits.max_document_bytes));
    HOIDLA_RETURN_IF_ERROR(Read(*it, "max_upload_message_bytes", "limits.max_upload_message_bytes",
                                &c.limits.max_upload_message_bytes));
  }
  return c;
}

absl::StatusOr<ServerConfig> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("config file not found: ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseConfig(ss.str());
}

bool IsLoopback(const std::string& listen) {
  std::string host = listen;
  if (!host.empty() && host[0] == '[') {
    host = host.substr(1, host.find(']') - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

absl::Status ValidateConfig(const ServerConfig& c) {
  if (c.listen.empty()) return absl::FailedPreconditionError("listen: required");
  if (c.data_dir.empty()) return absl::FailedPreconditionError("data_dir: required");
  bool tls = !c.tls_cert_file.empty() || !c.tls_key_file.empty();
  if (tls && (c.tls_cert_file.empty() || c.tls_key_file.empty())) {
    return absl::FailedPreconditionError("tls: cert_file and key_file go together");
  }
  if (!tls && !IsLoopback(c.listen)) {
    return absl::FailedPreconditionError(
        "listen: plaintext is allowed only on a loopback address; configure tls");
  }
  if (c.master_key_mode == "dev") {
    if (!IsLoopback(c.listen)) {
      return absl::FailedPreconditionError(
          "master_key.mode: dev mode is allowed only on a loopback address");
    }
  } else if (c.master_key_mode == "sealed" || c.master_key_mode == "key_file") {
    if (c.master_key_file.empty()) {
      return absl::FailedPreconditionError("master_key.file: required in this mode");
    }
  } else {
    return absl::FailedPreconditionError("master_key.mode: must be dev, sealed or key_file");
  }
  if (c.audit_origin.empty() || c.audit_origin.find_first_of(" +\n\t") != std::string::npos) {
    return absl::FailedPreconditionError("audit_origin: non-empty, without spaces or '+'");
  }
  if (c.limits.max_name_bytes == 0 || c.limits.max_text_bytes == 0 ||
      c.limits.max_document_bytes <= 0 || c.limits.max_upload_message_bytes < 64 * 1024) {
    return absl::FailedPreconditionError("limits: out of range");
  }
  return absl::OkStatus();
}

}  // namespace hoidla::service
