// Guard: the prologue every call on one stored object shares, written once.
//
//   load    the caller loads the object; its error is held back,
//   locate  the object's target: from the loaded object, or, when it could
//           not be loaded (absent, or its bytes fail authentication), from
//           the ids-only location index, so that the decision and the
//           answer to a caller it denies do not depend on whether the
//           object exists or is damaged,
//   decide  the policy decides the action on that target, recorded in the
//           call's audit entry; for a releasable object the caller's own
//           roles are tried first, then a release (consent, disclosure),
//   reveal  only a caller the policy allowed learns why the object could
//           not be loaded: NOT_FOUND "<field>: not found", DATA_LOSS as it
//           is.
//
// So that the answer never tells a denied caller whether something exists,
// the calls on one object (Get, Update, Sign, Withdraw, Assign, Close, ...)
// and the writes that name a client or case go through Reveal(). Lists over
// a container (ListCases, ListDocuments, ListRecords) still decide with
// their own code, because a release can open a list the container's
// target does not (doc/api.md); they do not use Reveal() yet.
//
// Thread-safety: a Guard is a value over const, thread-safe parts.
#ifndef HOIDLA_VAULT_ACCESS_GUARD_H_
#define HOIDLA_VAULT_ACCESS_GUARD_H_

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/validation.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/access/release.h"

namespace hoidla::core {

// Where an object is, by id, from facts that hold no client data (the
// registry's location index). Implementations are safe for concurrent use.
class Locations {
 public:
  virtual ~Locations() = default;
  // The target of object `id`, or a target no membership covers when
  // nothing is known about it. Never fails: a store error answers as
  // unknown, and the caller's own load reports it after the decision.
  virtual Target LocationOf(std::string_view id) const = 0;
};

// One guarded call: what is asked of which object, named by which field.
struct GuardedCall {
  Action action;
  // The object's id (already validated by the caller).
  std::string_view id;
  // The request field that names it ("id", "client_id", "record.case_id"):
  // NOT_FOUND answers name it.
  std::string_view field;
  // What a caller whose roles grant the action, but not on this target,
  // gets: NOT_FOUND "<field>: not found" (the default: the same answer as
  // for an object that does not exist), or another code where the caller
  // may know the object exists. A caller with no role for the action gets
  // PERMISSION_DENIED. A releasable call is always answered NOT_FOUND.
  absl::StatusCode out_of_scope_as = absl::StatusCode::kNotFound;
  // The object may reach callers outside its projects by a release
  // (documents, records): when the caller's own roles do not reach it, the
  // guard's release source is asked for one naming the object's kind.
  bool releasable = false;
};

class Guard {
 public:
  // `policy` and `locations` must outlive the guard. `releases` may be
  // null: then no call is decided with a release.
  Guard(const Policy* policy, const Locations* locations, const ReleaseSource* releases = nullptr)
      : policy_(policy), locations_(locations), releases_(releases) {}

  // Runs load -> locate -> decide -> reveal for `call` on `loaded`.
  //
  // `locate(const T&)` returns the loaded object's target (a Target or an
  // absl::StatusOr<Target>; its error is returned as it is, before any
  // decision). `kind_of(const T&)` returns the object's kind, asked only
  // for a releasable call.
  //
  // Returns the target decided (its `release` set when a release allowed
  // the call), and then `loaded` holds the object. Otherwise: the policy's
  // denial (NOT_FOUND as "<field>: not found"), a release source's error
  // (a partner's missing purpose), or, for an allowed caller, the load's
  // error (NOT_FOUND as "<field>: not found", others as they are).
  template <typename T, typename Locate, typename KindOf>
  absl::StatusOr<Target> Reveal(const RequestContext& ctx, const GuardedCall& call,
                                const absl::StatusOr<T>& loaded, Locate&& locate,
                                KindOf&& kind_of) const {
    Target target;
    std::string kind;
    if (loaded.ok()) {
      absl::StatusOr<Target> located = locate(*loaded);
      if (!located.ok()) return located.status();
      target = *std::move(located);
      if (call.releasable) kind = std::string(kind_of(*loaded));
    } else {
      target = locations_->LocationOf(call.id);
    }
    absl::Status allowed =
        call.releasable
            ? DecideWithRelease(*policy_, releases_, ctx, call.action, &target, kind, call.id)
            : policy_->Check(ctx, call.action, target, call.out_of_scope_as);
    if (!allowed.ok()) return ReferencedField(std::move(allowed), call.field);
    if (!loaded.ok()) return ReferencedField(loaded.status(), call.field);
    return target;
  }

  // Reveal() for an object that is never released.
  template <typename T, typename Locate>
  absl::StatusOr<Target> Reveal(const RequestContext& ctx, const GuardedCall& call,
                                const absl::StatusOr<T>& loaded, Locate&& locate) const {
    return Reveal(ctx, call, loaded, std::forward<Locate>(locate),
                  [](const T&) { return std::string_view(); });
  }

 private:
  const Policy* policy_;
  const Locations* locations_;
  const ReleaseSource* releases_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_ACCESS_GUARD_H_
