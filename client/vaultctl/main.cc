// vaultctl: command-line client for the Hoidla vault.
//
//   vaultctl [global options] <command> [<subcommand>] [options]
//
// Global options (accepted before or after the command):
//   --server ADDR      vault address; default $HOIDLA_SERVER, else
//   127.0.0.1:7443
//   --token TOKEN      bearer token; default $HOIDLA_TOKEN (prefer the variable
//                      or --token-file: arguments are visible to other users)
//   --token-file PATH  read the token from a file (trailing whitespace ignored)
//   --ca-cert PATH     CA certificate(s), PEM; enables TLS (else plaintext)
//   --client-cert PATH, --client-key PATH   mutual TLS
//   --server-name NAME verify the server certificate against NAME
//   --timeout SECONDS  deadline of unary calls (default 30; 0 = none)
//   --act-for PRN      service accounts: make the call for this user
//   --purpose PURPOSE  partner agency workers: the purpose of the request
//                      (sent as x-hoidla-purpose; lowercase letters, digits, _)
//   --json             print the response as protobuf JSON (one object; for
//                      list commands the whole response, including
//                      next_page_token)
//
// Commands, one per RPC, grouped by noun; each noun is one file under
// client/vaultctl/ and calls one service of hoidla.v1 (doc/api.md):
//   whoami, login, principal, token, grant   Identity
//     (login: --id-token|--id-token-file, needs no token)
//     principal create|get|list|add-role|remove-role|map-cert|unmap-cert|disable
//     token issue|list|revoke
//     grant request|approve|deny|get|list
//   org create|get|list                        Directory
//   org set-client-ca|set-crl|set-idp          Identity
//   project create|get|list                    Directory
//   client create|get|find|list                Directory
//   client export                              SubjectAccess
//   case create|get|list|assign|close|reopen   Cases
//   case deadlines                             Records
//   doc upload|download|get|list               Documents
//   keys status|rotate|rewrap|retire           KeyAdmin
//   audit public-keys|rotate-key|checkpoint|list|export|verify|watch
//                                              Audit
//   audit report                               SubjectAccess
//   record create|update|get|versions|list|sign
//                                              Records
//   instrument register|get|list               Instruments
//   consent record|revise|confirm|withdraw|get|list|verify
//                                              Consents
//   disclosure create|list|review              Disclosures
//   exists                                     Consents
//
// `audit verify BUNDLE --public-key FILE` works offline: it never contacts a
// server and needs no --server or token. Its exit status is 0 when the bundle
// verifies, 25 (DATA_LOSS) naming the first entry that does not, 13
// (INVALID_ARGUMENT) for a malformed bundle or key file, 1 for an unreadable
// file. `audit watch` exits 25 when the log was rewritten.
//
// `consent verify RECEIPT_FILE --public-key FILE` is offline too: it checks a
// consent receipt (a signed note from `consent record|revise -o FILE`) with
// the same key files and prints the receipt's fields. Exit status 0 when it
// verifies, 25 (DATA_LOSS) when it is malformed, not signed by a trusted key,
// its signature does not verify or it is not a consent receipt, 13 for a
// malformed key file, 1 for an unreadable file. `consent record|revise
// --file FILE` read the consent (protobuf JSON) before connecting: a file
// that cannot be read or parsed is a usage error (1) naming it.
//
// `record create|update --file FILE` likewise read the record's content, a
// hoidla.v1.RecordContent in protobuf JSON (doc/records-forms.md has an
// example of every kind), before connecting. A record prints its fields, id
// first, and its content as one `content: <JSON>` line; with --json the
// whole Record.
//
// `instrument register --file FILE` reads the instrument, a
// hoidla.v1.Instrument in protobuf JSON without its output-only fields,
// before connecting in the same way. `case deadlines` prints one line per
// deadline, soonest first: due date, kind, overdue or due, case, record,
// detail.
//
// `client export CLI` answers a subject access request: it prints the
// client's SubjectDataExport as protobuf JSON (with or without --json), or
// with -o FILE writes that JSON to FILE (mode 0600, through a temporary file
// renamed over FILE, so FILE never holds a partial export) and prints a
// summary instead: client_id, exported_at, the number of cases, records,
// documents, consents, disclosures and accesses, and output.
//
// Output: "key: value" lines for one object, with "id: <id>" first (so a
// script can capture a new object's id with `| head -1 | cut -d' ' -f2`);
// lists print one tab-separated line per item, id first, and the next page
// token, if any, on stderr. Text from the server is escaped (control
// characters as \n, \xNN, ...). The token vaultctl authenticates with is
// never printed; `token issue` and `login` print the token they obtain, and
// `grant request --service-token` the service-account token it requests
// (that is their purpose), and nothing else does.
//
// `login --id-token TOKEN | --id-token-file FILE` exchanges an OpenID
// Connect ID token for a session token (ExchangeIdToken) and sends no other
// credential, so it needs no HOIDLA_TOKEN. Files given to `login`, `org
// set-idp|set-crl` and `grant request` are read before connecting (a file
// that cannot be read is a usage error, 1); "-" reads standard input.
//
// Errors go to stderr as `error: <CODE_NAME>: <message>`. Exit status:
//   0        success
//   1        usage or local error before any request was sent: bad or
//            missing arguments, unreadable token, certificate or input file
//   10+code  the request failed with gRPC status `code` (the code name is in
//            the message), for example 13 INVALID_ARGUMENT, 15 NOT_FOUND,
//            17 PERMISSION_DENIED, 19 FAILED_PRECONDITION, 21 OUT_OF_RANGE,
//            24 UNAVAILABLE (server unreachable), 25 DATA_LOSS,
//            26 UNAUTHENTICATED. A local failure while a transfer runs
//            (writing the -o file, ...) is reported the same way with the
//            matching code.
//
// Each noun's subcommands, with their options, are in a command file of
// their own (client/vaultctl/<noun>.cc, listed in commands.h); common.h has
// what they share. This file parses the command line, connects and runs the
// selected subcommand.
#include <chrono>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

