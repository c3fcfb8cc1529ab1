// The checks behind `vaultctl audit verify` and `vaultctl audit watch`: a
// client that does not trust the vault checks what the vault says about its
// audit log against verifier keys it trusts (doc/audit.md).
//
//  * Verifier key files hold C2SP verifier keys, one per line, as `vaultctl
//    audit public-keys` prints them; blank lines and lines starting with '#'
//    are ignored. A note is checked with the key whose name and key id match
//    one of its signature lines, so a file that keeps old keys after a
//    rotation checks old and new checkpoints alike.
//  * VerifyBundleBytes checks an export bundle offline (no server).
//  * WatchRound fetches the newest checkpoint and checks that the log it
//    signs extends the last checkpoint the watcher trusted.
//
// Status conventions: INVALID_ARGUMENT for a key file or bundle that is
// malformed; DATA_LOSS when the log, a note or a proof does not check out.
//
// Thread-safety: pure functions apart from the RPCs of WatchRound.
#ifndef HOIDLA_CLIENT_VAULTCTL_AUDIT_H_
#define HOIDLA_CLIENT_VAULTCTL_AUDIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "client/vault_client.h"
#include "keys/signed_note.h"
#include "vault/audit/bundle.h"
#include "vault/audit/checkpoints.h"

namespace hoidla::vaultctl {

// Parses a verifier key file's text. INVALID_ARGUMENT "line N: verifier key:
// ..." for a malformed line, "no verifier key" when there is none.
absl::StatusOr<std::vector<keys::NoteVerifier>> ParseVerifierKeys(std::string_view text);

// The key of `verifiers` that signed `note`: the first whose name and key id
// match a signature line (the signature itself is not checked here).
// DATA_LOSS "...: not signed by any trusted key" when there is none.
absl::StatusOr<keys::NoteVerifier> VerifierForNote(const std::vector<keys::NoteVerifier>& verifiers,
                                                   std::string_view note);

// Checks the signature of checkpoint `note` with the matching key of
// `verifiers` and parses its body. DATA_LOSS "checkpoint: ..." when it is not
// signed by a trusted key, the signature does not verify or the body is not
// a checkpoint of the key's origin.
absl::StatusOr<audit::TreeHead> OpenCheckpoint(const std::vector<keys::NoteVerifier>& verifiers,
                                               std::string_view note);

// Parses `bytes` as an AuditBundle and verifies it (audit::VerifyBundle) with
// the key of `verifiers` that signed its checkpoint. INVALID_ARGUMENT when
// the bytes are not an audit bundle; DATA_LOSS naming the first entry (or
// the checkpoint) that does not verify.
absl::StatusOr<audit::BundleReport> VerifyBundleBytes(
    const std::string& bytes, const std::vector<keys::NoteVerifier>& verifiers);

// One round of `audit watch`.
struct WatchResult {
  enum class Kind {
    kFirst,       // nothing was trusted yet: trust on first use
    kUnchanged,   // same tree as the trusted checkpoint
    kConsistent,  // the tree grew and extends the trusted one
  };
  Kind kind = Kind::kFirst;
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  std::string new_root;  // 32 bytes
  // The checkpoint to trust from now on (the one fetched).
  std::string note;
};

// Fetches the newest checkpoint (GetCheckpoint, not fresh), checks its
// signature with `verifiers` and, when `trusted_note` (a checkpoint trusted
// before) is given, that the fetched tree extends it: a consistency proof
// from the server (GetConsistencyProof) checked against both roots, or equal
// roots when the size is unchanged. On success returns what it found; the
// caller stores result.note as the new trusted checkpoint.
// Fails with
//  * DATA_LOSS "log rewritten: checkpoint <new> is not consistent with
//    trusted <old>" when the fetched tree is smaller, has another root at the
//    same size, or the proof does not verify;
//  * DATA_LOSS "checkpoint: ..." when the fetched checkpoint is not validly
//    signed by a trusted key (see OpenCheckpoint);
//  * FAILED_PRECONDITION "trusted checkpoint: ..." when `trusted_note` does
//    not open with `verifiers`;
//  * the RPC's status when a call fails.
absl::StatusOr<WatchResult> WatchRound(const client::VaultClient& vault,
                                       const std::vector<keys::NoteVerifier>& verifiers,
                                       const std::optional<std::string>& trusted_note);

// Lowercase hex of `bytes`.
std::string HexString(std::string_view bytes);

}  // namespace hoidla::vaultctl

#endif  // HOIDLA_CLIENT_VAULTCTL_AUDIT_H_
