// The nouns of vaultctl, one command file each (client/vaultctl/<noun>.cc):
// each function registers a noun's subcommands on the top-level app, with
// their options, and has the AddCommands signature of common.h. main.cc
// calls them in this order, which is the order `vaultctl --help` lists them
// in.
#ifndef HOIDLA_CLIENT_VAULTCTL_COMMANDS_H_
#define HOIDLA_CLIENT_VAULTCTL_COMMANDS_H_

#include "CLI/CLI.hpp"
#include "client/vaultctl/common.h"

namespace hoidla::vaultctl {

// identity.cc: `whoami`, `token issue|list|revoke` and `login`.
void AddWhoAmICommand(CLI::App* app, const Globals& g, Selection* selection);
void AddTokenCommands(CLI::App* app, const Globals& g, Selection* selection);
void AddLoginCommand(CLI::App* app, const Globals& g, Selection* selection);

// principal.cc: `principal create|get|list|add-role|remove-role|map-cert|
// unmap-cert|disable`.
void AddPrincipalCommands(CLI::App* app, const Globals& g, Selection* selection);

// grant.cc: `grant request|approve|deny|get|list`.
void AddGrantCommands(CLI::App* app, const Globals& g, Selection* selection);

// org.cc: `org create|get|set-client-ca|set-crl|set-idp|list`.
void AddOrgCommands(CLI::App* app, const Globals& g, Selection* selection);

// project.cc: `project create|get|list`.
void AddProjectCommands(CLI::App* app, const Globals& g, Selection* selection);

// client.cc: `client create|get|find|list|export`.
void AddClientCommands(CLI::App* app, const Globals& g, Selection* selection);

// case.cc: `case create|get|assign|close|reopen|network|list|deadlines`.
void AddCaseCommands(CLI::App* app, const Globals& g, Selection* selection);

// doc.cc: `doc upload|download|get|list`.
void AddDocCommands(CLI::App* app, const Globals& g, Selection* selection);

// keys.cc: `keys status|rotate|rewrap|retire`.
void AddKeysCommands(CLI::App* app, const Globals& g, Selection* selection);

// audit.cc: `audit public-keys|rotate-key|checkpoint|list|report|export|
// verify|watch` (verify is offline).
void AddAuditCommands(CLI::App* app, const Globals& g, Selection* selection);

// record.cc: `record create|update|get|versions|list|sign`.
void AddRecordCommands(CLI::App* app, const Globals& g, Selection* selection);

// instrument.cc: `instrument register|get|list`.
void AddInstrumentCommands(CLI::App* app, const Globals& g, Selection* selection);

// consent.cc: `consent record|revise|withdraw|confirm|get|list|verify`
// (verify is offline).
void AddConsentCommands(CLI::App* app, const Globals& g, Selection* selection);

// disclosure.cc: `disclosure create|list|review`.
void AddDisclosureCommands(CLI::App* app, const Globals& g, Selection* selection);

// retention.cc: `retention schedule create|update|get|list|resolve`,
// `retention hold place|get|list`, `retention release`.
void AddRetentionCommands(CLI::App* app, const Globals& g, Selection* selection);

// exists.cc: `exists`.
void AddExistsCommand(CLI::App* app, const Globals& g, Selection* selection);

}  // namespace hoidla::vaultctl

#endif  // HOIDLA_CLIENT_VAULTCTL_COMMANDS_H_
