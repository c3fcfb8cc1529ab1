#include "client/vaultctl_consent.h"

#include <utility>

#include "base/strings.h"
#include "client/vaultctl_audit.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace hoidla::vaultctl {
namespace {

// At most this much of a line that is not what it should be goes into a
// message.
constexpr size_t kQuotedLineLimit = 80;

std::string Shortened(std::string_view line) {
  if (line.size() <= kQuotedLineLimit) return std::string(line);
  return StrCat(line.substr(0, kQuotedLineLimit), "...");
}

}  // namespace

absl::StatusOr<hoidla::v1::Consent> ParseConsentJson(std::string_view json) {
  hoidla::v1::Consent consent;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status =
      google::protobuf::util::JsonStringToMessage(std::string(json), &consent, options);
  if (!status.ok()) {
    // The parser's message may go on with a quote of the input on further
    // lines; its first line says what is wrong.
    std::string_view message(status.message().data(), status.message().size());
    message = message.substr(0, message.find('\n'));
    return absl::InvalidArgumentError(
        StrCat("not a hoidla.v1.Consent in protobuf JSON: ", message));
  }
  return consent;
}

namespace {

// The fields of a signed note whose text is `header` and one JSON object;
// failures are DATA_LOSS "<label>: ...".
absl::StatusOr<std::vector<ReceiptField>> OpenJsonNote(
    const std::vector<keys::NoteVerifier>& verifiers, std::string_view note,
    std::string_view header, std::string_view label, std::string_view what) {
  auto bad = [label](std::string_view why) {
    return absl::DataLossError(StrCat(label, ": ", why));
  };
  absl::StatusOr<keys::NoteVerifier> verifier = VerifierForNote(verifiers, note);
  if (!verifier.ok()) return bad(std::string(verifier.status().message()));
  absl::StatusOr<std::string> text = keys::OpenNote(note, *verifier);
  if (!text.ok()) return bad(std::string(text.status().message()));

  // The signed text: the header line and one JSON line, each ending in "\n".
  std::string_view rest = *text;
  const size_t first_end = rest.find('\n');
  const std::string_view first = rest.substr(0, first_end);
  if (first != header) {
    return bad(StrCat("not a ", what, ": first line is '", Shortened(first), "', expected '",
                      header, "'"));
  }
  rest.remove_prefix(first_end + 1);
  const size_t second_end = rest.find('\n');
  if (rest.empty() || second_end + 1 != rest.size()) {
    return bad(StrCat("not a ", what, ": expected the line '", header, "' and one line of JSON"));
  }
  const nlohmann::ordered_json json = nlohmann::ordered_json::parse(
      rest.substr(0, second_end), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return bad("the second line is not a JSON object");
  }
  std::vector<ReceiptField> fields;
  fields.reserve(json.size());
  for (const auto& [key, value] : json.items()) {
    fields.emplace_back(key, value.is_string()
                                 ? value.get<std::string>()
                                 : value.dump(-1, ' ', /*ensure_ascii=*/false,
                                              nlohmann::ordered_json::error_handler_t::replace));
  }
  return fields;
}

}  // namespace

absl::StatusOr<std::vector<ReceiptField>> OpenConsentReceipt(
    const std::vector<keys::NoteVerifier>& verifiers, std::string_view note) {
  return OpenJsonNote(verifiers, note, kConsentReceiptHeader, "receipt", "consent receipt");
}

absl::StatusOr<std::vector<ReceiptField>> OpenDisposalCertificate(
    const std::vector<keys::NoteVerifier>& verifiers, std::string_view note) {
  return OpenJsonNote(verifiers, note, kDisposalCertificateHeader, "certificate",
                      "disposal certificate");
}

}  // namespace hoidla::vaultctl
