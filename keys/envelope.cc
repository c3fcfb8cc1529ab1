#include "keys/envelope.h"

#include "base/coding.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace hoidla::keys {
namespace {

constexpr std::string_view kRecordMagic = "HR";
constexpr std::string_view kChunkMagic = "HC";
constexpr uint8_t kFormat = 1;
constexpr std::string_view kRecordAd = "hoidla/record/v1";
constexpr std::string_view kChunkAd = "hoidla/chunk/v1";
constexpr uint32_t kContentKeyVersion = 1;

void PutLen8(std::string* out, std::string_view s) {
  out->push_back(static_cast<char>(s.size()));
  out->append(s);
}
std::string Binding(const ObjectBinding& b) {
  std::string s;
  PutLen8(&s, b.kind);
  PutLen8(&s, b.id);
  PutFixed64BE(&s, b.version);
  PutLen8(&s, b.owner);
  return s;
}

std::string ChunkHeader(Cipher cipher, const ObjectBinding& b, uint64_t index, bool final) {
  std::string h(kChunkMagic);
  h.push_back(static_cast<char>(kFormat));
  h.push_back(static_cast<char>(cipher));
  h.push_back(static_cast<char>(final ? 1 : 0));
  PutFixed64BE(&h, index);
  PutLen8(&h, b.id);  // key id: the document's content key
  h.push_back(0);
  h.push_back(0);
  h.push_back(0);
  h.push_back(static_cast<char>(kContentKeyVersion));
  return h;
}

}  // namespace

std::string DataKeyContext(const ObjectBinding& b) { return hoidla::StrCat("data|", Binding(b)); }

absl::StatusOr<std::string> SealRecord(Keyring& keyring, const ObjectBinding& binding,
                                       std::string_view plaintext) {
  SecureBuffer dek = NewKey();
  HOIDLA_ASSIGN_OR_RETURN(std::string wrapped,
                          keyring.WrapDataKey(binding.owner, dek, DataKeyContext(binding)));
  Cipher cipher = PreferredCipher();
  std::string out(kRecordMagic);
  out.push_back(static_cast<char>(kFormat));
  out.push_back(static_cast<char>(cipher));
  out.push_back(static_cast<char>(wrapped.size() >> 8));
  out.push_back(static_cast<char>(wrapped.size() & 0xff));
  out += wrapped;
  std::string ad = hoidla::StrCat(kRecordAd, Binding(binding), out);
  SealWithCounter(cipher, dek, 0, ad, plaintext, &out);
  return out;
}

absl::StatusOr<std::string> OpenRecord(Keyring& keyring, const ObjectBinding& binding,
                                       std::string_view env) {
  if (env.size() < 6 || env.substr(0, 2) != kRecordMagic ||
      static_cast<uint8_t>(env[2]) != kFormat) {
    return absl::DataLossError("stored record is malformed");
  }
  HOIDLA_RETURN_IF_ERROR(CheckCipherUsable(static_cast<uint8_t>(env[3])));
  Cipher cipher = static_cast<Cipher>(env[3]);
  size_t wlen = (static_cast<uint8_t>(env[4]) << 8) | static_cast<uint8_t>(env[5]);
  size_t header = 6 + wlen;
  if (env.size() < header + kAeadTagBytes) return absl::DataLossError("stored record is malformed");
  HOIDLA_ASSIGN_OR_RETURN(
      SecureBuffer dek,
      keyring.UnwrapDataKey(binding.owner, env.substr(6, wlen), DataKeyContext(binding)));
  std::string ad = hoidla::StrCat(kRecordAd, Binding(binding), env.substr(0, header));
  std::string out;
  absl::Status s = OpenWithCounter(cipher, dek, 0, ad, env.substr(header), &out);
  if (!s.ok()) return absl::DataLossError("stored record failed authentication");
  return out;
}

absl::StatusOr<std::string> RecordOwner(std::string_view env) {
  if (env.size() < 6 || env.substr(0, 2) != kRecordMagic) {
    return absl::DataLossError("stored record is malformed");
  }
  size_t wlen = (static_cast<uint8_t>(env[4]) << 8) | static_cast<uint8_t>(env[5]);
  if (env.size() < 6 + wlen) return absl::DataLossError("stored record is malformed");
  HOIDLA_ASSIGN_OR_RETURN(KeyEnvelopeHeader h, ParseKeyEnvelope(env.substr(6, wlen)));
  constexpr std::string_view kPrefix = "subject:";
  if (!std::string_view(h.key_id).starts_with(kPrefix)) {
    return absl::DataLossError("stored record is malformed");
  }
  return h.key_id.substr(kPrefix.size());
}

size_t ChunkOverhead(const ObjectBinding& binding) {
  return 2 + 1 + 1 + 1 + 8 + 1 + binding.id.size() + 4 + kAeadTagBytes;
}

void SealChunk(Cipher cipher, const SecureBuffer& content_key, const ObjectBinding& binding,
               uint64_t index, bool final, std::string_view plaintext, std::string* out) {
  std::string header = ChunkHeader(cipher, binding, index, final);
  out->append(header);
  std::string ad = hoidla::StrCat(kChunkAd, Binding(binding), header);
  SealWithCounter(cipher, content_key, index, ad, plaintext, out);
}

absl::Status OpenChunk(Cipher cipher, const SecureBuffer& content_key, const ObjectBinding& binding,
                       uint64_t index, bool expect_final, std::string_view sealed,
                       std::string* out) {
  out->clear();
  std::string header = ChunkHeader(cipher, binding, index, expect_final);
  if (sealed.size() < header.size() + kAeadTagBytes || sealed.substr(0, header.size()) != header) {
    // Wrong index, final flag, document, cipher or version: moved, reordered,
    // truncated or spliced.
    return absl::DataLossError("stored document chunk failed authentication");
  }
  std::string ad = hoidla::StrCat(kChunkAd, Binding(binding), header);
  if (!OpenWithCounter(cipher, content_key, index, ad, sealed.substr(header.size()), out).ok()) {
    return absl::DataLossError("stored document chunk failed authentication");
  }
  return absl::OkStatus();
}

}  // namespace hoidla::keys
