#include "keys/crypto.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstring>

#include "base/strings.h"

namespace hoidla::keys {

absl::Status InitCrypto() {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  return absl::OkStatus();
}

SecureBuffer::SecureBuffer(size_t size) : data_(std::make_unique<uint8_t[]>(size)), size_(size) {}

void SecureBuffer::LockInMemory() {
  // Best effort: RLIMIT_MEMLOCK may refuse; the wipe does not depend on it.
  if (!locked_ && size_ > 0) locked_ = sodium_mlock(data_.get(), size_) == 0;
}

SecureBuffer::SecureBuffer(const uint8_t* data, size_t size) : SecureBuffer(size) {
  if (size > 0) std::memcpy(data_.get(), data, size);
}

SecureBuffer::~SecureBuffer() { Wipe(); }

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept
    : data_(std::move(other.data_)), size_(other.size_), locked_(other.locked_) {
  other.size_ = 0;
  other.locked_ = false;
}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_ = std::move(other.data_);
    size_ = other.size_;
    locked_ = other.locked_;
    other.size_ = 0;
    other.locked_ = false;
  }
  return *this;
}

void SecureBuffer::Wipe() {
  if (data_ != nullptr && size_ > 0) {
    // sodium_munlock zeroes before unlocking.
    if (locked_) {
      sodium_munlock(data_.get(), size_);
    } else {
      sodium_memzero(data_.get(), size_);
    }
  }
  data_.reset();
  size_ = 0;
  locked_ = false;
}

void RandomBytes(uint8_t* out, size_t n) { randombytes_buf(out, n); }

std::string RandomString(size_t n) {
  std::string s(n, '\0');
  randombytes_buf(s.data(), n);
  return s;
}

SecureBuffer NewKey() {
  SecureBuffer k(kKeyBytes);
  randombytes_buf(k.data(), k.size());
  return k;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Cipher PreferredCipher() {
  static const Cipher c =
      crypto_aead_aes256gcm_is_available() ? Cipher::kAes256Gcm : Cipher::kXChaCha20Poly1305;
  return c;
}

std::string_view CipherName(Cipher cipher) {
  switch (cipher) {
    case Cipher::kAes256Gcm:
      return "aes256gcm";
    case Cipher::kXChaCha20Poly1305:
      return "xchacha20poly1305";
  }
  return "unknown";
}

absl::Status CheckCipherUsable(uint32_t value) {
  if (value == static_cast<uint32_t>(Cipher::kXChaCha20Poly1305)) return absl::OkStatus();
  if (value == static_cast<uint32_t>(Cipher::kAes256Gcm)) {
    if (crypto_aead_aes256gcm_is_available()) return absl::OkStatus();
    return absl::FailedPreconditionError(
        "data is sealed with AES-256-GCM but this CPU lacks AES-NI");
  }
  return absl::DataLossError("unknown cipher in stored header");
}

namespace {

// Counter nonce: little-endian counter, zero-padded to the cipher's size.
void CounterNonce(uint64_t counter, uint8_t* nonce, size_t size) {
  std::memset(nonce, 0, size);
  for (int i = 0; i < 8; ++i) nonce[i] = static_cast<uint8_t>(counter >> (8 * i));
}

}  // namespace

void SealWithCounter(Cipher cipher, const SecureBuffer& key, uint64_t counter, std::string_view ad,
                     std::string_view plaintext, std::string* out) {
  size_t old = out->size();
  out->resize(old + plaintext.size() + kAeadTagBytes);
  auto* dst = reinterpret_cast<unsigned char*>(out->data() + old);
  auto* m = reinterpret_cast<const unsigned char*>(plaintext.data());
  auto* a = reinterpret_cast<const unsigned char*>(ad.data());
  unsigned long long clen = 0;
  if (cipher == Cipher::kAes256Gcm) {
    uint8_t nonce[crypto_aead_aes256gcm_NPUBBYTES];
    CounterNonce(counter, nonce, sizeof nonce);
    crypto_aead_aes256gcm_encrypt(dst, &clen, m, plaintext.size(), a, ad.size(), nullptr, nonce,
                                  key.data());
  } else {
    uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    CounterNonce(counter, nonce, sizeof nonce);
    crypto_aead_xchacha20poly1305_ietf_encrypt(dst, &clen, m, plaintext.size(), a, ad.size(),
                                               nullptr, nonce, key.data());
  }
}

absl::Status OpenWithCounterInto(Cipher cipher, const SecureBuffer& key, uint64_t counter,
                                 std::string_view ad, std::string_view sealed, uint8_t* out) {
  if (sealed.size() < kAeadTagBytes || key.size() != kKeyBytes) {
    return absl::DataLossError("sealed data failed authentication");
  }
  auto* c = reinterpret_cast<const unsigned char*>(sealed.data());
  auto* a = reinterpret_cast<const unsigned char*>(ad.data());
  unsigned long long mlen = 0;
  int rc;
  if (cipher == Cipher::kAes256Gcm) {
    if (!crypto_aead_aes256gcm_is_available()) {
      return absl::FailedPreconditionError("AES-256-GCM unavailable on this CPU");
    }
    uint8_t nonce[crypto_aead_aes256gcm_NPUBBYTES];
    CounterNonce(counter, nonce, sizeof nonce);
    rc = crypto_aead_aes256gcm_decrypt(out, &mlen, nullptr, c, sealed.size(), a, ad.size(), nonce,
                                       key.data());
  } else if (cipher == Cipher::kXChaCha20Poly1305) {
    uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    CounterNonce(counter, nonce, sizeof nonce);
    rc = crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, nullptr, c, sealed.size(), a,
                                                    ad.size(), nonce, key.data());
  } else {
    return absl::DataLossError("unknown cipher in stored header");
  }
  if (rc != 0) {
    sodium_memzero(out, sealed.size() - kAeadTagBytes);
    return absl::DataLossError("sealed data failed authentication");
  }
  return absl::OkStatus();
}

