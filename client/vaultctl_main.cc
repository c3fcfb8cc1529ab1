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
// Commands, one per RPC of hoidla.v1.Vault:
//   whoami
//   login                        (--id-token|--id-token-file: needs no token)
//   principal create|get|list|add-role|remove-role|map-cert|unmap-cert|disable
//   token issue|list|revoke
//   grant request|approve|deny|get|list
//   org create|get|list|set-client-ca|set-crl|set-idp
//   project create|get|list
//   client create|get|find|list|export
//   case create|get|list|assign|close|reopen|deadlines
//   doc upload|download|get|list keys status|rotate|rewrap|retire
//   audit public-keys|rotate-key|checkpoint|list|report|export|verify|watch
//   record create|update|get|versions|list|sign
//   instrument register|get|list
//   consent record|revise|confirm|withdraw|get|list|verify
//   disclosure create|list|review
//   exists
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
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl_audit.h"
#include "client/vaultctl_consent.h"
#include "client/vaultctl_format.h"
#include "client/vaultctl_record.h"
#include "google/protobuf/util/time_util.h"
#include "keys/crypto.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

constexpr int kExitUsage = 1;
constexpr int kExitRpcBase = 10;
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

// Global options.
struct Globals {
  std::string server;
  std::string token;
  std::string token_file;
  std::string ca_cert;
  std::string client_cert;
  std::string client_key;
  std::string server_name;
  int timeout_seconds = 30;
  bool json = false;
  std::string act_for;
  std::string purpose;
};

// Options of the subcommands; only one subcommand runs, so they share fields.
struct Args {
  std::vector<std::string> network_add;
  std::vector<std::string> network_remove;
  std::string id;
  std::string name;
  std::string registry_code;
  std::string description;
  std::string org;
  std::vector<std::string> projects;
  std::string project;
  std::string client;
  std::string case_id;
  std::string title;
  std::string kind;
  std::string content_type;
  std::string given_name;
  std::string family_name;
  std::string personal_code;
  std::string no_code_reason;
  std::string birth_date;
  std::string file;
  std::string output;
  int32_t page_size = 0;
  std::string page_token;
  int64_t offset = 0;
  int64_t length = 0;
  uint32_t version = 0;
  std::string principal_kind;
  std::string subject;
  bool may_act_for_users = false;
  std::string role;
  std::string ttl;
  std::string worker;
  std::string case_visibility;
  bool fresh = false;
  bool accepts_reports = false;
  uint64_t first_seq = 0;
  std::string public_key;
  std::string state;
  int interval_seconds = 60;
  bool once = false;
  std::string actor;
  std::string method;
  std::string action;
  std::string from_time;
  std::string until_time;
  // consent, disclosure, exists
  hoidla::v1::Consent consent;  // read from --file before connecting
  uint32_t expected_version = 0;
  std::string note;
  std::string at;
  bool all_versions = false;
  std::string recipient_org;
  std::string legal_basis;
  std::string justification;
  std::vector<std::string> items;
  int32_t valid_hours = 0;
  bool pending_only = false;
  std::string outcome;
  // record, case close|reopen|create
  hoidla::v1::RecordContent content;  // read from --file before connecting
  std::string change_note;
  std::string signer_name;
  std::string scan_document;
  std::string signature_reference;
  std::string participant_id;
  std::string reason;
  std::string referred_to;
  std::string follow_up;
  std::string origin;
  std::string reporter_name;
  std::string reporter_contact;
  std::string linked_case;
  // case deadlines, instrument
  int32_t within_days = 0;
  hoidla::v1::Instrument instrument;  // read from --file before connecting
  // login, grant, org set-crl|set-idp
  std::string id_token;
  std::string id_token_file;
  std::string client_org;
  bool session = false;
  bool anonymous = false;  // login with an ID token: send no credential
  std::string issuer;
  std::string audience;
  std::string principal_id_claim;
  std::string jwks_file;
  std::string ca_file;
  std::string crl_file;
  // grant request: which grant (--membership, --certificate, ...) and its
  // target (a principal or an organisation)
  std::string grant_kind;
  std::string grant_target;
  // file contents read before connecting
  std::string jwks_json;
  std::string ca_pem;
  std::string crl_pem;
};

// What the selected subcommand does once connected.
using Action = std::function<int(const VaultClient&)>;
// What a selected offline subcommand does (no connection, no credential).
// Also the local preparation of an online subcommand (reading its input
// files), run before the credential is read and the channel is created: it
// returns 0 to go on, or the exit code of its failure.
using OfflineAction = std::function<int()>;

std::string CodeName(absl::StatusCode code) { return absl::StatusCodeToString(code); }

// Debian's Abseil has its own string_view type.
std::string_view View(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// Prints a usage or local error and returns its exit code.
int UsageError(std::string_view message) {
  std::cerr << "error: INVALID_ARGUMENT: " << Escape(message) << '\n';
  return kExitUsage;
}

// Prints a failed request's status and returns 10 + its code.
int RpcError(const absl::Status& status) {
  std::cerr << "error: " << CodeName(status.code()) << ": " << Escape(View(status.message()))
            << '\n';
  return kExitRpcBase + static_cast<int>(status.code());
}

// Flushes stdout; a failed write (full disk, closed pipe) is an error.
int Finish() {
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "error: UNKNOWN: writing to standard output failed\n";
    return kExitUsage;
  }
  return 0;
}

// Prints a single-object result: JSON or "key: value" lines.
template <typename T>
int Show(const Globals& globals, const absl::StatusOr<T>& result,
         void (*print)(const T&, std::ostream&)) {
  if (!result.ok()) return RpcError(result.status());
  if (globals.json) {
    if (absl::Status s = PrintJson(*result, std::cout); !s.ok()) return RpcError(s);
  } else {
    print(*result, std::cout);
  }
  return Finish();
}

// Prints a list result: JSON or one line per item (next page token on stderr).
template <typename T>
int ShowList(const Globals& globals, const absl::StatusOr<T>& result,
             void (*print)(const T&, std::ostream&, std::ostream&)) {
  if (!result.ok()) return RpcError(result.status());
  if (globals.json) {
    if (absl::Status s = PrintJson(*result, std::cout); !s.ok()) return RpcError(s);
  } else {
    print(*result, std::cout, std::cerr);
  }
  return Finish();
}

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

// Parses a token lifetime: a number of seconds, or a number followed by s, m,
// h or d (for example "90", "15m", "30d"). Returns the seconds, or
// INVALID_ARGUMENT saying what is wrong (without the option name); the server
// checks the allowed range.
absl::StatusOr<int64_t> ParseTtl(const std::string& text) {
  const auto error = [&text] {
    return absl::InvalidArgumentError(
        StrCat("expected seconds or a number with suffix s, m, h or d "
               "(for example 30d), got '",
               text, "'"));
  };
  if (text.empty()) return error();
  std::string_view digits = text;
  int64_t unit = 1;
  static constexpr std::pair<char, int64_t> kUnits[] = {
      {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
  for (const auto& [suffix, seconds] : kUnits) {
    if (digits.back() == suffix) {
      unit = seconds;
      digits.remove_suffix(1);
      break;
    }
  }
  if (digits.empty() || digits.size() > 12) return error();
  int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return error();
    value = value * 10 + (c - '0');
  }
  if (value == 0) return absl::InvalidArgumentError("must be positive");
  return value * unit;
}

// Maps --kind of `principal create` to the enum.
hoidla::v1::PrincipalKind ParsePrincipalKind(const std::string& text) {
  if (text == "staff") return hoidla::v1::PRINCIPAL_KIND_STAFF;
  if (text == "partner_worker") return hoidla::v1::PRINCIPAL_KIND_PARTNER_WORKER;
  if (text == "service_account") return hoidla::v1::PRINCIPAL_KIND_SERVICE_ACCOUNT;
  if (text == "data_subject") return hoidla::v1::PRINCIPAL_KIND_DATA_SUBJECT;
  return hoidla::v1::PRINCIPAL_KIND_UNSPECIFIED;
}

// Maps --case-visibility of `project create` to the enum (empty: unset).
hoidla::v1::CaseVisibility ParseCaseVisibility(const std::string& text) {
  if (text == "assigned" || text == "assigned_cases")
    return hoidla::v1::CASE_VISIBILITY_ASSIGNED_CASES;
  if (text == "whole_project") return hoidla::v1::CASE_VISIBILITY_WHOLE_PROJECT;
  return hoidla::v1::CASE_VISIBILITY_UNSPECIFIED;
}

// Maps --legal-basis of `disclosure create` to the enum.
hoidla::v1::LegalBasis ParseLegalBasis(const std::string& text) {
  if (text == "danger_to_others") return hoidla::v1::LEGAL_BASIS_DANGER_TO_OTHERS;
  if (text == "crime") return hoidla::v1::LEGAL_BASIS_CRIME;
  if (text == "danger_to_client") return hoidla::v1::LEGAL_BASIS_DANGER_TO_CLIENT;
  if (text == "court_or_prosecutor_request")
    return hoidla::v1::LEGAL_BASIS_COURT_OR_PROSECUTOR_REQUEST;
  return hoidla::v1::LEGAL_BASIS_UNSPECIFIED;
}

// Maps --outcome of `disclosure review` to the enum.
hoidla::v1::DisclosureReview ParseReviewOutcome(const std::string& text) {
  if (text == "upheld") return hoidla::v1::DISCLOSURE_REVIEW_UPHELD;
  if (text == "rejected") return hoidla::v1::DISCLOSURE_REVIEW_REJECTED;
  return hoidla::v1::DISCLOSURE_REVIEW_UNSPECIFIED;
}

// Guesses a MIME type from a file name's extension.
std::string GuessContentType(const std::string& path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"pdf", "application/pdf"},
      {"txt", "text/plain"},
      {"md", "text/markdown"},
      {"csv", "text/csv"},
      {"html", "text/html"},
      {"htm", "text/html"},
      {"xml", "application/xml"},
      {"json", "application/json"},
      {"rtf", "application/rtf"},
      {"eml", "message/rfc822"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"tif", "image/tiff"},
      {"tiff", "image/tiff"},
      {"bmp", "image/bmp"},
      {"heic", "image/heic"},
      {"svg", "image/svg+xml"},
      {"mp4", "video/mp4"},
      {"mov", "video/quicktime"},
      {"webm", "video/webm"},
      {"mkv", "video/x-matroska"},
      {"mp3", "audio/mpeg"},
      {"m4a", "audio/mp4"},
      {"wav", "audio/wav"},
      {"ogg", "audio/ogg"},
      {"doc", "application/msword"},
      {"docx",
       "application/"
       "vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xls", "application/vnd.ms-excel"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"ppt", "application/vnd.ms-powerpoint"},
      {"pptx",
       "application/"
       "vnd.openxmlformats-officedocument.presentationml.presentation"},
      {"odt", "application/vnd.oasis.opendocument.text"},
      {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
      {"odp", "application/vnd.oasis.opendocument.presentation"},
      {"asice", "application/vnd.etsi.asic-e+zip"},
      {"bdoc", "application/vnd.etsi.asic-e+zip"},
      {"zip", "application/zip"},
      {"gz", "application/gzip"},
      {"7z", "application/x-7z-compressed"},
  };
  const std::string name = std::filesystem::path(path).filename().string();
  const size_t dot = name.rfind('.');
  if (dot != std::string::npos && dot + 1 < name.size()) {
    std::string ext = name.substr(dot + 1);
    for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (const auto& [e, type] : kTypes) {
      if (ext == e) return std::string(type);
    }
  }
  return "application/octet-stream";
}

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

