// VersionChain: an object kept as numbered, sealed versions.
//
// Consents, assessment records, their signatures and instruments never
// overwrite: each change is a new version 1, 2, 3, ... stored as the sealed
// record `kind`/VersionedId(id, n) (kMeta "<kind>/<id>/<%010u n>",
// storage/layout.h). This is the one place that writes and reads such
// chains, and that checks a chain is whole: every version's key, the id and
// number inside its authenticated bytes, and the numbers 1..n without a gap.
//
// `Record` is a generated protobuf message with `id()` and `version()`.
//
// Thread-safety: safe for concurrent use (stateless over SealedRecords).
#ifndef HOIDLA_VAULT_SEALING_VERSION_CHAIN_H_
#define HOIDLA_VAULT_SEALING_VERSION_CHAIN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "vault/sealing/sealed_records.h"
#include "vault/storage/kv_store.h"
#include "vault/storage/layout.h"

namespace hoidla::core {

template <typename Record>
class VersionChain {
 public:
  // `kind`: the sealed-record kind (a layout constant). `noun` names the
  // object in DATA_LOSS messages ("consent", "record").
  VersionChain(storage::KvStore* store, const SealedRecords* records, std::string_view kind,
               std::string_view noun)
      : store_(store), records_(records), kind_(kind), noun_(noun) {}

  // Every version of `id`, oldest first, opened as owned by `owner`.
  // DATA_LOSS when there is none, when a version fails authentication, or
  // when one's key, id or number is not the next in the chain; errors of
  // the store as they are.
  absl::StatusOr<std::vector<Record>> Load(std::string_view id, std::string_view owner) const {
    std::vector<Record> versions;
    const std::string prefix = storage::layout::RecordKey(kind_, storage::layout::KindPrefix(id));
    auto it = store_->Scan(storage::Space::kMeta, prefix);
    for (; it->Valid(); it->Next()) {
      std::string_view versioned = it->key().substr(kind_.size() + 1);
      Record r;
      HOIDLA_RETURN_IF_ERROR(records_->Open(kind_, versioned, owner, it->value(), &r));
      if (r.id() != id || storage::layout::VersionOf(versioned, id) != r.version() ||
          r.version() != versions.size() + 1) {
        return absl::DataLossError(StrCat("stored ", noun_, " version does not match its key"));
      }
      versions.push_back(std::move(r));
    }
    HOIDLA_RETURN_IF_ERROR(it->status());
    if (versions.empty()) {
      return absl::DataLossError(StrCat(noun_, " has no stored version"));
    }
    return versions;
  }

  // Version `version` of `id`. NOT_FOUND when it is not stored; DATA_LOSS
  // when it fails authentication or names another id or version.
  absl::StatusOr<Record> Get(std::string_view id, uint32_t version, std::string_view owner) const {
    Record r;
    HOIDLA_RETURN_IF_ERROR(
        records_->Get(kind_, storage::layout::VersionedId(id, version), owner, &r));
    if (r.id() != id || r.version() != version) {
      return absl::DataLossError(StrCat("stored ", noun_, " does not match its key"));
    }
    return r;
  }

  // Adds to `batch` the removal of every version of `id`. Returns how many
  // (0: none stored); errors of the store as they are.
  absl::StatusOr<int> Destroy(std::string_view id, storage::WriteBatch* batch) const {
    return records_->DeleteAll(kind_, storage::layout::KindPrefix(id), batch);
  }

  // Seals `r` as version r.version() of r.id(), owned by `owner`, into
  // `batch`. NOT_FOUND when the owner has no key.
  absl::Status Put(const Record& r, std::string_view owner, storage::WriteBatch* batch) const {
    return records_->Put(kind_, storage::layout::VersionedId(r.id(), r.version()), owner, r, batch);
  }

 private:
  storage::KvStore* store_;
  const SealedRecords* records_;
  std::string_view kind_;
  std::string_view noun_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_SEALING_VERSION_CHAIN_H_
