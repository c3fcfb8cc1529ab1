// `vaultctl retention schedule create|update|get|list|resolve`,
// `retention hold place|get|list` and `retention release`: an
// organisation's retention schedules and legal holds (doc/retention.md).
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "CLI/CLI.hpp"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `retention ...`; only one subcommand runs, so they share fields.
struct RetentionOptions {
  std::string id;
  std::string org;
  std::string project;
  std::string item;
  std::string kind;
  std::string trigger;
  std::string action;
  std::string basis;
  int32_t years = 0;
  int32_t months = 0;
  int32_t days = 0;
  uint32_t version = 0;
  std::string client, kase, record, document;  // a hold's target
  std::string reason;
  bool active = false;
  Paging paging;
};

// The enum value a flag's word names, the reverse of vaultctl_format's
// output ("case_closed" with prefix "RETENTION_TRIGGER_" is
// RETENTION_TRIGGER_CASE_CLOSED). An unknown word is the UNSPECIFIED value,
// which the server refuses naming the field; the flags' IsMember checks
// come first.
template <typename E>
E FromWord(const std::string& word, std::string_view prefix,
           bool (*parse)(const std::string&, E*)) {
  std::string name(prefix);
  for (char c : word)
    name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  E value{};
  return parse(name, &value) ? value : E{};
}

hoidla::v1::RetentionItemType ItemType(const std::string& s) {
  return FromWord(s, "RETENTION_ITEM_TYPE_", &hoidla::v1::RetentionItemType_Parse);
}
hoidla::v1::RetentionTrigger Trigger(const std::string& s) {
  return FromWord(s, "RETENTION_TRIGGER_", &hoidla::v1::RetentionTrigger_Parse);
}
hoidla::v1::RetentionAction ActionOf(const std::string& s) {
  return FromWord(s, "RETENTION_ACTION_", &hoidla::v1::RetentionAction_Parse);
}

// The rule of `a` (trigger, period, action, basis) into `s`.
void SetRule(const RetentionOptions& a, hoidla::v1::RetentionSchedule* s) {
  s->set_trigger(Trigger(a.trigger));
  s->mutable_period()->set_years(a.years);
  s->mutable_period()->set_months(a.months);
  s->mutable_period()->set_days(a.days);
  s->set_action(ActionOf(a.action));
  s->set_basis(a.basis);
}

// --trigger, --years/--months/--days, --action and --basis.
void AddRuleOptions(CLI::App* sub, RetentionOptions& a) {
  sub->add_option("--trigger", a.trigger, "What the period is counted from")
      ->required()
      ->check(CLI::IsMember({"case_closed", "consent_ended", "created", "last_activity"}));
  sub->add_option("--years", a.years, "Period: years");
  sub->add_option("--months", a.months, "Period: months");
  sub->add_option("--days", a.days, "Period: days (no period with --action keep)");
  sub->add_option("--action", a.action, "What happens when the period has run")
      ->required()
      ->check(CLI::IsMember({"review", "destroy", "keep"}));
  sub->add_option("--basis", a.basis, "The law, contract or decision the rule follows");
}

void AddScheduleCommands(CLI::App* retention, const Globals& g, Selection* selection,
                         RetentionOptions& a) {
  CLI::App* schedule =
      retention->add_subcommand("schedule", "Retention schedules: one rule per scope, versioned");
  schedule->require_subcommand(1);

  CLI::App* create =
      Leaf(schedule, "create",
           "Create the schedule of a scope (organisation, project or every "
           "project, item type, kind or every kind); prints it, id first",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::CreateRetentionScheduleRequest req;
             auto* s = req.mutable_schedule();
             s->set_organization_id(a.org);
             s->set_project_id(a.project);
             s->set_item_type(ItemType(a.item));
             s->set_kind(a.kind);
             SetRule(a, s);
             return Show(g, vc.CreateRetentionSchedule(req), &PrintRetentionSchedule);
           });
  create->add_option("--org", a.org, "Organisation id (org_...)")->required();
  create->add_option("--project", a.project, "Project id (prj_...); default: every project");
  create->add_option("--item", a.item, "Item type")
      ->required()
      ->check(CLI::IsMember({"record", "document", "consent"}));
  create->add_option("--kind", a.kind, "Record or document kind; default: every kind");
  AddRuleOptions(create, a);

  CLI::App* update =
      Leaf(schedule, "update",
           "Write the next version of a schedule's rule (its scope stays); "
           "prints it",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::UpdateRetentionScheduleRequest req;
             req.set_id(a.id);
             req.set_expected_version(a.version);
             SetRule(a, req.mutable_schedule());
             return Show(g, vc.UpdateRetentionSchedule(req), &PrintRetentionSchedule);
           });
  update->add_option("SCHEDULE_ID", a.id, "Schedule id (rsc_...)")->required();
  update->add_option("--expected-version", a.version, "The version the change is based on")
      ->required();
  AddRuleOptions(update, a);

  CLI::App* get = Leaf(schedule, "get", "Show a version of a schedule", selection,
                       [&g, &a](const VaultClient& vc) {
                         hoidla::v1::GetRetentionScheduleRequest req;
                         req.set_id(a.id);
                         req.set_version(a.version);
                         return Show(g, vc.GetRetentionSchedule(req), &PrintRetentionSchedule);
                       });
  get->add_option("SCHEDULE_ID", a.id, "Schedule id (rsc_...)")->required();
  get->add_option("--version", a.version, "Version to show (default: the newest)");

  CLI::App* list =
      Leaf(schedule, "list",
           "List an organisation's schedules (newest versions): id, version, "
           "project, item type, kind, trigger, period, action",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::ListRetentionSchedulesRequest req;
             req.set_organization_id(a.org);
             SetPaging(a.paging, &req);
             return ShowList(g, vc.ListRetentionSchedules(req), &PrintRetentionSchedules);
           });
  list->add_option("--org", a.org, "Organisation id (org_...)")->required();
  AddPaging(list, &a.paging);

  CLI::App* resolve =
      Leaf(schedule, "resolve",
           "Show the schedule that decides an item: the most specific of "
           "(project, kind), (project), (kind), (organisation)",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::ResolveRetentionScheduleRequest req;
             req.set_organization_id(a.org);
             req.set_project_id(a.project);
             req.set_item_type(ItemType(a.item));
             req.set_kind(a.kind);
             return Show(g, vc.ResolveRetentionSchedule(req), &PrintRetentionSchedule);
           });
  resolve->add_option("--org", a.org, "Organisation id (org_...)")->required();
  resolve->add_option("--project", a.project, "The project that holds the item");
  resolve->add_option("--item", a.item, "Item type")
      ->required()
      ->check(CLI::IsMember({"record", "document", "consent"}));
  resolve->add_option("--kind", a.kind, "The item's kind");
}