constexpr std::string_view kDefaultServer = "127.0.0.1:7443";

constexpr char kExitCodesHelp[] = R"(Exit status:
  0        success
  1        usage or local error; nothing was sent to the server (bad or missing
           arguments, unreadable token, certificate or input file)
  10+code  the request failed with gRPC status `code`, e.g. 13 INVALID_ARGUMENT,
           15 NOT_FOUND, 17 PERMISSION_DENIED, 19 FAILED_PRECONDITION,
           21 OUT_OF_RANGE, 24 UNAVAILABLE (server unreachable), 25 DATA_LOSS,
           26 UNAUTHENTICATED
Errors are printed to stderr as "error: <CODE_NAME>: <message>".
Environment: HOIDLA_SERVER (default --server), HOIDLA_TOKEN (default --token).)";

// The nouns, in the order `vaultctl --help` lists them.
constexpr AddCommands kNouns[] = {
    &AddWhoAmICommand,  &AddPrincipalCommands,  &AddTokenCommands,   &AddLoginCommand,
    &AddGrantCommands,  &AddOrgCommands,        &AddProjectCommands, &AddClientCommands,
    &AddCaseCommands,   &AddDocCommands,        &AddKeysCommands,    &AddAuditCommands,
    &AddRecordCommands, &AddInstrumentCommands, &AddConsentCommands, &AddDisclosureCommands,
    &AddExistsCommand,  &AddRetentionCommands,
};

// Rewrites the ConnectOptions field names that lead a Connect error message
// ("ca_cert_file: ...") as the vaultctl flags the user typed ("--ca-cert:
// ...").
std::string FlagNames(std::string_view message) {
  static constexpr std::pair<std::string_view, std::string_view> kFlags[] = {
      {"address", "--server"},
      {"token", "--token"},
      {"ca_cert_file", "--ca-cert"},
      {"client_cert_file", "--client-cert"},
      {"client_key_file", "--client-key"},
      {"server_name_override", "--server-name"},
      {"purpose", "--purpose"},
  };
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return std::string(message);
  std::string out;
  std::string_view fields = message.substr(0, colon);
  while (!fields.empty()) {
    const size_t comma = fields.find(", ");
    std::string_view field = fields.substr(0, comma);
    std::string_view flag = field;
    for (const auto& [name, f] : kFlags) {
      if (field == name) flag = f;
    }
    if (!out.empty()) out += ", ";
    out += flag;
    fields = comma == std::string_view::npos ? std::string_view() : fields.substr(comma + 2);
  }
  out += message.substr(colon);
  return out;
}

