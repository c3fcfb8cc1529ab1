#include "vault/access/release.h"

#include "base/status_macros.h"
#include "vault/access/policy.h"

namespace hoidla::core {

absl::Status DecideWithRelease(const Policy& policy, const ReleaseSource* releases,
                               const RequestContext& ctx, Action action, Target* target,
                               std::string_view kind, std::string_view item_id) {
  if (releases != nullptr && !policy.Decide(ctx.principal, action, *target).allowed) {
    HOIDLA_ASSIGN_OR_RETURN(
        target->release,
        releases->ReleaseFor(ctx.principal, ctx.purpose,
                             {target->client_id, std::string(kind), std::string(item_id),
                              item_id.empty() ? std::string() : target->project_id}));
  }
  return policy.Check(ctx, action, *target);
}

}  // namespace hoidla::core
