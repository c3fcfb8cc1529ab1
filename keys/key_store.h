// KeyStore: where the keyring keeps its wrapped keys (key-encryption keys,
// subject keys, signing keys), each a key envelope under a string key.
//
// The keyring's only seam to persistence: keys/ knows nothing of the
// vault's key-value store. The vault implements this over its KvStore
// (vault/sealing/kv_key_store.h), so that a key change can be committed in
// the same atomic write as the records and the audit entry it belongs to.
//
// KeyChanges is a plain value (not thread-safe). Implementations of
// KeyStore are safe for concurrent use.
#ifndef HOIDLA_KEYS_KEY_STORE_H_
#define HOIDLA_KEYS_KEY_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hoidla::keys {

// Puts and deletes, applied all or nothing, in order.
class KeyChanges {
 public:
  struct Op {
    std::string key;
    std::optional<std::string> value;  // std::nullopt: delete
  };
  void Put(std::string_view key, std::string value) {
    ops_.push_back({std::string(key), std::move(value)});
  }
  void Delete(std::string_view key) { ops_.push_back({std::string(key), std::nullopt}); }
  const std::vector<Op>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }

 private:
  std::vector<Op> ops_;
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // Returns the value stored under `key`; NOT_FOUND when there is none;
  // other errors of the store as they are.
  virtual absl::StatusOr<std::string> Get(std::string_view key) const = 0;

  // Calls `visit` with every (key, value) whose key starts with `prefix`, in
  // key order, as of one consistent view taken when the scan starts (writes
  // made while visiting are not seen). Stops when `visit` returns false.
  // `visit` may call Get() and Write() (the keyring re-wraps keys in
  // batches while it scans). Returns OK, or the store's error.
  using Visitor = std::function<bool(std::string_view key, std::string_view value)>;
  virtual absl::Status Scan(std::string_view prefix, const Visitor& visit) const = 0;

  // Applies `changes` atomically and durably. On failure none of them is
  // applied.
  virtual absl::Status Write(const KeyChanges& changes) = 0;
};

}  // namespace hoidla::keys

#endif  // HOIDLA_KEYS_KEY_STORE_H_
