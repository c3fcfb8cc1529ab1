// `vaultctl principal create|get|list|add-role|remove-role|map-cert|
// unmap-cert|disable`: principals (staff, partner workers, service accounts,
// data subjects), their roles and certificate mappings.
#include <string>

#include "CLI/CLI.hpp"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `principal ...`; only one subcommand runs, so they share fields.
struct PrincipalOptions {
  std::string id;
  std::string name;
  std::string principal_kind;
  std::string org;
  std::string project;
  std::string client;
  bool may_act_for_users = false;
  std::string role;
  std::string subject;
  Paging paging;
};

// Maps --kind of `principal create` to the enum.
hoidla::v1::PrincipalKind ParsePrincipalKind(const std::string& text) {
  if (text == "staff") return hoidla::v1::PRINCIPAL_KIND_STAFF;
  if (text == "partner_worker") return hoidla::v1::PRINCIPAL_KIND_PARTNER_WORKER;
  if (text == "service_account") return hoidla::v1::PRINCIPAL_KIND_SERVICE_ACCOUNT;
  if (text == "data_subject") return hoidla::v1::PRINCIPAL_KIND_DATA_SUBJECT;
  return hoidla::v1::PRINCIPAL_KIND_UNSPECIFIED;
}

}  // namespace

void AddPrincipalCommands(CLI::App* app, const Globals& g, Selection* selection) {
  PrincipalOptions& a = NewOptions<PrincipalOptions>(selection);
  CLI::App* principal = app->add_subcommand(
      "principal", "Principals (staff, partner workers, service accounts) and their roles");
  principal->require_subcommand(1);

  CLI::App* create = Leaf(principal, "create", "Create a principal (prints its id first)",
                          selection, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::CreatePrincipalRequest req;
                            req.mutable_principal()->set_display_name(a.name);
                            req.mutable_principal()->set_kind(ParsePrincipalKind(a.principal_kind));
                            req.mutable_principal()->set_organization_id(a.org);
                            req.mutable_principal()->set_may_act_for_users(a.may_act_for_users);
                            req.mutable_principal()->set_client_id(a.client);
                            return Show(g, vc.CreatePrincipal(req), &PrintPrincipal);
                          });
  create->add_option("--name", a.name,
                     "Display name (a person's or system's; none for a data "
                     "subject)");
  create->add_option("--kind", a.principal_kind, "What the principal is")
      ->required()
      ->check(CLI::IsMember({"staff", "partner_worker", "service_account", "data_subject"}));
  create->add_option("--client", a.client, "Data subjects: the client record they are (cli_...)");
  create->add_option("--org", a.org,
                     "Organisation the principal works for (org_...); "
                     "omit only for deployment-wide administrators");
  create->add_flag("--may-act-for-users", a.may_act_for_users,
                   "Service accounts: may act for users of its organisation");

  CLI::App* get = Leaf(principal, "get", "Show a principal and its roles", selection,
                       [&g, &a](const VaultClient& vc) {
                         hoidla::v1::GetPrincipalRequest req;
                         req.set_id(a.id);
                         return Show(g, vc.GetPrincipal(req), &PrintPrincipal);
                       });
  get->add_option("ID", a.id, "Principal id (prn_...)")->required();

  CLI::App* list =
      Leaf(principal, "list", "List principals: id, kind, display name, roles (role@org/project)",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::ListPrincipalsRequest req;
             req.set_organization_id(a.org);
             SetPaging(a.paging, &req);
             return ShowList(g, vc.ListPrincipals(req), &PrintPrincipals);
           });
  list->add_option("--org", a.org, "Only principals of this organisation (org_...)");
  AddPaging(list, &a.paging);

  CLI::App* add = Leaf(principal, "add-role",
                       "Grant a role in a scope at once where no second person's "
                       "approval is needed: a deployment-wide role, or the first head of "
                       "an organisation with no head and no client data (otherwise exit "
                       "19 FAILED_PRECONDITION: use `grant request`); prints the "
                       "principal with its roles",
                       selection, [&g, &a](const VaultClient& vc) {
                         hoidla::v1::AddMembershipRequest req;
                         req.set_id(a.id);
                         *req.mutable_membership() = MembershipArg(a.role, a.org, a.project);
                         return Show(g, vc.AddMembership(req), &PrintPrincipal);
                       });
  CLI::App* remove = Leaf(principal, "remove-role",
                          "Withdraw a role (effective for the principal's next request; prints "
                          "the principal with its remaining roles)",
                          selection, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::RemoveMembershipRequest req;
                            req.set_id(a.id);
                            *req.mutable_membership() = MembershipArg(a.role, a.org, a.project);
                            return Show(g, vc.RemoveMembership(req), &PrintPrincipal);
                          });
  CLI::App* map_cert = Leaf(principal, "map-cert",
                            "Map a client certificate subject (RFC 2253) to the principal, at "
                            "once only in an organisation without a head (otherwise use `grant "
                            "request --certificate`)",
                            selection, [&g, &a](const VaultClient& vc) {
                              hoidla::v1::MapCertificateRequest req;
                              req.set_id(a.id);
                              req.set_subject(a.subject);
                              return Show(g, vc.MapCertificate(req), &PrintPrincipal);
                            });
  map_cert->add_option("PRINCIPAL_ID", a.id, "Principal id (prn_...)")->required();
  map_cert
      ->add_option("--subject", a.subject,
                   "As `openssl x509 -noout -subject -nameopt RFC2253` "
                   "prints it, without \"subject=\"")
      ->required();
  CLI::App* unmap_cert = Leaf(principal, "unmap-cert",
                              "Remove a certificate subject's mapping (effective for its next use; "
                              "prints the principal)",
                              selection, [&g, &a](const VaultClient& vc) {
                                hoidla::v1::RemoveCertificateMappingRequest req;
                                req.set_id(a.id);
                                req.set_subject(a.subject);
                                return Show(g, vc.RemoveCertificateMapping(req), &PrintPrincipal);
                              });
  unmap_cert->add_option("PRINCIPAL_ID", a.id, "Principal id (prn_...)")->required();
  unmap_cert->add_option("--subject", a.subject, "The mapped subject, as given to map-cert")
      ->required();

  CLI::App* disable = Leaf(principal, "disable",
                           "Disable an account: every token, certificate and sign-in of it is "
                           "refused from its next call; there is no re-enabling (prints the "
                           "principal)",
                           selection, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::DisablePrincipalRequest req;
                             req.set_id(a.id);
                             return Show(g, vc.DisablePrincipal(req), &PrintPrincipal);
                           });
  disable->add_option("PRINCIPAL_ID", a.id, "Principal id (prn_...)")->required();

  for (CLI::App* sub : {add, remove}) {
    sub->add_option("PRINCIPAL_ID", a.id, "Principal id (prn_...)")->required();
    sub->add_option("--role", a.role, kRolesHelp)->required();
    sub->add_option("--org", a.org, "Organisation of the scope (org_...)");
    sub->add_option("--project", a.project, "Project of the scope (prj_...; needs --org too)");
  }
}

}  // namespace hoidla::vaultctl
