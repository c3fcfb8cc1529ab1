// What the command files of vaultctl share: the global options, how a parsed
// subcommand is selected and run (Selection, Action, OfflineAction), the
// interface each noun implements (AddCommands, in commands.h), and the
// helpers of more than one noun: printing results and errors with their exit
// codes, paging options, token lifetimes, and reading and writing files.
//
// Each noun (client/vaultctl/<noun>.cc) registers its subcommands with CLI11,
// binding their flags to an options struct of its own that the Selection
// keeps (NewOptions), and selects an Action (or an OfflineAction) in the
// subcommand's callback; main.cc parses the command line, connects and runs
// what was selected.
//
// Exit codes: 0 success; 1 (kExitUsage) a usage or local error before any
// request was sent; 10 + code (kExitRpcBase) a request that failed with gRPC
// status `code`.
#ifndef HOIDLA_CLIENT_VAULTCTL_COMMON_H_
#define HOIDLA_CLIENT_VAULTCTL_COMMON_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/vault_client.h"
#include "client/vaultctl_format.h"
#include "hoidla/v1/identity.pb.h"
#include "keys/signed_note.h"

namespace hoidla::vaultctl {

inline constexpr int kExitUsage = 1;
inline constexpr int kExitRpcBase = 10;

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

// What the selected subcommand does once connected.
using Action = std::function<int(const client::VaultClient&)>;
// What a selected offline subcommand does (no connection, no credential).
// Also the local preparation of an online subcommand (reading its input
// files), run before the credential is read and the channel is created: it
// returns 0 to go on, or the exit code of its failure.
using OfflineAction = std::function<int()>;

// What parsing the command line selected, set by the callbacks of the
// subcommand that was given (only one runs), and the options of every noun.
struct Selection {
  Action action;           // the online subcommand
  OfflineAction offline;   // an offline subcommand: run instead of connecting
  OfflineAction prepare;   // the online subcommand's local preparation, if any
  bool anonymous = false;  // send no credential (`login` with an ID token)
  // The nouns' options structs (NewOptions), kept as long as the selection.
  std::vector<std::shared_ptr<void>> options;
};

// A new, default T kept by `selection`: a noun's options, which its flags are
// parsed into and its actions read.
template <typename T>
T& NewOptions(Selection* selection) {
  auto options = std::make_shared<T>();
  T& ref = *options;
  selection->options.push_back(std::move(options));
  return ref;
}

// The interface each noun implements (commands.h lists them): registers the
// noun's subcommands on `app`, with options of its own; their callbacks set
// `selection`. `globals` and `selection` outlive the parse and the action.
using AddCommands = void (*)(CLI::App* app, const Globals& globals, Selection* selection);

std::string CodeName(absl::StatusCode code);

// Debian's Abseil has its own string_view type.
std::string_view View(absl::string_view s);

// Prints a usage or local error and returns its exit code.
int UsageError(std::string_view message);

// Prints a failed request's status and returns 10 + its code.
int RpcError(const absl::Status& status);

// Flushes stdout; a failed write (full disk, closed pipe) is an error.
int Finish();

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

// Registers a leaf subcommand whose callback selects `action`.
CLI::App* Leaf(CLI::App* parent, const std::string& name, const std::string& description,
               Selection* selection, Action action);

// The options of a list command's page.
struct Paging {
  int32_t page_size = 0;
  std::string page_token;
};

// Adds --page-size and --page-token.
void AddPaging(CLI::App* sub, Paging* paging);

// Sets the page of a list request.
template <typename Request>
void SetPaging(const Paging& paging, Request* req) {
  req->set_page_size(paging.page_size);
  req->set_page_token(paging.page_token);
}

// Parses a token lifetime: a number of seconds, or a number followed by s, m,
// h or d (for example "90", "15m", "30d"). Returns the seconds, or
// INVALID_ARGUMENT saying what is wrong (without the option name); the server
// checks the allowed range.
absl::StatusOr<int64_t> ParseTtl(const std::string& text);

// Checks a --ttl value at parse time (ParseTtl).
CLI::Validator TtlValidator();

// Reads the whole file at `path`. The errno-derived status, naming `what`
// and the path, when it cannot be read.
absl::StatusOr<std::string> ReadWholeFile(std::string_view what, const std::string& path);

// Reads file option `flag` at `path` into `*out`; "-" reads standard input.
// Prints the error and returns 1 when it cannot be read; 0 on success.
int LoadFileArg(std::string_view flag, const std::string& path, std::string* out);

// Writes `contents` to `path` atomically: a temporary file next to it (with
// permissions `mode`), synced and renamed over it.
absl::Status WriteFileAtomically(std::string_view what, const std::string& path,
                                 std::string_view contents, mode_t mode = 0644);

// Reads and parses the --public-key file. Prints the error and returns its
// exit code (1 unreadable, 13 malformed) on failure.
std::optional<std::vector<keys::NoteVerifier>> LoadVerifierKeys(const std::string& path,
                                                                int* exit_code);

// The help of --role (`principal add-role|remove-role`, `grant request`).
inline constexpr char kRolesHelp[] =
    "Role: system_administrator (no scope); head_of_organization, auditor, "
    "data_protection_officer, partner_worker (--org); project_manager, "
    "case_worker, service_provider (--org and --project)";

// The membership named by --role, --org and --project.
hoidla::v1::Membership MembershipArg(const std::string& role, const std::string& org,
                                     const std::string& project);

}  // namespace hoidla::vaultctl

#endif  // HOIDLA_CLIENT_VAULTCTL_COMMON_H_