absl::Status OpenWithCounter(Cipher cipher, const SecureBuffer& key, uint64_t counter,
                             std::string_view ad, std::string_view sealed, std::string* out) {
  if (sealed.size() < kAeadTagBytes) {
    out->clear();
    return absl::DataLossError("sealed data failed authentication");
  }
  out->resize(sealed.size() - kAeadTagBytes);
  absl::Status s = OpenWithCounterInto(cipher, key, counter, ad, sealed,
                                       reinterpret_cast<uint8_t*>(out->data()));
  if (!s.ok()) out->clear();
  return s;
}

std::string WrapBytes(const SecureBuffer& kek, std::string_view ad, std::string_view secret) {
  std::string out(kWrapNonceBytes + secret.size() + kAeadTagBytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, kWrapNonceBytes);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + kWrapNonceBytes, &clen, reinterpret_cast<const unsigned char*>(secret.data()),
      secret.size(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, nonce,
      kek.data());
  return out;
}

absl::StatusOr<SecureBuffer> UnwrapBytes(const SecureBuffer& kek, std::string_view ad,
                                         std::string_view wrapped) {
  if (wrapped.size() < kWrapNonceBytes + kAeadTagBytes || kek.size() != kKeyBytes) {
    return absl::DataLossError("wrapped key failed authentication");
  }
  SecureBuffer out(wrapped.size() - kWrapNonceBytes - kAeadTagBytes);
  auto* w = reinterpret_cast<const unsigned char*>(wrapped.data());
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          out.data(), &mlen, nullptr, w + kWrapNonceBytes, wrapped.size() - kWrapNonceBytes,
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), w, kek.data()) != 0) {
    return absl::DataLossError("wrapped key failed authentication");
  }
  return out;
}

std::string KeyedHash(const SecureBuffer& key, std::string_view message) {
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     key.data(), key.size());
  return out;
}

SecureBuffer DeriveSubkey(const SecureBuffer& master, std::string_view context, uint64_t id) {
  SecureBuffer out(kKeyBytes);
  char ctx[crypto_kdf_CONTEXTBYTES] = {0};
  std::memcpy(ctx, context.data(), std::min(context.size(), sizeof ctx));
  crypto_kdf_derive_from_key(out.data(), out.size(), id, ctx, master.data());
  return out;
}

KdfParams ParamsFor(KdfStrength strength) {
  switch (strength) {
    case KdfStrength::kInteractive:
      return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
    case KdfStrength::kModerate:
      return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
    case KdfStrength::kSensitive:
      return {crypto_pwhash_OPSLIMIT_SENSITIVE, crypto_pwhash_MEMLIMIT_SENSITIVE};
  }
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

absl::StatusOr<SecureBuffer> KeyFromPassphrase(std::string_view passphrase, std::string_view salt,
                                               KdfParams params) {
  if (salt.size() != crypto_pwhash_SALTBYTES) {
    return absl::InvalidArgumentError("kdf salt: wrong size");
  }
  if (params.opslimit < crypto_pwhash_OPSLIMIT_MIN ||
      params.opslimit > crypto_pwhash_OPSLIMIT_MAX ||
      params.memlimit < crypto_pwhash_MEMLIMIT_MIN ||
      params.memlimit > crypto_pwhash_MEMLIMIT_MAX) {
    return absl::InvalidArgumentError("kdf parameters: out of range");
  }
  SecureBuffer out(kKeyBytes);
  if (crypto_pwhash(out.data(), out.size(), passphrase.data(), passphrase.size(),
                    reinterpret_cast<const unsigned char*>(salt.data()), params.opslimit,
                    params.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("argon2id: not enough memory");
  }
  return out;
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr);
}
Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256::Update(std::string_view data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
}
std::string Sha256::Finish() {
  std::string out(32, '\0');
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), reinterpret_cast<unsigned char*>(out.data()),
                     &len);
  return out;
}

std::string ToHex(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

absl::StatusOr<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return absl::InvalidArgumentError("hex: odd length");
  std::string out(hex.size() / 2, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != out.size()) {
    return absl::InvalidArgumentError("hex: malformed");
  }
  return out;
}

}  // namespace hoidla::keys
