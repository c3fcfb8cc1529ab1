// Release: what lets a caller outside a client's projects read an item of the
// client: a consent in force (or a disclosure without consent) naming the
// caller's organisation or project as recipient, the item's kind (or the item
// itself) and the purpose the caller stated.
//
// The policy decides with these facts (Target::release); modules that own
// releasable items (documents now, assessment records later) ask a
// ReleaseSource for them when the caller's own roles do not reach the item.
// The source is an interface so that those modules need not depend on the
// consents module, which itself reads documents.
//
// Thread-safety: implementations are safe for concurrent use.
#ifndef HOIDLA_VAULT_ACCESS_RELEASE_H_
#define HOIDLA_VAULT_ACCESS_RELEASE_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/access/principal.h"

namespace hoidla::core {

// One release the policy may rely on.
struct Release {
  // What it rests on, as recorded in the audit entry: "consent:cns_.../3",
  // "disclosure:dsc_...:danger_to_others".
  std::string basis;
  // The recipient it names: an organisation (partner workers of it) or a
  // project (its members).
  std::string recipient_organization_id;
  std::string recipient_project_id;
  // A case-network release: the principal it was found for (a member of
  // the case's network), who alone it names.
  std::string recipient_principal_id;
};

// An item a caller asks for. `kind` and `item_id` empty: any item of the
// client (for a list over the client, whose items are then decided one by
// one).
struct ReleaseQuery {
  std::string client_id;
  std::string kind;
  std::string item_id;
  // The project holding the item (empty for a list over the client): a
  // consent releases only what its own project holds.
  std::string project_id;
};

class ReleaseSource {
 public:
  virtual ~ReleaseSource() = default;

  // Returns a release in force now that lets `principal` (through one of its
  // memberships) receive `query` for `purpose`, or std::nullopt when none
  // does. INVALID_ARGUMENT "x-hoidla-purpose: ..." when `purpose` is empty or
  // malformed and the principal could only be reached by a release (a
  // partner worker's call must state why). Errors of the store are returned
  // as they are.
  virtual absl::StatusOr<std::optional<Release>> ReleaseFor(const Principal& principal,
                                                            std::string_view purpose,
                                                            const ReleaseQuery& query) const = 0;
};

class Policy;
enum class Action;
struct Target;

// Decides `action` on `target` for the call `ctx` (recording the decision in
// its audit entry). When the caller's own roles do not reach the target and
// `releases` is not null, first asks it for a release of item `item_id` of
// `kind` (both empty: any item of the target's client) and decides with it:
// target->release is set when one was found. Returns the policy's answer;
// errors of the release source (a partner's missing purpose) as they are.
absl::Status DecideWithRelease(const Policy& policy, const ReleaseSource* releases,
                               const RequestContext& ctx, Action action, Target* target,
                               std::string_view kind, std::string_view item_id);

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_ACCESS_RELEASE_H_
