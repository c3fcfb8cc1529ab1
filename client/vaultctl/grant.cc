// `vaultctl grant request|approve|deny|get|list`: grant requests, the four
// eyes of roles, certificate mappings, client CAs, identity providers,
// act-for rights and service-account tokens.
#include <string>
#include <string_view>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `grant ...`; only one subcommand runs, so they share fields.
struct GrantOptions {
  std::string id;
  std::string org;
  std::string project;
  std::string subject;
  std::string role;
  std::string ttl;
  std::string state;
  std::string note;
  std::string justification;
  std::string issuer;
  std::string audience;
  std::string principal_id_claim;
  std::string jwks_file;
  std::string ca_file;
  Paging paging;
  // grant request: which grant (--membership, --certificate, ...) and its
  // target (a principal or an organisation)
  std::string grant_kind;
  std::string grant_target;
  // file contents read before connecting
  std::string jwks_json;
  std::string ca_pem;
};

// Maps --state of `grant list` to the enum (empty: unset).
hoidla::v1::GrantRequestState ParseGrantRequestState(const std::string& text) {
  if (text == "pending") return hoidla::v1::GRANT_REQUEST_STATE_PENDING;
  if (text == "approved") return hoidla::v1::GRANT_REQUEST_STATE_APPROVED;
  if (text == "applied") return hoidla::v1::GRANT_REQUEST_STATE_APPLIED;
  if (text == "denied") return hoidla::v1::GRANT_REQUEST_STATE_DENIED;
  if (text == "withdrawn") return hoidla::v1::GRANT_REQUEST_STATE_WITHDRAWN;
  if (text == "expired") return hoidla::v1::GRANT_REQUEST_STATE_EXPIRED;
  return hoidla::v1::GRANT_REQUEST_STATE_UNSPECIFIED;
}

// Builds the grant request `grant request` asks for from its options. Prints
// the error and returns 1 for a missing or misplaced option; 0 on success.
int GrantRequestArg(const GrantOptions& a, hoidla::v1::GrantRequest* g) {
  const std::string& k = a.grant_kind;
  // The options each grant takes, beyond its own.
  struct Needs {
    std::string_view option;
    bool given;
    bool wanted;
  };
  const Needs options[] = {
      {"--role", !a.role.empty(), k == "membership"},
      {"--org", !a.org.empty(), false},
      {"--project", !a.project.empty(), false},
      {"--subject", !a.subject.empty(), k == "certificate"},
      {"--ca-file", !a.ca_file.empty(), k == "client-ca"},
      {"--issuer", !a.issuer.empty(), k == "identity-provider"},
      {"--audience", !a.audience.empty(), k == "identity-provider"},
      {"--jwks-file", !a.jwks_file.empty(), k == "identity-provider"},
      {"--ttl", !a.ttl.empty(), k == "service-token"},
  };
  for (const Needs& n : options) {
    if (n.wanted && !n.given) return UsageError(StrCat(n.option, ": required with --", k));
    const bool allowed =
        n.wanted || (k == "membership" && (n.option == "--org" || n.option == "--project"));
    if (n.given && !allowed) return UsageError(StrCat(n.option, ": not used with --", k));
  }
  if (!a.principal_id_claim.empty() && k != "identity-provider")
    return UsageError(StrCat("--principal-id-claim: not used with --", k));

  g->set_justification(a.justification);
  if (k == "membership") {
    g->mutable_membership()->set_principal_id(a.grant_target);
    *g->mutable_membership()->mutable_membership() = MembershipArg(a.role, a.org, a.project);
  } else if (k == "certificate") {
    g->mutable_certificate()->set_principal_id(a.grant_target);
    g->mutable_certificate()->set_subject(a.subject);
  } else if (k == "client-ca") {
    g->set_organization_id(a.grant_target);
    g->mutable_client_ca()->set_ca_pem(a.ca_pem);
  } else if (k == "identity-provider") {
    g->set_organization_id(a.grant_target);
    hoidla::v1::IdentityProvider* p = g->mutable_identity_provider();
    p->set_issuer(a.issuer);
    p->set_audience(a.audience);
    p->set_jwks_json(a.jwks_json);
    p->set_principal_id_claim(a.principal_id_claim);
  } else if (k == "act-for") {
    g->mutable_act_for()->set_principal_id(a.grant_target);
  } else if (k == "service-token") {
    absl::StatusOr<int64_t> ttl = ParseTtl(a.ttl);
    if (!ttl.ok()) return UsageError(StrCat("--ttl: ", View(ttl.status().message())));
    g->mutable_service_token()->set_principal_id(a.grant_target);
    g->mutable_service_token()->set_ttl_seconds(*ttl);
  } else {
    return UsageError(
        "one of --membership, --certificate, --client-ca, "
        "--identity-provider, --act-for, --service-token is "
        "required");
  }
  return 0;
}

}  // namespace