// Adds --page-size and --page-token.
void AddPaging(CLI::App* sub, Args* args) {
  sub->add_option("--page-size", args->page_size, "Items per page (0: server default of 100)");
  sub->add_option("--page-token", args->page_token, "Token from the previous page");
}

// Registers a leaf subcommand whose callback selects `action`.
CLI::App* Leaf(CLI::App* parent, const std::string& name, const std::string& description,
               Action* selected, Action action) {
  CLI::App* sub = parent->add_subcommand(name, description);
  sub->callback([selected, action = std::move(action)] { *selected = action; });
  return sub;
}

// Reads the whole file at `path` (defined with the audit commands below).
absl::StatusOr<std::string> ReadWholeFile(std::string_view what, const std::string& path);

// Reads file option `flag` at `path` into `*out`; "-" reads standard input.
// Prints the error and returns 1 when it cannot be read; 0 on success.
int LoadFileArg(std::string_view flag, const std::string& path, std::string* out) {
  if (path == "-") {
    out->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (std::cin.bad()) return UsageError(StrCat(flag, ": error reading standard input"));
    return 0;
  }
  absl::StatusOr<std::string> text = ReadWholeFile(flag, path);
  if (!text.ok()) return UsageError(View(text.status().message()));
  *out = *std::move(text);
  return 0;
}

// `text` without trailing whitespace (a token pasted or piped with its
// newline).
std::string TrimmedRight(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.pop_back();
  }
  return text;
}

// Checks a --ttl value at parse time (ParseTtl).
CLI::Validator TtlValidator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        absl::StatusOr<int64_t> ttl = ParseTtl(text);
        return ttl.ok() ? std::string() : std::string(View(ttl.status().message()));
      },
      "DURATION");
}

// The lifetime of --ttl in seconds, or `fallback` when it was not given.
// ParseTtl's error (prefixed with "--ttl: ") otherwise.
absl::StatusOr<int64_t> TtlArg(const Args& a, int64_t fallback) {
  if (a.ttl.empty()) return fallback;
  absl::StatusOr<int64_t> ttl = ParseTtl(a.ttl);
  if (!ttl.ok()) return absl::InvalidArgumentError(StrCat("--ttl: ", View(ttl.status().message())));
  return ttl;
}

void AddWhoAmI(CLI::App* app, const Globals& g, Action* selected) {
  Leaf(app, "whoami", "Show who the presented token belongs to", selected,
       [&g](const VaultClient& vc) { return Show(g, vc.WhoAmI(), &PrintWhoAmI); });
}

constexpr char kRolesHelp[] =
    "Role: system_administrator (no scope); head_of_organization, auditor, "
    "data_protection_officer, partner_worker (--org); project_manager, "
    "case_worker, service_provider (--org and --project)";

// The membership named by --role, --org and --project.
hoidla::v1::Membership MembershipArg(const Args& a) {
  hoidla::v1::Membership m;
  m.set_role(a.role);
  m.set_organization_id(a.org);
  m.set_project_id(a.project);
  return m;
}

void AddPrincipal(CLI::App* app, const Globals& g, Args& a, Action* selected) {
  CLI::App* principal = app->add_subcommand(
      "principal", "Principals (staff, partner workers, service accounts) and their roles");
  principal->require_subcommand(1);

  CLI::App* create = Leaf(principal, "create", "Create a principal (prints its id first)", selected,
                          [&g, &a](const VaultClient& vc) {
                            hoidla::v1::CreatePrincipalRequest req;
                            req.mutable_principal()->set_display_name(a.name);
                            req.mutable_principal()->set_kind(ParsePrincipalKind(a.principal_kind));
                            req.mutable_principal()->set_organization_id(a.org);
                            req.mutable_principal()->set_may_act_for_users(a.may_act_for_users);
                            req.mutable_principal()->set_client_id(a.client);
                            return Show(g, vc.CreatePrincipal(req), &PrintPrincipal);
                          });
  create->add_option("--name", a.name,
                     "Display name (a person's or system's; none for a data "
                     "subject)");
  create->add_option("--kind", a.principal_kind, "What the principal is")
      ->required()
      ->check(CLI::IsMember({"staff", "partner_worker", "service_account", "data_subject"}));
  create->add_option("--client", a.client, "Data subjects: the client record they are (cli_...)");
  create->add_option("--org", a.org,
                     "Organisation the principal works for (org_...); "
                     "omit only for deployment-wide administrators");
  create->add_flag("--may-act-for-users", a.may_act_for_users,
                   "Service accounts: may act for users of its organisation");

  CLI::App* get = Leaf(principal, "get", "Show a principal and its roles", selected,
                       [&g, &a](const VaultClient& vc) {
                         hoidla::v1::GetPrincipalRequest req;
                         req.set_id(a.id);
                         return Show(g, vc.GetPrincipal(req), &PrintPrincipal);
                       });
  get->add_option("ID", a.id, "Principal id (prn_...)")->required();

  CLI::App* list =
      Leaf(principal, "list", "List principals: id, kind, display name, roles (role@org/project)",
           selected, [&g, &a](const VaultClient& vc) {
             hoidla::v1::ListPrincipalsRequest req;
             req.set_organization_id(a.org);
             req.set_page_size(a.page_size);
             req.set_page_token(a.page_token);
             return ShowList(g, vc.ListPrincipals(req), &PrintPrincipals);
           });
  list->add_option("--org", a.org, "Only principals of this organisation (org_...)");
  AddPaging(list, &a);

  CLI::App* add = Leaf(principal, "add-role",
                       "Grant a role in a scope at once where no second person's "
                       "approval is needed: a deployment-wide role, or the first head of "
                       "an organisation with no head and no client data (otherwise exit "
                       "19 FAILED_PRECONDITION: use `grant request`); prints the "
                       "principal with its roles",
                       selected, [&g, &a](const VaultClient& vc) {
                         hoidla::v1::AddMembershipRequest req;
                         req.set_principal_id(a.id);
                         *req.mutable_membership() = MembershipArg(a);
                         return Show(g, vc.AddMembership(req), &PrintPrincipal);
                       });
  CLI::App* remove = Leaf(principal, "remove-role",
                          "Withdraw a role (effective for the principal's next request; prints "
                          "the principal with its remaining roles)",
                          selected, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::RemoveMembershipRequest req;
                            req.set_principal_id(a.id);
                            *req.mutable_membership() = MembershipArg(a);
                            return Show(g, vc.RemoveMembership(req), &PrintPrincipal);
                          });
  CLI::App* map_cert = Leaf(principal, "map-cert",
                            "Map a client certificate subject (RFC 2253) to the principal, at "
                            "once only in an organisation without a head (otherwise use `grant "
                            "request --certificate`)",
                            selected, [&g, &a](const VaultClient& vc) {
                              hoidla::v1::MapCertificateRequest req;
                              req.set_principal_id(a.id);
                              req.set_subject(a.subject);
                              return Show(g, vc.MapCertificate(req), &PrintPrincipal);
                            });
  map_cert->add_option("PRINCIPAL_ID", a.id, "Principal id (prn_...)")->required();
  map_cert
      ->add_option("--subject", a.subject,
                   "As `openssl x509 -noout -subject -nameopt RFC2253` "
                   "prints it, without \"subject=\"")
      ->required();
  CLI::App* unmap_cert = Leaf(principal, "unmap-cert",
                              "Remove a certificate subject's mapping (effective for its next use; "
                              "prints the principal)",
                              selected, [&g, &a](const VaultClient& vc) {
                                hoidla::v1::RemoveCertificateMappingRequest req;
                                req.set_principal_id(a.id);
                                req.set_subject(a.subject);
                                return Show(g, vc.RemoveCertificateMapping(req), &PrintPrincipal);
                              });
  unmap_cert->add_option("PRINCIPAL_ID", a.id, "Principal id (prn_...)")->required();
  unmap_cert->add_option("--subject", a.subject, "The mapped subject, as given to map-cert")
      ->required();

  CLI::App* disable = Leaf(principal, "disable",
                           "Disable an account: every token, certificate and sign-in of it is "
                           "refused from its next call; there is no re-enabling (prints the "
                           "principal)",
                           selected, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::DisablePrincipalRequest req;
                             req.set_id(a.id);
                             return Show(g, vc.DisablePrincipal(req), &PrintPrincipal);
                           });
  disable->add_option("PRINCIPAL_ID", a.id, "Principal id (prn_...)")->required();

  for (CLI::App* sub : {add, remove}) {
    sub->add_option("PRINCIPAL_ID", a.id, "Principal id (prn_...)")->required();
    sub->add_option("--role", a.role, kRolesHelp)->required();
    sub->add_option("--org", a.org, "Organisation of the scope (org_...)");
    sub->add_option("--project", a.project, "Project of the scope (prj_...; needs --org too)");
  }
}

