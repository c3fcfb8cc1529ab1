#include "vault/sealing/sealed_records.h"

#include <memory>

#include "absl/strings/numbers.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "vault/storage/layout.h"

namespace hoidla::core {

std::string SealedRecords::Key(std::string_view kind, std::string_view id) {
  return storage::layout::RecordKey(kind, id);
}

std::string SealedRecords::VersionKey(std::string_view kind, std::string_view id) {
  return storage::layout::sealing::kRecordVersion.Key(kind, id);
}

absl::StatusOr<int> SealedRecords::DeleteAll(std::string_view kind, std::string_view id_prefix,
                                             storage::WriteBatch* batch) const {
  const std::string prefix = Key(kind, id_prefix);
  const size_t id_at = kind.size() + 1;
  int n = 0;
  auto it = store_->Scan(storage::Space::kMeta, prefix);
  for (; it->Valid(); it->Next()) {
    const std::string_view id = it->key().substr(id_at);
    batch->Delete(storage::Space::kMeta, it->key());
    batch->Delete(storage::Space::kIndex, VersionKey(kind, id));
    ++n;
  }
  HOIDLA_RETURN_IF_ERROR(it->status());
  return n;
}

absl::StatusOr<uint64_t> SealedRecords::StoredVersion(std::string_view kind, std::string_view id,
                                                      const storage::Snapshot* snapshot) const {
  auto v = store_->Get(storage::Space::kIndex, VersionKey(kind, id), snapshot);
  if (v.status().code() == absl::StatusCode::kNotFound) return uint64_t{0};
  HOIDLA_RETURN_IF_ERROR(v.status());
  uint64_t version = 0;
  if (!absl::SimpleAtoi(*v, &version) || version == 0) {
    return absl::DataLossError("stored record version is corrupt");
  }
  return version;
}

absl::Status SealedRecords::Put(std::string_view kind, std::string_view id, std::string_view owner,
                                const google::protobuf::MessageLite& record,
                                storage::WriteBatch* batch) const {
  // The next version: bound into the envelope and kept beside it, so that
  // the record's older bytes written back no longer open.
  HOIDLA_ASSIGN_OR_RETURN(uint64_t current, StoredVersion(kind, id, nullptr));
  const uint64_t version = current + 1;
  std::string plain = record.SerializeAsString();
  auto env = keys::SealRecord(*keyring_, {kind, id, version, owner}, plain);
  std::fill(plain.begin(), plain.end(), '\0');
  if (!env.ok()) return env.status();
  batch->Put(storage::Space::kMeta, Key(kind, id), *env);
  batch->Put(storage::Space::kIndex, VersionKey(kind, id), std::to_string(version));
  return absl::OkStatus();
}

absl::Status SealedRecords::OpenAt(std::string_view kind, std::string_view id,
                                   std::string_view owner, uint64_t version,
                                   std::string_view envelope, google::protobuf::MessageLite* record,
                                   std::string* owner_used) const {
  if (version == 0) {
    // Bytes without a version beside them: planted, or their version was
    // taken away to make older bytes open.
    return absl::DataLossError("stored record has no version");
  }
  std::string header_owner;
  if (owner.empty()) {
    HOIDLA_ASSIGN_OR_RETURN(header_owner, keys::RecordOwner(envelope));
    owner = header_owner;
  }
  HOIDLA_ASSIGN_OR_RETURN(std::string plain,
                          keys::OpenRecord(*keyring_, {kind, id, version, owner}, envelope));
  if (owner_used != nullptr) *owner_used = std::string(owner);
  bool ok = record->ParseFromString(plain);
  std::fill(plain.begin(), plain.end(), '\0');
  if (!ok) return absl::DataLossError("stored record does not parse");
  return absl::OkStatus();
}

absl::Status SealedRecords::Open(std::string_view kind, std::string_view id, std::string_view owner,
                                 std::string_view envelope, google::protobuf::MessageLite* record,
                                 std::string* owner_used) const {
  HOIDLA_ASSIGN_OR_RETURN(uint64_t version, StoredVersion(kind, id, nullptr));
  absl::Status s = OpenAt(kind, id, owner, version, envelope, record, owner_used);
  if (s.code() != absl::StatusCode::kDataLoss) return s;
  // The envelope came from a scan that may predate a newer write; the
  // record as it is now decides.
  return Get(kind, id, owner, record, nullptr, owner_used);
}

absl::Status SealedRecords::Get(std::string_view kind, std::string_view id, std::string_view owner,
                                google::protobuf::MessageLite* record,
                                const storage::Snapshot* snapshot, std::string* owner_used) const {
  // The envelope and its version from one view of the store.
  std::shared_ptr<const storage::Snapshot> own;
  if (snapshot == nullptr) {
    own = store_->NewSnapshot();
    snapshot = own.get();
  }
  HOIDLA_ASSIGN_OR_RETURN(std::string env,
                          store_->Get(storage::Space::kMeta, Key(kind, id), snapshot));
  HOIDLA_ASSIGN_OR_RETURN(uint64_t version, StoredVersion(kind, id, snapshot));
  return OpenAt(kind, id, owner, version, env, record, owner_used);
}

}  // namespace hoidla::core
