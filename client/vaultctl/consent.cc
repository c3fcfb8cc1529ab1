// `vaultctl consent record|revise|withdraw|confirm|get|list|verify`: the
// consents of clients and their signed receipts. A consent is read from a
// protobuf JSON file before connecting; `consent verify` checks a receipt
// offline (vaultctl_consent.h).
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_consent.h"
#include "client/vaultctl_format.h"
#include "google/protobuf/util/time_util.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `consent ...`; only one subcommand runs, so they share fields.
struct ConsentOptions {
  std::string id;
  std::string client;
  std::string file;
  hoidla::v1::Consent consent;  // read from --file before connecting
  uint32_t expected_version = 0;
  uint32_t version = 0;
  std::string output;  // record|revise --receipt-output
  std::string note;
  std::string at;
  bool all_versions = false;
  std::string public_key;
};

// Reads and parses the --file of `consent record|revise` into a.consent.
// Prints the error and returns 1 when the file cannot be read or is not a
// hoidla.v1.Consent in protobuf JSON; 0 on success.
int LoadConsentFile(ConsentOptions& a) {
  absl::StatusOr<std::string> text = ReadWholeFile("--file", a.file);
  if (!text.ok()) return UsageError(View(text.status().message()));
  absl::StatusOr<hoidla::v1::Consent> consent = ParseConsentJson(*text);
  if (!consent.ok()) {
    return UsageError(StrCat("--file: '", a.file, "': ", View(consent.status().message())));
  }
  a.consent = *std::move(consent);
  return 0;
}

// Prints the result of `consent record|revise`; with -o, writes the receipt
// note to that file (mode 0600) and prints "receipt_output: FILE" instead of
// the note. The consent is printed even when writing the file fails (it was
// recorded), followed by the error.
int ShowConsentReceipt(const Globals& g, const ConsentOptions& a,
                       const absl::StatusOr<hoidla::v1::ConsentReceipt>& result) {
  if (a.output.empty() || !result.ok()) {
    return Show(g, result, &PrintConsentReceipt);
  }
  const absl::Status written =
      WriteFileAtomically("--receipt-output", a.output, result->receipt(), 0600);
  if (g.json) {
    if (absl::Status s = PrintJson(*result, std::cout); !s.ok()) return RpcError(s);
  } else {
    PrintConsent(result->consent(), std::cout);
    if (written.ok()) std::cout << "receipt_output: " << Escape(a.output) << '\n';
  }
  if (!written.ok()) {
    std::cout.flush();
    return RpcError(written);
  }
  return Finish();
}

int RunConsentVerify(const ConsentOptions& a) {
  int exit_code = 0;
  std::optional<std::vector<keys::NoteVerifier>> verifiers =
      LoadVerifierKeys(a.public_key, &exit_code);
  if (!verifiers) return exit_code;
  absl::StatusOr<std::string> note = ReadWholeFile("RECEIPT_FILE", a.file);
  if (!note.ok()) return UsageError(View(note.status().message()));
  absl::StatusOr<std::vector<ReceiptField>> fields = OpenConsentReceipt(*verifiers, *note);
  if (!fields.ok()) return RpcError(fields.status());
  PrintReceiptFields(*fields, std::cout);
  return Finish();
}

}  // namespace

