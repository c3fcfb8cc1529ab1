// The Directory service (proto/hoidla/v1/directory.proto): a thin adapter, see call.h.
#include "hoidla/v1/directory.grpc.pb.h"
#include "vault/rpc/call.h"
#include "vault/rpc/services.h"

namespace hoidla::service {
namespace {

class DirectoryService final : public v1::Directory::Service {
 public:
  DirectoryService(const Calls* calls, const Backends& b) : calls_(calls), b_(b) {}

  HOIDLA_UNARY(CreateOrganization, CreateOrganizationRequest, Organization,
               b_.registry->CreateOrganization(ctx, *req))
  HOIDLA_UNARY(GetOrganization, GetOrganizationRequest, Organization,
               b_.registry->GetOrganization(ctx, *req))
  HOIDLA_UNARY(ListOrganizations, ListOrganizationsRequest, ListOrganizationsResponse,
               b_.registry->ListOrganizations(ctx, *req))
  HOIDLA_UNARY(CreateProject, CreateProjectRequest, Project, b_.registry->CreateProject(ctx, *req))
  HOIDLA_UNARY(GetProject, GetProjectRequest, Project, b_.registry->GetProject(ctx, *req))
  HOIDLA_UNARY(ListProjects, ListProjectsRequest, ListProjectsResponse,
               b_.registry->ListProjects(ctx, *req))
  HOIDLA_UNARY(CreateClient, CreateClientRequest, Client, b_.registry->CreateClient(ctx, *req))
  HOIDLA_UNARY(GetClient, GetClientRequest, Client, b_.registry->GetClient(ctx, *req))
  HOIDLA_UNARY(FindClientByPersonalCode, FindClientByPersonalCodeRequest, Client,
               b_.registry->FindClientByPersonalCode(ctx, *req))
  HOIDLA_UNARY(ListClients, ListClientsRequest, ListClientsResponse,
               b_.registry->ListClients(ctx, *req))

 private:
  const Calls* calls_;
  Backends b_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewDirectoryService(const Calls* calls, const Backends& b) {
  return std::make_unique<DirectoryService>(calls, b);
}

}  // namespace hoidla::service
