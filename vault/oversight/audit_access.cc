#include "vault/oversight/audit_access.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/numbers.h"
#include "base/ids.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "keys/signed_note.h"
#include "vault/access/paging.h"
#include "vault/audit/bundle.h"
#include "vault/audit/merkle.h"
#include "vault/sealing/kv_key_store.h"

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

absl::Status AuditAccess::ReadableLogPart(const RequestContext& ctx,
                                          const std::string& organization_id) const {
  // The part of the log: the named organisation (an organisation role must
  // name its own), or the whole log (deployment roles).
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kReadAuditIntegrity, {.organization_id = organization_id}),
      "organization_id"));
  if (organization_id.empty() && !policy_
                                      ->Decide(ctx.principal, Action::kReadAuditIntegrity,
                                               {.organization_id = "", .object_id = "log"})
                                      .allowed) {
    return FieldError("organization_id", "required for an organisation's auditor");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::InclusionProof> AuditAccess::GetInclusionProof(
    const RequestContext& ctx, const v1::GetInclusionProofRequest& req) {
  if (req.tree_size() == 0 || req.tree_size() > log_->size()) {
    return FieldError("tree_size", "must be 1 to the log's size");
  }
  if (req.seq() >= req.tree_size()) return FieldError("seq", "must be below tree_size");
  // An entry's proof carries the entry: its organisation's auditors (and
  // deployment roles) only. Another organisation's entry is NOT_FOUND, as
  // for a seq beyond the log.
  auto entry = log_->Get(req.seq());
  const bool whole_log = policy_
                             ->Decide(ctx.principal, Action::kReadAuditIntegrity,
                                      {.organization_id = "", .object_id = "log"})
                             .allowed;
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(
          ctx, Action::kReadAuditIntegrity,
          {.organization_id = whole_log || !entry.ok() ? std::string() : entry->organization_id(),
           .object_id = StrCat("seq/", req.seq())}),
      "seq"));
  if (!whole_log && (!entry.ok() || entry->organization_id().empty())) {
    // An organisation role reaches only entries of an organisation.
    if (!entry.ok() && entry.status().code() != absl::StatusCode::kNotFound) return entry.status();
    return absl::NotFoundError("seq: not found");
  }
  HOIDLA_RETURN_IF_ERROR(entry.status());
  HOIDLA_ASSIGN_OR_RETURN(auto hashes,
                          audit::InclusionProof(log_->leaves(), req.seq(), req.tree_size()));
  v1::InclusionProof out;
  out.set_seq(req.seq());
  out.set_tree_size(req.tree_size());
  out.set_entry(entry->SerializeAsString());
  for (auto& h : hashes) out.add_hashes(std::move(h));
  return out;
}

absl::StatusOr<v1::ConsistencyProof> AuditAccess::GetConsistencyProof(
    const RequestContext& ctx, const v1::GetConsistencyProofRequest& req) {
  if (req.new_size() > log_->size()) return FieldError("new_size", "beyond the log's size");
  if (req.old_size() > req.new_size()) return FieldError("old_size", "must not exceed new_size");
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReadAuditIntegrity, {}));
  HOIDLA_ASSIGN_OR_RETURN(auto hashes,
                          audit::ConsistencyProof(log_->leaves(), req.old_size(), req.new_size()));
  v1::ConsistencyProof out;
  out.set_old_size(req.old_size());
  out.set_new_size(req.new_size());
  for (auto& h : hashes) out.add_hashes(std::move(h));
  return out;
}

namespace {

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
  out.set_actor_protected(e.actor_protected());
  if (e.has_grant()) {
    // The same fields, field for field: parse the one into the other.
    out.mutable_grant()->ParseFromString(e.grant().SerializeAsString());
  }
  if (e.has_disposal()) {
    out.mutable_disposal()->ParseFromString(e.disposal().SerializeAsString());
  }
  return out;
}

}  // namespace

