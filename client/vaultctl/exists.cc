// `vaultctl exists`: whether a record or document of a kind exists for a
// person, where a consent lets the caller's organisation ask.
#include <string>

#include "CLI/CLI.hpp"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `exists`.
struct ExistsOptions {
  std::string kind;
  std::string personal_code;
  std::string client;
};

}  // namespace

void AddExistsCommand(CLI::App* app, const Globals& g, Selection* selection) {
  ExistsOptions& a = NewOptions<ExistsOptions>(selection);
  CLI::App* exists = Leaf(app, "exists",
                          "Ask whether a record or document of a kind exists for a person, where "
                          "a consent lets your organisation ask for --purpose (prints exists: "
                          "true|false and the organisation and client ids)",
                          selection, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::QueryRecordExistenceRequest req;
                            req.set_kind(a.kind);
                            if (!a.personal_code.empty() && !a.client.empty()) {
                              return UsageError("--personal-code and --client: give exactly one");
                            }
                            if (!a.personal_code.empty()) req.set_personal_code(a.personal_code);
                            if (!a.client.empty()) req.set_client_id(a.client);
                            return Show(g, vc.QueryRecordExistence(req), &PrintRecordExistence);
                          });
  exists->add_option("--kind", a.kind, "Record or document kind, e.g. case_plan")->required();
  CLI::Option_group* who = exists->add_option_group("person", "Exactly one of");
  who->add_option("--personal-code", a.personal_code, "The person's Estonian personal code");
  who->add_option("--client", a.client, "Client id (cli_...)");
  who->require_option(1);
}

}  // namespace hoidla::vaultctl
