// `vaultctl client create|get|find|list|export`: clients (data subjects),
// and the answer to a subject access request.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `client ...`; only one subcommand runs, so they share fields.
struct ClientOptions {
  std::string id;
  std::string org;
  std::vector<std::string> projects;  // create --project, repeatable
  std::string project;                // list --project
  std::string given_name;
  std::string family_name;
  std::string personal_code;
  std::string no_code_reason;
  std::string birth_date;
  std::string output;
  std::string reason;  // erase --reason
  Paging paging;
};

// Parses YYYY-MM-DD (ranges are checked by the server).
bool ParseDate(const std::string& text, hoidla::v1::Date* date) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      parts[p] = parts[p] * 10 + (text[i] - '0');
    }
  }
  date->set_year(parts[0]);
  date->set_month(parts[1]);
  date->set_day(parts[2]);
  return true;
}

int RunClientExport(const Globals& /*g*/, const ClientOptions& a, const VaultClient& vc) {
  hoidla::v1::ExportSubjectDataRequest req;
  req.set_client_id(a.id);
  absl::StatusOr<hoidla::v1::SubjectDataExport> data = vc.ExportSubjectData(req);
  if (!data.ok()) return RpcError(data.status());
  // The export is protobuf JSON with or without --json.
  if (a.output.empty() || a.output == "-") {
    if (absl::Status s = PrintJson(*data, std::cout); !s.ok()) return RpcError(s);
    return Finish();
  }
  std::ostringstream json;
  if (absl::Status s = PrintJson(*data, json); !s.ok()) return RpcError(s);
  // The client's personal data: readable by the owner only.
  if (absl::Status s = WriteFileAtomically("--output", a.output, json.str(), 0600); !s.ok()) {
    return RpcError(s);
  }
  PrintSubjectDataExportSummary(*data, std::cout);
  std::cout << "output: " << Escape(a.output) << '\n';
  return Finish();
}

}  // namespace

void AddClientCommands(CLI::App* app, const Globals& g, Selection* selection) {
  ClientOptions& a = NewOptions<ClientOptions>(selection);
  CLI::App* client = app->add_subcommand("client", "Clients (data subjects)");
  client->require_subcommand(1);

  CLI::App* create =
      Leaf(client, "create", "Register a client (prints the new id first)", selection,
           [&g, &a](const VaultClient& vc) {
             hoidla::v1::CreateClientRequest req;
             hoidla::v1::Client* c = req.mutable_client();
             c->set_organization_id(a.org);
             for (const std::string& p : a.projects) c->add_project_ids(p);
             c->set_given_name(a.given_name);
             c->set_family_name(a.family_name);
             c->set_personal_code(a.personal_code);
             c->set_no_personal_code_reason(a.no_code_reason);
             if (!a.birth_date.empty() && !ParseDate(a.birth_date, c->mutable_date_of_birth())) {
               return UsageError("--birth-date: expected YYYY-MM-DD");
             }
             return Show(g, vc.CreateClient(req), &PrintClient);
           });
  create->add_option("--org", a.org, "Organisation id (org_...)")->required();
  create->add_option("--project", a.projects, "Project id (prj_...); repeat for several")
      ->required();
  create->add_option("--given-name", a.given_name, "Given name")->required();
  create->add_option("--family-name", a.family_name, "Family name")->required();
  CLI::Option_group* code =
      create->add_option_group("identification", "One of (the server requires a code or a reason)");
  code->add_option("--personal-code", a.personal_code, "Estonian personal code (isikukood)");
  code->add_option("--no-code-reason", a.no_code_reason, "Why there is no personal code");
  code->require_option(0, 1);
  create->add_option("--birth-date", a.birth_date,
                     "Date of birth, YYYY-MM-DD (derived from the personal code if omitted)");

  CLI::App* get = Leaf(client, "get", "Show a client", selection, [&g, &a](const VaultClient& vc) {
    hoidla::v1::GetClientRequest req;
    req.set_id(a.id);
    return Show(g, vc.GetClient(req), &PrintClient);
  });
  get->add_option("ID", a.id, "Client id (cli_...)")->required();

  CLI::App* find = Leaf(client, "find", "Find a client of an organisation by personal code",
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::FindClientByPersonalCodeRequest req;
                          req.set_organization_id(a.org);
                          req.set_personal_code(a.personal_code);
                          return Show(g, vc.FindClientByPersonalCode(req), &PrintClient);
                        });
  find->add_option("--org", a.org, "Organisation id (org_...)")->required();
  find->add_option("--personal-code", a.personal_code, "Estonian personal code")->required();

  CLI::App* list = Leaf(client, "list",
                        "List clients: id, given name, family name, personal code, date of birth",
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListClientsRequest req;
                          if (!a.org.empty()) req.set_organization_id(a.org);
                          if (!a.project.empty()) req.set_project_id(a.project);
                          SetPaging(a.paging, &req);
                          return ShowList(g, vc.ListClients(req), &PrintClients);
                        });
  CLI::Option_group* scope = list->add_option_group("scope", "Exactly one of");
  scope->add_option("--org", a.org, "Clients of this organisation (org_...)");
  scope->add_option("--project", a.project, "Clients of this project (prj_...)");
  scope->require_option(1);
  AddPaging(list, &a.paging);

  CLI::App* exported =
      Leaf(client, "export",
           "Answer a subject access request: everything held on a client, closed "
           "cases included, as protobuf JSON (with -o, written to the file and "
           "summarised: the number of cases, records, documents, consents, "
           "disclosures and accesses)",
           selection, [&g, &a](const VaultClient& vc) { return RunClientExport(g, a, vc); });
  exported->add_option("CLIENT_ID", a.id, "Client id (cli_...)")->required();
  exported->add_option("-o,--output", a.output,
                       "Write the export to this file (mode 0600) instead "
                       "of standard output (\"-\": standard output)");

  CLI::App* erase = Leaf(client, "erase",
                         "Erase a client on request (GDPR Art. 17): every record, document, "
                         "consent and case of theirs and their key; prints the disposal "
                         "certificate (exit 19 FAILED_PRECONDITION naming the hold or schedule "
                         "that still applies)",
                         selection, [&g, &a](const VaultClient& vc) {
                           hoidla::v1::EraseClientRequest req;
                           req.set_client_id(a.id);
                           req.set_reason(a.reason);
                           return Show(g, vc.EraseClient(req), &PrintDisposalCertificate);
                         });
  erase->add_option("CLIENT_ID", a.id, "Client id (cli_...)")->required();
  erase
      ->add_option("--reason", a.reason,
                   "How the request came (date, channel); no client data: it is in the "
                   "certificate")
      ->required();
}

}  // namespace hoidla::vaultctl
