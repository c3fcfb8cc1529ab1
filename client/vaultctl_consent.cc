#include "client/vaultctl_consent.h"

#include <utility>

#include "base/strings.h"
#include "client/vaultctl_audit.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace hoidla::vaultctl {
namespace {

absl::Status BadReceipt(std::string_view what) {
  return absl::DataLossError(StrCat("receipt: ", what));
}

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

absl::StatusOr<std::vector<ReceiptField>> OpenConsentReceipt(
    const std::vector<keys::NoteVerifier>& verifiers, std::string_view note) {
  absl::StatusOr<keys::NoteVerifier> verifier = VerifierForNote(verifiers, note);
  if (!verifier.ok()) return BadReceipt(std::string(verifier.status().message()));
  absl::StatusOr<std::string> text = keys::OpenNote(note, *verifier);
  if (!text.ok()) return BadReceipt(std::string(text.status().message()));

  // The signed text: the header line and one JSON line, each ending in "\n".
  std::string_view rest = *text;
  const size_t first_end = rest.find('\n');
  const std::string_view first = rest.substr(0, first_end);
  if (first != kConsentReceiptHeader) {
    return BadReceipt(StrCat("not a consent receipt: first line is '", Shortened(first),
                             "', expected '", kConsentReceiptHeader, "'"));
  }
  rest.remove_prefix(first_end + 1);
  const size_t second_end = rest.find('\n');
  if (rest.empty() || second_end + 1 != rest.size()) {
    return BadReceipt(StrCat("not a consent receipt: expected the line '", kConsentReceiptHeader,
                             "' and one line of JSON"));
  }
  const nlohmann::ordered_json json = nlohmann::ordered_json::parse(
      rest.substr(0, second_end), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return BadReceipt("the second line is not a JSON object");
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

}  // namespace hoidla::vaultctl
