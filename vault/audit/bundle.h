// Export bundles: a run of audit entries with their inclusion proofs in a
// signed checkpoint (doc/audit.md), and their offline verification.
//
// VerifyBundle() needs nothing but the bundle and a trusted verifier key. It
// checks the checkpoint's signature, then every entry in order against the
// checkpoint's root, and names the first place where the bundle differs
// from the log the checkpoint signed: an altered (or inserted) entry, a
// missing entry, entries out of order, or a missing tail.
// Thread-safety: pure functions.
#ifndef HOIDLA_VAULT_AUDIT_BUNDLE_H_
#define HOIDLA_VAULT_AUDIT_BUNDLE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "hoidla/v1/audit.pb.h"
#include "keys/signed_note.h"

namespace hoidla::audit {

inline constexpr char kBundleFormat[] = "hoidla-audit-bundle/v1";

struct BundleReport {
  uint64_t tree_size = 0;
  uint64_t first_seq = 0;
  uint64_t verified = 0;  // entries verified before the first problem
  std::string root;       // the checkpoint's root (32 bytes)
};

// Verifies `bundle` with `verifier` (a trusted key of the log). Returns the
// report on success. DATA_LOSS whose message names the first problem, e.g.
// "entry 41: altered or inserted", "entry 40: missing", "entry 12: out of
// order (holds entry 15)", "entries from 977: missing (tail cut)",
// "checkpoint: signature does not verify". INVALID_ARGUMENT when the bundle
// is not a bundle of this format. An organisation's bundle (organization_id
// set) holds only that organisation's entries: each is checked at its own
// seq, in increasing order and of that organisation ("entry 41: of another
// organisation (inserted)"); an entry left out cannot be detected.
absl::StatusOr<BundleReport> VerifyBundle(const ::hoidla::v1::AuditBundle& bundle,
                                          const keys::NoteVerifier& verifier);

}  // namespace hoidla::audit

#endif  // HOIDLA_VAULT_AUDIT_BUNDLE_H_