int RunIssueToken(const Globals& g, const Args& a, const VaultClient& vc) {
  absl::StatusOr<int64_t> ttl = ParseTtl(a.ttl);
  if (!ttl.ok()) return UsageError(StrCat("--ttl: ", View(ttl.status().message())));
  hoidla::v1::IssueTokenRequest req;
  req.set_principal_id(a.id);
  req.set_ttl_seconds(*ttl);
  return Show(g, vc.IssueToken(req), &PrintIssueToken);
}

int RunRevokeToken(const Globals& g, const Args& a, const VaultClient& vc) {
  hoidla::v1::RevokeTokenRequest req;
  req.set_token_id(a.id);
  absl::StatusOr<hoidla::v1::RevokeTokenResponse> result = vc.RevokeToken(req);
  if (!result.ok()) return RpcError(result.status());
  if (g.json) {
    if (absl::Status s = PrintJson(*result, std::cout); !s.ok()) return RpcError(s);
  } else {
    std::cout << "revoked: " << Escape(a.id) << '\n';
  }
  return Finish();
}

void AddToken(CLI::App* app, const Globals& g, Args& a, Action* selected) {
  CLI::App* token = app->add_subcommand("token", "API tokens of principals");
  token->require_subcommand(1);

  CLI::App* issue =
      Leaf(token, "issue",
           "Issue a token: a session for yourself (no PRINCIPAL_ID, at most 12h, "
           "never outliving the token you call with) or a service account's token "
           "(at once only in an organisation without a head; otherwise use `grant "
           "request --service-token`). Nobody issues a token for another person. "
           "Prints token: (shown once, keep it secret), token_id: (for revoke) and "
           "expires_at:",
           selected, [&g, &a](const VaultClient& vc) { return RunIssueToken(g, a, vc); });
  issue->add_option("PRINCIPAL_ID", a.id, "A service account (prn_...); omit for your own session");
  issue
      ->add_option("--ttl", a.ttl,
                   "Lifetime: seconds, or a number with suffix s, m, h or d "
                   "(for example 30d; a session at most 12h, a service "
                   "account's token at most a year)")
      ->required()
      ->check(TtlValidator());

  CLI::App* list = Leaf(token, "list",
                        "List a principal's tokens: token id, kind, state (active, pending, "
                        "revoked), created at, expires at, issued by, grant request; never the "
                        "tokens themselves",
                        selected, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListTokensRequest req;
                          req.set_principal_id(a.id);
                          req.set_page_size(a.page_size);
                          req.set_page_token(a.page_token);
                          return ShowList(g, vc.ListTokens(req), &PrintTokens);
                        });
  list->add_option("PRINCIPAL_ID", a.id, "Principal id (prn_...)")->required();
  AddPaging(list, &a);

  CLI::App* revoke =
      Leaf(token, "revoke", "Revoke a token by its id (effective for its next use)", selected,
           [&g, &a](const VaultClient& vc) { return RunRevokeToken(g, a, vc); });
  revoke->add_option("TOKEN_ID", a.id, "Token id (tok_...), not the token")->required();
}

// --- login ------------------------------------------------------------------

// `login`: an ID token exchanged for a session (no credential sent), or a
// session of the caller's own (IssueToken with no principal).
int RunLogin(const Globals& g, const Args& a, const VaultClient& vc) {
  if (a.session) {
    absl::StatusOr<int64_t> ttl = TtlArg(a, 3600);
    if (!ttl.ok()) return UsageError(View(ttl.status().message()));
    hoidla::v1::IssueTokenRequest req;
    req.set_ttl_seconds(*ttl);
    return Show(g, vc.IssueToken(req), &PrintIssueToken);
  }
  absl::StatusOr<int64_t> ttl = TtlArg(a, 0);
  if (!ttl.ok()) return UsageError(View(ttl.status().message()));
  hoidla::v1::ExchangeIdTokenRequest req;
  req.set_id_token(a.id_token);
  req.set_ttl_seconds(*ttl);
  req.set_client_organization_id(a.client_org);
  return Show(g, vc.ExchangeIdToken(req), &PrintIssueToken);
}

void AddLogin(CLI::App* app, const Globals& g, Args& a, Action* selected, OfflineAction* prepare) {
  CLI::App* login =
      app->add_subcommand("login",
                          "Sign in: exchange an OpenID Connect ID token from your organisation's "
                          "identity provider (or, for a data subject, the public one) for a vault "
                          "session token, sending no other credential; or, with --session, issue "
                          "a session of your own with the token you have. Prints token: (shown "
                          "once, keep it secret), token_id: and expires_at:");
  CLI::Option_group* how = login->add_option_group("credential", "Exactly one of");
  how->add_option("--id-token", a.id_token,
                  "The ID token (a compact JWT); prefer --id-token-file, as "
                  "arguments are visible to other users");
  how->add_option("--id-token-file", a.id_token_file,
                  "Read the ID token from this file (- for standard input; "
                  "trailing whitespace ignored)");
  CLI::Option* session = how->add_flag("--session", a.session,
                                       "Issue a session token for yourself with the token you have "
                                       "($HOIDLA_TOKEN, --token, a certificate)");
  how->require_option(1);
  login
      ->add_option("--ttl", a.ttl,
                   "Session lifetime: seconds, or a number with suffix s, m, h "
                   "or d, at most 12h (default 1h)")
      ->check(TtlValidator());
  login
      ->add_option("--client-org", a.client_org,
                   "Data subjects who are clients of several organisations: "
                   "the organisation whose records to read (org_...)")
      ->excludes(session);
  login->callback([selected, prepare, &g, &a] {
    *selected = [&g, &a](const VaultClient& vc) { return RunLogin(g, a, vc); };
    a.anonymous = !a.session;
    *prepare = [&a] {
      if (!a.id_token_file.empty()) {
        if (int rc = LoadFileArg("--id-token-file", a.id_token_file, &a.id_token); rc != 0) {
          return rc;
        }
      }
      if (a.session) return 0;
      a.id_token = TrimmedRight(std::move(a.id_token));
      if (a.id_token.empty())
        return UsageError(a.id_token_file.empty()
                              ? "--id-token: empty"
                              : StrCat("--id-token-file: '", a.id_token_file, "' is empty"));
      return 0;
    };
  });
}

