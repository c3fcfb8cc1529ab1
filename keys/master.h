// The master key: the root of Hoidla's key hierarchy (doc/keys.md).
//
// It never sits on disk in plaintext outside development mode. Three sources:
//  * sealed:   a file holding the key encrypted under a key derived from a
//              passphrase with Argon2id (format in doc/format.md);
//  * key_file: a file holding the raw key (64 hex characters), provided by
//              the operator from a secrets manager or a tmpfs; it must not
//              be readable by group or others;
//  * dev:      a plaintext key file created on first start. Development only;
//              vaultd warns loudly.
//
// Thread-safety: the functions are independent and safe to call concurrently
// on different paths.
#ifndef HOIDLA_KEYS_MASTER_H_
#define HOIDLA_KEYS_MASTER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "keys/crypto.h"

namespace hoidla::keys {

enum class MasterKeyMode { kDev, kSealed, kKeyFile };
std::string_view MasterKeyModeName(MasterKeyMode mode);

// Creates a new random master key, seals it under `passphrase` and writes it
// to `path` (mode 0600). Returns the key on success. ALREADY_EXISTS when
// `path` exists (a master key is never silently replaced); INVALID_ARGUMENT
// "passphrase: ..." when the passphrase is shorter than 12 bytes;
// UNAVAILABLE when the file cannot be written.
absl::StatusOr<SecureBuffer> CreateSealedMasterKey(const std::string& path,
                                                   std::string_view passphrase,
                                                   KdfStrength strength);

// Reads and unseals the master key at `path`. Returns the key on success;
// PERMISSION_DENIED "wrong passphrase" when the passphrase does not open it
// (or the file was altered); NOT_FOUND when the file is missing; DATA_LOSS
// when it is not a sealed master key file.
absl::StatusOr<SecureBuffer> UnsealMasterKey(const std::string& path, std::string_view passphrase);

// Re-seals the master key at `path` under a new passphrase, atomically
// (write to a temporary file, fsync, rename). Errors as UnsealMasterKey.
absl::Status ChangeMasterKeyPassphrase(const std::string& path, std::string_view old_pass,
                                       std::string_view new_pass, KdfStrength strength);

// Reads a raw key file (64 hex characters, optional trailing newline).
// FAILED_PRECONDITION when the file is readable by group or others;
// DATA_LOSS when malformed; NOT_FOUND when missing.
absl::StatusOr<SecureBuffer> ReadKeyFile(const std::string& path);

// Writes a new random key to `path` as a key file (mode 0600).
// ALREADY_EXISTS when it exists.
absl::StatusOr<SecureBuffer> CreateKeyFile(const std::string& path);

// Development mode: reads the key file at `path`, creating it first when it
// is missing. `created` is set to whether it was created.
absl::StatusOr<SecureBuffer> LoadOrCreateDevKey(const std::string& path, bool* created);

}  // namespace hoidla::keys

#endif  // HOIDLA_KEYS_MASTER_H_
