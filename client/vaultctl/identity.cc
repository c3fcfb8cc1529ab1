// `vaultctl whoami`, `vaultctl token issue|list|revoke` and `vaultctl login`:
// who the caller is, and the tokens and sessions it authenticates with.
#include <cstdint>
#include <iostream>
#include <string>
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

// Options of `token issue|list|revoke`.
struct TokenOptions {
  std::string id;
  std::string ttl;
  Paging paging;
};

// Options of `login`.
struct LoginOptions {
  std::string id_token;
  std::string id_token_file;
  bool session = false;
  std::string ttl;
  std::string client_org;
};

int RunIssueToken(const Globals& g, const TokenOptions& a, const VaultClient& vc) {
  absl::StatusOr<int64_t> ttl = ParseTtl(a.ttl);
  if (!ttl.ok()) return UsageError(StrCat("--ttl: ", View(ttl.status().message())));
  hoidla::v1::IssueTokenRequest req;
  req.set_id(a.id);
  req.set_ttl_seconds(*ttl);
  return Show(g, vc.IssueToken(req), &PrintIssueToken);
}

int RunRevokeToken(const Globals& g, const TokenOptions& a, const VaultClient& vc) {
  hoidla::v1::RevokeTokenRequest req;
  req.set_id(a.id);
  absl::StatusOr<hoidla::v1::RevokeTokenResponse> result = vc.RevokeToken(req);
  if (!result.ok()) return RpcError(result.status());
  if (g.json) {
    if (absl::Status s = PrintJson(*result, std::cout); !s.ok()) return RpcError(s);
  } else {
    std::cout << "revoked: " << Escape(a.id) << '\n';
  }
  return Finish();
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

// The lifetime of --ttl in seconds, or `fallback` when it was not given.
// ParseTtl's error (prefixed with "--ttl: ") otherwise.
absl::StatusOr<int64_t> TtlArg(const LoginOptions& a, int64_t fallback) {
  if (a.ttl.empty()) return fallback;
  absl::StatusOr<int64_t> ttl = ParseTtl(a.ttl);
  if (!ttl.ok()) return absl::InvalidArgumentError(StrCat("--ttl: ", View(ttl.status().message())));
  return ttl;
}

// `login`: an ID token exchanged for a session (no credential sent), or a
// session of the caller's own (IssueToken with no principal).
int RunLogin(const Globals& g, const LoginOptions& a, const VaultClient& vc) {
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

}  // namespace

void AddWhoAmICommand(CLI::App* app, const Globals& g, Selection* selection) {
  Leaf(app, "whoami", "Show who the presented token belongs to", selection,
       [&g](const VaultClient& vc) { return Show(g, vc.WhoAmI(), &PrintWhoAmI); });
}

void AddTokenCommands(CLI::App* app, const Globals& g, Selection* selection) {
  TokenOptions& a = NewOptions<TokenOptions>(selection);
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
           selection, [&g, &a](const VaultClient& vc) { return RunIssueToken(g, a, vc); });
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
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListTokensRequest req;
                          req.set_principal_id(a.id);
                          SetPaging(a.paging, &req);
                          return ShowList(g, vc.ListTokens(req), &PrintTokens);
                        });
  list->add_option("PRINCIPAL_ID", a.id, "Principal id (prn_...)")->required();
  AddPaging(list, &a.paging);

  CLI::App* revoke =
      Leaf(token, "revoke", "Revoke a token by its id (effective for its next use)", selection,
           [&g, &a](const VaultClient& vc) { return RunRevokeToken(g, a, vc); });
  revoke->add_option("TOKEN_ID", a.id, "Token id (tok_...), not the token")->required();
}

void AddLoginCommand(CLI::App* app, const Globals& g, Selection* selection) {
  LoginOptions& a = NewOptions<LoginOptions>(selection);
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
  login->callback([selection, &g, &a] {
    selection->action = [&g, &a](const VaultClient& vc) { return RunLogin(g, a, vc); };
    selection->anonymous = !a.session;
    selection->prepare = [&a] {
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

}  // namespace hoidla::vaultctl