// --- grant requests -----------------------------------------------------------

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
int GrantRequestArg(const Args& a, hoidla::v1::GrantRequest* g) {
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
    *g->mutable_membership()->mutable_membership() = MembershipArg(a);
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

void AddGrant(CLI::App* app, const Globals& g, Args& a, Action* selected, OfflineAction* prepare) {
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
                           selected, [&g, &a](const VaultClient& vc) {
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
  request->preparse_callback([prepare, &a](size_t) {
    *prepare = [&a] {
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
                           selected, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::ApproveGrantRequestRequest req;
                             req.set_id(a.id);
                             return Show(g, vc.ApproveGrantRequest(req), &PrintGrantRequest);
                           });
  approve->add_option("ID", a.id, "Grant request id (grq_...)")->required();

  CLI::App* deny = Leaf(grant, "deny",
                        "Deny a pending request (an approver), or withdraw your own; a denied "
                        "service-account token is revoked. Prints the request",
                        selected, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::DenyGrantRequestRequest req;
                          req.set_id(a.id);
                          req.set_note(a.note);
                          return Show(g, vc.DenyGrantRequest(req), &PrintGrantRequest);
                        });
  deny->add_option("ID", a.id, "Grant request id (grq_...)")->required();
  deny->add_option("--note", a.note, "Why, at most 500 characters");

  CLI::App* get =
      Leaf(grant, "get", "Show a grant request", selected, [&g, &a](const VaultClient& vc) {
        hoidla::v1::GetGrantRequestRequest req;
        req.set_id(a.id);
        return Show(g, vc.GetGrantRequest(req), &PrintGrantRequest);
      });
  get->add_option("ID", a.id, "Grant request id (grq_...)")->required();

  CLI::App* list = Leaf(grant, "list",
                        "List an organisation's grant requests, newest first: id, state, "
                        "grant, principal, details, requested by, requested at",
                        selected, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListGrantRequestsRequest req;
                          req.set_organization_id(a.org);
                          req.set_state(ParseGrantRequestState(a.state));
                          req.set_page_size(a.page_size);
                          req.set_page_token(a.page_token);
                          return ShowList(g, vc.ListGrantRequests(req), &PrintGrantRequests);
                        });
  list->add_option("--org", a.org, "Organisation id (org_...)")->required();
  list->add_option("--state", a.state,
                   "Only requests in this state (pending: what awaits "
                   "approval)")
      ->check(CLI::IsMember({"pending", "approved", "applied", "denied", "withdrawn", "expired"}));
  AddPaging(list, &a);
}

void AddOrg(CLI::App* app, const Globals& g, Args& a, Action* selected, OfflineAction* prepare) {
  CLI::App* org = app->add_subcommand("org", "Organisations");
  org->require_subcommand(1);

  CLI::App* create = Leaf(org, "create", "Create an organisation (prints its id first)", selected,
                          [&g, &a](const VaultClient& vc) {
                            hoidla::v1::CreateOrganizationRequest req;
                            req.mutable_organization()->set_name(a.name);
                            req.mutable_organization()->set_registry_code(a.registry_code);
                            return Show(g, vc.CreateOrganization(req), &PrintOrganization);
                          });
  create->add_option("--name", a.name, "Display name")->required();
  create->add_option("--registry-code", a.registry_code, "Registry code (registrikood)");

  CLI::App* get =
      Leaf(org, "get", "Show an organisation", selected, [&g, &a](const VaultClient& vc) {
        hoidla::v1::GetOrganizationRequest req;
        req.set_id(a.id);
        return Show(g, vc.GetOrganization(req), &PrintOrganization);
      });
  get->add_option("ID", a.id, "Organisation id (org_...)")->required();

  CLI::App* set_ca = Leaf(org, "set-client-ca",
                          "Set the CA whose client certificates identify the organisation's "
                          "principals (at once only while it has no head, otherwise use `grant "
                          "request --client-ca`)",
                          selected, [&g, &a](const VaultClient& vc) {
                            std::ifstream in(a.file, std::ios::binary);
                            if (!in)
                              return UsageError(StrCat("--ca-file: cannot read '", a.file, "'"));
                            std::stringstream pem;
                            pem << in.rdbuf();
                            hoidla::v1::SetOrganizationClientCaRequest req;
                            req.set_organization_id(a.id);
                            req.set_ca_pem(pem.str());
                            return Show(g, vc.SetOrganizationClientCa(req), &PrintOrganization);
                          });
  set_ca->add_option("ID", a.id, "Organisation id (org_...)")->required();
  set_ca->add_option("--ca-file", a.file, "CA certificate(s), PEM")->required();

  CLI::App* set_crl = Leaf(org, "set-crl",
                           "Set the organisation's certificate revocation lists (PEM; an empty "
                           "file removes them). Narrows access, so it applies at once",
                           selected, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::SetOrganizationCrlRequest req;
                             req.set_organization_id(a.id);
                             req.set_crl_pem(a.crl_pem);
                             return Show(g, vc.SetOrganizationCrl(req), &PrintOrganization);
                           });
  set_crl->add_option("ID", a.id, "Organisation id (org_...)")->required();
  set_crl
      ->add_option("--crl-file", a.crl_file,
                   "CRL(s) issued by the organisation's client CA, PEM (- for "
                   "standard input; empty: remove)")
      ->required();
  set_crl->preparse_callback([prepare, &a](size_t) {
    *prepare = [&a] { return LoadFileArg("--crl-file", a.crl_file, &a.crl_pem); };
  });

  CLI::App* set_idp =
      Leaf(org, "set-idp",
           "Set the OpenID Connect identity provider the organisation's people "
           "sign in with (`vaultctl login`); at once only while the organisation "
           "has no head, otherwise use `grant request --identity-provider`",
           selected, [&g, &a](const VaultClient& vc) {
             hoidla::v1::SetOrganizationIdentityProviderRequest req;
             req.set_organization_id(a.id);
             hoidla::v1::IdentityProvider* p = req.mutable_identity_provider();
             p->set_issuer(a.issuer);
             p->set_audience(a.audience);
             p->set_jwks_json(a.jwks_json);
             p->set_principal_id_claim(a.principal_id_claim);
             return Show(g, vc.SetOrganizationIdentityProvider(req), &PrintOrganization);
           });
  set_idp->add_option("ID", a.id, "Organisation id (org_...)")->required();
  set_idp
      ->add_option("--issuer", a.issuer, "The exact iss of the provider's ID tokens (an https URL)")
      ->required();
  set_idp
      ->add_option("--audience", a.audience,
                   "The aud the tokens must name: this vault's client id at "
                   "the provider")
      ->required();
  set_idp
      ->add_option("--jwks-file", a.jwks_file,
                   "The provider's JWKS (public keys; copy it from its "
                   "jwks_uri; - for standard input)")
      ->required();
  set_idp->add_option("--principal-id-claim", a.principal_id_claim,
                      "The claim carrying the person's Hoidla principal id "
                      "(default sub)");
  set_idp->preparse_callback([prepare, &a](size_t) {
    *prepare = [&a] { return LoadFileArg("--jwks-file", a.jwks_file, &a.jwks_json); };
  });

  CLI::App* list = Leaf(org, "list", "List organisations: id, name, registry code", selected,
                        [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListOrganizationsRequest req;
                          req.set_page_size(a.page_size);
                          req.set_page_token(a.page_token);
                          return ShowList(g, vc.ListOrganizations(req), &PrintOrganizations);
                        });
  AddPaging(list, &a);
}

void AddProject(CLI::App* app, const Globals& g, Args& a, Action* selected) {
  CLI::App* project = app->add_subcommand("project", "Projects of an organisation");
  project->require_subcommand(1);

  CLI::App* create =
      Leaf(project, "create", "Create a project (prints its id first)", selected,
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

  CLI::App* get = Leaf(project, "get", "Show a project", selected, [&g, &a](const VaultClient& vc) {
    hoidla::v1::GetProjectRequest req;
    req.set_id(a.id);
    return Show(g, vc.GetProject(req), &PrintProject);
  });
  get->add_option("ID", a.id, "Project id (prj_...)")->required();

  CLI::App* list =
      Leaf(project, "list", "List an organisation's projects: id, org, name, case visibility",
           selected, [&g, &a](const VaultClient& vc) {
             hoidla::v1::ListProjectsRequest req;
             req.set_organization_id(a.org);
             req.set_page_size(a.page_size);
             req.set_page_token(a.page_token);
             return ShowList(g, vc.ListProjects(req), &PrintProjects);
           });
  list->add_option("--org", a.org, "Organisation id (org_...)")->required();
  AddPaging(list, &a);
}

// `client export` (below, with the output file helpers).
int RunClientExport(const Globals& g, const Args& a, const VaultClient& vc);

void AddClient(CLI::App* app, const Globals& g, Args& a, Action* selected) {
  CLI::App* client = app->add_subcommand("client", "Clients (data subjects)");
  client->require_subcommand(1);

  CLI::App* create =
      Leaf(client, "create", "Register a client (prints the new id first)", selected,
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

  CLI::App* get = Leaf(client, "get", "Show a client", selected, [&g, &a](const VaultClient& vc) {
    hoidla::v1::GetClientRequest req;
    req.set_id(a.id);
    return Show(g, vc.GetClient(req), &PrintClient);
  });
  get->add_option("ID", a.id, "Client id (cli_...)")->required();

  CLI::App* find = Leaf(client, "find", "Find a client of an organisation by personal code",
                        selected, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::FindClientByPersonalCodeRequest req;
                          req.set_organization_id(a.org);
                          req.set_personal_code(a.personal_code);
                          return Show(g, vc.FindClientByPersonalCode(req), &PrintClient);
                        });
  find->add_option("--org", a.org, "Organisation id (org_...)")->required();
  find->add_option("--personal-code", a.personal_code, "Estonian personal code")->required();

  CLI::App* list = Leaf(client, "list",
                        "List clients: id, given name, family name, personal code, date of birth",
                        selected, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListClientsRequest req;
                          req.set_organization_id(a.org);
                          req.set_project_id(a.project);
                          req.set_page_size(a.page_size);
                          req.set_page_token(a.page_token);
                          return ShowList(g, vc.ListClients(req), &PrintClients);
                        });
  CLI::Option_group* scope = list->add_option_group("scope", "Exactly one of");
  scope->add_option("--org", a.org, "Clients of this organisation (org_...)");
  scope->add_option("--project", a.project, "Clients of this project (prj_...)");
  scope->require_option(1);
  AddPaging(list, &a);

  CLI::App* exported =
      Leaf(client, "export",
           "Answer a subject access request: everything held on a client, closed "
           "cases included, as protobuf JSON (with -o, written to the file and "
           "summarised: the number of cases, records, documents, consents, "
           "disclosures and accesses)",
           selected, [&g, &a](const VaultClient& vc) { return RunClientExport(g, a, vc); });
  exported->add_option("CLIENT_ID", a.id, "Client id (cli_...)")->required();
  exported->add_option("-o,--output", a.output,
                       "Write the export to this file (mode 0600) instead "
                       "of standard output (\"-\": standard output)");
}

