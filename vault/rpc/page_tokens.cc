#include "vault/rpc/page_tokens.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "base/error_reason.h"
#include "base/strings.h"

namespace hoidla::service {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr size_t kTagBytes = 16;  // Poly1305
constexpr size_t kMaxTokenChars = 512;

const FieldDescriptor* StringField(const Message& m, const char* name) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(name);
  if (f == nullptr || f->is_repeated() || f->type() != FieldDescriptor::TYPE_STRING) {
    return nullptr;
  }
  return f;
}

// The request without its paging fields, serialised deterministically.
std::string Filter(const Message& request) {
  std::unique_ptr<Message> copy(request.New());
  copy->CopyFrom(request);
  const auto* d = copy->GetDescriptor();
  for (const char* name : {"page_token", "page_size"}) {
    if (const FieldDescriptor* f = d->FindFieldByName(name)) {
      copy->GetReflection()->ClearField(copy.get(), f);
    }
  }
  std::string out;
  {
    google::protobuf::io::StringOutputStream raw(&out);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  return out;
}

absl::Status Mismatch(std::string_view why) {
  return WithReason(absl::InvalidArgumentError(StrCat("page_token: ", why)),
                    kReasonPageTokenMismatch);
}

}  // namespace

bool PageTokens::Paged(const Message& request) {
  return StringField(request, "page_token") != nullptr;
}

std::string PageTokens::Binding(std::string_view method, std::string_view caller,
                                const Message& request) {
  const std::string_view nul("\0", 1);
  return StrCat("hoidla.v1 page token", nul, method, nul, caller, nul, Filter(request));
}

absl::Status PageTokens::Open(std::string_view method, std::string_view caller,
                              Message* request) const {
  const FieldDescriptor* f = StringField(*request, "page_token");
  if (f == nullptr) return absl::OkStatus();
  const auto* reflection = request->GetReflection();
  const std::string token = reflection->GetString(*request, f);
  if (token.empty()) return absl::OkStatus();
  std::string sealed;
  if (token.size() > kMaxTokenChars || !absl::WebSafeBase64Unescape(token, &sealed) ||
      sealed.size() <= keys::kWrapNonceBytes + kTagBytes) {
    return Mismatch("malformed: pass back a next_page_token unchanged");
  }
  // The binding covers the filter without the token, so clear it first.
  reflection->ClearField(request, f);
  auto position = keys::UnwrapBytes(key_, Binding(method, caller, *request), sealed);
  if (!position.ok()) {
    return Mismatch(
        "not issued for this list: the caller and filter must stay as on the first page");
  }
  reflection->SetString(request, f, std::string(position->view()));
  return absl::OkStatus();
}

void PageTokens::Seal(std::string_view method, std::string_view caller, const Message& request,
                      Message* response) const {
  const FieldDescriptor* f = StringField(*response, "next_page_token");
  if (f == nullptr) return;
  const auto* reflection = response->GetReflection();
  const std::string position = reflection->GetString(*response, f);
  if (position.empty()) return;
  std::string token;
  absl::WebSafeBase64Escape(keys::WrapBytes(key_, Binding(method, caller, request), position),
                            &token);
  reflection->SetString(response, f, token);
}

}  // namespace hoidla::service