void AddConsentCommands(CLI::App* app, const Globals& g, Selection* selection) {
  ConsentOptions& a = NewOptions<ConsentOptions>(selection);
  CLI::App* consent =
      app->add_subcommand("consent",
                          "Consents of clients: what is released to whom, for which purposes, "
                          "until when; signed receipts");
  consent->require_subcommand(1);

  constexpr char kFileHelp[] =
      "File holding a hoidla.v1.Consent in the protobuf JSON mapping (without "
      "its output-only fields)";
  constexpr char kReceiptOutputHelp[] =
      "Write the receipt (a signed note, for `consent verify`) to this file "
      "instead of printing it";

  CLI::App* record =
      Leaf(consent, "record", "Record a new consent (prints it, id first, and its signed receipt)",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::RecordConsentRequest req;
             *req.mutable_consent() = a.consent;
             return ShowConsentReceipt(g, a, vc.RecordConsent(req));
           });
  record->add_option("--file", a.file, kFileHelp)->required();
  record->add_option("-o,--receipt-output", a.output, kReceiptOutputHelp);

  CLI::App* revise = Leaf(consent, "revise",
                          "Record a new version of a consent, superseding the current one (exit "
                          "20 ABORTED when --expected-version is no longer current)",
                          selection, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::ReviseConsentRequest req;
                            req.set_id(a.id);
                            req.set_expected_version(a.expected_version);
                            *req.mutable_consent() = a.consent;
                            return ShowConsentReceipt(g, a, vc.ReviseConsent(req));
                          });
  revise->add_option("CONSENT_ID", a.id, "Consent id (cns_...)")->required();
  revise
      ->add_option("--expected-version", a.expected_version,
                   "The version the new one replaces (the current version)")
      ->required();
  revise->add_option("--file", a.file, kFileHelp)->required();
  revise->add_option("-o,--receipt-output", a.output, kReceiptOutputHelp);
  for (CLI::App* sub : {record, revise}) {
    // Read the file before connecting: a bad file sends nothing.
    sub->preparse_callback(
        [selection, &a](size_t) { selection->prepare = [&a] { return LoadConsentFile(a); }; });
  }

  CLI::App* withdraw =
      Leaf(consent, "withdraw", "Withdraw a consent from now on (prints it with the withdrawal)",
           selection, [&g, &a](const VaultClient& vc) {
             hoidla::v1::WithdrawConsentRequest req;
             req.set_id(a.id);
             req.set_note(a.note);
             return Show(g, vc.WithdrawConsent(req), &PrintConsent);
           });
  withdraw->add_option("CONSENT_ID", a.id, "Consent id (cns_...)")->required();
  withdraw->add_option("--note", a.note, "How and by whom the withdrawal was expressed");

  CLI::App* confirm = Leaf(consent, "confirm",
                           "Confirm the release of a consent's current version to a project of "
                           "the same organisation (a project manager or head of the consent's "
                           "project who did not record it); prints the consent",
                           selection, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::ConfirmConsentReleaseRequest req;
                             req.set_id(a.id);
                             req.set_version(a.version);
                             return Show(g, vc.ConfirmConsentRelease(req), &PrintConsent);
                           });
  confirm->add_option("CONSENT_ID", a.id, "Consent id (cns_...)")->required();
  confirm->add_option("--version", a.version, "The current version (exit 20 ABORTED otherwise)")
      ->required();

  CLI::App* get = Leaf(consent, "get", "Show a version of a consent", selection,
                       [&g, &a](const VaultClient& vc) {
                         hoidla::v1::GetConsentRequest req;
                         req.set_id(a.id);
                         req.set_version(a.version);
                         return Show(g, vc.GetConsent(req), &PrintConsent);
                       });
  get->add_option("CONSENT_ID", a.id, "Consent id (cns_...)")->required();
  get->add_option("--version", a.version, "Version to show (default: the current one)");

  CLI::App* list = Leaf(consent, "list",
                        "List a client's consents in force: id, version, status, project, "
                        "case, given by, form, given at",
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListConsentsRequest req;
                          req.set_client_id(a.client);
                          req.set_all_versions(a.all_versions);
                          if (!a.at.empty() && !google::protobuf::util::TimeUtil::FromString(
                                                   a.at, req.mutable_at())) {
                            return UsageError("--at: not an RFC 3339 time");
                          }
                          return ShowList(g, vc.ListConsents(req), &PrintConsents);
                        });
  list->add_option("--client", a.client, "Client id (cli_...)")->required();
  CLI::Option* at =
      list->add_option("--at", a.at, "Consents in force at this time (RFC 3339; default: now)");
  list->add_flag("--all-versions", a.all_versions,
                 "Every version of every consent instead, oldest first")
      ->excludes(at);

  CLI::App* verify = consent->add_subcommand(
      "verify", "Verify a consent receipt offline (no server) and print its fields");
  verify->callback([selection, &a] { selection->offline = [&a] { return RunConsentVerify(a); }; });
  verify->add_option("RECEIPT_FILE", a.file, "Receipt file from `consent record|revise -o`")
      ->required();
  verify
      ->add_option("--public-key", a.public_key,
                   "File of trusted verifier keys, one per line (as `audit "
                   "public-keys` prints them)")
      ->required();
}

}  // namespace hoidla::vaultctl
