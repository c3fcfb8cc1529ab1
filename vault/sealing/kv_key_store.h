// KvKeyStore: the keyring's KeyStore (keys/key_store.h) over the vault's
// KvStore, in its kKeys space; and the conversions that let a key change
// ride in the same atomic write as the records and audit entry it belongs
// to.
//
// Thread-safety: KvKeyStore is safe for concurrent use (as the KvStore).
#ifndef HOIDLA_VAULT_SEALING_KV_KEY_STORE_H_
#define HOIDLA_VAULT_SEALING_KV_KEY_STORE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "keys/crypto.h"
#include "keys/key_store.h"
#include "keys/keyring.h"
#include "keys/master.h"
#include "vault/storage/kv_store.h"

namespace hoidla::sealing {

class KvKeyStore : public keys::KeyStore {
 public:
  // `store` must outlive this object.
  explicit KvKeyStore(storage::KvStore* store) : store_(store) {}

  absl::StatusOr<std::string> Get(std::string_view key) const override;
  absl::Status Scan(std::string_view prefix, const Visitor& visit) const override;
  absl::Status Write(const keys::KeyChanges& changes) override;

 private:
  storage::KvStore* const store_;
};

// Appends `changes` to `batch` as writes of the kKeys space.
void AppendKeyChanges(const keys::KeyChanges& changes, storage::WriteBatch* batch);
// `changes` as a batch of their own.
storage::WriteBatch ToBatch(const keys::KeyChanges& changes);

// Opens the keyring kept in `store`'s kKeys space (keys::Keyring::Open).
// `store` and `clock` must outlive the keyring.
absl::StatusOr<std::unique_ptr<keys::Keyring>> OpenKeyring(storage::KvStore* store,
                                                           keys::SecureBuffer master,
                                                           keys::MasterKeyMode mode, Clock* clock);

}  // namespace hoidla::sealing

#endif  // HOIDLA_VAULT_SEALING_KV_KEY_STORE_H_
