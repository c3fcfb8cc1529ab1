#include "vault/core/audit_access.h"

#include "keys/signed_note.h"
#include "vault/audit/bundle.h"
#include "vault/audit/merkle.h"
#include "vault/common/status_macros.h"
#include "vault/common/strings.h"
#include "vault/core/validation.h"

namespace hoidla::core {

namespace v1 = ::hoidla::v1;

absl::StatusOr<v1::Checkpoint> AuditAccess::GetCheckpoint(const RequestContext& ctx,
                                                          const v1::GetCheckpointRequest& req) {
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReadAuditIntegrity, {}));
  HOIDLA_ASSIGN_OR_RETURN(std::string note,
                          req.fresh() ? checkpoints_->Sign() : checkpoints_->Latest());
  std::string_view text(note);
  text = text.substr(0, text.rfind("\n\n") + 1);
  HOIDLA_ASSIGN_OR_RETURN(audit::TreeHead head,
                          audit::ParseCheckpointBody(text, checkpoints_->origin()));
  v1::Checkpoint out;
  out.set_note(note);
  out.set_tree_size(head.size);
  out.set_root_hash(head.root);
  return out;
}

absl::StatusOr<v1::InclusionProof> AuditAccess::GetInclusionProof(
    const RequestContext& ctx, const v1::GetInclusionProofRequest& req) {
  if (req.tree_size() == 0 || req.tree_size() > log_->size()) {
    return FieldError("tree_size", "must be 1 to the log's size");
  }
  if (req.seq() >= req.tree_size()) return FieldError("seq", "must be below tree_size");
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReadAuditIntegrity, {}));
  HOIDLA_ASSIGN_OR_RETURN(auto hashes,
                          audit::InclusionProof(log_->leaves(), req.seq(), req.tree_size()));
  HOIDLA_ASSIGN_OR_RETURN(audit::Entry entry, log_->Get(req.seq()));
  v1::InclusionProof out;
  out.set_seq(req.seq());
  out.set_tree_size(req.tree_size());
  out.set_entry(entry.SerializeAsString());
  for (auto& h : hashes) out.add_hashes(std::move(h));
  return out;
}

absl::StatusOr<v1::ConsistencyProof> AuditAccess::GetConsistencyProof(
    const RequestContext& ctx, const v1::GetConsistencyProofRequest& req) {
  if (req.new_size() > log_->size()) return FieldError("new_size", "beyond the log's size");
  if (req.old_size() > req.new_size()) return FieldError("old_size", "must not exceed new_size");
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReadAuditIntegrity, {}));
  HOIDLA_ASSIGN_OR_RETURN(auto hashes, audit::ConsistencyProof(log_->leaves(), req.old_size(),
                                                               req.new_size()));
  v1::ConsistencyProof out;
  out.set_old_size(req.old_size());
  out.set_new_size(req.new_size());
  for (auto& h : hashes) out.add_hashes(std::move(h));
  return out;
}

absl::StatusOr<v1::AuditPublicKeys> AuditAccess::PublicKeys() {
  HOIDLA_ASSIGN_OR_RETURN(auto keys, keyring_->SigningPublicKeys());
  v1::AuditPublicKeys out;
  out.set_origin(checkpoints_->origin());
  for (const auto& [version, pk] : keys) {
    out.add_verifier_keys(keys::VerifierKeyString(checkpoints_->origin(), pk));
  }
  return out;
}

absl::StatusOr<v1::AuditPublicKeys> AuditAccess::GetPublicKeys(const RequestContext& ctx) {
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReadAuditIntegrity, {}));
  return PublicKeys();
}

absl::Status AuditAccess::ExportAudit(
    const RequestContext& ctx, const v1::ExportAuditRequest& req,
    const std::function<absl::Status(const v1::AuditBundle&)>& emit) {
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReadAuditIntegrity, {}));
  HOIDLA_ASSIGN_OR_RETURN(std::string note, req.fresh_checkpoint() ? checkpoints_->Sign()
                                                                   : checkpoints_->Latest());
  std::string_view text(note);
  text = text.substr(0, text.rfind("\n\n") + 1);
  HOIDLA_ASSIGN_OR_RETURN(audit::TreeHead head,
                          audit::ParseCheckpointBody(text, checkpoints_->origin()));
  if (req.first_seq() > head.size) return FieldError("first_seq", "beyond the checkpoint");
  HOIDLA_ASSIGN_OR_RETURN(v1::AuditPublicKeys keys, PublicKeys());
  v1::AuditBundle part;
  part.set_format(audit::kBundleFormat);
  part.set_origin(keys.origin());
  *part.mutable_verifier_keys() = keys.verifier_keys();
  part.set_checkpoint(note);
  part.set_tree_size(head.size);
  part.set_first_seq(req.first_seq());
  for (uint64_t seq = req.first_seq(); seq < head.size; ++seq) {
    auto raw = log_->RawEntry(seq);
    if (raw.status().code() == absl::StatusCode::kNotFound) continue;
    HOIDLA_RETURN_IF_ERROR(raw.status());
    auto* item = part.add_entries();
    item->set_entry(std::move(*raw));
    auto proof = audit::InclusionProof(log_->leaves(), seq, head.size);
    if (proof.ok()) {
      for (auto& h : *proof) item->add_proof(std::move(h));
    }
    if (part.entries_size() == 1000) {
      HOIDLA_RETURN_IF_ERROR(emit(part));
      part.Clear();
    }
  }
  // The last part (or the only one: the header, when there are no entries).
  if (part.entries_size() > 0 || !part.format().empty()) HOIDLA_RETURN_IF_ERROR(emit(part));
  return absl::OkStatus();
}

absl::StatusOr<v1::AuditPublicKeys> AuditAccess::RotateSigningKey(const RequestContext& ctx) {
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kManageAuditKeys, {}));
  HOIDLA_RETURN_IF_ERROR(keyring_->RotateSigningKey().status());
  return PublicKeys();
}

}  // namespace hoidla::core
