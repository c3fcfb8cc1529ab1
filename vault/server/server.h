// VaultServer: assembles a running vault from its configuration: the store
// (RocksDB under <data_dir>/db, document objects under <data_dir>/blobs),
// the keyring, the core modules, and a gRPC
// server with the services of hoidla.v1 (vault/rpc/services.h), the
// standard health service and (when
// configured) server reflection.
//
// Every call's outcome goes to the audit log; while it cannot be written,
// calls fail with UNAVAILABLE and the health status is NOT_SERVING.
//
// Lifecycle: Start() opens everything, cleans uploads a crash left behind,
// bootstraps the first administrator on a fresh store, and starts serving.
// Shutdown() stops accepting calls, lets in-flight calls (uploads included)
// finish until the grace deadline, then cancels the rest; only then is the
// store closed, so nothing acknowledged is lost.
// Thread-safety: Shutdown() may be called from any thread, once.
#ifndef HOIDLA_VAULT_SERVER_SERVER_H_
#define HOIDLA_VAULT_SERVER_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "keys/keyring.h"
#include "vault/access/policy.h"
#include "vault/audit/audit_log.h"
#include "vault/audit/checkpoints.h"
#include "vault/consent/consents.h"
#include "vault/directory/registry.h"
#include "vault/documents/documents.h"
#include "vault/identity/identity.h"
#include "vault/oversight/audit_access.h"
#include "vault/oversight/key_admin.h"
#include "vault/oversight/subject_access.h"
#include "vault/records/records.h"
#include "vault/retention/retention.h"
#include "vault/rpc/services.h"
#include "vault/server/config.h"
#include "vault/storage/blob_store.h"
#include "vault/storage/kv_store.h"

namespace hoidla::service {

class VaultServer {
 public:
  // Starts a server. `master` is the unsealed master key. On success the
  // server is listening; `bootstrap_token()` holds the first administrator's
  // token when this start created it. Fails with the reason (store cannot be
  // opened, master key does not open the store, port in use: UNAVAILABLE,
  // ...), having started nothing.
  //
  // `store`, when given, is used instead of RocksDB under the data folder
  // and must outlive the server (tests wrap stores to inject faults).
  static absl::StatusOr<std::unique_ptr<VaultServer>> Start(const ServerConfig& config,
                                                            keys::SecureBuffer master,
                                                            keys::MasterKeyMode mode,
                                                            storage::KvStore* store = nullptr);
  ~VaultServer();

  // The bound port (useful with port 0).
  int port() const { return port_; }
  const std::optional<std::string>& bootstrap_token() const { return bootstrap_token_; }
  // The audit log (for tests and benchmarks that inspect it).
  audit::AuditLog* audit_log() const { return audit_log_.get(); }
  // The key-value store (for tests that inspect what is stored).
  storage::KvStore* store() const { return store_; }

  // Graceful shutdown; returns when every call has ended.
  void Shutdown(std::chrono::seconds grace);
  // Blocks until the server has shut down.
  void Wait();

 private:
  VaultServer() = default;

  std::unique_ptr<storage::KvStore> owned_store_;
  storage::KvStore* store_ = nullptr;
  std::unique_ptr<storage::BlobStore> blobs_;
  std::unique_ptr<audit::AuditLog> audit_log_;
  std::unique_ptr<audit::Checkpoints> checkpoints_;
  std::unique_ptr<core::AuditAccess> audit_access_;
  std::unique_ptr<core::Consents> consents_;
  std::unique_ptr<core::Instruments> instruments_;
  std::unique_ptr<core::Records> records_;
  std::unique_ptr<core::SubjectAccess> subject_access_;
  std::unique_ptr<keys::Keyring> keyring_;
  core::Policy policy_;
  std::unique_ptr<core::Registry> registry_;
  std::unique_ptr<core::Identity> identity_;
  std::unique_ptr<core::Documents> documents_;
  std::unique_ptr<core::KeyAdmin> key_admin_;
  std::unique_ptr<core::Retention> retention_;
  ServiceSet services_;
  std::unique_ptr<grpc::Server> server_;
  std::optional<std::string> bootstrap_token_;
  int port_ = 0;
  bool shut_down_ = false;
  // While the audit log cannot be written, probes it once a second and
  // restores SERVING when it can; signs a checkpoint of a grown log every
  // checkpoint interval.
  std::thread prober_;
  absl::Mutex prober_mu_;
  absl::CondVar prober_cv_;
  bool stop_prober_ ABSL_GUARDED_BY(prober_mu_) = false;
};

}  // namespace hoidla::service

#endif  // HOIDLA_VAULT_SERVER_SERVER_H_