void AddCase(CLI::App* app, const Globals& g, Args& a, Action* selected) {
  CLI::App* cases = app->add_subcommand("case", "Cases: one client's case in one project");
  cases->require_subcommand(1);

  CLI::App* create = Leaf(cases, "create", "Open a case (prints its id first)", selected,
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

  CLI::App* get = Leaf(cases, "get", "Show a case", selected, [&g, &a](const VaultClient& vc) {
    hoidla::v1::GetCaseRequest req;
    req.set_id(a.id);
    return Show(g, vc.GetCase(req), &PrintCase);
  });
  get->add_option("ID", a.id, "Case id (cas_...)")->required();

  CLI::App* assign = Leaf(cases, "assign",
                          "Assign a case to a worker of its project, or transfer it (the previous "
                          "worker's access ends)",
                          selected, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::AssignCaseRequest req;
                            req.set_case_id(a.id);
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
                         selected, [&g, &a](const VaultClient& vc) {
                           hoidla::v1::CloseCaseRequest req;
                           req.set_case_id(a.id);
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
                          selected, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::ReopenCaseRequest req;
                            req.set_case_id(a.id);
                            req.set_note(a.note);
                            return Show(g, vc.ReopenCase(req), &PrintCase);
                          });
  reopen->add_option("CASE_ID", a.id, "Case id (cas_...)")->required();
  reopen->add_option("--note", a.note, "A note on the reopening");

  CLI::App* network = Leaf(cases, "network",
                           "Add partner workers to, or remove principals from, a case's network "
                           "(whom case-network consents release to); prints the case",
                           selected, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::UpdateCaseNetworkRequest req;
                             req.set_case_id(a.id);
                             for (const auto& id : a.network_add) req.add_add_member_ids(id);
                             for (const auto& id : a.network_remove) req.add_remove_member_ids(id);
                             return Show(g, vc.UpdateCaseNetwork(req), &PrintCase);
                           });
  network->add_option("CASE_ID", a.id, "Case id (cas_...)")->required();
  network->add_option("--add", a.network_add, "Partner worker to add (prn_...), repeatable");
  network->add_option("--remove", a.network_remove, "Principal to remove (prn_...), repeatable");

  CLI::App* list = Leaf(cases, "list", "List cases: id, status, client, title, assigned worker",
                        selected, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListCasesRequest req;
                          req.set_client_id(a.client);
                          req.set_project_id(a.project);
                          req.set_page_size(a.page_size);
                          req.set_page_token(a.page_token);
                          return ShowList(g, vc.ListCases(req), &PrintCases);
                        });
  CLI::Option_group* scope = list->add_option_group("scope", "Exactly one of");
  scope->add_option("--client", a.client, "Cases of this client (cli_...)");
  scope->add_option("--project", a.project, "Cases in this project (prj_...)");
  scope->require_option(1);
  AddPaging(list, &a);

  CLI::App* deadlines = Leaf(cases, "deadlines",
                             "List what is overdue or due soon in the open cases of a project, or "
                             "in one case, soonest first: due date, kind, overdue or due, case, "
                             "record, detail",
                             selected, [&g, &a](const VaultClient& vc) {
                               hoidla::v1::ListDeadlinesRequest req;
                               req.set_project_id(a.project);
                               req.set_case_id(a.case_id);
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

int RunUpload(const Globals& g, const Args& a, const VaultClient& vc) {
  hoidla::v1::Document header;
  header.set_project_id(a.project);
  header.set_client_id(a.client);
  header.set_case_id(a.case_id);
  header.set_title(a.title);
  header.set_kind(a.kind);
  const bool from_stdin = a.file == "-";
  header.set_content_type(!a.content_type.empty() ? a.content_type
                          : from_stdin            ? "application/octet-stream"
                                                  : GuessContentType(a.file));
  absl::StatusOr<hoidla::v1::Document> result;
  if (from_stdin) {
    result = vc.UploadDocument(header, std::cin);
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(a.file, ec)) {
      return UsageError(StrCat("FILE: '", a.file, "' is a directory"));
    }
    std::ifstream in(a.file, std::ios::binary);
    if (!in) return UsageError(StrCat("FILE: cannot open '", a.file, "'"));
    result = vc.UploadDocument(header, in);
  }
  return Show(g, result, &PrintDocument);
}

int RunDownload(const Globals& g, const Args& a, const VaultClient& vc) {
  hoidla::v1::DownloadDocumentRequest req;
  req.set_id(a.id);
  req.set_offset(a.offset);
  req.set_length(a.length);
  if (a.output.empty() || a.output == "-") {
    // Document content could carry terminal control sequences.
    if (::isatty(STDOUT_FILENO)) {
      return UsageError(
          "refusing to write document content to a terminal; use -o FILE or "
          "redirect stdout");
    }
    absl::StatusOr<hoidla::v1::Document> result = vc.DownloadDocument(req, std::cout);
    if (!result.ok()) return RpcError(result.status());
    return Finish();
  }
  return Show(g, vc.DownloadDocumentToFile(req, a.output), &PrintDocument);
}

void AddDoc(CLI::App* app, const Globals& g, Args& a, Action* selected) {
  CLI::App* doc = app->add_subcommand("doc", "Documents");
  doc->require_subcommand(1);

  CLI::App* upload = Leaf(doc, "upload", "Upload a document (prints its id first)", selected,
                          [&g, &a](const VaultClient& vc) { return RunUpload(g, a, vc); });
  upload->add_option("FILE", a.file, "File to upload, or - for standard input")->required();
  upload->add_option("--project", a.project, "Project id (prj_...)")->required();
  upload->add_option("--client", a.client, "Client id (cli_...)")->required();
  upload->add_option("--case", a.case_id, "Case id (cas_...), optional");
  upload->add_option("--title", a.title, "Document title")->required();
  upload->add_option("--kind", a.kind, "What the document is, e.g. consent_scan")->required();
  upload->add_option("--content-type", a.content_type,
                     "MIME type (default: guessed from the file extension, else "
                     "application/octet-stream)");

  CLI::App* download =
      Leaf(doc, "download",
           "Download a document's content (to -o FILE, "
           "atomically, printing its metadata; "
           "or to standard output, printing nothing else)",
           selected, [&g, &a](const VaultClient& vc) { return RunDownload(g, a, vc); });
  download->add_option("ID", a.id, "Document id (doc_...)")->required();
  download->add_option("-o,--output", a.output,
                       "Output file (written as FILE.part, renamed when complete); default "
                       "or - : standard output");
  download->add_option("--offset", a.offset, "First byte of the range (default 0)");
  download->add_option("--length", a.length, "Bytes in the range (default 0: to the end)");

  CLI::App* get =
      Leaf(doc, "get", "Show a document's metadata", selected, [&g, &a](const VaultClient& vc) {
        hoidla::v1::GetDocumentRequest req;
        req.set_id(a.id);
        return Show(g, vc.GetDocument(req), &PrintDocument);
      });
  get->add_option("ID", a.id, "Document id (doc_...)")->required();

  CLI::App* list = Leaf(doc, "list", "List documents: id, kind, size, content type, title",
                        selected, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListDocumentsRequest req;
                          req.set_client_id(a.client);
                          req.set_case_id(a.case_id);
                          req.set_page_size(a.page_size);
                          req.set_page_token(a.page_token);
                          return ShowList(g, vc.ListDocuments(req), &PrintDocuments);
                        });
  CLI::Option_group* scope = list->add_option_group("scope", "Exactly one of");
  scope->add_option("--client", a.client, "Documents of this client (cli_...)");
  scope->add_option("--case", a.case_id, "Documents of this case (cas_...)");
  scope->require_option(1);
  AddPaging(list, &a);
}

