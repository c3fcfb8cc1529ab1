// Typed access to sealed protobuf records in the kMeta space.
//
// Put() serialises a record, seals it in a record envelope bound to its
// storage key, version and owner, and adds it to a batch; Get() reads and
// opens it. Only ids and fixed words ever appear in keys.
//
// Every Put() writes the next version of the record: the envelope is bound
// to it, and the version is kept beside the record (kIndex
// "rv/<kind>/<id>", in the same batch). An older copy of the record written
// back (a withdrawn consent's earlier state, an account before a role was
// removed) then fails authentication with DATA_LOSS, as do bytes with no
// version beside them. A rollback of the record together with its version
// (or of the whole store) is outside what this detects (doc/threat-model.md).
// Thread-safety: safe for concurrent use (stateless over Keyring and store).
#ifndef HOIDLA_VAULT_SEALING_SEALED_RECORDS_H_
#define HOIDLA_VAULT_SEALING_SEALED_RECORDS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "google/protobuf/message_lite.h"
#include "keys/envelope.h"
#include "keys/keyring.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

class SealedRecords {
 public:
  SealedRecords(storage::KvStore* store, keys::Keyring* keyring)
      : store_(store), keyring_(keyring) {}

  // Seals `record` for storage key `key` (kind and id are taken from it),
  // owned by `owner`, and adds the put to `batch`. NOT_FOUND when the owner
  // has no key.
  absl::Status Put(std::string_view kind, std::string_view id, std::string_view owner,
                   const google::protobuf::MessageLite& record, storage::WriteBatch* batch) const;

  // Reads and opens the record `kind`/`id` into `record`. When `owner` is
  // empty the owner named in the envelope header is used (the binding still
  // ties the bytes to `kind`/`id`, so moved bytes fail); callers then check
  // the owner against the authenticated record. NOT_FOUND when absent;
  // DATA_LOSS when the stored bytes fail authentication or do not parse.
  absl::Status Get(std::string_view kind, std::string_view id, std::string_view owner,
                   google::protobuf::MessageLite* record,
                   const storage::Snapshot* snapshot = nullptr,
                   std::string* owner_used = nullptr) const;

  // Opens an already-read envelope (from a scan). When it fails to open
  // at the record's current version, the record is read again (a scan may
  // predate a newer write) and that decides.
  absl::Status Open(std::string_view kind, std::string_view id, std::string_view owner,
                    std::string_view envelope, google::protobuf::MessageLite* record,
                    std::string* owner_used = nullptr) const;

  // Adds to `batch` the removal of every record `kind`/<id> whose id begins
  // with `id_prefix` (one record: its whole id; a chain of versions:
  // "<id>/"), with their versions. Returns how many; errors of the store
  // as they are.
  absl::StatusOr<int> DeleteAll(std::string_view kind, std::string_view id_prefix,
                                storage::WriteBatch* batch) const;

  // The kMeta key of a record: "<kind>/<id>".
  static std::string Key(std::string_view kind, std::string_view id);
  // The kIndex key of its version: "rv/<kind>/<id>".
  static std::string VersionKey(std::string_view kind, std::string_view id);

 private:
  // The record's current version (0 when it has none).
  absl::StatusOr<uint64_t> StoredVersion(std::string_view kind, std::string_view id,
                                         const storage::Snapshot* snapshot) const;
  absl::Status OpenAt(std::string_view kind, std::string_view id, std::string_view owner,
                      uint64_t version, std::string_view envelope,
                      google::protobuf::MessageLite* record, std::string* owner_used) const;

  storage::KvStore* store_;
  keys::Keyring* keyring_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_SEALING_SEALED_RECORDS_H_
