#include "vault/audit/audit_log.h"

#include "base/coding.h"
#include "base/status_macros.h"
#include "keys/crypto.h"

namespace hoidla::audit {
namespace {

using storage::Space;
constexpr std::string_view kTreeKey = "tree";
constexpr size_t kMaxGroup = 512;

}  // namespace

std::string AuditLog::EntryKey(uint64_t seq) {
  std::string k = "e/";
  PutFixed64BE(&k, seq);
  return k;
}

std::string AuditLog::NodeKey(uint64_t level, uint64_t index) {
  std::string k = "n/";
  k.push_back(static_cast<char>(level));
  PutFixed64BE(&k, index);
  return k;
}

std::string AuditLog::IndexKey(IndexKind kind, std::string_view id, uint64_t seq) {
  std::string k = kind == IndexKind::kClient ? "xc/" : "xa/";
  k.append(id);
  k.push_back('/');
  PutFixed64BE(&k, ~seq);
  return k;
}

absl::StatusOr<std::vector<uint64_t>> AuditLog::Indexed(IndexKind kind, std::string_view id,
                                                        uint64_t before, size_t limit) const {
  std::vector<uint64_t> out;
  if (before == 0 || limit == 0) return out;
  std::string prefix = IndexKey(kind, id, 0);
  prefix.resize(prefix.size() - 8);
  const std::string start = IndexKey(kind, id, before - 1);
  auto it = store_->Scan(Space::kAudit, prefix, start);
  for (; it->Valid() && out.size() < limit; it->Next()) {
    std::string_view k = it->key();
    if (k.size() != prefix.size() + 8) continue;
    out.push_back(~DecodeFixed64BE(k.substr(prefix.size())));
  }
  HOIDLA_RETURN_IF_ERROR(it->status());
  return out;
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(storage::KvStore* store, Clock* clock) {
  CompactTree tree;
  auto raw = store->Get(Space::kAudit, kTreeKey);
  if (raw.ok()) {
    auto decoded = CompactTree::Decode(*raw);
    if (!decoded.ok()) return absl::DataLossError("audit log: stored tree frontier is corrupt");
    tree = std::move(*decoded);
  } else if (raw.status().code() != absl::StatusCode::kNotFound) {
    return raw.status();
  }
  return std::unique_ptr<AuditLog>(new AuditLog(store, clock, std::move(tree)));
}

absl::StatusOr<uint64_t> AuditLog::Commit(Entry entry, storage::WriteBatch effect) {
  Writer w;
  w.entry = &entry;
  w.effect = &effect;
  mu_.Lock();
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) w.cv.Wait(&mu_);
  if (w.done) {
    mu_.Unlock();
    if (!w.status.ok()) return w.status;
    return w.seq;
  }

  // Leader: take the queue (up to kMaxGroup) as one group.
  std::vector<Writer*> group;
  for (Writer* x : writers_) {
    group.push_back(x);
    if (group.size() == kMaxGroup) break;
  }
  CompactTree tree = tree_;
  storage::WriteBatch batch;
  const int64_t now = clock_->NowMicros();
  mu_.Unlock();
  for (Writer* x : group) {
    x->seq = tree.size();
    x->entry->set_seq(x->seq);
    x->entry->set_time_micros(now);
    x->entry->set_salt(keys::RandomString(16));
    std::string leaf = x->entry->SerializeAsString();
    // The perfect subtrees this leaf completes, as the frontier merges them
    // (the frontier's last element has size lowbit(old size)).
    std::string h = LeafHash(leaf);
    batch.Put(Space::kAudit, NodeKey(0, x->seq), h);
    const std::vector<std::string>& frontier = tree.frontier();
    uint64_t n = x->seq;
    size_t f = frontier.size();
    for (uint64_t level = 0; (n >> level) & 1; ++level) {
      h = NodeHash(frontier[--f], h);
      batch.Put(Space::kAudit, NodeKey(level + 1, n >> (level + 1)), h);
    }
    tree.Append(LeafHash(leaf));
    batch.Append(*x->effect);
    batch.Put(Space::kAudit, EntryKey(x->seq), std::move(leaf));
    for (const auto& listed : x->entry->listed_client_ids()) {
      if (listed != x->entry->client_id())
        batch.Put(Space::kAudit, IndexKey(IndexKind::kClient, listed, x->seq), "");
    }
    if (!x->entry->client_id().empty()) {
      batch.Put(Space::kAudit, IndexKey(IndexKind::kClient, x->entry->client_id(), x->seq), "");
    }
    if (!x->entry->actor().empty()) {
      batch.Put(Space::kAudit, IndexKey(IndexKind::kActor, x->entry->actor(), x->seq), "");
    }
  }
  batch.Put(Space::kAudit, kTreeKey, tree.Encode());
  absl::Status s = store_->Write(batch);
  if (!s.ok()) s = absl::UnavailableError("audit log cannot be written; the call was not run");
  mu_.Lock();
  if (s.ok()) tree_ = std::move(tree);
  for (Writer* x : group) {
    writers_.pop_front();
    x->status = s;
    x->done = true;
    if (x != &w) x->cv.Signal();
  }
  if (!writers_.empty()) writers_.front()->cv.Signal();
  bool changed = healthy_ != s.ok();
  healthy_ = s.ok();
  auto listener = listener_;
  mu_.Unlock();
  if (changed && listener) listener(s.ok());
  if (!s.ok()) return s;
  return w.seq;
}

bool AuditLog::healthy() const {
  absl::MutexLock lock(&mu_);
  return healthy_;
}

void AuditLog::SetHealthListener(std::function<void(bool)> listener) {
  absl::MutexLock lock(&mu_);
  listener_ = std::move(listener);
}

void AuditLog::SetHealthy(bool healthy) {
  std::function<void(bool)> listener;
  bool changed;
  {
    absl::MutexLock lock(&mu_);
    changed = healthy_ != healthy;
    healthy_ = healthy;
    listener = listener_;
  }
  if (changed && listener) listener(healthy);
}

absl::Status AuditLog::Probe() {
  storage::WriteBatch batch;
  batch.Put(Space::kAudit, "probe", "");
  absl::Status s = store_->Write(batch);
  SetHealthy(s.ok());
  return s;
}

uint64_t AuditLog::size() const {
  absl::MutexLock lock(&mu_);
  return tree_.size();
}

std::pair<uint64_t, std::string> AuditLog::head() const {
  absl::MutexLock lock(&mu_);
  return {tree_.size(), tree_.Root()};
}

std::string AuditLog::root() const {
  absl::MutexLock lock(&mu_);
  return tree_.Root();
}

absl::StatusOr<std::string> AuditLog::RawEntry(uint64_t seq) const {
  return store_->Get(Space::kAudit, EntryKey(seq));
}

absl::StatusOr<Entry> AuditLog::Get(uint64_t seq) const {
  if (seq >= size()) return absl::NotFoundError("audit entry: not found");
  HOIDLA_ASSIGN_OR_RETURN(std::string raw, store_->Get(Space::kAudit, EntryKey(seq)));
  Entry e;
  if (!e.ParseFromString(raw) || e.seq() != seq) {
    return absl::DataLossError("audit entry: stored bytes are corrupt");
  }
  return e;
}

absl::StatusOr<std::string> AuditLog::StoreLeaves::SubtreeHash(uint64_t level,
                                                               uint64_t index) const {
  if (level >= 64 || ((index + 1) << level) > size() || (index + 1) > (~uint64_t{0} >> level)) {
    return LeafHashSource::SubtreeHash(level, index);  // reports the range error
  }
  auto raw = log_->store_->Get(Space::kAudit, NodeKey(level, index));
  if (raw.status().code() == absl::StatusCode::kNotFound) {
    return absl::DataLossError("audit tree node: missing");
  }
  if (!raw.ok()) return raw.status();
  if (raw->size() != kHashSize) return absl::DataLossError("audit tree node: corrupt");
  return *raw;
}

absl::StatusOr<std::string> AuditLog::StoreLeaves::LeafHashAt(uint64_t index) const {
  if (index >= size()) return absl::OutOfRangeError("index: beyond the log");
  return SubtreeHash(0, index);
}

}  // namespace hoidla::audit

namespace hoidla::audit {

void NoteTarget(AuditDraft* draft, std::string_view client_id, std::string_view case_id,
                std::string_view object_id) {
  if (draft == nullptr) return;
  if (!client_id.empty()) draft->entry.set_client_id(std::string(client_id));
  if (!case_id.empty()) draft->entry.set_case_id(std::string(case_id));
  if (!object_id.empty()) draft->entry.set_object_id(std::string(object_id));
}

absl::Status CommitEffect(AuditDraft* draft, storage::KvStore* store, storage::WriteBatch effect) {
  if (draft == nullptr || draft->log == nullptr) return store->Write(effect);
  Entry entry = draft->entry;
  entry.set_status("OK");
  auto seq = draft->log->Commit(std::move(entry), std::move(effect));
  if (!seq.ok()) return seq.status();
  draft->committed = true;
  draft->entry.set_seq(*seq);
  return absl::OkStatus();
}

}  // namespace hoidla::audit
