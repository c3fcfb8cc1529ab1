// `vaultctl retention schedule create|update|get|list|resolve`,
// `retention hold place|get|list`, `retention release`, the due list
// (`retention due|approve|postpone`), `retention sweep` and `retention
// certificate get|list|verify`: an organisation's retention schedules,
// legal holds and disposals (doc/retention.md).
#include <cctype>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_consent.h"
#include "client/vaultctl_format.h"
#include "google/protobuf/util/time_util.h"

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
  std::string until;       // postpone --until (RFC 3339)
  std::string output;      // certificate get --output
  std::string file;        // certificate verify CERTIFICATE_FILE
  std::string public_key;  // certificate verify --public-key
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

int ShowCertificate(const Globals& g, const RetentionOptions& a,
                    const absl::StatusOr<hoidla::v1::DisposalCertificate>& result) {
  if (a.output.empty() || !result.ok()) return Show(g, result, &PrintDisposalCertificate);
  const absl::Status written =
      WriteFileAtomically("--output", a.output, result->signed_note(), 0600);
  if (g.json) {
    if (absl::Status s = PrintJson(*result, std::cout); !s.ok()) return RpcError(s);
  } else {
    PrintDisposalCertificate(*result, std::cout);
    if (written.ok()) std::cout << "certificate_output: " << Escape(a.output) << '\n';
  }
  if (!written.ok()) {
    std::cout.flush();
    return RpcError(written);
  }
  return Finish();
}

int RunCertificateVerify(const RetentionOptions& a) {
  int exit_code = 0;
  std::optional<std::vector<keys::NoteVerifier>> verifiers =
      LoadVerifierKeys(a.public_key, &exit_code);
  if (!verifiers) return exit_code;
  absl::StatusOr<std::string> note = ReadWholeFile("CERTIFICATE_FILE", a.file);
  if (!note.ok()) return UsageError(View(note.status().message()));
  absl::StatusOr<std::vector<ReceiptField>> fields = OpenDisposalCertificate(*verifiers, *note);
  if (!fields.ok()) return RpcError(fields.status());
  PrintReceiptFields(*fields, std::cout);
  return Finish();
}

void AddDisposalCommands(CLI::App* retention, const Globals& g, Selection* selection,
                         RetentionOptions& a) {
  CLI::App* due = Leaf(retention, "due",
                       "The due list: items whose period ran under a review schedule, awaiting a "
                       "decision or postponed (item, type, kind, client, due at, state, held)",
                       selection, [&g, &a](const VaultClient& vc) {
                         hoidla::v1::ListDueDisposalsRequest req;
                         req.set_organization_id(a.org);
                         SetPaging(a.paging, &req);
                         return ShowList(g, vc.ListDueDisposals(req), &PrintDueDisposals);
                       });
  due->add_option("--org", a.org, "Organisation id (org_...)")->required();
  AddPaging(due, &a.paging);

  CLI::App* approve = Leaf(retention, "approve",
                           "Approve the destruction of an item of the due list (the next sweep "
                           "destroys it unless a hold applies then); prints it",
                           selection, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::ApproveDisposalRequest req;
                             req.set_item_id(a.id);
                             req.set_reason(a.reason);
                             return Show(g, vc.ApproveDisposal(req), &PrintDueDisposal);
                           });
  approve->add_option("ITEM_ID", a.id, "Record, document or consent id (rec_..., doc_..., cns_...)")
      ->required();
  approve->add_option("--reason", a.reason, "Why nothing needs it any more")->required();

  CLI::App* postpone =
      Leaf(retention, "postpone",
           "Postpone the decision on an item of the due list until a date; prints it", selection,
           [&g, &a](const VaultClient& vc) {
             hoidla::v1::PostponeDisposalRequest req;
             req.set_item_id(a.id);
             req.set_reason(a.reason);
             if (!google::protobuf::util::TimeUtil::FromString(a.until, req.mutable_until())) {
               return UsageError("--until: not an RFC 3339 time (2027-06-01T00:00:00Z)");
             }
             return Show(g, vc.PostponeDisposal(req), &PrintDueDisposal);
           });
  postpone
      ->add_option("ITEM_ID", a.id, "Record, document or consent id (rec_..., doc_..., cns_...)")
      ->required();
  postpone->add_option("--reason", a.reason, "Why it is kept for now")->required();
  postpone->add_option("--until", a.until, "When it is due for review again (RFC 3339)")
      ->required();

  CLI::App* sweep = Leaf(retention, "sweep",
                         "Sweep an organisation now: destroy what is due and approved, put what "
                         "needs a review on the due list; prints what it did",
                         selection, [&g, &a](const VaultClient& vc) {
                           hoidla::v1::RunDisposalRequest req;
                           req.set_organization_id(a.org);
                           return Show(g, vc.RunDisposal(req), &PrintRunDisposal);
                         });
  sweep->add_option("--org", a.org, "Organisation id (org_...)")->required();

  CLI::App* certificate =
      retention->add_subcommand("certificate",
                                "Disposal certificates: signed proof of what was "
                                "destroyed, under which schedule, on whose approval");
  certificate->require_subcommand(1);
  CLI::App* get = Leaf(certificate, "get", "Show a certificate (its signed note with --output)",
                       selection, [&g, &a](const VaultClient& vc) {
                         hoidla::v1::GetDisposalCertificateRequest req;
                         req.set_id(a.id);
                         return ShowCertificate(g, a, vc.GetDisposalCertificate(req));
                       });
  get->add_option("CERTIFICATE_ID", a.id, "Certificate id (dct_...)")->required();
  get->add_option("-o,--output", a.output,
                  "Write the signed note (for `retention certificate verify`) to this file");
  CLI::App* list =
      Leaf(certificate, "list",
           "List an organisation's certificates: id, cause, completed at, run by, "
           "items destroyed",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::ListDisposalCertificatesRequest req;
             req.set_organization_id(a.org);
             SetPaging(a.paging, &req);
             return ShowList(g, vc.ListDisposalCertificates(req), &PrintDisposalCertificates);
           });
  list->add_option("--org", a.org, "Organisation id (org_...)")->required();
  AddPaging(list, &a.paging);
  CLI::App* verify = certificate->add_subcommand(
      "verify", "Verify a disposal certificate offline (no server) and print its fields");
  verify->callback(
      [selection, &a] { selection->offline = [&a] { return RunCertificateVerify(a); }; });
  verify->add_option("CERTIFICATE_FILE", a.file, "File from `retention certificate get -o`")
      ->required();
  verify
      ->add_option("--public-key", a.public_key,
                   "File of trusted verifier keys, one per line (as `audit public-keys` prints "
                   "them)")
      ->required();
}

}  // namespace

void AddRetentionCommands(CLI::App* app, const Globals& g, Selection* selection) {
  RetentionOptions& a = NewOptions<RetentionOptions>(selection);
  CLI::App* retention = app->add_subcommand(
      "retention", "Retention schedules, legal holds and disposal (doc/retention.md)");
  retention->require_subcommand(1);
  AddScheduleCommands(retention, g, selection, a);
  AddHoldCommands(retention, g, selection, a);
  AddDisposalCommands(retention, g, selection, a);

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