absl::StatusOr<v1::ListAuditEntriesResponse> AuditAccess::ListAuditEntries(
    const RequestContext& ctx, const v1::ListAuditEntriesRequest& req) {
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  if (!req.organization_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(
        ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
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
  HOIDLA_RETURN_IF_ERROR(
      policy_->Check(ctx, Action::kReadAuditEntries, {.organization_id = req.organization_id()}));
  const Decision whole_log = policy_->Decide(ctx.principal, Action::kReadAuditEntries,
                                             {.organization_id = "", .object_id = "log"});
  if (req.organization_id().empty() && !whole_log.allowed) {
    return FieldError("organization_id", "required for an organisation's auditor");
  }
  const int64_t from = req.has_from() ? Micros(req.from()) : INT64_MIN;
  const int64_t until = req.has_until() ? Micros(req.until()) : INT64_MAX;
  auto matches = [&](const audit::Entry& e) {
    return (req.organization_id().empty() || e.organization_id() == req.organization_id()) &&
           (req.client_id().empty() || e.client_id() == req.client_id()) &&
           (req.actor().empty() || e.actor() == req.actor()) &&
           (req.project_id().empty() || e.project_id() == req.project_id()) &&
           (req.method().empty() || e.method() == req.method()) &&
           (req.action().empty() || e.action() == req.action()) && e.time_micros() >= from &&
           e.time_micros() < until;
  };
  v1::ListAuditEntriesResponse out;
  HOIDLA_ASSIGN_OR_RETURN(
      uint64_t next, WalkNewestFirst(req.client_id(), req.actor(), end, [&](const audit::Entry& e) {
        if (matches(e)) *out.add_entries() = EntryToApi(e);
        return out.entries_size() < page_size;
      }));
  if (next > 0) out.set_next_page_token(std::to_string(next));
  return out;
}

absl::StatusOr<uint64_t> AuditAccess::WalkNewestFirst(
    std::string_view client_id, std::string_view actor, uint64_t before,
    const std::function<bool(const audit::Entry&)>& visit) const {
  constexpr size_t kBatch = 256;
  if (client_id.empty() && actor.empty()) {
    uint64_t seq = before;
    while (seq > 0) {
      HOIDLA_ASSIGN_OR_RETURN(audit::Entry e, log_->Get(seq - 1));
      --seq;
      if (!visit(e)) break;
    }
    return seq;
  }
  const auto kind =
      client_id.empty() ? audit::AuditLog::IndexKind::kActor : audit::AuditLog::IndexKind::kClient;
  const std::string_view id = client_id.empty() ? actor : client_id;
  uint64_t next = before;
  while (next > 0) {
    HOIDLA_ASSIGN_OR_RETURN(std::vector<uint64_t> seqs, log_->Indexed(kind, id, next, kBatch));
    if (seqs.empty()) return 0;
    for (uint64_t seq : seqs) {
      HOIDLA_ASSIGN_OR_RETURN(audit::Entry e, log_->Get(seq));
      next = seq;
      if (!visit(e)) return next;
    }
    if (seqs.size() < kBatch) return 0;
  }
  return next;
}

absl::StatusOr<uint64_t> AuditAccess::ReportEntries(const std::string& client_id, uint64_t before,
                                                    size_t limit, v1::AccessReport* out,
                                                    bool aggregate_denied) const {
  // Refused attempts alike -> the index of their entry in `out`.
  std::map<std::string, int> groups;
  // Actors named in the report, looked up once each.
  std::map<std::string, std::optional<Principal>> principals;
  std::map<std::string, std::string> org_names;
  auto principal = [&](const std::string& id) -> const std::optional<Principal>& {
    auto [it, inserted] = principals.try_emplace(id);
    if (inserted) {
      auto p = identity_->LookupPrincipal(id);
      if (p.ok()) it->second = std::move(*p);
    }
    return it->second;
  };
  auto org_name = [&](const std::string& id) -> const std::string& {
    auto [it, inserted] = org_names.try_emplace(id);
    if (inserted && !id.empty()) {
      auto org = registry_->LoadOrganization(id);
      if (org.ok()) it->second = org->name();
    }
    return it->second;
  };

  // The reporters of concerns about the client: withheld in every entry,
  // not only their report's (a later call of theirs would name them).
  HOIDLA_ASSIGN_OR_RETURN(std::vector<std::string> protected_actors,
                          registry_->ProtectedActorsOf(client_id));
  auto is_protected = [&](const audit::Entry& e) {
    if (e.actor_protected()) return true;
    for (const auto& id : protected_actors) {
      if (e.actor() == id || e.acting_through() == id) return true;
    }
    return false;
  };
  HOIDLA_ASSIGN_OR_RETURN(
      uint64_t next, WalkNewestFirst(client_id, {}, before, [&](const audit::Entry& e) {
        if (e.client_id() != client_id &&
            std::find(e.listed_client_ids().begin(), e.listed_client_ids().end(), client_id) ==
                e.listed_client_ids().end()) {
          return true;
        }
        const auto& actor = principal(e.actor());
        // The data subject's own calls: they know of them.
        if (actor && actor->subject_client_id == client_id) return true;
        std::string group;
        if (aggregate_denied && !e.allowed()) {
          // '\0' as a char: StrCat stops a string literal at its first NUL.
          group = StrCat(is_protected(e) ? std::string("\x01") : e.actor(), '\0',
                         e.acting_through(), '\0', e.method(), '\0', e.action(), '\0', e.status(),
                         '\0', e.organization_id());
          auto it = groups.find(group);
          if (it != groups.end()) {
            // Older than what the entry holds (the walk goes newest first).
            auto* g = out->mutable_entries(it->second);
            g->set_count(g->count() + 1);
            *g->mutable_first_time() = ToTimestamp(e.time_micros());
            if (g->project_id() != e.project_id()) g->clear_project_id();
            if (g->case_id() != e.case_id()) g->clear_case_id();
            if (g->object_id() != e.object_id()) g->clear_object_id();
            return true;
          }
        }
        auto* r = out->add_entries();
        if (!group.empty()) {
          groups.emplace(group, out->entries_size() - 1);
          r->set_count(1);
          *r->mutable_first_time() = ToTimestamp(e.time_micros());
        }
        r->set_seq(e.seq());
        *r->mutable_time() = ToTimestamp(e.time_micros());
        auto* who = r->mutable_actor();
        if (is_protected(e)) {
          who->set_withheld(true);
        } else if (actor) {
          who->set_principal_id(actor->id);
          who->set_display_name(actor->display_name);
          who->set_kind(static_cast<v1::PrincipalKind>(actor->kind));
          who->set_organization_id(actor->organization_id);
          who->set_organization_name(org_name(actor->organization_id));
          if (e.reason().starts_with("role:")) who->set_role(e.reason().substr(5));
        } else {
          who->set_principal_id(e.actor());
        }
        r->set_action(e.action());
        r->set_method(e.method());
        r->set_allowed(e.allowed());
        r->set_status(e.status());
        r->set_organization_id(e.organization_id());
        r->set_project_id(e.project_id());
        r->set_case_id(e.case_id());
        r->set_object_id(e.object_id());
        r->set_legal_basis(e.legal_basis());
        return static_cast<size_t>(out->entries_size()) < limit;
      }));
  return next;
}

absl::StatusOr<v1::AccessReport> AuditAccess::GetAccessReport(
    const RequestContext& ctx, const v1::GetAccessReportRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.client_id(), IdKind::kClient, "client_id"));
  int32_t page_size = req.page_size();
  HOIDLA_RETURN_IF_ERROR(NormalizePageSize("page_size", &page_size));
  uint64_t end = log_->size();
  if (!req.page_token().empty()) {
    uint64_t token = 0;
    if (!absl::SimpleAtoi(req.page_token(), &token) || token > end) {
      return FieldError("page_token", "malformed");
    }
    end = token;
  }
  auto client = registry_->LoadClient(req.client_id());
  HOIDLA_RETURN_IF_ERROR(
      registry_
          ->RevealClient(
              ctx,
              {.action = Action::kReadAccessReport, .id = req.client_id(), .field = "client_id"},
              client)
          .status());

  v1::AccessReport out;
  out.set_client_id(req.client_id());
  HOIDLA_ASSIGN_OR_RETURN(uint64_t next, ReportEntries(req.client_id(), end, page_size, &out));
  if (next > 0) out.set_next_page_token(std::to_string(next));
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
  if (!req.organization_id().empty()) {
    HOIDLA_RETURN_IF_ERROR(
        ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  }
  HOIDLA_RETURN_IF_ERROR(ReadableLogPart(ctx, req.organization_id()));
  HOIDLA_ASSIGN_OR_RETURN(std::string note,
                          req.fresh_checkpoint() ? checkpoints_->Sign() : checkpoints_->Latest());
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
  part.set_organization_id(req.organization_id());
  for (uint64_t seq = req.first_seq(); seq < head.size; ++seq) {
    auto raw = log_->RawEntry(seq);
    if (raw.status().code() == absl::StatusCode::kNotFound) continue;
    HOIDLA_RETURN_IF_ERROR(raw.status());
    if (!req.organization_id().empty()) {
      audit::Entry e;
      if (!e.ParseFromString(*raw)) return absl::DataLossError("audit entry: unreadable");
      if (e.organization_id() != req.organization_id()) continue;
    }
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
  // The new key and the call's entry are one atomic write.
  keys::Keyring::CommitFn commit;
  if (ctx.audit != nullptr && ctx.audit->log != nullptr) {
    commit = [&ctx](keys::KeyChanges changes) {
      return audit::CommitEffect(ctx.audit, nullptr, sealing::ToBatch(changes));
    };
  }
  HOIDLA_RETURN_IF_ERROR(keyring_->RotateSigningKey(commit).status());
  return PublicKeys();
}

}  // namespace hoidla::core