void AddKeys(CLI::App* app, const Globals& g, Args& a, Action* selected) {
  CLI::App* keys = app->add_subcommand("keys", "Key administration (system administrators only)");
  keys->require_subcommand(1);

  Leaf(keys, "status", "Show the master key mode, data cipher and key-encryption key versions",
       selected,
       [&g](const VaultClient& vc) { return Show(g, vc.GetKeyStatus(), &PrintKeyStatus); });
  Leaf(keys, "rotate", "Create a new key-encryption key version and make it active", selected,
       [&g](const VaultClient& vc) {
         return Show(g, vc.RotateKeyEncryptionKey(), &PrintKeyStatus);
       });
  Leaf(keys, "rewrap", "Re-wrap client keys under the active key-encryption key version", selected,
       [&g](const VaultClient& vc) { return Show(g, vc.RewrapKeys(), &PrintRewrapKeys); });
  CLI::App* retire = Leaf(keys, "retire", "Destroy a key-encryption key version that wraps no keys",
                          selected, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::RetireKeyEncryptionKeyRequest req;
                            req.set_version(a.version);
                            return Show(g, vc.RetireKeyEncryptionKey(req), &PrintKeyStatus);
                          });
  retire->add_option("VERSION", a.version, "Key-encryption key version")->required();
}

// --- audit ---------------------------------------------------------------

