#include "vault/rpc/output_only.h"

#include <map>
#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "hoidla/v1/annotations.pb.h"

namespace hoidla::service {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

bool IsOutputOnly(const FieldDescriptor* f) {
  return f->options().GetExtension(::hoidla::v1::output_only);
}

bool Compute(const Descriptor* type, std::set<const Descriptor*>* seen) {
  if (!seen->insert(type).second) return false;  // recursion: decided above
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (IsOutputOnly(f)) return true;
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && Compute(f->message_type(), seen)) {
      return true;
    }
  }
  return false;
}

absl::Mutex cache_mu;
std::map<const Descriptor*, bool>& Cache() ABSL_EXCLUSIVE_LOCKS_REQUIRED(cache_mu) {
  static auto* cache = new std::map<const Descriptor*, bool>;
  return *cache;
}

}  // namespace

bool HasOutputOnly(const Descriptor* type) {
  absl::MutexLock lock(&cache_mu);
  auto [it, inserted] = Cache().emplace(type, false);
  if (inserted) {
    std::set<const Descriptor*> seen;
    it->second = Compute(type, &seen);
  }
  return it->second;
}

void ClearOutputOnly(google::protobuf::Message* message) {
  const Descriptor* type = message->GetDescriptor();
  if (!HasOutputOnly(type)) return;
  const auto* reflection = message->GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (IsOutputOnly(f)) {
      reflection->ClearField(message, f);
      continue;
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int j = 0; j < reflection->FieldSize(*message, f); ++j) {
        ClearOutputOnly(reflection->MutableRepeatedMessage(message, f, j));
      }
    } else if (reflection->HasField(*message, f)) {
      ClearOutputOnly(reflection->MutableMessage(message, f));
    }
  }
}

}  // namespace hoidla::service
