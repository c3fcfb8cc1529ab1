// Sealing of stored objects: record envelopes and document content chunks.
// The byte formats are specified in doc/format.md.
//
// Every sealed object is bound, through AEAD associated data, to its identity:
// what kind of object, its id, its version and its owner (the data subject
// whose key protects it). Bytes moved to another object, another version or
// another owner, or altered in any way, fail to open with DATA_LOSS.
//
// Thread-safety: the functions are safe to call concurrently.
#ifndef HOIDLA_KEYS_ENVELOPE_H_
#define HOIDLA_KEYS_ENVELOPE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "keys/crypto.h"
#include "keys/keyring.h"

namespace hoidla::keys {

// The identity a sealed object is bound to.
struct ObjectBinding {
  std::string_view kind;   // "organization", "client", "document", ...
  std::string_view id;     // the object's id
  uint64_t version = 1;    // the object's version
  std::string_view owner;  // subject id whose key protects it ("system" ok)
};

// Seals `plaintext` in a record envelope under a fresh data key wrapped by
// `binding.owner`'s subject key. Returns the envelope; NOT_FOUND when the
// owner has no key.
absl::StatusOr<std::string> SealRecord(Keyring& keyring, const ObjectBinding& binding,
                                       std::string_view plaintext);

// Opens a record envelope that must belong to `binding`. Returns the
// plaintext; DATA_LOSS when the bytes were altered or belong to another
// object, version or owner; NOT_FOUND when the owner's key was destroyed.
absl::StatusOr<std::string> OpenRecord(Keyring& keyring, const ObjectBinding& binding,
                                       std::string_view envelope);

// Returns the owner (subject id) named in a record envelope's header, not yet
// authenticated: OpenRecord() with that owner authenticates it. DATA_LOSS when
// the header is malformed.
absl::StatusOr<std::string> RecordOwner(std::string_view envelope);

// The key-wrapping context of a data key (also the content key of a
// document).
std::string DataKeyContext(const ObjectBinding& binding);

// Document content chunks. Chunk i holds plaintext bytes
// [i * chunk_size, (i + 1) * chunk_size); the last one carries the final flag.
inline constexpr uint32_t kDefaultChunkSize = 64 * 1024;

// Appends sealed chunk `index` of the document `binding` to `out`.
void SealChunk(Cipher cipher, const SecureBuffer& content_key, const ObjectBinding& binding,
               uint64_t index, bool final, std::string_view plaintext, std::string* out);

// Opens chunk `index`, which must carry the final flag exactly when
// `expect_final`. Writes the plaintext to `out`. DATA_LOSS on any mismatch or
// failed authentication; `out` then holds nothing.
absl::Status OpenChunk(Cipher cipher, const SecureBuffer& content_key, const ObjectBinding& binding,
                       uint64_t index, bool expect_final, std::string_view sealed,
                       std::string* out);

// Bytes a sealed chunk adds to its plaintext.
size_t ChunkOverhead(const ObjectBinding& binding);

}  // namespace hoidla::keys

#endif  // HOIDLA_KEYS_ENVELOPE_H_
