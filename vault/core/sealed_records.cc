#include "vault/core/sealed_records.h"

#include "vault/common/strings.h"
#include "vault/common/status_macros.h"

namespace hoidla::core {

std::string SealedRecords::Key(std::string_view kind, std::string_view id) {
  return hoidla::StrCat(kind, "/", id);
}

absl::Status SealedRecords::Put(std::string_view kind, std::string_view id,
                                std::string_view owner,
                                const google::protobuf::MessageLite& record,
                                storage::WriteBatch* batch) const {
  std::string plain = record.SerializeAsString();
  auto env = keys::SealRecord(*keyring_, {kind, id, 1, owner}, plain);
  std::fill(plain.begin(), plain.end(), '\0');
  if (!env.ok()) return env.status();
  batch->Put(storage::Space::kMeta, Key(kind, id), *env);
  return absl::OkStatus();
}

absl::Status SealedRecords::Open(std::string_view kind, std::string_view id,
                                 std::string_view owner, std::string_view envelope,
                                 google::protobuf::MessageLite* record,
                                 std::string* owner_used) const {
  std::string header_owner;
  if (owner.empty()) {
    HOIDLA_ASSIGN_OR_RETURN(header_owner, keys::RecordOwner(envelope));
    owner = header_owner;
  }
  HOIDLA_ASSIGN_OR_RETURN(std::string plain,
                          keys::OpenRecord(*keyring_, {kind, id, 1, owner}, envelope));
  if (owner_used != nullptr) *owner_used = std::string(owner);
  bool ok = record->ParseFromString(plain);
  std::fill(plain.begin(), plain.end(), '\0');
  if (!ok) return absl::DataLossError("stored record does not parse");
  return absl::OkStatus();
}

absl::Status SealedRecords::Get(std::string_view kind, std::string_view id,
                                std::string_view owner, google::protobuf::MessageLite* record,
                                const storage::Snapshot* snapshot,
                                std::string* owner_used) const {
  HOIDLA_ASSIGN_OR_RETURN(std::string env,
                          store_->Get(storage::Space::kMeta, Key(kind, id), snapshot));
  return Open(kind, id, owner, env, record, owner_used);
}

}  // namespace hoidla::core