void AddGrantCommands(CLI::App* app, const Globals& g, Selection* selection) {
  GrantOptions& a = NewOptions<GrantOptions>(selection);
  CLI::App* grant =
      app->add_subcommand("grant",
                          "Grant requests (four eyes): a role, certificate mapping, client CA, "
                          "identity provider, act-for right or service-account token takes effect "
                          "once a head of the organisation other than the requester and the "
                          "account approves it (at once while the organisation has no head and "
                          "no client data)");
  grant->require_subcommand(1);

  CLI::App* request = Leaf(grant, "request",
                           "Request a grant (prints the request, id first, with its state: "
                           "applied when no approval was needed, pending otherwise; and token: "
                           "for a service-account token, shown once, working once approved)",
                           selection, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::CreateGrantRequestRequest req;
                             if (int rc = GrantRequestArg(a, req.mutable_grant_request()); rc != 0)
                               return rc;
                             return Show(g, vc.CreateGrantRequest(req), &PrintCreateGrantRequest);
                           });
  CLI::Option_group* what = request->add_option_group("grant", "Exactly one of");
  struct Kind {
    const char* flag;
    const char* name;
    const char* help;
  };
  static constexpr Kind kKinds[] = {
      {"--membership", "membership",
       "A role for this principal (prn_...): with --role, and --org and "
       "--project as its scope needs"},
      {"--certificate", "certificate",
       "Map a certificate subject to this principal (prn_...): with "
       "--subject"},
      {"--client-ca", "client-ca", "Set this organisation's (org_...) client CA: with --ca-file"},
      {"--identity-provider", "identity-provider",
       "Set this organisation's (org_...) identity provider: with --issuer, "
       "--audience and --jwks-file"},
      {"--act-for", "act-for",
       "Let this service account (prn_...) act for users of its "
       "organisation"},
      {"--service-token", "service-token",
       "A token for this service account (prn_...): with --ttl"},
  };
  for (const Kind& kind : kKinds) {
    what->add_option(kind.flag, a.grant_target, kind.help)
        ->each([&a, name = std::string(kind.name)](const std::string&) { a.grant_kind = name; });
  }
  what->require_option(1);
  request->add_option("--role", a.role, kRolesHelp);
  request->add_option("--org", a.org, "--membership: organisation of the scope (org_...)");
  request->add_option("--project", a.project, "--membership: project of the scope (prj_...)");
  request->add_option("--subject", a.subject, "--certificate: the subject in RFC 2253 form");
  request->add_option("--ca-file", a.ca_file, "--client-ca: CA certificate(s), PEM");
  request->add_option("--issuer", a.issuer, "--identity-provider: the exact iss of its ID tokens");
  request->add_option("--audience", a.audience,
                      "--identity-provider: the aud they name (this vault's "
                      "client id at the provider)");
  request->add_option("--jwks-file", a.jwks_file,
                      "--identity-provider: the provider's JWKS (from its "
                      "jwks_uri)");
  request->add_option("--principal-id-claim", a.principal_id_claim,
                      "--identity-provider: the claim naming the Hoidla "
                      "principal id (default sub)");
  request
      ->add_option("--ttl", a.ttl,
                   "--service-token: lifetime, seconds or a number with "
                   "suffix s, m, h or d (at most a year)")
      ->check(TtlValidator());
  request->add_option("--justification", a.justification,
                      "Why (shown to the approver; no client data), at most "
                      "500 characters");
  request->preparse_callback([selection, &a](size_t) {
    selection->prepare = [&a] {
      if (!a.ca_file.empty()) {
        if (int rc = LoadFileArg("--ca-file", a.ca_file, &a.ca_pem); rc != 0) return rc;
      }
      if (!a.jwks_file.empty()) {
        if (int rc = LoadFileArg("--jwks-file", a.jwks_file, &a.jwks_json); rc != 0) {
          return rc;
        }
      }
      hoidla::v1::GrantRequest unused;
      return GrantRequestArg(a, &unused);
    };
  });

  CLI::App* approve = Leaf(grant, "approve",
                           "Approve and apply a pending request (a head of its organisation who "
                           "is neither its requester nor the account it is for); prints it",
                           selection, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::ApproveGrantRequestRequest req;
                             req.set_id(a.id);
                             return Show(g, vc.ApproveGrantRequest(req), &PrintGrantRequest);
                           });
  approve->add_option("ID", a.id, "Grant request id (grq_...)")->required();

  CLI::App* deny = Leaf(grant, "deny",
                        "Deny a pending request (an approver), or withdraw your own; a denied "
                        "service-account token is revoked. Prints the request",
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::DenyGrantRequestRequest req;
                          req.set_id(a.id);
                          req.set_note(a.note);
                          return Show(g, vc.DenyGrantRequest(req), &PrintGrantRequest);
                        });
  deny->add_option("ID", a.id, "Grant request id (grq_...)")->required();
  deny->add_option("--note", a.note, "Why, at most 500 characters");

  CLI::App* get =
      Leaf(grant, "get", "Show a grant request", selection, [&g, &a](const VaultClient& vc) {
        hoidla::v1::GetGrantRequestRequest req;
        req.set_id(a.id);
        return Show(g, vc.GetGrantRequest(req), &PrintGrantRequest);
      });
  get->add_option("ID", a.id, "Grant request id (grq_...)")->required();

  CLI::App* list = Leaf(grant, "list",
                        "List an organisation's grant requests, newest first: id, state, "
                        "grant, principal, details, requested by, requested at",
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListGrantRequestsRequest req;
                          req.set_organization_id(a.org);
                          req.set_state(ParseGrantRequestState(a.state));
                          SetPaging(a.paging, &req);
                          return ShowList(g, vc.ListGrantRequests(req), &PrintGrantRequests);
                        });
  list->add_option("--org", a.org, "Organisation id (org_...)")->required();
  list->add_option("--state", a.state,
                   "Only requests in this state (pending: what awaits "
                   "approval)")
      ->check(CLI::IsMember({"pending", "approved", "applied", "denied", "withdrawn", "expired"}));
  AddPaging(list, &a.paging);
}

}  // namespace hoidla::vaultctl
