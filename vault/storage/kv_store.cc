#include "vault/storage/kv_store.h"

namespace hoidla::storage {

std::string_view SpaceName(Space space) {
  switch (space) {
    case Space::kMeta:
      return "meta";
    case Space::kIndex:
      return "index";
    case Space::kKeys:
      return "keys";
    case Space::kAudit:
      return "audit";
  }
  return "unknown";
}

void WriteBatch::Put(Space space, std::string_view key, std::string value) {
  bytes_ += key.size() + value.size();
  ops_.push_back({OpType::kPut, space, std::string(key), std::move(value)});
}

void WriteBatch::Delete(Space space, std::string_view key) {
  ops_.push_back({OpType::kDelete, space, std::string(key), {}});
  bytes_ += key.size();
}

void WriteBatch::Append(const WriteBatch& other) {
  ops_.insert(ops_.end(), other.ops_.begin(), other.ops_.end());
  bytes_ += other.bytes_;
}

void WriteBatch::Clear() {
  ops_.clear();
  bytes_ = 0;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    unsigned char c = static_cast<unsigned char>(s.back());
    if (c != 0xff) {
      s.back() = static_cast<char>(c + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

}  // namespace hoidla::storage
