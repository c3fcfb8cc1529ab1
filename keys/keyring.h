// Keyring: Hoidla's key hierarchy, persisted through a KeyStore
// (keys/key_store.h; the vault keeps it in its kKeys space).
//
//   master key (keys/master.h; never stored by the keyring)
//     └─ key-encryption keys (KEK), versioned: kek/<version>, wrapped by master
//          └─ one key per data subject: subj/<subject id>, wrapped by a KEK
//               └─ a fresh data key per stored object version, wrapped by
//                  the subject key and kept in the object's own header
//
// Destroying a subject key makes everything of that person unreadable at once.
// Rotating the KEK makes new subject keys use a new version; RewrapSubjectKeys
// re-wraps older ones without touching any object (no document is ever
// decrypted); RetireKek then destroys a version nobody uses.
//
// Organisation-level records (organisations, projects) belong to the
// reserved subject "system".
//
// Every wrapped key is a key envelope naming the wrapping key's id and
// version (doc/format.md). Unwrapped subject keys are cached in memory in
// wiping buffers.
//
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_KEYS_KEYRING_H_
#define HOIDLA_KEYS_KEYRING_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "keys/crypto.h"
#include "keys/key_store.h"
#include "keys/master.h"

namespace hoidla::keys {

inline constexpr std::string_view kSystemSubject = "system";

// Parsed header of a key envelope.
struct KeyEnvelopeHeader {
  std::string key_id;    // the wrapping key: "master", "kek", "subject:<id>"
  uint32_t key_version;  // the wrapping key's version
  size_t header_size;    // bytes before the wrapped payload
};
absl::StatusOr<KeyEnvelopeHeader> ParseKeyEnvelope(std::string_view envelope);
// Wraps `secret` under `wrapping_key`, naming it (`key_id`, `key_version`),
// bound to `context` (what is wrapped).
std::string SealKeyEnvelope(const SecureBuffer& wrapping_key, std::string_view key_id,
                            uint32_t key_version, std::string_view context,
                            std::string_view secret);
// Unwraps; DATA_LOSS when the envelope is malformed or fails authentication.
absl::StatusOr<SecureBuffer> OpenKeyEnvelope(const SecureBuffer& wrapping_key,
                                             std::string_view context, std::string_view envelope);

struct KekInfo {
  uint32_t version;
  int64_t created_at_micros;
  bool active;
  int64_t wrapped_keys;
};

class Keyring {
 public:
  // Opens the keyring kept in `store` with `master`. On a fresh store,
  // creates KEK version 1 and the system subject key. Returns the keyring
  // on success; PERMISSION_DENIED "master key does not open this store" when
  // the store's KEKs were wrapped under another master key; DATA_LOSS when
  // key records are corrupt. `clock` must outlive the keyring.
  static absl::StatusOr<std::unique_ptr<Keyring>> Open(std::unique_ptr<KeyStore> store,
                                                       SecureBuffer master, MasterKeyMode mode,
                                                       Clock* clock);

  MasterKeyMode mode() const { return mode_; }

  // While alive, keeps RetireKek() from destroying any KEK version. Take one
  // before AddSubjectKey() and hold it until the batch with the new key is
  // committed, so that the KEK that wrapped it cannot vanish in between.
  using KekUseGuard = std::shared_lock<std::shared_mutex>;
  KekUseGuard HoldKeks() { return KekUseGuard(retire_mu_); }

  // Creates a new subject key for `subject_id`, wrapped with the active KEK,
  // and adds its record to `changes` (the caller commits them with the
  // subject's first record, holding HoldKeks() until then). ALREADY_EXISTS
  // when the subject already has a key.
  absl::Status AddSubjectKey(std::string_view subject_id, KeyChanges* changes);

  // Wraps a data key under `subject_id`'s key, bound to `context` (the
  // object's identity). Returns a key envelope. NOT_FOUND when the subject
  // has no key (never created, or destroyed).
  absl::StatusOr<std::string> WrapDataKey(std::string_view subject_id, const SecureBuffer& data_key,
                                          std::string_view context);
  // Unwraps what WrapDataKey produced. DATA_LOSS when the envelope does not
  // belong to `subject_id` and `context` or was altered; NOT_FOUND when the
  // subject key no longer exists (erased).
  absl::StatusOr<SecureBuffer> UnwrapDataKey(std::string_view subject_id, std::string_view envelope,
                                             std::string_view context);

