#include "keys/signed_note.h"

#include <sodium.h>

#include "absl/strings/escaping.h"
#include "base/strings.h"

namespace hoidla::keys {
namespace {

constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space
constexpr char kAlgEd25519 = 0x01;

std::string KeyId(std::string_view name, std::string_view public_key) {
  Sha256 h;
  h.Update(name);
  h.Update("\n");
  h.Update(std::string_view(&kAlgEd25519, 1));
  h.Update(public_key);
  return h.Finish().substr(0, 4);
}

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c == '+' || c == ' ' || c == '\n' || c == '\t' || c == '\r') return false;
  }
  return true;
}

absl::Status BadNote(std::string_view what) { return absl::DataLossError(StrCat("note: ", what)); }

}  // namespace

std::string Ed25519PublicKey(const SecureBuffer& seed) {
  std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
  SecureBuffer sk(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(pk.data()), sk.data(), seed.data());
  return pk;
}

std::string VerifierKeyString(std::string_view name, std::string_view public_key) {
  std::string typed(1, kAlgEd25519);
  typed.append(public_key);
  return StrCat(name, "+", ToHex(KeyId(name, public_key)), "+", absl::Base64Escape(typed));
}

absl::StatusOr<NoteVerifier> ParseVerifierKey(std::string_view vkey) {
  size_t a = vkey.find('+');
  size_t b = a == std::string_view::npos ? a : vkey.find('+', a + 1);
  if (b == std::string_view::npos) {
    return absl::InvalidArgumentError("verifier key: expected name+hash+key");
  }
  NoteVerifier v;
  v.name = std::string(vkey.substr(0, a));
  std::string_view hash_hex = vkey.substr(a + 1, b - a - 1);
  std::string typed;
  if (!ValidName(v.name) || hash_hex.size() != 8 ||
      !absl::Base64Unescape(std::string(vkey.substr(b + 1)), &typed) ||
      typed.size() != 1 + kEd25519PublicKeyBytes || typed[0] != kAlgEd25519) {
    return absl::InvalidArgumentError("verifier key: malformed or not Ed25519");
  }
  v.public_key = typed.substr(1);
  v.key_id = KeyId(v.name, v.public_key);
  if (ToHex(v.key_id) != hash_hex) {
    return absl::InvalidArgumentError("verifier key: key hash does not match the key");
  }
  return v;
}

absl::StatusOr<std::string> SignNote(std::string_view text, std::string_view name,
                                     const SecureBuffer& seed) {
  if (text.empty() || text.back() != '\n' || text.find("\n\n") != std::string_view::npos) {
    return absl::InvalidArgumentError("note text: must be non-empty lines ending in a newline");
  }
  if (!ValidName(name)) return absl::InvalidArgumentError("note name: malformed");
  if (seed.size() != kEd25519SeedBytes)
    return absl::InvalidArgumentError("signing key: wrong size");
  std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
  SecureBuffer sk(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(pk.data()), sk.data(), seed.data());
  std::string blob = KeyId(name, pk);
  blob.resize(4 + crypto_sign_BYTES);
  crypto_sign_detached(reinterpret_cast<unsigned char*>(blob.data() + 4), nullptr,
                       reinterpret_cast<const unsigned char*>(text.data()), text.size(), sk.data());
  return StrCat(text, "\n", kSigPrefix, name, " ", absl::Base64Escape(blob), "\n");
}

absl::StatusOr<std::string> OpenNote(std::string_view note, const NoteVerifier& verifier) {
  if (note.size() > (1 << 20)) return BadNote("too large");
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos || note.empty() || note.back() != '\n') {
    return BadNote("malformed");
  }
  std::string_view text = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  int lines = 0;
  while (!sigs.empty()) {
    size_t end = sigs.find('\n');
    std::string_view line = sigs.substr(0, end);
    sigs.remove_prefix(end + 1);
    if (++lines > 100) return BadNote("too many signatures");
    if (!line.starts_with(kSigPrefix)) return BadNote("malformed signature line");
    line.remove_prefix(kSigPrefix.size());
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return BadNote("malformed signature line");
    std::string_view name = line.substr(0, space);
    std::string blob;
    if (!absl::Base64Unescape(std::string(line.substr(space + 1)), &blob) || blob.size() < 5) {
      return BadNote("malformed signature line");
    }
    if (name != verifier.name || blob.substr(0, 4) != verifier.key_id) continue;
    // The first signature by this key decides.
    if (blob.size() != 4 + crypto_sign_BYTES ||
        crypto_sign_verify_detached(
            reinterpret_cast<const unsigned char*>(blob.data() + 4),
            reinterpret_cast<const unsigned char*>(text.data()), text.size(),
            reinterpret_cast<const unsigned char*>(verifier.public_key.data())) != 0) {
      return BadNote("signature does not verify");
    }
    return std::string(text);
  }
  return BadNote("no signature by the expected key");
}

}  // namespace hoidla::keys
