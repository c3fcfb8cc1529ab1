#include "vault/sealing/kv_key_store.h"

#include <utility>

namespace hoidla::sealing {

using storage::Space;

absl::StatusOr<std::string> KvKeyStore::Get(std::string_view key) const {
  return store_->Get(Space::kKeys, key);
}

absl::Status KvKeyStore::Scan(std::string_view prefix, const Visitor& visit) const {
  auto snapshot = store_->NewSnapshot();
  auto it = store_->Scan(Space::kKeys, prefix, {}, snapshot.get());
  for (; it->Valid(); it->Next()) {
    if (!visit(it->key(), it->value())) return absl::OkStatus();
  }
  return it->status();
}

absl::Status KvKeyStore::Write(const keys::KeyChanges& changes) {
  return store_->Write(ToBatch(changes));
}

void AppendKeyChanges(const keys::KeyChanges& changes, storage::WriteBatch* batch) {
  for (const auto& op : changes.ops()) {
    if (op.value.has_value()) {
      batch->Put(Space::kKeys, op.key, *op.value);
    } else {
      batch->Delete(Space::kKeys, op.key);
    }
  }
}

storage::WriteBatch ToBatch(const keys::KeyChanges& changes) {
  storage::WriteBatch batch;
  AppendKeyChanges(changes, &batch);
  return batch;
}

absl::StatusOr<std::unique_ptr<keys::Keyring>> OpenKeyring(storage::KvStore* store,
                                                           keys::SecureBuffer master,
                                                           keys::MasterKeyMode mode, Clock* clock) {
  return keys::Keyring::Open(std::make_unique<KvKeyStore>(store), std::move(master), mode, clock);
}

}  // namespace hoidla::sealing