  // Destroys `subject_id`'s key: every object sealed under it becomes
  // unreadable. Idempotent. The deletion is written through `commit`
  // (null: the store; an erasure passes one that commits it with the rest
  // of the erasure and its audit entry in one atomic write); on failure
  // the key stays. FAILED_PRECONDITION for the system key.
  absl::Status DestroySubjectKey(std::string_view subject_id);
  absl::Status DestroySubjectKey(std::string_view subject_id,
                                 const std::function<absl::Status(KeyChanges)>& commit);

  // Key administration.
  absl::StatusOr<std::vector<KekInfo>> ListKeks();
  // Writes a key change. The default writes it to the store; the service
  // passes one that commits the change with the call's audit entry in one
  // atomic write. On failure nothing of the change may be applied.
  using CommitFn = std::function<absl::Status(KeyChanges)>;

  // Creates a new KEK version and makes it active, written through `commit`
  // (null: the store). Returns its version.
  absl::StatusOr<uint32_t> RotateKek(const CommitFn& commit = nullptr);
  // Re-wraps every subject key not under the active KEK, in batches of 256
  // written to the store; the last write (an empty batch when nothing was
  // left to re-wrap) goes through `commit`. Returns how many. Idempotent: an
  // interrupted run leaves every key readable and the next run finishes it.
  absl::StatusOr<int64_t> RewrapSubjectKeys(const CommitFn& commit = nullptr);
  // Destroys KEK `version`, written through `commit`. FAILED_PRECONDITION
  // when it is active or still wraps subject keys; NOT_FOUND when there is
  // no such version.
  absl::Status RetireKek(uint32_t version, const CommitFn& commit = nullptr);

  // The audit log's Ed25519 signing keys, versioned, each seed wrapped under
  // the master key (kKeys "sign/<version>"). ActiveSigningKey() creates
  // version 1 on first use; RotateSigningKey() adds and activates a new one.
  // Old public keys stay listed so old checkpoints still verify.
  struct SigningKey {
    uint32_t version;
    SecureBuffer seed;
    std::string public_key;
  };
  absl::StatusOr<SigningKey> ActiveSigningKey();
  // Written through `commit` (null: the store), as RotateKek.
  absl::StatusOr<uint32_t> RotateSigningKey(const CommitFn& commit = nullptr);
  // (version, public key) of every signing key, oldest first.
  absl::StatusOr<std::vector<std::pair<uint32_t, std::string>>> SigningPublicKeys();

  // Keys derived from the master key for keyed hashes.
  const SecureBuffer& blind_index_key() const { return blind_index_key_; }
  const SecureBuffer& token_key() const { return token_key_; }

 private:
  absl::Status Commit(const CommitFn& commit, KeyChanges changes);
  Keyring(std::unique_ptr<KeyStore> store, SecureBuffer master, MasterKeyMode mode, Clock* clock);
  absl::Status Load();
  absl::StatusOr<std::shared_ptr<const SecureBuffer>> SubjectKey(std::string_view subject_id);
  absl::StatusOr<std::shared_ptr<const SecureBuffer>> Kek(uint32_t version);

  const std::unique_ptr<KeyStore> store_;
  SecureBuffer master_;
  MasterKeyMode mode_;
  Clock* clock_;
  SecureBuffer blind_index_key_;
  SecureBuffer token_key_;

  absl::Mutex mu_;
  // Exclusive in RetireKek(); shared while a new subject key is uncommitted.
  std::shared_mutex retire_mu_;
  // Serialises DestroySubjectKey() with rewrap batches, so that a rewrap
  // never writes back a key destroyed after it read it.
  std::mutex subject_write_mu_;
  uint32_t active_kek_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint32_t, std::shared_ptr<const SecureBuffer>> keks_ ABSL_GUARDED_BY(mu_);
  std::mutex signing_mu_;  // creation and rotation of signing keys
  std::map<std::string, std::shared_ptr<const SecureBuffer>, std::less<>> subject_cache_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace hoidla::keys

#endif  // HOIDLA_KEYS_KEYRING_H_
