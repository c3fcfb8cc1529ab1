// `vaultctl instrument register|get|list`: an organisation's own assessment
// instruments, versioned schemas that custom records are checked against.
// `register` reads the instrument from a protobuf JSON file before
// connecting (vaultctl_record.h).
#include <cstdint>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "base/strings.h"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"
#include "client/vaultctl_record.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `instrument ...`; only one subcommand runs, so they share fields.
struct InstrumentOptions {
  std::string id;
  std::string org;
  std::string file;
  hoidla::v1::Instrument instrument;  // read from --file before connecting
  uint32_t version = 0;
};

// Reads and parses the --file of `instrument register` into a.instrument.
// Prints the error and returns 1 when the file cannot be read or is not a
// hoidla.v1.Instrument in protobuf JSON; 0 on success.
int LoadInstrumentFile(InstrumentOptions& a) {
  absl::StatusOr<std::string> text = ReadWholeFile("--file", a.file);
  if (!text.ok()) return UsageError(View(text.status().message()));
  absl::StatusOr<hoidla::v1::Instrument> instrument = ParseInstrumentJson(*text);
  if (!instrument.ok()) {
    return UsageError(StrCat("--file: '", a.file, "': ", View(instrument.status().message())));
  }
  a.instrument = *std::move(instrument);
  return 0;
}

}  // namespace

void AddInstrumentCommands(CLI::App* app, const Globals& g, Selection* selection) {
  InstrumentOptions& a = NewOptions<InstrumentOptions>(selection);
  CLI::App* instrument =
      app->add_subcommand("instrument",
                          "An organisation's own assessment instruments: versioned schemas that "
                          "custom records are checked against");
  instrument->require_subcommand(1);

  CLI::App* reg = Leaf(instrument, "register",
                       "Register an instrument, or a new version of the organisation's "
                       "instrument of that name (prints it, id first)",
                       selection, [&g, &a](const VaultClient& vc) {
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
      [selection, &a](size_t) { selection->prepare = [&a] { return LoadInstrumentFile(a); }; });

  CLI::App* get = Leaf(instrument, "get", "Show a version of an instrument", selection,
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
                        selection, [&g, &a](const VaultClient& vc) {
                          hoidla::v1::ListInstrumentsRequest req;
                          req.set_organization_id(a.org);
                          return ShowList(g, vc.ListInstruments(req), &PrintInstruments);
                        });
  list->add_option("--org", a.org, "Organisation id (org_...)")->required();
}

}  // namespace hoidla::vaultctl
