// `vaultctl project create|get|list`: the projects of an organisation.
#include <string>

#include "CLI/CLI.hpp"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `project ...`; only one subcommand runs, so they share fields.
struct ProjectOptions {
  std::string id;
  std::string org;
  std::string name;
  std::string description;
  std::string case_visibility;
  bool accepts_reports = false;
  Paging paging;
};

// Maps --case-visibility of `project create` to the enum (empty: unset).
hoidla::v1::CaseVisibility ParseCaseVisibility(const std::string& text) {
  if (text == "assigned" || text == "assigned_cases")
    return hoidla::v1::CASE_VISIBILITY_ASSIGNED_CASES;
  if (text == "whole_project") return hoidla::v1::CASE_VISIBILITY_WHOLE_PROJECT;
  return hoidla::v1::CASE_VISIBILITY_UNSPECIFIED;
}

}  // namespace

void AddProjectCommands(CLI::App* app, const Globals& g, Selection* selection) {
  ProjectOptions& a = NewOptions<ProjectOptions>(selection);
  CLI::App* project = app->add_subcommand("project", "Projects of an organisation");
  project->require_subcommand(1);

  CLI::App* create =
      Leaf(project, "create", "Create a project (prints its id first)", selection,
           [&g, &a](const VaultClient& vc) {
             hoidla::v1::CreateProjectRequest req;
             req.mutable_project()->set_organization_id(a.org);
             req.mutable_project()->set_name(a.name);
             req.mutable_project()->set_description(a.description);
             req.mutable_project()->set_case_visibility(ParseCaseVisibility(a.case_visibility));
             req.mutable_project()->set_accepts_concern_reports(a.accepts_reports);
             return Show(g, vc.CreateProject(req), &PrintProject);
           });
  create->add_option("--org", a.org, "Organisation id (org_...)")->required();
  create->add_option("--name", a.name, "Project name")->required();
  create->add_option("--description", a.description, "Free-text description");
  create
      ->add_option("--case-visibility", a.case_visibility,
                   "Which cases a case worker sees: assigned (the cases "
                   "assigned to them) or whole_project (default: the "
                   "server's, assigned)")
      ->check(CLI::IsMember({"assigned", "assigned_cases", "whole_project"}));
  create->add_flag("--accepts-reports", a.accepts_reports,
                   "The project is an intake: partner agencies may report "
                   "concerns to it");

  CLI::App* get =
      Leaf(project, "get", "Show a project", selection, [&g, &a](const VaultClient& vc) {
        hoidla::v1::GetProjectRequest req;
        req.set_id(a.id);
        return Show(g, vc.GetProject(req), &PrintProject);
      });
  get->add_option("ID", a.id, "Project id (prj_...)")->required();

  CLI::App* list =
      Leaf(project, "list", "List an organisation's projects: id, org, name, case visibility",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::ListProjectsRequest req;
             req.set_organization_id(a.org);
             SetPaging(a.paging, &req);
             return ShowList(g, vc.ListProjects(req), &PrintProjects);
           });
  list->add_option("--org", a.org, "Organisation id (org_...)")->required();
  AddPaging(list, &a.paging);
}

}  // namespace hoidla::vaultctl