// Reads the token from --token-file, --token or $HOIDLA_TOKEN, in that order.
absl::StatusOr<std::string> ResolveToken(const Globals& globals) {
  if (!globals.token_file.empty()) {
    std::ifstream in(globals.token_file, std::ios::binary);
    if (!in) {
      return absl::InvalidArgumentError(
          StrCat("--token-file: cannot read '", globals.token_file, "'"));
    }
    std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ' ||
                              token.back() == '\t')) {
      token.pop_back();
    }
    if (token.empty()) {
      return absl::InvalidArgumentError(
          StrCat("--token-file: '", globals.token_file, "' is empty"));
    }
    return token;
  }
  if (!globals.token.empty()) return globals.token;
  if (const char* env = std::getenv("HOIDLA_TOKEN"); env != nullptr) return std::string(env);
  return std::string();
}

int Run(int argc, char** argv) {
  Globals globals;
  Selection selection;

  CLI::App app("vaultctl: command-line client for the Hoidla records vault", "vaultctl");
  // Global options may follow the subcommand: `vaultctl org get ID --json`.
  app.fallthrough();
  app.require_subcommand(1);
  app.set_version_flag("--version", StrCat("vaultctl ", HOIDLA_VERSION));

  app.add_option("--server", globals.server, "Vault address host:port")
      ->envname("HOIDLA_SERVER")
      ->default_val(std::string(kDefaultServer));
  CLI::Option* token = app.add_option("--token", globals.token,
                                      "Bearer token (default: $HOIDLA_TOKEN; prefer it or "
                                      "--token-file, as arguments are "
                                      "visible to other users)");
  app.add_option("--token-file", globals.token_file, "Read the bearer token from this file")
      ->excludes(token);
  app.add_option("--act-for", globals.act_for,
                 "Service accounts only: make the call for this user "
                 "(prn_...), with the user's rights");
  app.add_option("--purpose", globals.purpose,
                 "Partner agency workers: the purpose of the request, e.g. "
                 "employment_support (lowercase letters, digits, _; sent as "
                 "x-hoidla-purpose)");
  app.add_option("--ca-cert", globals.ca_cert,
                 "CA certificate(s), PEM; enables TLS (default: plaintext)");
  CLI::Option* cert =
      app.add_option("--client-cert", globals.client_cert, "Client certificate, PEM (mTLS)");
  CLI::Option* key =
      app.add_option("--client-key", globals.client_key, "Client private key, PEM (mTLS)");
  cert->needs(key);
  key->needs(cert);
  app.add_option("--server-name", globals.server_name,
                 "Verify the server certificate against this name");
  app.add_option("--timeout", globals.timeout_seconds,
                 "Deadline of each unary request in seconds (0: none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--json", globals.json, "Print the response as protobuf JSON (one object)");
  // Inherited by every subcommand created below.
  app.footer(
      "Global options (--server, --token, --token-file, --ca-cert, --json, "
      "...) may be "
      "given before or after the command; see vaultctl --help.");

  for (AddCommands add : kNouns) add(&app, globals, &selection);
  // Set last: subcommands keep the short footer above.
  app.footer(kExitCodesHelp);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    UsageError(e.what());
    std::cerr << "Run with --help for more information.\n";
    return kExitUsage;
  }
  // Offline commands need no server and no credential.
  if (selection.offline) return selection.offline();
  if (!selection.action) return UsageError("no command given");
  if (selection.prepare) {
    if (int rc = selection.prepare(); rc != 0) return rc;
  }

  client::ConnectOptions options;
  options.address = globals.server;
  // `login` with an ID token sends no other credential.
  if (!selection.anonymous) {
    absl::StatusOr<std::string> resolved_token = ResolveToken(globals);
    if (!resolved_token.ok()) return UsageError(View(resolved_token.status().message()));
    options.token = *std::move(resolved_token);
  }
  options.ca_cert_file = globals.ca_cert;
  options.client_cert_file = globals.client_cert;
  options.client_key_file = globals.client_key;
  options.server_name_override = globals.server_name;
  options.unary_timeout = std::chrono::seconds(globals.timeout_seconds);
  options.act_for = globals.act_for;
  options.purpose = globals.purpose;
  absl::StatusOr<std::unique_ptr<VaultClient>> vault = VaultClient::Connect(options);
  if (!vault.ok()) return UsageError(FlagNames(View(vault.status().message())));
  return selection.action(**vault);
}

}  // namespace
}  // namespace hoidla::vaultctl

int main(int argc, char** argv) {
  // No exception leaves main: CLI11, nlohmann-json and the standard library
  // may throw; everything else reports absl::Status.
  try {
    return hoidla::vaultctl::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "error: INTERNAL: " << hoidla::vaultctl::Escape(e.what()) << '\n';
  } catch (...) {
    std::cerr << "error: INTERNAL: unexpected exception\n";
  }
  return 1;
}
