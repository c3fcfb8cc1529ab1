#include "base/ids.h"

#include "base/strings.h"

namespace hoidla {
namespace {
constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr size_t kEncodedLen = 26;
}  // namespace

std::string_view IdPrefix(IdKind kind) {
  switch (kind) {
    case IdKind::kOrganization:
      return "org";
    case IdKind::kProject:
      return "prj";
    case IdKind::kClient:
      return "cli";
    case IdKind::kCase:
      return "cas";
    case IdKind::kDocument:
      return "doc";
    case IdKind::kPrincipal:
      return "prn";
    case IdKind::kToken:
      return "tok";
    case IdKind::kConsent:
      return "cns";
    case IdKind::kDisclosure:
      return "dsc";
    case IdKind::kRecord:
      return "rec";
    case IdKind::kInstrument:
      return "ins";
    case IdKind::kGrantRequest:
      return "grq";
    case IdKind::kRetentionSchedule:
      return "rsc";
    case IdKind::kLegalHold:
      return "lgh";
    case IdKind::kDisposalCertificate:
      return "dct";
  }
  return "unk";
}

std::string MakeId(IdKind kind, int64_t millis, const std::array<uint8_t, 10>& random) {
  uint8_t bytes[16];
  uint64_t ms = static_cast<uint64_t>(millis) & 0xFFFFFFFFFFFFull;
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  for (int i = 0; i < 10; ++i) bytes[6 + i] = random[i];
  // 128 bits -> 26 base32 digits (130 bits, two leading zero bits).
  std::string out(IdPrefix(kind));
  out.push_back('_');
  unsigned __int128 v = 0;
  for (uint8_t b : bytes) v = (v << 8) | b;
  char digits[kEncodedLen];
  for (int i = kEncodedLen - 1; i >= 0; --i) {
    digits[i] = kAlphabet[static_cast<int>(v & 31)];
    v >>= 5;
  }
  out.append(digits, kEncodedLen);
  return out;
}

absl::Status ValidateId(std::string_view id, IdKind kind, std::string_view field) {
  if (id.empty()) return absl::InvalidArgumentError(hoidla::StrCat(field, ": required"));
  std::string_view prefix = IdPrefix(kind);
  bool ok = id.size() == prefix.size() + 1 + kEncodedLen && id.substr(0, prefix.size()) == prefix &&
            id[prefix.size()] == '_';
  if (ok) {
    std::string_view body = id.substr(prefix.size() + 1);
    // The first digit holds only two significant bits.
    if (body[0] > '7') ok = false;
    for (char c : body) {
      bool in = false;
      for (const char* a = kAlphabet; *a; ++a) in |= (*a == c);
      if (!in) {
        ok = false;
        break;
      }
    }
  }
  if (!ok) {
    return absl::InvalidArgumentError(hoidla::StrCat(field, ": malformed ", prefix, " id"));
  }
  return absl::OkStatus();
}

}  // namespace hoidla
