// The gRPC services of hoidla.v1, one per resource (doc/api.md), each a thin
// adapter in its own file (<name>_service.cc) over the domain room that owns
// the resource.
//
// Thread-safety: the services hold no mutable state of their own; gRPC runs
// their handlers concurrently.
#ifndef HOIDLA_VAULT_RPC_SERVICES_H_
#define HOIDLA_VAULT_RPC_SERVICES_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include <memory>
#include <string>
#include <vector>

#include "keys/keyring.h"
#include "vault/audit/audit_log.h"
#include "vault/consent/consents.h"
#include "vault/directory/registry.h"
#include "vault/documents/documents.h"
#include "vault/identity/identity.h"
#include "vault/oversight/audit_access.h"
#include "vault/oversight/key_admin.h"
#include "vault/oversight/subject_access.h"
#include "vault/records/instruments.h"
#include "vault/records/records.h"
#include "vault/retention/retention.h"
#include "vault/rpc/call.h"

namespace hoidla::service {

// The domain rooms the services call. Every pointer must outlive the
// services; `audit_log` may be null only in tests of the adapters.
struct Backends {
  core::Identity* identity = nullptr;
  core::Registry* registry = nullptr;
  core::Documents* documents = nullptr;
  core::Records* records = nullptr;
  core::Instruments* instruments = nullptr;
  core::Consents* consents = nullptr;
  core::AuditAccess* audit_access = nullptr;
  core::SubjectAccess* subject_access = nullptr;
  core::KeyAdmin* key_admin = nullptr;
  core::Retention* retention = nullptr;
  // Its token key seeds the page-token key (page_tokens.h).
  keys::Keyring* keyring = nullptr;
  audit::AuditLog* audit_log = nullptr;
};

// The services of hoidla.v1 and the Calls they share. Register each of
// `services` with a grpc::ServerBuilder; the set must outlive the server.
struct ServiceSet {
  std::unique_ptr<Calls> calls;
  std::vector<std::unique_ptr<grpc::Service>> services;
};

// Builds every service of hoidla.v1 over `backends`.
ServiceSet NewServices(const Backends& backends);

// The full names of the services NewServices builds ("hoidla.v1.Identity",
// ...), in the order it builds them. Health reports each of them.
std::vector<std::string> ServiceNames();

// One constructor per service (each in its own file).
std::unique_ptr<grpc::Service> NewIdentityService(const Calls* calls, const Backends& b);
std::unique_ptr<grpc::Service> NewDirectoryService(const Calls* calls, const Backends& b);
std::unique_ptr<grpc::Service> NewCasesService(const Calls* calls, const Backends& b);
std::unique_ptr<grpc::Service> NewDocumentsService(const Calls* calls, const Backends& b);
std::unique_ptr<grpc::Service> NewRecordsService(const Calls* calls, const Backends& b);
std::unique_ptr<grpc::Service> NewInstrumentsService(const Calls* calls, const Backends& b);
std::unique_ptr<grpc::Service> NewConsentsService(const Calls* calls, const Backends& b);
std::unique_ptr<grpc::Service> NewDisclosuresService(const Calls* calls, const Backends& b);
std::unique_ptr<grpc::Service> NewAuditService(const Calls* calls, const Backends& b);
std::unique_ptr<grpc::Service> NewSubjectAccessService(const Calls* calls, const Backends& b);
std::unique_ptr<grpc::Service> NewKeyAdminService(const Calls* calls, const Backends& b);
std::unique_ptr<grpc::Service> NewRetentionService(const Calls* calls, const Backends& b);

}  // namespace hoidla::service

#endif  // HOIDLA_VAULT_RPC_SERVICES_H_
