#include "vault/core/audit_access.h"

#include "keys/signed_note.h"
#include "vault/audit/bundle.h"
#include "vault/audit/merkle.h"
#include "vault/common/status_macros.h"
#include "vault/common/strings.h"
#include "vault/core/paging.h"
#include "vault/core/validation.h"
#include "vault/common/ids.h"
#include "absl/strings/numbers.h"

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

namespace {

int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

v1::AuditEntry EntryToApi(const audit::Entry& e) {
  v1::AuditEntry out;
  out.set_seq(e.seq());
  *out.mutable_time() = ToTimestamp(e.time_micros());
  out.set_actor(e.actor());
  out.set_acting_through(e.acting_through());
  out.set_method(e.method());
  out.set_action(e.action());
  out.set_organization_id(e.organization_id());
  out.set_project_id(e.project_id());
  out.set_client_id(e.client_id());
  out.set_case_id(e.case_id());
  out.set_object_id(e.object_id());
  out.set_allowed(e.allowed());
  out.set_reason(e.reason());
  out.set_status(e.status());
  out.set_request_id(e.request_id());
  out.set_peer(e.peer());
  out.set_legal_basis(e.legal_basis());
  return out;
}

}  // namespace

absl::StatusOr<v1::ListAuditEntriesResponse> AuditAccess::ListAuditEntries(
    const RequestContext& ctx, const v1::ListAuditEntriesRequest& req) {
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  if (!req.organization_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(ValidateId(req.organization_id(), IdKind::kOrganization,
                                      "organization_id"));
  }
  uint64_t end = log_->size();  // exclusive
  if (!req.page_token().empty()) {
    uint64_t token = 0;
    if (!absl::SimpleAtoi(req.page_token(), &token) || token > end) {
      return FieldError("page_token", "malformed");
    }
    end = token;
  }
  // The container: the named organisation (an organisation role must name
  // its own), or the whole log (deployment roles).
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReadAuditEntries,
                                        {.organization_id = req.organization_id()}));
  const Decision whole_log = policy_->Decide(ctx.principal, Action::kReadAuditEntries,
                                             {.organization_id = "", .object_id = "log"});
  if (req.organization_id().empty() && !whole_log.allowed) {
    return FieldError("organization_id", "required for an organisation's auditor");
  }
  const int64_t from = req.has_from() ? Micros(req.from()) : INT64_MIN;
  const int64_t until = req.has_until() ? Micros(req.until()) : INT64_MAX;
  v1::ListAuditEntriesResponse out;
  uint64_t seq = end;
  while (seq > 0 && out.entries_size() < page_size) {
    --seq;
    HOIDLA_ASSIGN_OR_RETURN(audit::Entry e, log_->Get(seq));
    if (!req.organization_id().empty() && e.organization_id() != req.organization_id()) continue;
    if (!req.client_id().empty() && e.client_id() != req.client_id()) continue;
    if (!req.actor().empty() && e.actor() != req.actor()) continue;
    if (!req.project_id().empty() && e.project_id() != req.project_id()) continue;
    if (!req.method().empty() && e.method() != req.method()) continue;
    if (!req.action().empty() && e.action() != req.action()) continue;
    if (e.time_micros() < from || e.time_micros() >= until) continue;
    *out.add_entries() = EntryToApi(e);
  }
  if (seq > 0) out.set_next_page_token(std::to_string(seq));
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
