// Cryptographic primitives for Hoidla, in one place.
//
// Only this module (keys/) includes <sodium.h> or OpenSSL; everything else
// uses these functions. Secrets live in SecureBuffer, which wipes itself.
//
// Algorithms:
//  * Content (records and document chunks): AES-256-GCM where the CPU has
//    AES-NI, XChaCha20-Poly1305 otherwise. Each object gets a fresh data key,
//    so its nonces are counters (the chunk index); a key never sees a nonce
//    twice.
//  * Key wrapping: XChaCha20-Poly1305 with random 192-bit nonces.
//  * Keyed hashes (blind indexes, token hashes): BLAKE2b-256 keyed.
//  * Content digests: SHA-256 (OpenSSL, uses SHA-NI where present).
//  * Passphrase sealing: Argon2id (crypto_pwhash).
//
// Thread-safety: every function is safe to call concurrently once
// InitCrypto() has returned OK.
#ifndef HOIDLA_KEYS_CRYPTO_H_
#define HOIDLA_KEYS_CRYPTO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hoidla::keys {

// Initialises libsodium. Returns INTERNAL if it cannot; call before anything
// else (idempotent).
absl::Status InitCrypto();

// A fixed-size buffer for secret bytes, wiped with sodium_memzero when
// destroyed or moved from. Move-only. Long-lived keys (the master key, KEKs,
// derived keys, cached subject keys) are also locked in memory with
// LockInMemory(); short-lived data keys are only wiped (a lock per record
// would halve sealing throughput).
class SecureBuffer {
 public:
  SecureBuffer() = default;
  explicit SecureBuffer(size_t size);
  SecureBuffer(const uint8_t* data, size_t size);
  ~SecureBuffer();
  SecureBuffer(SecureBuffer&& other) noexcept;
  SecureBuffer& operator=(SecureBuffer&& other) noexcept;
  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_.get()), size_}; }
  // Returns an independent copy (for the rare place that must keep one).
  SecureBuffer Clone() const { return SecureBuffer(data(), size()); }
  // Locks the buffer's pages in memory (sodium_mlock: no swap, no core
  // dump) until it is wiped. Best effort: locking is per page, and a
  // refusal (RLIMIT_MEMLOCK) leaves the buffer unlocked but still wiped.
  void LockInMemory();
  bool locked() const { return locked_; }

 private:
  void Wipe();
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  // Locked in memory (sodium_mlock: no swap, no core dump) when it could be.
  bool locked_ = false;
};

inline constexpr size_t kKeyBytes = 32;

// Fills `out` with `n` cryptographically random bytes.
void RandomBytes(uint8_t* out, size_t n);
std::string RandomString(size_t n);
// A fresh random 256-bit key.
SecureBuffer NewKey();

// Constant-time comparison; false when sizes differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// The content AEADs. Values are stored on disk (doc/format.md).
enum class Cipher : uint8_t {
  kXChaCha20Poly1305 = 1,
  kAes256Gcm = 2,
};
inline constexpr size_t kAeadTagBytes = 16;

// The cipher for new content on this machine.
Cipher PreferredCipher();
std::string_view CipherName(Cipher cipher);
// Returns OK if `value` names a cipher this machine can run.
absl::Status CheckCipherUsable(uint32_t value);

// Seals `plaintext` under `key` (32 bytes) with the counter nonce `counter`
// and associated data `ad`. Appends ciphertext || tag to `out`.
void SealWithCounter(Cipher cipher, const SecureBuffer& key, uint64_t counter, std::string_view ad,
                     std::string_view plaintext, std::string* out);
// Opens what SealWithCounter produced. Writes the plaintext to `out`
// (resized). Returns DATA_LOSS when authentication fails (wrong key, nonce,
// associated data, or altered bytes); `out` is then wiped and empty.
absl::Status OpenWithCounter(Cipher cipher, const SecureBuffer& key, uint64_t counter,
                             std::string_view ad, std::string_view sealed, std::string* out);
// As OpenWithCounter, into a caller-provided buffer of at least
// sealed.size() - kAeadTagBytes bytes.
absl::Status OpenWithCounterInto(Cipher cipher, const SecureBuffer& key, uint64_t counter,
                                 std::string_view ad, std::string_view sealed, uint8_t* out);

// Key wrapping with XChaCha20-Poly1305 and a random nonce. Output:
// nonce(24) || ciphertext || tag.
std::string WrapBytes(const SecureBuffer& kek, std::string_view ad, std::string_view secret);
// Returns the unwrapped secret, or DATA_LOSS when authentication fails.
absl::StatusOr<SecureBuffer> UnwrapBytes(const SecureBuffer& kek, std::string_view ad,
                                         std::string_view wrapped);
inline constexpr size_t kWrapNonceBytes = 24;

// BLAKE2b-256 keyed with `key`. Returns 32 bytes.
std::string KeyedHash(const SecureBuffer& key, std::string_view message);

// Derives a 32-byte subkey from `master` for `context` (exactly 8 chars) and
// `id` (crypto_kdf).
SecureBuffer DeriveSubkey(const SecureBuffer& master, std::string_view context, uint64_t id);

// Argon2id cost presets.
enum class KdfStrength { kInteractive, kModerate, kSensitive };
struct KdfParams {
  uint64_t opslimit;
  uint64_t memlimit;
};
KdfParams ParamsFor(KdfStrength strength);
inline constexpr size_t kKdfSaltBytes = 16;
// Derives a 32-byte key from a passphrase. RESOURCE_EXHAUSTED when the
// machine lacks the memory; INVALID_ARGUMENT for out-of-range parameters.
absl::StatusOr<SecureBuffer> KeyFromPassphrase(std::string_view passphrase, std::string_view salt,
                                               KdfParams params);

// Incremental SHA-256. Not thread-safe; one per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view data);
  // Returns the 32-byte digest; the object is then spent.
  std::string Finish();

 private:
  void* ctx_;
};

// Lowercase hex of `bytes`.
std::string ToHex(std::string_view bytes);
// Decodes lowercase or uppercase hex; INVALID_ARGUMENT when malformed.
absl::StatusOr<std::string> FromHex(std::string_view hex);

}  // namespace hoidla::keys

#endif  // HOIDLA_KEYS_CRYPTO_H_
