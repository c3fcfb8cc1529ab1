// `vaultctl keys status|rotate|rewrap|retire`: key administration (system
// administrators only).
#include <cstdint>

#include "CLI/CLI.hpp"
#include "client/vault_client.h"
#include "client/vaultctl/commands.h"
#include "client/vaultctl/common.h"
#include "client/vaultctl_format.h"

namespace hoidla::vaultctl {
namespace {

using ::hoidla::client::VaultClient;

// Options of `keys retire`.
struct KeysOptions {
  uint32_t version = 0;
};

}  // namespace

void AddKeysCommands(CLI::App* app, const Globals& g, Selection* selection) {
  KeysOptions& a = NewOptions<KeysOptions>(selection);
  CLI::App* keys = app->add_subcommand("keys", "Key administration (system administrators only)");
  keys->require_subcommand(1);

  Leaf(keys, "status", "Show the master key mode, data cipher and key-encryption key versions",
       selection,
       [&g](const VaultClient& vc) { return Show(g, vc.GetKeyStatus(), &PrintKeyStatus); });
  Leaf(keys, "rotate", "Create a new key-encryption key version and make it active", selection,
       [&g](const VaultClient& vc) {
         return Show(g, vc.RotateKeyEncryptionKey(), &PrintKeyStatus);
       });
  Leaf(keys, "rewrap", "Re-wrap client keys under the active key-encryption key version", selection,
       [&g](const VaultClient& vc) { return Show(g, vc.RewrapKeys(), &PrintRewrapKeys); });
  CLI::App* retire = Leaf(keys, "retire", "Destroy a key-encryption key version that wraps no keys",
                          selection, [&g, &a](const VaultClient& vc) {
                            hoidla::v1::RetireKeyEncryptionKeyRequest req;
                            req.set_version(a.version);
                            return Show(g, vc.RetireKeyEncryptionKey(req), &PrintKeyStatus);
                          });
  retire->add_option("VERSION", a.version, "Key-encryption key version")->required();
}

}  // namespace hoidla::vaultctl