void AddHoldCommands(CLI::App* retention, const Globals& g, Selection* selection,
                     RetentionOptions& a) {
  CLI::App* hold = retention->add_subcommand(
      "hold", "Legal holds: what they cover is never disposed of or erased while active");
  hold->require_subcommand(1);

  CLI::App* place = Leaf(hold, "place",
                         "Place a hold on one client, case, record, document or project; "
                         "prints it, id first",
                         selection, [&g, &a](const VaultClient& vc) {
                           hoidla::v1::PlaceLegalHoldRequest req;
                           auto* h = req.mutable_hold();
                           if (!a.client.empty()) h->set_client_id(a.client);
                           if (!a.kase.empty()) h->set_case_id(a.kase);
                           if (!a.record.empty()) h->set_record_id(a.record);
                           if (!a.document.empty()) h->set_document_id(a.document);
                           if (!a.project.empty()) h->set_project_id(a.project);
                           h->set_reason(a.reason);
                           return Show(g, vc.PlaceLegalHold(req), &PrintLegalHold);
                         });
  CLI::Option_group* target = place->add_option_group("target", "What the hold covers");
  target->add_option("--client", a.client, "Client id (cli_...)");
  target->add_option("--case", a.kase, "Case id (cas_...)");
  target->add_option("--record", a.record, "Record id (rec_...)");
  target->add_option("--document", a.document, "Document id (doc_...)");
  target->add_option("--project", a.project, "Project id (prj_...)");
  target->require_option(1);
  place->add_option("--reason", a.reason, "The matter or request the hold serves")->required();

  CLI::App* get = Leaf(hold, "get", "Show a hold", selection, [&g, &a](const VaultClient& vc) {
    hoidla::v1::GetLegalHoldRequest req;
    req.set_id(a.id);
    return Show(g, vc.GetLegalHold(req), &PrintLegalHold);
  });
  get->add_option("HOLD_ID", a.id, "Hold id (lgh_...)")->required();

  CLI::App* list = Leaf(hold, "list",
                        "List an organisation's holds: id, active or lifted, target, placed "
                        "at, placed by",
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListLegalHoldsRequest req;
                          req.set_organization_id(a.org);
                          req.set_active_only(a.active);
                          SetPaging(a.paging, &req);
                          return ShowList(g, vc.ListLegalHolds(req), &PrintLegalHolds);
                        });
  list->add_option("--org", a.org, "Organisation id (org_...)")->required();
  list->add_flag("--active", a.active, "Only holds not lifted");
  AddPaging(list, &a.paging);
}

}  // namespace

void AddRetentionCommands(CLI::App* app, const Globals& g, Selection* selection) {
  RetentionOptions& a = NewOptions<RetentionOptions>(selection);
  CLI::App* retention =
      app->add_subcommand("retention", "Retention schedules and legal holds (doc/retention.md)");
  retention->require_subcommand(1);
  AddScheduleCommands(retention, g, selection, a);
  AddHoldCommands(retention, g, selection, a);

  CLI::App* release = Leaf(retention, "release", "Lift a legal hold, with a reason; prints it",
                           selection, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::LiftLegalHoldRequest req;
                             req.set_id(a.id);
                             req.set_reason(a.reason);
                             return Show(g, vc.LiftLegalHold(req), &PrintLegalHold);
                           });
  release->add_option("HOLD_ID", a.id, "Hold id (lgh_...)")->required();
  release->add_option("--reason", a.reason, "Why the hold ends")->required();
}

}  // namespace hoidla::vaultctl
