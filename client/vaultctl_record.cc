#include "client/vaultctl_record.h"

#include <string>
#include <utility>

#include "base/strings.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"

namespace hoidla::vaultctl {

namespace {

// Parses `json` into `message` (unknown fields are an error).
// INVALID_ARGUMENT "not a <full name> in protobuf JSON: " and the first line
// of the parser's message when it does not parse.
absl::Status ParseJsonMessage(std::string_view json, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status =
      google::protobuf::util::JsonStringToMessage(std::string(json), message, options);
  if (status.ok()) return absl::OkStatus();
  // The parser's message may go on with a quote of the input on further
  // lines; its first line says what is wrong.
  std::string_view text(status.message().data(), status.message().size());
  text = text.substr(0, text.find('\n'));
  return absl::InvalidArgumentError(StrCat(
      "not a ", std::string(message->GetDescriptor()->full_name()), " in protobuf JSON: ", text));
}

}  // namespace

absl::StatusOr<hoidla::v1::RecordContent> ParseRecordContentJson(std::string_view json) {
  hoidla::v1::RecordContent content;
  if (absl::Status s = ParseJsonMessage(json, &content); !s.ok()) return s;
  if (content.part_case() == hoidla::v1::RecordContent::PART_NOT_SET) {
    std::string parts;
    const google::protobuf::OneofDescriptor* oneof =
        hoidla::v1::RecordContent::descriptor()->oneof_decl(0);
    for (int i = 0; i < oneof->field_count(); ++i) {
      if (!parts.empty()) parts += ", ";
      parts += oneof->field(i)->json_name();
    }
    return absl::InvalidArgumentError(StrCat("no form part: expected one of ", parts));
  }
  return content;
}

absl::StatusOr<hoidla::v1::Instrument> ParseInstrumentJson(std::string_view json) {
  hoidla::v1::Instrument instrument;
  if (absl::Status s = ParseJsonMessage(json, &instrument); !s.ok()) return s;
  return instrument;
}

hoidla::v1::ClosingReason ParseClosingReason(std::string_view text) {
  static constexpr std::pair<std::string_view, hoidla::v1::ClosingReason> kReasons[] = {
      {"referral", hoidla::v1::CLOSING_REASON_REFERRAL},
      {"transfer", hoidla::v1::CLOSING_REASON_TRANSFER},
      {"terminated_by_client", hoidla::v1::CLOSING_REASON_TERMINATED_BY_CLIENT},
      {"time_limit", hoidla::v1::CLOSING_REASON_TIME_LIMIT},
      {"goals_met", hoidla::v1::CLOSING_REASON_GOALS_MET},
      {"impossible", hoidla::v1::CLOSING_REASON_IMPOSSIBLE},
  };
  for (const auto& [name, reason] : kReasons) {
    if (text == name) return reason;
  }
  return hoidla::v1::CLOSING_REASON_UNSPECIFIED;
}

hoidla::v1::CaseOrigin ParseCaseOrigin(std::string_view text) {
  if (text == "application") return hoidla::v1::CASE_ORIGIN_APPLICATION;
  if (text == "third_party_report") return hoidla::v1::CASE_ORIGIN_THIRD_PARTY_REPORT;
  return hoidla::v1::CASE_ORIGIN_UNSPECIFIED;
}

}  // namespace hoidla::vaultctl
