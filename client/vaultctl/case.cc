// `vaultctl case create|get|assign|close|reopen|network|list|deadlines`:
// cases, one client's case in one project, their lifecycle, network and
// deadlines.
#include <cstdint>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"
#include "client/vaultctl_record.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `case ...`; only one subcommand runs, so they share fields.
struct CaseOptions {
  std::string id;
  std::string project;
  std::string client;
  std::string case_id;  // deadlines --case
  std::string title;
  std::string worker;
  std::string origin;
  std::string reporter_name;
  std::string reporter_contact;
  std::string linked_case;
  std::string reason;
  std::string referred_to;
  std::string follow_up;
  std::string note;
  std::vector<std::string> network_add;
  std::vector<std::string> network_remove;
  int32_t within_days = 0;
  Paging paging;
};

}  // namespace

void AddCaseCommands(CLI::App* app, const Globals& g, Selection* selection) {
  CaseOptions& a = NewOptions<CaseOptions>(selection);
  CLI::App* cases = app->add_subcommand("case", "Cases: one client's case in one project");
  cases->require_subcommand(1);

  CLI::App* create = Leaf(cases, "create", "Open a case (prints its id first)", selection,
                          [&g, &a](const VaultClient& vc) {
                            hoidla::v1::CreateCaseRequest req;
                            req.mutable_case_()->set_project_id(a.project);
                            req.mutable_case_()->set_client_id(a.client);
                            req.mutable_case_()->set_title(a.title);
                            req.mutable_case_()->set_assigned_worker_id(a.worker);
                            req.mutable_case_()->set_origin(ParseCaseOrigin(a.origin));
                            req.mutable_case_()->set_reporter_name(a.reporter_name);
                            req.mutable_case_()->set_reporter_contact(a.reporter_contact);
                            req.mutable_case_()->set_linked_case_id(a.linked_case);
                            return Show(g, vc.CreateCase(req), &PrintCase);
                          });
  create->add_option("--project", a.project, "Project id (prj_...)")->required();
  create->add_option("--client", a.client, "Client id (cli_...)")->required();
  create->add_option("--title", a.title, "Case title")->required();
  create->add_option("--assigned-worker", a.worker,
                     "Assign the case to this case worker (prn_...); default: "
                     "the creator if a case worker, else unassigned");
  create
      ->add_option("--origin", a.origin,
                   "How the case came: application (default) or "
                   "third_party_report (someone reported a concern)")
      ->check(CLI::IsMember({"application", "third_party_report"}));
  create->add_option("--reporter-name", a.reporter_name,
                     "third_party_report: who reported the concern (withheld "
                     "from the client and partner agencies)");
  create->add_option("--reporter-contact", a.reporter_contact,
                     "third_party_report: how to reach the reporter");
  create->add_option("--linked-case", a.linked_case,
                     "The client's earlier, closed case in the project that "
                     "this one continues (cas_...)");

  CLI::App* get = Leaf(cases, "get", "Show a case", selection, [&g, &a](const VaultClient& vc) {
    hoidla::v1::GetCaseRequest req;
    req.set_id(a.id);
    return Show(g, vc.GetCase(req), &PrintCase);
  });
  get->add_option("ID", a.id, "Case id (cas_...)")->required();

  CLI::App* assign = Leaf(cases, "assign",
                          "Assign a case to a worker of its project, or transfer it (the previous "
                          "worker's access ends)",
                          selection, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::AssignCaseRequest req;
                            req.set_id(a.id);
                            req.set_worker_id(a.worker);
                            return Show(g, vc.AssignCase(req), &PrintCase);
                          });
  assign->add_option("CASE_ID", a.id, "Case id (cas_...)")->required();
  assign
      ->add_option("--worker", a.worker,
                   "Principal id (prn_...) of a case worker or project "
                   "manager of the case's project")
      ->required();

  CLI::App* close = Leaf(cases, "close",
                         "Close a case (read-only from then on; the retention clock starts; "
                         "exit 19 FAILED_PRECONDITION when it is closed already)",
                         selection, [&g, &a](const VaultClient& vc) {
                           hoidla::v1::CloseCaseRequest req;
                           req.set_id(a.id);
                           req.set_reason(ParseClosingReason(a.reason));
                           req.set_referred_to_organization_id(a.referred_to);
                           req.set_follow_up_record_id(a.follow_up);
                           req.set_note(a.note);
                           return Show(g, vc.CloseCase(req), &PrintCase);
                         });
  close->add_option("CASE_ID", a.id, "Case id (cas_...)")->required();
  close->add_option("--reason", a.reason, "How the case closed")
      ->required()
      ->check(CLI::IsMember({"referral", "transfer", "terminated_by_client", "time_limit",
                             "goals_met", "impossible"}));
  close->add_option("--referred-to", a.referred_to,
                    "referral: the organisation referred to (org_...)");
  close->add_option("--follow-up", a.follow_up,
                    "The follow-up evaluation, a plan_evaluation record of "
                    "the case (rec_...)");
  close->add_option("--note", a.note, "A note on the closing");

  CLI::App* reopen = Leaf(cases, "reopen",
                          "Reopen a closed case when the client returns (the retention clock "
                          "stops; exit 19 FAILED_PRECONDITION when it is open)",
                          selection, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::ReopenCaseRequest req;
                            req.set_id(a.id);
                            req.set_note(a.note);
                            return Show(g, vc.ReopenCase(req), &PrintCase);
                          });
  reopen->add_option("CASE_ID", a.id, "Case id (cas_...)")->required();
  reopen->add_option("--note", a.note, "A note on the reopening");

  CLI::App* network = Leaf(cases, "network",
                           "Add partner workers to, or remove principals from, a case's network "
                           "(whom case-network consents release to); prints the case",
                           selection, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::UpdateCaseNetworkRequest req;
                             req.set_id(a.id);
                             for (const auto& id : a.network_add) req.add_add_member_ids(id);
                             for (const auto& id : a.network_remove) req.add_remove_member_ids(id);
                             return Show(g, vc.UpdateCaseNetwork(req), &PrintCase);
                           });
  network->add_option("CASE_ID", a.id, "Case id (cas_...)")->required();
  network->add_option("--add", a.network_add, "Partner worker to add (prn_...), repeatable");
  network->add_option("--remove", a.network_remove, "Principal to remove (prn_...), repeatable");

  CLI::App* list = Leaf(cases, "list", "List cases: id, status, client, title, assigned worker",
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListCasesRequest req;
                          if (!a.client.empty()) req.set_client_id(a.client);
                          if (!a.project.empty()) req.set_project_id(a.project);
                          SetPaging(a.paging, &req);
                          return ShowList(g, vc.ListCases(req), &PrintCases);
                        });
  CLI::Option_group* scope = list->add_option_group("scope", "Exactly one of");
  scope->add_option("--client", a.client, "Cases of this client (cli_...)");
  scope->add_option("--project", a.project, "Cases in this project (prj_...)");
  scope->require_option(1);
  AddPaging(list, &a.paging);

  CLI::App* deadlines = Leaf(cases, "deadlines",
                             "List what is overdue or due soon in the open cases of a project, or "
                             "in one case, soonest first: due date, kind, overdue or due, case, "
                             "record, detail",
                             selection, [&g, &a](const VaultClient& vc) {
                               hoidla::v1::ListDeadlinesRequest req;
                               if (!a.project.empty()) req.set_project_id(a.project);
                               if (!a.case_id.empty()) req.set_case_id(a.case_id);
                               req.set_within_days(a.within_days);
                               return ShowList(g, vc.ListDeadlines(req), &PrintDeadlines);
                             });
  CLI::Option_group* in = deadlines->add_option_group("scope", "Exactly one of");
  in->add_option("--project", a.project, "The open cases of this project (prj_...)");
  in->add_option("--case", a.case_id, "This case (cas_...)");
  in->require_option(1);
  deadlines->add_option("--within-days", a.within_days,
                        "How far ahead \"due soon\" reaches, in days (0 to "
                        "366; default 14)");
}

}  // namespace hoidla::vaultctl
