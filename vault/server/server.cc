#include "vault/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/status_macros.h"
#include "base/strings.h"
#include "keys/jwt.h"
#include "vault/sealing/kv_key_store.h"
#include "vault/server/dev_idp.h"
#include "vault/storage/rocksdb_store.h"

namespace hoidla::service {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat(what, ": cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

absl::StatusOr<std::unique_ptr<VaultServer>> VaultServer::Start(const ServerConfig& config,
                                                                keys::SecureBuffer master,
                                                                keys::MasterKeyMode mode,
                                                                storage::KvStore* store) {
  HOIDLA_RETURN_IF_ERROR(ValidateConfig(config));
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return absl::UnavailableError(StrCat("data_dir: cannot create ", config.data_dir));
  ::chmod(config.data_dir.c_str(), 0700);

  std::unique_ptr<VaultServer> s(new VaultServer());
  if (store != nullptr) {
    s->store_ = store;
  } else {
    HOIDLA_ASSIGN_OR_RETURN(s->owned_store_, storage::RocksDbStore::Open(config.data_dir + "/db"));
    s->store_ = s->owned_store_.get();
  }
  HOIDLA_ASSIGN_OR_RETURN(s->blobs_, storage::FileBlobStore::Open(config.data_dir + "/blobs"));
  Clock* clock = config.clock != nullptr ? config.clock : Clock::System();
  HOIDLA_ASSIGN_OR_RETURN(s->audit_log_, audit::AuditLog::Open(s->store_, clock));
  HOIDLA_ASSIGN_OR_RETURN(s->keyring_,
                          sealing::OpenKeyring(s->store_, std::move(master), mode, clock));
  s->registry_ = std::make_unique<core::Registry>(s->store_, s->keyring_.get(), clock, &s->policy_,
                                                  config.limits);
  s->documents_ =
      std::make_unique<core::Documents>(s->store_, s->blobs_.get(), s->keyring_.get(), clock,
                                        &s->policy_, s->registry_.get(), config.limits);
  s->key_admin_ = std::make_unique<core::KeyAdmin>(s->keyring_.get(), s->store_, &s->policy_);
  s->identity_ = std::make_unique<core::Identity>(s->store_, s->keyring_.get(), clock, &s->policy_,
                                                  s->registry_.get());
  HOIDLA_ASSIGN_OR_RETURN(int recovered, s->documents_->RecoverPendingUploads());
  if (recovered > 0) spdlog::warn("removed {} uploads interrupted by a crash", recovered);
  HOIDLA_ASSIGN_OR_RETURN(
      s->bootstrap_token_,
      s->identity_->CreateBootstrapAdministrator(
          "administrator", config.bootstrap_token_ttl_seconds, s->audit_log_.get()));
  if (!config.subject_idp_issuer.empty()) {
    HOIDLA_ASSIGN_OR_RETURN(std::string jwks, ReadFile(config.subject_idp_jwks_file,
                                                       "subject_identity_provider.jwks_file"));
    HOIDLA_RETURN_IF_ERROR(keys::ValidateJwks(jwks, "subject_identity_provider.jwks_file"));
    if (config.subject_idp_audience.empty()) {
      return absl::FailedPreconditionError("subject_identity_provider.audience: required");
    }
    s->identity_->SetSubjectIdentityProvider({config.subject_idp_issuer,
                                              config.subject_idp_audience, std::move(jwks),
                                              config.subject_idp_personal_code_claim});
  } else if (mode == keys::MasterKeyMode::kDev) {
    // Development only: the vault stands in as the data subjects' identity
    // provider (vaultd dev-idp token), with the development master key's
    // warning.
    HOIDLA_ASSIGN_OR_RETURN(auto dev_key, LoadOrCreateDevIdpKey(config.data_dir));
    s->identity_->SetSubjectIdentityProvider({std::string(kDevSubjectIssuer),
                                              std::string(kDevAudience), dev_key.public_jwks_json,
                                              "sub"});
    spdlog::warn(
        "DEVELOPMENT IDENTITY PROVIDER: anyone who can read {}/dev-idp.jwk can sign in as "
        "anyone; never use it with real data",
        config.data_dir);
  }

  s->checkpoints_ = std::make_unique<audit::Checkpoints>(s->audit_log_.get(), s->store_,
                                                         s->keyring_.get(), config.audit_origin);
  s->audit_access_ = std::make_unique<core::AuditAccess>(s->audit_log_.get(), s->checkpoints_.get(),
                                                         s->keyring_.get(), &s->policy_,
                                                         s->registry_.get(), s->identity_.get());
  s->consents_ = std::make_unique<core::Consents>(s->store_, s->keyring_.get(), clock, &s->policy_,
                                                  s->registry_.get(), s->documents_.get(),
                                                  config.audit_origin);
  s->documents_->SetReleaseSource(s->consents_.get());
  s->instruments_ = std::make_unique<core::Instruments>(s->store_, s->keyring_.get(), clock,
                                                        &s->policy_, s->registry_.get());
  s->records_ = std::make_unique<core::Records>(s->store_, s->keyring_.get(), clock, &s->policy_,
                                                s->registry_.get(), s->consents_.get(),
                                                s->instruments_.get());
  s->consents_->SetRecordLocator([records = s->records_.get()](std::string_view id)
                                     -> absl::StatusOr<core::Consents::RecordLocation> {
    HOIDLA_ASSIGN_OR_RETURN(auto found, records->Locate(id));
    return core::Consents::RecordLocation{std::move(found.target), std::move(found.kind)};
  });
  s->registry_->SetPrincipalLookup(
      [identity = s->identity_.get()](std::string_view id) { return identity->PrincipalById(id); });
  s->registry_->SetRecordOfCaseCheck(
      [records = s->records_.get()](std::string_view case_id, std::string_view record_id) {
        return records->IsRecordOfCase(case_id, record_id);
      });
  s->consents_->SetRecordKindCheck([records = s->records_.get()](std::string_view client,
                                                                 std::string_view kind,
                                                                 std::string_view project) {
    return records->ClientHasKind(client, kind, project);
  });
  s->subject_access_ = std::make_unique<core::SubjectAccess>(
      clock, &s->policy_, s->registry_.get(), s->documents_.get(), s->records_.get(),
      s->consents_.get(), s->audit_access_.get());
  s->retention_ = std::make_unique<core::Retention>(
      s->store_, s->keyring_.get(), clock, &s->policy_, s->registry_.get(), s->documents_.get(),
      s->consents_.get(), s->records_.get(), config.audit_origin);
  // From here on every record, document and case change keeps its
  // retention facts in its own write.
  s->registry_->SetLifecycle(s->retention_.get());
  s->documents_->SetLifecycle(s->retention_.get());
  s->records_->SetLifecycle(s->retention_.get());
  s->consents_->SetLifecycle(s->retention_.get());
  Backends backends;
  backends.identity = s->identity_.get();
  backends.registry = s->registry_.get();
  backends.documents = s->documents_.get();
  backends.records = s->records_.get();
  backends.instruments = s->instruments_.get();
  backends.consents = s->consents_.get();
  backends.audit_access = s->audit_access_.get();
  backends.subject_access = s->subject_access_.get();
  backends.key_admin = s->key_admin_.get();
  backends.retention = s->retention_.get();
  backends.audit_log = s->audit_log_.get();
  backends.keyring = s->keyring_.get();
  s->services_ = NewServices(backends);
  grpc::EnableDefaultHealthCheckService(true);
  if (config.reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::shared_ptr<grpc::ServerCredentials> creds;
  if (!config.tls_cert_file.empty()) {
    HOIDLA_ASSIGN_OR_RETURN(std::string cert, ReadFile(config.tls_cert_file, "tls.cert_file"));
    HOIDLA_ASSIGN_OR_RETURN(std::string key, ReadFile(config.tls_key_file, "tls.key_file"));
    // Client certificates are requested but checked by the vault itself,
    // against the CA of the organisation whose principal the subject maps
    // to (a CA per organisation, set at run time); token clients need none.
    grpc::SslServerCredentialsOptions opts(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
    opts.pem_key_cert_pairs.push_back({key, cert});
    creds = grpc::SslServerCredentials(opts);
    std::fill(key.begin(), key.end(), '\0');
  } else {
    creds = grpc::InsecureServerCredentials();  // loopback only (ValidateConfig)
  }
  builder.AddListeningPort(config.listen, creds, &s->port_);
  for (auto& service : s->services_.services) builder.RegisterService(service.get());
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.limits.max_upload_message_bytes) +
                                   64 * 1024);
  builder.SetMaxSendMessageSize(4 << 20);
  // A fixed HTTP/2 receive window per stream instead of gRPC's BDP probing,
  // which grows windows without bound on a fast link and lets one upload park
  // tens of MiB in server memory. 4 MiB keeps a loopback stream busy.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 4 << 20);

  s->server_ = builder.BuildAndStart();
  if (s->server_ == nullptr || s->port_ == 0) {
    return absl::UnavailableError(StrCat("listen: cannot listen on ", config.listen));
  }
  s->server_->GetHealthCheckService()->SetServingStatus(true);
  for (const std::string& name : ServiceNames()) {
    s->server_->GetHealthCheckService()->SetServingStatus(name, true);
  }
  VaultServer* self = s.get();
  s->audit_log_->SetHealthListener([self](bool healthy) {
    if (!healthy) spdlog::error("audit log cannot be written: refusing calls (NOT_SERVING)");
    if (healthy) spdlog::warn("audit log writable again: serving");
    if (auto* health = self->server_->GetHealthCheckService()) {
      health->SetServingStatus(healthy);
      for (const std::string& name : ServiceNames()) health->SetServingStatus(name, healthy);
    }
    absl::MutexLock lock(&self->prober_mu_);
    self->prober_cv_.SignalAll();
  });
  const auto interval = std::chrono::seconds(std::max(1, config.checkpoint_interval_seconds));
  const int sweep_seconds = config.retention_sweep_interval_seconds;
  s->prober_ = std::thread([self, interval, sweep_seconds] {
    absl::MutexLock lock(&self->prober_mu_);
    auto next_checkpoint = std::chrono::steady_clock::now() + interval;
    auto next_sweep = std::chrono::steady_clock::now() + std::chrono::seconds(sweep_seconds);
    while (!self->stop_prober_) {
      self->prober_cv_.WaitWithTimeout(&self->prober_mu_, absl::Seconds(1));
      if (self->stop_prober_) break;
      self->prober_mu_.Unlock();
      if (!self->audit_log_->healthy()) {
        (void)self->audit_log_->Probe();
      } else if (std::chrono::steady_clock::now() >= next_checkpoint) {
        next_checkpoint = std::chrono::steady_clock::now() + interval;
        if (auto cp = self->checkpoints_->Sign(); !cp.ok()) {
          spdlog::warn("checkpoint not signed: {}", absl::StatusCodeToString(cp.status().code()));
        }
      }
      if (sweep_seconds > 0 && self->audit_log_->healthy() &&
          std::chrono::steady_clock::now() >= next_sweep) {
        next_sweep = std::chrono::steady_clock::now() + std::chrono::seconds(sweep_seconds);
        auto swept = self->retention_->SweepAll(self->audit_log_.get(), [self] {
          absl::MutexLock lock(&self->prober_mu_);
          return !self->stop_prober_;
        });
        if (!swept.ok()) {
          spdlog::warn("retention sweep stopped: {}",
                       absl::StatusCodeToString(swept.status().code()));
        } else if (*swept > 0) {
          spdlog::info("retention sweep destroyed {} items", *swept);
        }
      }
      self->prober_mu_.Lock();
    }
  });
  return s;
}

VaultServer::~VaultServer() {
  if (server_ != nullptr && !shut_down_) Shutdown(std::chrono::seconds(5));
  // Members are destroyed in reverse order: the service before the core,
  // the keyring before the store.
}

void VaultServer::Shutdown(std::chrono::seconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  {
    absl::MutexLock lock(&prober_mu_);
    stop_prober_ = true;
    prober_cv_.SignalAll();
  }
  if (prober_.joinable()) prober_.join();
  if (auto* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(false);
  }
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
}

void VaultServer::Wait() { server_->Wait(); }

}  // namespace hoidla::service
