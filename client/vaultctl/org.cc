// `vaultctl org create|get|set-client-ca|set-crl|set-idp|list`:
// organisations, and the client CA, revocation lists and identity provider
// their people authenticate with.
#include <fstream>
#include <sstream>
#include <string>

#include "CLI/CLI.hpp"
#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `org ...`; only one subcommand runs, so they share fields.
struct OrgOptions {
  std::string id;
  std::string name;
  std::string registry_code;
  std::string file;  // set-client-ca --ca-file
  std::string issuer;
  std::string audience;
  std::string principal_id_claim;
  std::string jwks_file;
  std::string crl_file;
  Paging paging;
  // file contents read before connecting
  std::string jwks_json;
  std::string crl_pem;
};

}  // namespace

void AddOrgCommands(CLI::App* app, const Globals& g, Selection* selection) {
  OrgOptions& a = NewOptions<OrgOptions>(selection);
  CLI::App* org = app->add_subcommand("org", "Organisations");
  org->require_subcommand(1);

  CLI::App* create = Leaf(org, "create", "Create an organisation (prints its id first)", selection,
                          [&g, &a](const VaultClient& vc) {
                            hoidla::v1::CreateOrganizationRequest req;
                            req.mutable_organization()->set_name(a.name);
                            req.mutable_organization()->set_registry_code(a.registry_code);
                            return Show(g, vc.CreateOrganization(req), &PrintOrganization);
                          });
  create->add_option("--name", a.name, "Display name")->required();
  create->add_option("--registry-code", a.registry_code, "Registry code (registrikood)");

  CLI::App* get =
      Leaf(org, "get", "Show an organisation", selection, [&g, &a](const VaultClient& vc) {
        hoidla::v1::GetOrganizationRequest req;
        req.set_id(a.id);
        return Show(g, vc.GetOrganization(req), &PrintOrganization);
      });
  get->add_option("ID", a.id, "Organisation id (org_...)")->required();

  CLI::App* set_ca = Leaf(org, "set-client-ca",
                          "Set the CA whose client certificates identify the organisation's "
                          "principals (at once only while it has no head, otherwise use `grant "
                          "request --client-ca`)",
                          selection, [&g, &a](const VaultClient& vc) {
                            std::ifstream in(a.file, std::ios::binary);
                            if (!in)
                              return UsageError(StrCat("--ca-file: cannot read '", a.file, "'"));
                            std::stringstream pem;
                            pem << in.rdbuf();
                            hoidla::v1::SetOrganizationClientCaRequest req;
                            req.set_id(a.id);
                            req.set_ca_pem(pem.str());
                            return Show(g, vc.SetOrganizationClientCa(req), &PrintOrganization);
                          });
  set_ca->add_option("ID", a.id, "Organisation id (org_...)")->required();
  set_ca->add_option("--ca-file", a.file, "CA certificate(s), PEM")->required();

  CLI::App* set_crl = Leaf(org, "set-crl",
                           "Set the organisation's certificate revocation lists (PEM; an empty "
                           "file removes them). Narrows access, so it applies at once",
                           selection, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::SetOrganizationCrlRequest req;
                             req.set_id(a.id);
                             req.set_crl_pem(a.crl_pem);
                             return Show(g, vc.SetOrganizationCrl(req), &PrintOrganization);
                           });
  set_crl->add_option("ID", a.id, "Organisation id (org_...)")->required();
  set_crl
      ->add_option("--crl-file", a.crl_file,
                   "CRL(s) issued by the organisation's client CA, PEM (- for "
                   "standard input; empty: remove)")
      ->required();
  set_crl->preparse_callback([selection, &a](size_t) {
    selection->prepare = [&a] { return LoadFileArg("--crl-file", a.crl_file, &a.crl_pem); };
  });

  CLI::App* set_idp =
      Leaf(org, "set-idp",
           "Set the OpenID Connect identity provider the organisation's people "
           "sign in with (`vaultctl login`); at once only while the organisation "
           "has no head, otherwise use `grant request --identity-provider`",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::SetOrganizationIdentityProviderRequest req;
             req.set_id(a.id);
             hoidla::v1::IdentityProvider* p = req.mutable_identity_provider();
             p->set_issuer(a.issuer);
             p->set_audience(a.audience);
             p->set_jwks_json(a.jwks_json);
             p->set_principal_id_claim(a.principal_id_claim);
             return Show(g, vc.SetOrganizationIdentityProvider(req), &PrintOrganization);
           });
  set_idp->add_option("ID", a.id, "Organisation id (org_...)")->required();
  set_idp
      ->add_option("--issuer", a.issuer, "The exact iss of the provider's ID tokens (an https URL)")
      ->required();
  set_idp
      ->add_option("--audience", a.audience,
                   "The aud the tokens must name: this vault's client id at "
                   "the provider")
      ->required();
  set_idp
      ->add_option("--jwks-file", a.jwks_file,
                   "The provider's JWKS (public keys; copy it from its "
                   "jwks_uri; - for standard input)")
      ->required();
  set_idp->add_option("--principal-id-claim", a.principal_id_claim,
                      "The claim carrying the person's Hoidla principal id "
                      "(default sub)");
  set_idp->preparse_callback([selection, &a](size_t) {
    selection->prepare = [&a] { return LoadFileArg("--jwks-file", a.jwks_file, &a.jwks_json); };
  });

  CLI::App* list = Leaf(org, "list", "List organisations: id, name, registry code", selection,
                        [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListOrganizationsRequest req;
                          SetPaging(a.paging, &req);
                          return ShowList(g, vc.ListOrganizations(req), &PrintOrganizations);
                        });
  AddPaging(list, &a.paging);
}

}  // namespace hoidla::vaultctl
