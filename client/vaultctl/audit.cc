// `vaultctl audit public-keys|rotate-key|checkpoint|list|report|export|verify|
// watch`: the audit log, its signed checkpoints and export bundles, and
// their checks by a client that does not trust the vault (`audit verify`
// works offline; vaultctl_audit.h has the checks).
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_audit.h"
#include "client/vaultctl_format.h"
#include "google/protobuf/util/time_util.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `audit ...`; only one subcommand runs, so they share fields.
struct AuditOptions {
  std::string org;
  std::string project;
  std::string client;
  std::string actor;
  std::string method;
  std::string action;
  std::string from_time;
  std::string until_time;
  Paging paging;
  bool fresh = false;
  std::string output;
  uint64_t first_seq = 0;
  std::string file;  // verify BUNDLE
  std::string public_key;
  std::string state;
  int interval_seconds = 60;
  bool once = false;
};

int RunAuditCheckpoint(const Globals& g, const AuditOptions& a, const VaultClient& vc) {
  hoidla::v1::GetCheckpointRequest req;
  req.set_fresh(a.fresh);
  absl::StatusOr<hoidla::v1::Checkpoint> checkpoint = vc.GetCheckpoint(req);
  if (a.output.empty() || a.output == "-" || !checkpoint.ok()) {
    return Show(g, checkpoint, &PrintCheckpoint);
  }
  if (absl::Status s = WriteFileAtomically("--output", a.output, checkpoint->note()); !s.ok()) {
    return RpcError(s);
  }
  std::cout << "tree_size: " << checkpoint->tree_size() << '\n'
            << "root: " << HexString(checkpoint->root_hash()) << '\n';
  return Finish();
}

int RunAuditExport(const AuditOptions& a, const VaultClient& vc) {
  hoidla::v1::ExportAuditRequest req;
  req.set_first_seq(a.first_seq);
  req.set_fresh_checkpoint(a.fresh);
  req.set_organization_id(a.org);
  hoidla::v1::AuditBundle header;
  absl::StatusOr<int64_t> entries = vc.ExportAuditToFile(req, a.output, &header);
  if (!entries.ok()) return RpcError(entries.status());
  std::cout << "entries: " << *entries << '\n' << "tree_size: " << header.tree_size() << '\n';
  return Finish();
}

int RunAuditVerify(const AuditOptions& a) {
  int exit_code = 0;
  std::optional<std::vector<keys::NoteVerifier>> verifiers =
      LoadVerifierKeys(a.public_key, &exit_code);
  if (!verifiers) return exit_code;
  absl::StatusOr<std::string> bytes = ReadWholeFile("BUNDLE", a.file);
  if (!bytes.ok()) return UsageError(View(bytes.status().message()));
  absl::StatusOr<audit::BundleReport> report = VerifyBundleBytes(*bytes, *verifiers);
  if (!report.ok()) return RpcError(report.status());
  std::cout << "verified: " << report->verified << " entries";
  if (report->verified > 0) {
    std::cout << " (seq " << report->first_seq << ".." << report->first_seq + report->verified - 1
              << ")";
  }
  std::cout << " against checkpoint of size " << report->tree_size << ", root "
            << HexString(report->root) << '\n';
  return Finish();
}

// The default --state of `audit watch`: ~/.hoidla-audit-watch, or next to the
// key file when there is no home directory.
std::string DefaultWatchState(const std::string& public_key) {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return StrCat(std::string(home), "/.hoidla-audit-watch");
  return StrCat(public_key, ".watch");
}

// Failures of a watch round that a later round may not see again.
bool Transient(absl::StatusCode code) {
  return code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded ||
         code == absl::StatusCode::kResourceExhausted || code == absl::StatusCode::kAborted;
}

