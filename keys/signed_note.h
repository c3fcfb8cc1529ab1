// Ed25519 signed notes in the C2SP signed-note format (https://c2sp.org/
// signed-note), as Go's golang.org/x/mod/sumdb/note writes them: the audit
// log's checkpoints are signed notes, so any C2SP-aware tool can check them.
//
//   note      := text "\n" signature+        (text ends with "\n")
//   signature := "— " name " " base64(key_id[4] || ed25519_signature[64]) "\n"
//   key_id    := SHA-256(name || "\n" || 0x01 || public_key)[0:4]
//   verifier key (for export) := name "+" hex(key_id) "+" base64(0x01 || public_key)
//
// Thread-safety: pure functions.
#ifndef HOIDLA_KEYS_SIGNED_NOTE_H_
#define HOIDLA_KEYS_SIGNED_NOTE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "keys/crypto.h"

namespace hoidla::keys {

inline constexpr size_t kEd25519SeedBytes = 32;
inline constexpr size_t kEd25519PublicKeyBytes = 32;

// A parsed verifier key.
struct NoteVerifier {
  std::string name;
  std::string key_id;      // 4 bytes
  std::string public_key;  // 32 bytes
};

// The public key of an Ed25519 seed.
std::string Ed25519PublicKey(const SecureBuffer& seed);

// name "+" hex(key id) "+" base64(0x01 || public key).
std::string VerifierKeyString(std::string_view name, std::string_view public_key);

// Parses a verifier key. INVALID_ARGUMENT "verifier key: ..." when it is
// malformed, is not Ed25519, or its key id does not match its key.
absl::StatusOr<NoteVerifier> ParseVerifierKey(std::string_view vkey);

// Signs `text` (non-empty, ending in "\n", without blank lines) as `name`
// with the Ed25519 key derived from `seed`. Returns the whole note.
// INVALID_ARGUMENT when the text or name cannot be a note.
absl::StatusOr<std::string> SignNote(std::string_view text, std::string_view name,
                                     const SecureBuffer& seed);

// Returns the text of `note` when it carries a valid signature by
// `verifier`. DATA_LOSS "note: ..." when it is malformed, has no signature
// by that key, or the signature does not verify.
absl::StatusOr<std::string> OpenNote(std::string_view note, const NoteVerifier& verifier);

}  // namespace hoidla::keys

#endif  // HOIDLA_KEYS_SIGNED_NOTE_H_
