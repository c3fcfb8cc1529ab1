#include "client/vaultctl_record.h"

#include <utility>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "vault/common/strings.h"

namespace hoidla::vaultctl {

absl::StatusOr<hoidla::v1::RecordContent> ParseRecordContentJson(
    std::string_view json) {
  hoidla::v1::RecordContent content;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      std::string(json), &content, options);
  if (!status.ok()) {
    // The parser's message may go on with a quote of the input on further
    // lines; its first line says what is wrong.
    std::string_view message(status.message().data(), status.message().size());
    message = message.substr(0, message.find('\n'));
    return absl::InvalidArgumentError(
        StrCat("not a hoidla.v1.RecordContent in protobuf JSON: ", message));
  }
  if (content.part_case() == hoidla::v1::RecordContent::PART_NOT_SET) {
    std::string parts;
    const google::protobuf::OneofDescriptor* oneof =
        hoidla::v1::RecordContent::descriptor()->oneof_decl(0);
    for (int i = 0; i < oneof->field_count(); ++i) {
      if (!parts.empty()) parts += ", ";
      parts += oneof->field(i)->json_name();
    }
    return absl::InvalidArgumentError(
        StrCat("no form part: expected one of ", parts));
  }
  return content;
}

hoidla::v1::ClosingReason ParseClosingReason(std::string_view text) {
  static constexpr std::pair<std::string_view, hoidla::v1::ClosingReason>
      kReasons[] = {
          {"referral", hoidla::v1::CLOSING_REASON_REFERRAL},
          {"transfer", hoidla::v1::CLOSING_REASON_TRANSFER},
          {"terminated_by_client",
           hoidla::v1::CLOSING_REASON_TERMINATED_BY_CLIENT},
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
  if (text == "third_party_report")
    return hoidla::v1::CASE_ORIGIN_THIRD_PARTY_REPORT;
  return hoidla::v1::CASE_ORIGIN_UNSPECIFIED;
}

}  // namespace hoidla::vaultctl