int RunAuditWatch(const AuditOptions& a, const VaultClient& vc) {
  int exit_code = 0;
  std::optional<std::vector<keys::NoteVerifier>> verifiers =
      LoadVerifierKeys(a.public_key, &exit_code);
  if (!verifiers) return exit_code;
  const std::string state = a.state.empty() ? DefaultWatchState(a.public_key) : a.state;
  std::optional<std::string> trusted;
  {
    std::error_code ec;
    const bool exists = std::filesystem::exists(state, ec);
    if (exists) {
      absl::StatusOr<std::string> note = ReadWholeFile("--state", state);
      if (!note.ok()) return UsageError(View(note.status().message()));
      trusted = *std::move(note);
    } else if (ec) {
      return UsageError(StrCat("--state: cannot access '", state, "': ", ec.message()));
    }
  }
  while (true) {
    absl::StatusOr<WatchResult> round = WatchRound(vc, *verifiers, trusted);
    if (!round.ok()) {
      if (a.once || !Transient(round.status().code())) return RpcError(round.status());
      std::cerr << "warning: " << CodeName(round.status().code()) << ": "
                << Escape(View(round.status().message())) << " (retrying in " << a.interval_seconds
                << "s)\n";
    } else {
      switch (round->kind) {
        case WatchResult::Kind::kFirst:
          std::cout << "trusted: " << round->new_size << " (first checkpoint, "
                    << "root " << HexString(round->new_root) << ")\n";
          break;
        case WatchResult::Kind::kUnchanged:
          std::cout << "unchanged: " << round->new_size << '\n';
          break;
        case WatchResult::Kind::kConsistent:
          std::cout << "consistent: " << round->old_size << " -> " << round->new_size << '\n';
          break;
      }
      if (round->kind != WatchResult::Kind::kUnchanged) {
        if (absl::Status s = WriteFileAtomically("--state", state, round->note); !s.ok()) {
          return RpcError(s);
        }
        trusted = round->note;
      }
      if (int rc = Finish(); rc != 0) return rc;
    }
    if (a.once) return 0;
    std::this_thread::sleep_for(std::chrono::seconds(a.interval_seconds));
  }
}

}  // namespace