// Reads the whole file at `path`. The errno-derived status, naming `what`
// and the path, when it cannot be read.
absl::StatusOr<std::string> ReadWholeFile(std::string_view what, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::ErrnoToStatus(EISDIR, StrCat(what, ": cannot read '", path, "'"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::ErrnoToStatus(errno, StrCat(what, ": cannot read '", path, "'"));
  }
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::DataLossError(StrCat(what, ": error reading '", path, "'"));
  return contents;
}

// Writes `contents` to `path` atomically: a temporary file next to it (with
// permissions `mode`), synced and renamed over it.
absl::Status WriteFileAtomically(std::string_view what, const std::string& path,
                                 std::string_view contents, mode_t mode = 0644) {
  const std::string tmp = StrCat(path, ".tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, StrCat(what, ": cannot create '", tmp, "'"));
  }
  absl::Status status;
  // The file may have existed with other permissions.
  if (::fchmod(fd, mode) != 0) {
    status = absl::ErrnoToStatus(errno, StrCat(what, ": cannot set the mode of '", tmp, "'"));
  }
  size_t done = 0;
  while (done < contents.size() && status.ok()) {
    const ssize_t w = ::write(fd, contents.data() + done, contents.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      status = absl::ErrnoToStatus(errno, StrCat(what, ": cannot write '", tmp, "'"));
    } else {
      done += static_cast<size_t>(w);
    }
  }
  if (status.ok() && ::fsync(fd) != 0) {
    status = absl::ErrnoToStatus(errno, StrCat(what, ": cannot sync '", tmp, "'"));
  }
  if (::close(fd) != 0 && status.ok()) {
    status = absl::ErrnoToStatus(errno, StrCat(what, ": cannot close '", tmp, "'"));
  }
  if (status.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
    status =
        absl::ErrnoToStatus(errno, StrCat(what, ": cannot rename '", tmp, "' to '", path, "'"));
  }
  if (!status.ok()) ::unlink(tmp.c_str());
  return status;
}

// Reads and parses the --public-key file. Prints the error and returns its
// exit code (1 unreadable, 13 malformed) on failure.
std::optional<std::vector<keys::NoteVerifier>> LoadVerifierKeys(const std::string& path,
                                                                int* exit_code) {
  if (absl::Status s = keys::InitCrypto(); !s.ok()) {
    *exit_code = RpcError(s);
    return std::nullopt;
  }
  absl::StatusOr<std::string> text = ReadWholeFile("--public-key", path);
  if (!text.ok()) {
    *exit_code = UsageError(View(text.status().message()));
    return std::nullopt;
  }
  absl::StatusOr<std::vector<keys::NoteVerifier>> verifiers = ParseVerifierKeys(*text);
  if (!verifiers.ok()) {
    *exit_code = RpcError(absl::InvalidArgumentError(
        StrCat("--public-key: '", path, "': ", std::string(verifiers.status().message()))));
    return std::nullopt;
  }
  return *std::move(verifiers);
}

int RunAuditCheckpoint(const Globals& g, const Args& a, const VaultClient& vc) {
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

int RunAuditExport(const Args& a, const VaultClient& vc) {
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

int RunClientExport(const Globals& /*g*/, const Args& a, const VaultClient& vc) {
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

int RunAuditVerify(const Args& a) {
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

int RunAuditWatch(const Args& a, const VaultClient& vc) {
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

void AddAudit(CLI::App* app, const Globals& g, Args& a, Action* selected, OfflineAction* offline) {
  CLI::App* audit =
      app->add_subcommand("audit",
                          "Audit log integrity: signed checkpoints, export bundles and their "
                          "verification");
  audit->require_subcommand(1);

  Leaf(audit, "public-keys",
       "Print the checkpoint verifier keys, one per line, oldest first (save "
       "them for --public-key)",
       selected, [&g](const VaultClient& vc) {
         return Show(g, vc.GetAuditPublicKeys(), &PrintAuditPublicKeys);
       });
  Leaf(audit, "rotate-key",
       "Add and activate a new checkpoint signing key (prints the verifier "
       "keys)",
       selected, [&g](const VaultClient& vc) {
         return Show(g, vc.RotateAuditSigningKey(), &PrintAuditPublicKeys);
       });

  CLI::App* checkpoint =
      Leaf(audit, "checkpoint", "Print the newest signed checkpoint (a C2SP signed note)", selected,
           [&g, &a](const VaultClient& vc) { return RunAuditCheckpoint(g, a, vc); });
  checkpoint->add_flag("--fresh", a.fresh, "Sign a checkpoint of the current tree head first");
  checkpoint->add_option("-o,--output", a.output,
                         "Write the note to this file instead (prints its "
                         "tree size and root)");

  CLI::App* list =
      Leaf(audit, "list", "List audit entries matching every filter given, newest first", selected,
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
             req.set_page_size(a.page_size);
             req.set_page_token(a.page_token);
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
  AddPaging(list, &a);

  CLI::App* report = Leaf(audit, "report",
                          "A client's access report (\"who saw my data\"), newest first; "
                          "protected third parties are withheld",
                          selected, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::GetAccessReportRequest req;
                            req.set_client_id(a.client);
                            req.set_page_size(a.page_size);
                            req.set_page_token(a.page_token);
                            return ShowList(g, vc.GetAccessReport(req), &PrintAccessReport);
                          });
  report->add_option("--client", a.client, "Client id (cli_...)")->required();
  AddPaging(report, &a);

  CLI::App* exp = Leaf(audit, "export",
                       "Export the entries from --from to a signed checkpoint, with their "
                       "inclusion proofs, as a bundle file for `audit verify`",
                       selected, [&a](const VaultClient& vc) { return RunAuditExport(a, vc); });
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
  verify->callback([offline, &a] { *offline = [&a] { return RunAuditVerify(a); }; });
  verify->add_option("BUNDLE", a.file, "Bundle file from `audit export`")->required();
  verify
      ->add_option("--public-key", a.public_key,
                   "File of trusted verifier keys, one per line (as `audit "
                   "public-keys` prints them)")
      ->required();

  CLI::App* watch = Leaf(audit, "watch",
                         "Follow the live log: check each new checkpoint's signature and that "
                         "it extends the last trusted one (exit 25 when the log was rewritten)",
                         selected, [&a](const VaultClient& vc) { return RunAuditWatch(a, vc); });
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

// --- record ----------------------------------------------------------------

// Reads and parses the --file of `record create|update` into a.content.
// Prints the error and returns 1 when the file cannot be read or is not a
// hoidla.v1.RecordContent in protobuf JSON; 0 on success.
int LoadRecordFile(Args& a) {
  absl::StatusOr<std::string> text = ReadWholeFile("--file", a.file);
  if (!text.ok()) return UsageError(View(text.status().message()));
  absl::StatusOr<hoidla::v1::RecordContent> content = ParseRecordContentJson(*text);
  if (!content.ok()) {
    return UsageError(StrCat("--file: '", a.file, "': ", View(content.status().message())));
  }
  a.content = *std::move(content);
  return 0;
}

void AddRecord(CLI::App* app, const Globals& g, Args& a, Action* selected, OfflineAction* prepare) {
  CLI::App* record =
      app->add_subcommand("record",
                          "Assessment records of a case: form parts and instruments, versioned, "
                          "with signature events");
  record->require_subcommand(1);

  constexpr char kFileHelp[] =
      "File holding the content, a hoidla.v1.RecordContent in the protobuf "
      "JSON mapping (one form part, e.g. {\"casePlan\": {...}}; see "
      "doc/records-forms.md)";
  constexpr char kChangeNoteHelp[] =
      "Why this version was made (required to correct signed minutes)";

  CLI::App* create =
      Leaf(record, "create", "Create a record in a case (prints it, id first, with its content)",
           selected, [&g, &a](const VaultClient& vc) {
             hoidla::v1::CreateRecordRequest req;
             req.mutable_record()->set_case_id(a.case_id);
             *req.mutable_record()->mutable_content() = a.content;
             req.mutable_record()->set_change_note(a.change_note);
             return Show(g, vc.CreateRecord(req), &PrintRecord);
           });
  create->add_option("--case", a.case_id, "Case id (cas_...)")->required();
  create->add_option("--file", a.file, kFileHelp)->required();
  create->add_option("--change-note", a.change_note, kChangeNoteHelp);

  CLI::App* update = Leaf(record, "update",
                          "Record a new version with new content of the same kind (exit 20 "
                          "ABORTED when --expected-version is no longer current)",
                          selected, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::UpdateRecordRequest req;
                            req.set_record_id(a.id);
                            req.set_expected_version(a.expected_version);
                            *req.mutable_content() = a.content;
                            req.set_change_note(a.change_note);
                            return Show(g, vc.UpdateRecord(req), &PrintRecord);
                          });
  update->add_option("RECORD_ID", a.id, "Record id (rec_...)")->required();
  update
      ->add_option("--expected-version", a.expected_version,
                   "The version the new one replaces (the current version)")
      ->required();
  update->add_option("--file", a.file, kFileHelp)->required();
  update->add_option("--change-note", a.change_note, kChangeNoteHelp);
  for (CLI::App* sub : {create, update}) {
    // Read the file before connecting: a bad file sends nothing.
    sub->preparse_callback(
        [prepare, &a](size_t) { *prepare = [&a] { return LoadRecordFile(a); }; });
  }

  CLI::App* get =
      Leaf(record, "get", "Show a version of a record", selected, [&g, &a](const VaultClient& vc) {
        hoidla::v1::GetRecordRequest req;
        req.set_id(a.id);
        req.set_version(a.version);
        return Show(g, vc.GetRecord(req), &PrintRecord);
      });
  get->add_option("RECORD_ID", a.id, "Record id (rec_...)")->required();
  get->add_option("--version", a.version, "Version to show (default: the current one)");

  CLI::App* versions = Leaf(record, "versions",
                            "List every version of a record, oldest first: id, version, updated "
                            "at, updated by, signatures, locked, change note",
                            selected, [&g, &a](const VaultClient& vc) {
                              hoidla::v1::ListRecordVersionsRequest req;
                              req.set_record_id(a.id);
                              return ShowList(g, vc.ListRecordVersions(req), &PrintRecordVersions);
                            });
  versions->add_option("RECORD_ID", a.id, "Record id (rec_...)")->required();

  CLI::App* list =
      Leaf(record, "list",
           "List a case's or a client's records (current versions): id, kind, "
           "version, case, created at, updated at, updated by, locked",
           selected, [&g, &a](const VaultClient& vc) {
             hoidla::v1::ListRecordsRequest req;
             req.set_case_id(a.case_id);
             req.set_client_id(a.client);
             req.set_kind(a.kind);
             for (auto [text, field, name] :
                  {std::tuple{&a.from_time, req.mutable_created_from(), "--from"},
                   std::tuple{&a.until_time, req.mutable_created_until(), "--until"}}) {
               if (text->empty()) continue;
               if (!google::protobuf::util::TimeUtil::FromString(*text, field)) {
                 return UsageError(StrCat(name, ": not an RFC 3339 time"));
               }
             }
             if (a.from_time.empty()) req.clear_created_from();
             if (a.until_time.empty()) req.clear_created_until();
             req.set_page_size(a.page_size);
             req.set_page_token(a.page_token);
             return ShowList(g, vc.ListRecords(req), &PrintRecords);
           });
  CLI::Option_group* scope = list->add_option_group("scope", "Exactly one of");
  scope->add_option("--case", a.case_id, "Records of this case (cas_...)");
  scope->add_option("--client", a.client, "Records of this client (cli_...)");
  scope->require_option(1);
  list->add_option("--kind", a.kind, "Only records of this kind, e.g. case_plan");
  list->add_option("--from", a.from_time,
                   "Only records created from this time on (RFC 3339, "
                   "inclusive)");
  list->add_option("--until", a.until_time,
                   "Only records created before this time (RFC 3339, "
                   "exclusive)");
  AddPaging(list, &a);

  CLI::App* sign = Leaf(record, "sign",
                        "Record a signature event on the current version (prints the record "
                        "with its signatures; exit 20 ABORTED when --version is not current)",
                        selected, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::SignRecordRequest req;
                          req.set_record_id(a.id);
                          req.set_version(a.version);
                          hoidla::v1::Signature* s = req.mutable_signature();
                          s->set_role(a.role);
                          s->set_signer_name(a.signer_name);
                          s->set_participant_id(a.participant_id);
                          if (!a.scan_document.empty()) {
                            s->set_method(hoidla::v1::SIGNATURE_METHOD_PAPER);
                            s->set_scan_document_id(a.scan_document);
                          } else {
                            s->set_method(hoidla::v1::SIGNATURE_METHOD_DIGITAL);
                            s->set_signature_reference(a.signature_reference);
                          }
                          return Show(g, vc.SignRecord(req), &PrintRecord);
                        });
  sign->add_option("RECORD_ID", a.id, "Record id (rec_...)")->required();
  sign->add_option("--version", a.version, "The version signed (the current one)")->required();
  sign->add_option("--role", a.role,
                   "Who signed, as the form names them: client, "
                   "case_manager, network_member, minute_taker, participant")
      ->required();
  sign->add_option("--signer-name", a.signer_name, "The signer's name")->required();
  CLI::Option_group* how = sign->add_option_group("method", "Exactly one of");
  how->add_option("--scan-document", a.scan_document,
                  "Signed on paper: the scan, a document of the client "
                  "(doc_...)");
  how->add_option("--signature-reference", a.signature_reference,
                  "Signed digitally: the signed container's reference");
  how->require_option(1);
  sign->add_option("--participant-id", a.participant_id,
                   "Meeting minutes: the participant_id of the minute-taker "
                   "or participant who signed");
}

// --- instrument ------------------------------------------------------------

// Reads and parses the --file of `instrument register` into a.instrument.
// Prints the error and returns 1 when the file cannot be read or is not a
// hoidla.v1.Instrument in protobuf JSON; 0 on success.
int LoadInstrumentFile(Args& a) {
  absl::StatusOr<std::string> text = ReadWholeFile("--file", a.file);
  if (!text.ok()) return UsageError(View(text.status().message()));
  absl::StatusOr<hoidla::v1::Instrument> instrument = ParseInstrumentJson(*text);
  if (!instrument.ok()) {
    return UsageError(StrCat("--file: '", a.file, "': ", View(instrument.status().message())));
  }
  a.instrument = *std::move(instrument);
  return 0;
}

void AddInstrument(CLI::App* app, const Globals& g, Args& a, Action* selected,
                   OfflineAction* prepare) {
  CLI::App* instrument =
      app->add_subcommand("instrument",
                          "An organisation's own assessment instruments: versioned schemas that "
                          "custom records are checked against");
  instrument->require_subcommand(1);

  CLI::App* reg = Leaf(instrument, "register",
                       "Register an instrument, or a new version of the organisation's "
                       "instrument of that name (prints it, id first)",
                       selected, [&g, &a](const VaultClient& vc) {
                         hoidla::v1::RegisterInstrumentRequest req;
                         *req.mutable_instrument() = a.instrument;
                         return Show(g, vc.RegisterInstrument(req), &PrintInstrument);
                       });
  reg->add_option("--file", a.file,
                  "File holding a hoidla.v1.Instrument in the protobuf JSON "
                  "mapping (organizationId, name, description, fields; "
                  "without its output-only fields)")
      ->required();
  // Read the file before connecting: a bad file sends nothing.
  reg->preparse_callback(
      [prepare, &a](size_t) { *prepare = [&a] { return LoadInstrumentFile(a); }; });

  CLI::App* get = Leaf(instrument, "get", "Show a version of an instrument", selected,
                       [&g, &a](const VaultClient& vc) {
                         hoidla::v1::GetInstrumentRequest req;
                         req.set_id(a.id);
                         req.set_version(a.version);
                         return Show(g, vc.GetInstrument(req), &PrintInstrument);
                       });
  get->add_option("INSTRUMENT_ID", a.id, "Instrument id (ins_...)")->required();
  get->add_option("--version", a.version, "Version to show (default: the newest)");

  CLI::App* list = Leaf(instrument, "list",
                        "List an organisation's instruments (newest versions): id, name, "
                        "version, number of fields, created at, description",
                        selected, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListInstrumentsRequest req;
                          req.set_organization_id(a.org);
                          return ShowList(g, vc.ListInstruments(req), &PrintInstruments);
                        });
  list->add_option("--org", a.org, "Organisation id (org_...)")->required();
}

// --- consent, disclosure, exists ------------------------------------------

// Reads and parses the --file of `consent record|revise` into a.consent.
// Prints the error and returns 1 when the file cannot be read or is not a
// hoidla.v1.Consent in protobuf JSON; 0 on success.
int LoadConsentFile(Args& a) {
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
int ShowConsentReceipt(const Globals& g, const Args& a,
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

int RunConsentVerify(const Args& a) {
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

void AddConsent(CLI::App* app, const Globals& g, Args& a, Action* selected, OfflineAction* offline,
                OfflineAction* prepare) {
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
           selected, [&g, &a](const VaultClient& vc) {
             hoidla::v1::RecordConsentRequest req;
             *req.mutable_consent() = a.consent;
             return ShowConsentReceipt(g, a, vc.RecordConsent(req));
           });
  record->add_option("--file", a.file, kFileHelp)->required();
  record->add_option("-o,--receipt-output", a.output, kReceiptOutputHelp);

  CLI::App* revise = Leaf(consent, "revise",
                          "Record a new version of a consent, superseding the current one (exit "
                          "20 ABORTED when --expected-version is no longer current)",
                          selected, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::ReviseConsentRequest req;
                            req.set_consent_id(a.id);
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
        [prepare, &a](size_t) { *prepare = [&a] { return LoadConsentFile(a); }; });
  }

  CLI::App* withdraw =
      Leaf(consent, "withdraw", "Withdraw a consent from now on (prints it with the withdrawal)",
           selected, [&g, &a](const VaultClient& vc) {
             hoidla::v1::WithdrawConsentRequest req;
             req.set_consent_id(a.id);
             req.set_note(a.note);
             return Show(g, vc.WithdrawConsent(req), &PrintConsent);
           });
  withdraw->add_option("CONSENT_ID", a.id, "Consent id (cns_...)")->required();
  withdraw->add_option("--note", a.note, "How and by whom the withdrawal was expressed");

  CLI::App* confirm = Leaf(consent, "confirm",
                           "Confirm the release of a consent's current version to a project of "
                           "the same organisation (a project manager or head of the consent's "
                           "project who did not record it); prints the consent",
                           selected, [&g, &a](const VaultClient& vc) {
                             hoidla::v1::ConfirmConsentReleaseRequest req;
                             req.set_consent_id(a.id);
                             req.set_version(a.version);
                             return Show(g, vc.ConfirmConsentRelease(req), &PrintConsent);
                           });
  confirm->add_option("CONSENT_ID", a.id, "Consent id (cns_...)")->required();
  confirm->add_option("--version", a.version, "The current version (exit 20 ABORTED otherwise)")
      ->required();

  CLI::App* get = Leaf(consent, "get", "Show a version of a consent", selected,
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
                        selected, [&g, &a](const VaultClient& vc) {
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
  verify->callback([offline, &a] { *offline = [&a] { return RunConsentVerify(a); }; });
  verify->add_option("RECEIPT_FILE", a.file, "Receipt file from `consent record|revise -o`")
      ->required();
  verify
      ->add_option("--public-key", a.public_key,
                   "File of trusted verifier keys, one per line (as `audit "
                   "public-keys` prints them)")
      ->required();
}

void AddDisclosure(CLI::App* app, const Globals& g, Args& a, Action* selected) {
  CLI::App* disclosure =
      app->add_subcommand("disclosure",
                          "Disclosures without consent under a legal basis, and their review by "
                          "the data protection officer");
  disclosure->require_subcommand(1);

  CLI::App* create = Leaf(disclosure, "create",
                          "Release named items of a client to an organisation without consent "
                          "(prints the disclosure, id first; it enters the review queue)",
                          selected, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::DiscloseWithoutConsentRequest req;
                            hoidla::v1::Disclosure* d = req.mutable_disclosure();
                            d->set_client_id(a.client);
                            d->set_case_id(a.case_id);
                            d->set_recipient_organization_id(a.recipient_org);
                            d->set_legal_basis(ParseLegalBasis(a.legal_basis));
                            d->set_justification(a.justification);
                            for (const std::string& item : a.items) d->add_item_ids(item);
                            d->set_valid_hours(a.valid_hours);
                            return Show(g, vc.DiscloseWithoutConsent(req), &PrintDisclosure);
                          });
  create->add_option("--client", a.client, "Client id (cli_...)")->required();
  create->add_option("--case", a.case_id, "Case the items belong to (cas_...), optional");
  create
      ->add_option("--recipient-org", a.recipient_org,
                   "Organisation that may fetch the items (org_...)")
      ->required();
  create->add_option("--legal-basis", a.legal_basis, "The legal basis")
      ->required()
      ->check(CLI::IsMember(
          {"danger_to_others", "crime", "danger_to_client", "court_or_prosecutor_request"}));
  create
      ->add_option("--justification", a.justification,
                   "Why the release is necessary (20-4000 characters)")
      ->required();
  create->add_option("--item", a.items, "Id of a document or record released; repeat for several")
      ->required();
  create
      ->add_option("--valid-hours", a.valid_hours,
                   "How long the release lasts, in hours (1 to 168)")
      ->required();

  CLI::App* list = Leaf(disclosure, "list",
                        "List an organisation's disclosures, newest first: id, review, legal "
                        "basis, client, recipient, items, valid until, created by",
                        selected, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListDisclosuresRequest req;
                          req.set_organization_id(a.org);
                          req.set_pending_only(a.pending_only);
                          req.set_page_size(a.page_size);
                          req.set_page_token(a.page_token);
                          return ShowList(g, vc.ListDisclosures(req), &PrintDisclosures);
                        });
  list->add_option("--org", a.org, "Organisation id (org_...)")->required();
  list->add_flag("--pending-only", a.pending_only,
                 "Only those not reviewed yet (the review queue)");
  AddPaging(list, &a);

  CLI::App* review = Leaf(disclosure, "review",
                          "Record the data protection officer's review of a disclosure (a "
                          "rejected release ends at once)",
                          selected, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::ReviewDisclosureRequest req;
                            req.set_disclosure_id(a.id);
                            req.set_review(ParseReviewOutcome(a.outcome));
                            req.set_note(a.note);
                            return Show(g, vc.ReviewDisclosure(req), &PrintDisclosure);
                          });
  review->add_option("DISCLOSURE_ID", a.id, "Disclosure id (dsc_...)")->required();
  review->add_option("--outcome", a.outcome, "upheld (lawful) or rejected")
      ->required()
      ->check(CLI::IsMember({"upheld", "rejected"}));
  review->add_option("--note", a.note, "The reviewer's note");
}

void AddExists(CLI::App* app, const Globals& g, Args& a, Action* selected) {
  CLI::App* exists = Leaf(app, "exists",
                          "Ask whether a record or document of a kind exists for a person, where "
                          "a consent lets your organisation ask for --purpose (prints exists: "
                          "true|false and the organisation and client ids)",
                          selected, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::QueryRecordExistenceRequest req;
                            req.set_kind(a.kind);
                            req.set_personal_code(a.personal_code);
                            req.set_client_id(a.client);
                            return Show(g, vc.QueryRecordExistence(req), &PrintRecordExistence);
                          });
  exists->add_option("--kind", a.kind, "Record or document kind, e.g. case_plan")->required();
  CLI::Option_group* who = exists->add_option_group("person", "Exactly one of");
  who->add_option("--personal-code", a.personal_code, "The person's Estonian personal code");
  who->add_option("--client", a.client, "Client id (cli_...)");
  who->require_option(1);
}

int Run(int argc, char** argv) {
  Globals globals;
  Args args;
  Action selected;
  OfflineAction offline;
  OfflineAction prepare;

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

  AddWhoAmI(&app, globals, &selected);
  AddPrincipal(&app, globals, args, &selected);
  AddToken(&app, globals, args, &selected);
  AddLogin(&app, globals, args, &selected, &prepare);
  AddGrant(&app, globals, args, &selected, &prepare);
  AddOrg(&app, globals, args, &selected, &prepare);
  AddProject(&app, globals, args, &selected);
  AddClient(&app, globals, args, &selected);
  AddCase(&app, globals, args, &selected);
  AddDoc(&app, globals, args, &selected);
  AddKeys(&app, globals, args, &selected);
  AddAudit(&app, globals, args, &selected, &offline);
  AddRecord(&app, globals, args, &selected, &prepare);
  AddInstrument(&app, globals, args, &selected, &prepare);
  AddConsent(&app, globals, args, &selected, &offline, &prepare);
  AddDisclosure(&app, globals, args, &selected);
  AddExists(&app, globals, args, &selected);
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
  if (offline) return offline();
  if (!selected) return UsageError("no command given");
  if (prepare) {
    if (int rc = prepare(); rc != 0) return rc;
  }

  client::ConnectOptions options;
  options.address = globals.server;
  // `login` with an ID token sends no other credential.
  if (!args.anonymous) {
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
  return selected(**vault);
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