void AddAuditCommands(CLI::App* app, const Globals& g, Selection* selection) {
  AuditOptions& a = NewOptions<AuditOptions>(selection);
  CLI::App* audit =
      app->add_subcommand("audit",
                          "Audit log integrity: signed checkpoints, export bundles and their "
                          "verification");
  audit->require_subcommand(1);

  Leaf(audit, "public-keys",
       "Print the checkpoint verifier keys, one per line, oldest first (save "
       "them for --public-key)",
       selection, [&g](const VaultClient& vc) {
         return Show(g, vc.GetAuditPublicKeys(), &PrintAuditPublicKeys);
       });
  Leaf(audit, "rotate-key",
       "Add and activate a new checkpoint signing key (prints the verifier "
       "keys)",
       selection, [&g](const VaultClient& vc) {
         return Show(g, vc.RotateAuditSigningKey(), &PrintAuditPublicKeys);
       });

  CLI::App* checkpoint =
      Leaf(audit, "checkpoint", "Print the newest signed checkpoint (a C2SP signed note)",
           selection, [&g, &a](const VaultClient& vc) { return RunAuditCheckpoint(g, a, vc); });
  checkpoint->add_flag("--fresh", a.fresh, "Sign a checkpoint of the current tree head first");
  checkpoint->add_option("-o,--output", a.output,
                         "Write the note to this file instead (prints its "
                         "tree size and root)");

  CLI::App* list =
      Leaf(audit, "list", "List audit entries matching every filter given, newest first", selection,
           [&g, &a](const VaultClient& vc) {
             hoidla::v1::ListAuditEntriesRequest req;
             req.set_organization_id(a.org);
             req.set_project_id(a.project);
             req.set_client_id(a.client);
             req.set_actor(a.actor);
             req.set_method(a.method);
             req.set_action(a.action);
             for (auto [text, field, name] :
                  {std::tuple{&a.from_time, req.mutable_from(), "--from-time"},
                   std::tuple{&a.until_time, req.mutable_until(), "--until-time"}}) {
               if (text->empty()) continue;
               if (!google::protobuf::util::TimeUtil::FromString(*text, field)) {
                 return UsageError(StrCat(name, ": not an RFC 3339 time"));
               }
             }
             if (a.from_time.empty()) req.clear_from();
             if (a.until_time.empty()) req.clear_until();
             SetPaging(a.paging, &req);
             return ShowList(g, vc.ListAuditEntries(req), &PrintAuditEntries);
           });
  list->add_option("--org", a.org,
                   "Organisation (org_...): required for an organisation's "
                   "auditors and data protection officers");
  list->add_option("--project", a.project, "Only entries of this project");
  list->add_option("--client", a.client, "Only entries about this client");
  list->add_option("--actor", a.actor, "Only entries by this principal");
  list->add_option("--method", a.method, "Only calls of this RPC");
  list->add_option("--action", a.action,
                   "Only decisions on this policy action, e.g. "
                   "download_document");
  list->add_option("--from-time", a.from_time, "From this time on (RFC 3339, inclusive)");
  list->add_option("--until-time", a.until_time, "Before this time (RFC 3339, exclusive)");
  AddPaging(list, &a.paging);

  CLI::App* report = Leaf(audit, "report",
                          "A client's access report (\"who saw my data\"), newest first; "
                          "protected third parties are withheld",
                          selection, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::GetAccessReportRequest req;
                            req.set_client_id(a.client);
                            SetPaging(a.paging, &req);
                            return ShowList(g, vc.GetAccessReport(req), &PrintAccessReport);
                          });
  report->add_option("--client", a.client, "Client id (cli_...)")->required();
  AddPaging(report, &a.paging);

  CLI::App* exp = Leaf(audit, "export",
                       "Export the entries from --from to a signed checkpoint, with their "
                       "inclusion proofs, as a bundle file for `audit verify`",
                       selection, [&a](const VaultClient& vc) { return RunAuditExport(a, vc); });
  exp->add_option("-o,--output", a.output,
                  "Bundle file (written as FILE.part, renamed when complete)")
      ->required();
  exp->add_option("--from", a.first_seq, "First entry to export (default 0)");
  exp->add_option("--org", a.org,
                  "Only this organisation's entries (required for an "
                  "organisation's auditor)");
  exp->add_flag("--fresh", a.fresh,
                "Sign a checkpoint of the current tree head first (else the "
                "newest)");

  CLI::App* verify = audit->add_subcommand("verify",
                                           "Verify an export bundle offline (no server): the "
                                           "checkpoint's signature and every entry");
  verify->callback([selection, &a] { selection->offline = [&a] { return RunAuditVerify(a); }; });
  verify->add_option("BUNDLE", a.file, "Bundle file from `audit export`")->required();
  verify
      ->add_option("--public-key", a.public_key,
                   "File of trusted verifier keys, one per line (as `audit "
                   "public-keys` prints them)")
      ->required();

  CLI::App* watch = Leaf(audit, "watch",
                         "Follow the live log: check each new checkpoint's signature and that "
                         "it extends the last trusted one (exit 25 when the log was rewritten)",
                         selection, [&a](const VaultClient& vc) { return RunAuditWatch(a, vc); });
  watch->add_option("--public-key", a.public_key, "File of trusted verifier keys, one per line")
      ->required();
  watch->add_option("--state", a.state,
                    "File holding the last trusted checkpoint (default "
                    "~/.hoidla-audit-watch); the first round trusts the "
                    "checkpoint it fetches");
  watch->add_option("--interval", a.interval_seconds, "Seconds between rounds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  watch->add_flag("--once", a.once, "Do one round and exit");
}

}  // namespace hoidla::vaultctl
