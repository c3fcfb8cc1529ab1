#include "keys/keyring.h"

#include <charconv>
#include <cstdio>
#include <mutex>

#include "base/coding.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "keys/signed_note.h"

namespace hoidla::keys {
namespace {

constexpr std::string_view kKeyMagic = "HK";
constexpr uint8_t kKeyFormat = 1;
constexpr std::string_view kKeyAd = "hoidla/key/v1";
constexpr std::string_view kActiveKey = "kek-active";
constexpr std::string_view kKekPrefix = "kek/";
constexpr std::string_view kSubjectPrefix = "subj/";
constexpr uint32_t kSubjectKeyVersion = 1;

std::string KekKey(uint32_t version) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "kek/%08x", version);
  return buf;
}
std::string SubjectKeyKey(std::string_view subject) {
  return hoidla::StrCat(kSubjectPrefix, subject);
}
std::string KekContext(uint32_t version) { return hoidla::StrCat("kek|", version); }
std::string SubjectContext(std::string_view subject) { return hoidla::StrCat("subject|", subject); }

bool ParseHex32(std::string_view s, uint32_t* out) {
  if (s.size() != 8) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, 16);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string SealKeyEnvelope(const SecureBuffer& wrapping_key, std::string_view key_id,
                            uint32_t key_version, std::string_view context,
                            std::string_view secret) {
  std::string out(kKeyMagic);
  out.push_back(static_cast<char>(kKeyFormat));
  out.push_back(static_cast<char>(key_id.size()));
  out.append(key_id);
  PutFixed32BE(&out, key_version);
  std::string ad = hoidla::StrCat(kKeyAd, out, context);
  out += WrapBytes(wrapping_key, ad, secret);
  return out;
}

absl::StatusOr<KeyEnvelopeHeader> ParseKeyEnvelope(std::string_view env) {
  if (env.size() < 4 || env.substr(0, 2) != kKeyMagic ||
      static_cast<uint8_t>(env[2]) != kKeyFormat) {
    return absl::DataLossError("malformed key envelope");
  }
  size_t id_len = static_cast<uint8_t>(env[3]);
  size_t header = 4 + id_len + 4;
  if (env.size() < header + kWrapNonceBytes + kAeadTagBytes) {
    return absl::DataLossError("malformed key envelope");
  }
  return KeyEnvelopeHeader{std::string(env.substr(4, id_len)),
                           DecodeFixed32BE(env.substr(4 + id_len)), header};
}

absl::StatusOr<SecureBuffer> OpenKeyEnvelope(const SecureBuffer& wrapping_key,
                                             std::string_view context, std::string_view env) {
  HOIDLA_ASSIGN_OR_RETURN(KeyEnvelopeHeader h, ParseKeyEnvelope(env));
  std::string ad = hoidla::StrCat(kKeyAd, env.substr(0, h.header_size), context);
  return UnwrapBytes(wrapping_key, ad, env.substr(h.header_size));
}

Keyring::Keyring(std::unique_ptr<KeyStore> store, SecureBuffer master, MasterKeyMode mode,
                 Clock* clock)
    : store_(std::move(store)), master_(std::move(master)), mode_(mode), clock_(clock) {
  blind_index_key_ = DeriveSubkey(master_, "blindidx", 1);
  token_key_ = DeriveSubkey(master_, "tokenmac", 1);
  master_.LockInMemory();
  blind_index_key_.LockInMemory();
  token_key_.LockInMemory();
}

absl::StatusOr<std::unique_ptr<Keyring>> Keyring::Open(std::unique_ptr<KeyStore> store,
                                                       SecureBuffer master, MasterKeyMode mode,
                                                       Clock* clock) {
  if (master.size() != kKeyBytes) return absl::InvalidArgumentError("master key: wrong size");
  if (store == nullptr) return absl::InvalidArgumentError("key store: required");
  std::unique_ptr<Keyring> k(new Keyring(std::move(store), std::move(master), mode, clock));
  HOIDLA_RETURN_IF_ERROR(k->Load());
  return k;
}

absl::Status Keyring::Load() {
  absl::MutexLock lock(&mu_);
  auto active = store_->Get(kActiveKey);
  if (active.status().code() == absl::StatusCode::kNotFound) {
    // Initialise only a store with no keys at all: a lost pointer must never
    // be mistaken for a fresh store (that would overwrite the real KEK).
    bool any = false;
    HOIDLA_RETURN_IF_ERROR(store_->Scan("", [&](std::string_view, std::string_view) {
      any = true;
      return false;
    }));
    if (any) return absl::DataLossError("active key-encryption key record is missing");
    // Fresh store: KEK v1 and the system subject key, in one batch.
    SecureBuffer kek = NewKey();
    KeyChanges batch;
    std::string rec;
    PutFixed64BE(&rec, static_cast<uint64_t>(clock_->NowMicros()));
    rec += SealKeyEnvelope(master_, "master", 1, KekContext(1), kek.view());
    batch.Put(KekKey(1), rec);
    std::string v;
    PutFixed32BE(&v, 1);
    batch.Put(kActiveKey, v);
    SecureBuffer sys = NewKey();
    batch.Put(SubjectKeyKey(kSystemSubject),
              SealKeyEnvelope(kek, "kek", 1, SubjectContext(kSystemSubject), sys.view()));
    HOIDLA_RETURN_IF_ERROR(store_->Write(batch));
    active_kek_ = 1;
    kek.LockInMemory();
    keks_[1] = std::make_shared<const SecureBuffer>(std::move(kek));
    return absl::OkStatus();
  }
  if (!active.ok()) return active.status();
  if (active->size() != 4) return absl::DataLossError("corrupt active key-encryption key record");
  active_kek_ = DecodeFixed32BE(*active);
  // Collected outside the lock's view (a visitor is checked as a function of
  // its own), then installed under it.
  std::map<uint32_t, std::shared_ptr<const SecureBuffer>> found;
  absl::Status bad;
  HOIDLA_RETURN_IF_ERROR(store_->Scan(kKekPrefix, [&](std::string_view key, std::string_view val) {
    uint32_t version = 0;
    if (val.size() < 8 || !ParseHex32(key.substr(kKekPrefix.size()), &version)) {
      bad = absl::DataLossError("corrupt key-encryption key record");
      return false;
    }
    auto kek = OpenKeyEnvelope(master_, KekContext(version), val.substr(8));
    if (!kek.ok()) {
      bad = absl::PermissionDeniedError("master key does not open this store");
      return false;
    }
    kek->LockInMemory();
    found[version] = std::make_shared<const SecureBuffer>(std::move(*kek));
    return true;
  }));
  HOIDLA_RETURN_IF_ERROR(bad);
  keks_ = std::move(found);
  if (!keks_.contains(active_kek_)) {
    return absl::DataLossError("active key-encryption key is missing");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const SecureBuffer>> Keyring::Kek(uint32_t version) {
  absl::ReaderMutexLock lock(&mu_);
  auto it = keks_.find(version);
  if (it == keks_.end()) {
    return absl::DataLossError(hoidla::StrCat("key-encryption key version ", version, " is gone"));
  }
  return it->second;
}

absl::Status Keyring::AddSubjectKey(std::string_view subject_id, KeyChanges* changes) {
  auto existing = store_->Get(SubjectKeyKey(subject_id));
  if (existing.ok()) return absl::AlreadyExistsError("subject key exists");
  if (existing.status().code() != absl::StatusCode::kNotFound) return existing.status();
  SecureBuffer key = NewKey();
  uint32_t version;
  std::shared_ptr<const SecureBuffer> kek;
  {
    absl::ReaderMutexLock lock(&mu_);
    version = active_kek_;
    kek = keks_.at(version);
  }
  changes->Put(SubjectKeyKey(subject_id),
               SealKeyEnvelope(*kek, "kek", version, SubjectContext(subject_id), key.view()));
  absl::MutexLock lock(&mu_);
  key.LockInMemory();
  subject_cache_[std::string(subject_id)] = std::make_shared<const SecureBuffer>(std::move(key));
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const SecureBuffer>> Keyring::SubjectKey(
    std::string_view subject_id) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = subject_cache_.find(subject_id);
    if (it != subject_cache_.end()) return it->second;
  }
  auto rec = store_->Get(SubjectKeyKey(subject_id));
  if (rec.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError("subject key not found");
  }
  if (!rec.ok()) return rec.status();
  HOIDLA_ASSIGN_OR_RETURN(KeyEnvelopeHeader h, ParseKeyEnvelope(*rec));
  if (h.key_id != "kek") return absl::DataLossError("subject key has a foreign wrapping key");
  HOIDLA_ASSIGN_OR_RETURN(auto kek, Kek(h.key_version));
  HOIDLA_ASSIGN_OR_RETURN(SecureBuffer key,
                          OpenKeyEnvelope(*kek, SubjectContext(subject_id), *rec));
  key.LockInMemory();
  auto shared = std::make_shared<const SecureBuffer>(std::move(key));
  absl::MutexLock lock(&mu_);
  if (subject_cache_.size() > 100000) subject_cache_.clear();
  subject_cache_[std::string(subject_id)] = shared;
  return shared;
}

absl::StatusOr<std::string> Keyring::WrapDataKey(std::string_view subject_id,
                                                 const SecureBuffer& data_key,
                                                 std::string_view context) {
  HOIDLA_ASSIGN_OR_RETURN(auto skey, SubjectKey(subject_id));
  return SealKeyEnvelope(*skey, hoidla::StrCat("subject:", subject_id), kSubjectKeyVersion, context,
                         data_key.view());
}

absl::StatusOr<SecureBuffer> Keyring::UnwrapDataKey(std::string_view subject_id,
                                                    std::string_view envelope,
                                                    std::string_view context) {
  HOIDLA_ASSIGN_OR_RETURN(KeyEnvelopeHeader h, ParseKeyEnvelope(envelope));
  if (h.key_id != hoidla::StrCat("subject:", subject_id) || h.key_version != kSubjectKeyVersion) {
    return absl::DataLossError("data key belongs to another subject");
  }
  HOIDLA_ASSIGN_OR_RETURN(auto skey, SubjectKey(subject_id));
  HOIDLA_ASSIGN_OR_RETURN(SecureBuffer key, OpenKeyEnvelope(*skey, context, envelope));
  if (key.size() != kKeyBytes) return absl::DataLossError("data key has the wrong size");
  return key;
}

absl::Status Keyring::DestroySubjectKey(std::string_view subject_id) {
  return DestroySubjectKey(subject_id, nullptr);
}

absl::Status Keyring::DestroySubjectKey(std::string_view subject_id, const CommitFn& commit) {
  if (subject_id == kSystemSubject) {
    return absl::FailedPreconditionError("the system key cannot be destroyed");
  }
  std::lock_guard write_lock(subject_write_mu_);
  KeyChanges batch;
  batch.Delete(SubjectKeyKey(subject_id));
  HOIDLA_RETURN_IF_ERROR(Commit(commit, std::move(batch)));
  absl::MutexLock lock(&mu_);
  subject_cache_.erase(std::string(subject_id));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<KekInfo>> Keyring::ListKeks() {
  std::map<uint32_t, int64_t> counts;
  absl::Status bad;
  HOIDLA_RETURN_IF_ERROR(store_->Scan(kSubjectPrefix, [&](std::string_view, std::string_view v) {
    auto h = ParseKeyEnvelope(v);
    if (!h.ok()) {
      bad = h.status();
      return false;
    }
    counts[h->key_version]++;
    return true;
  }));
  HOIDLA_RETURN_IF_ERROR(bad);
  std::vector<KekInfo> out;
  uint32_t active;
  {
    absl::ReaderMutexLock lock(&mu_);
    active = active_kek_;
  }
  HOIDLA_RETURN_IF_ERROR(store_->Scan(kKekPrefix, [&](std::string_view k, std::string_view v) {
    uint32_t version = 0;
    if (!ParseHex32(k.substr(kKekPrefix.size()), &version) || v.size() < 8) {
      bad = absl::DataLossError("corrupt key-encryption key record");
      return false;
    }
    out.push_back(
        {version, static_cast<int64_t>(DecodeFixed64BE(v)), version == active, counts[version]});
    return true;
  }));
  HOIDLA_RETURN_IF_ERROR(bad);
  return out;
}

absl::Status Keyring::Commit(const CommitFn& commit, KeyChanges changes) {
  if (commit) return commit(std::move(changes));
  return store_->Write(changes);
}

absl::StatusOr<uint32_t> Keyring::RotateKek(const CommitFn& commit) {
  absl::MutexLock lock(&mu_);
  uint32_t version = keks_.empty() ? 1 : keks_.rbegin()->first + 1;
  SecureBuffer kek = NewKey();
  KeyChanges batch;
  std::string rec;
  PutFixed64BE(&rec, static_cast<uint64_t>(clock_->NowMicros()));
  rec += SealKeyEnvelope(master_, "master", 1, KekContext(version), kek.view());
  batch.Put(KekKey(version), rec);
  std::string v;
  PutFixed32BE(&v, version);
  batch.Put(kActiveKey, v);
  HOIDLA_RETURN_IF_ERROR(Commit(commit, std::move(batch)));
  kek.LockInMemory();
  keks_[version] = std::make_shared<const SecureBuffer>(std::move(kek));
  active_kek_ = version;
  return version;
}

absl::StatusOr<int64_t> Keyring::RewrapSubjectKeys(const CommitFn& commit) {
  uint32_t active;
  std::shared_ptr<const SecureBuffer> active_kek;
  {
    absl::ReaderMutexLock lock(&mu_);
    active = active_kek_;
    active_kek = keks_.at(active);
  }
  // Read from a snapshot, write in batches; each batch re-checks the live
  // record under subject_write_mu_, so a key destroyed (or rewritten)
  // meanwhile is left as it is.
  struct Rewrapped {
    std::string key, old_value, new_value;
  };
  std::vector<Rewrapped> pending;
  int64_t done = 0;
  auto flush = [&](bool last) -> absl::Status {
    if (pending.empty() && !last) return absl::OkStatus();
    std::lock_guard write_lock(subject_write_mu_);
    KeyChanges batch;
    for (auto& p : pending) {
      auto live = store_->Get(p.key);
      if (live.status().code() == absl::StatusCode::kNotFound) continue;
      HOIDLA_RETURN_IF_ERROR(live.status());
      if (*live != p.old_value) continue;
      batch.Put(p.key, std::move(p.new_value));
      ++done;
    }
    pending.clear();
    if (last) return Commit(commit, std::move(batch));
    if (batch.empty()) return absl::OkStatus();
    return store_->Write(batch);
  };
  absl::Status bad;
  auto rewrap = [&](std::string_view k, std::string_view v) -> absl::Status {
    std::string_view subject = k.substr(kSubjectPrefix.size());
    HOIDLA_ASSIGN_OR_RETURN(KeyEnvelopeHeader h, ParseKeyEnvelope(v));
    if (h.key_version == active) return absl::OkStatus();
    HOIDLA_ASSIGN_OR_RETURN(auto old_kek, Kek(h.key_version));
    HOIDLA_ASSIGN_OR_RETURN(SecureBuffer key,
                            OpenKeyEnvelope(*old_kek, SubjectContext(subject), v));
    pending.push_back(
        {std::string(k), std::string(v),
         SealKeyEnvelope(*active_kek, "kek", active, SubjectContext(subject), key.view())});
    if (pending.size() >= 256) return flush(false);
    return absl::OkStatus();
  };
  HOIDLA_RETURN_IF_ERROR(store_->Scan(kSubjectPrefix, [&](std::string_view k, std::string_view v) {
    bad = rewrap(k, v);
    return bad.ok();
  }));
  HOIDLA_RETURN_IF_ERROR(bad);
  HOIDLA_RETURN_IF_ERROR(flush(true));
  return done;
}

absl::Status Keyring::RetireKek(uint32_t version, const CommitFn& commit) {
  // No subject key wrapped under an old version may be in flight.
  std::unique_lock retire_lock(retire_mu_);
  {
    absl::ReaderMutexLock lock(&mu_);
    if (!keks_.contains(version)) {
      return absl::NotFoundError(
          hoidla::StrCat("key-encryption key version ", version, " not found"));
    }
    if (version == active_kek_) {
      return absl::FailedPreconditionError(
          "version: the active key-encryption key cannot be retired");
    }
  }
  HOIDLA_ASSIGN_OR_RETURN(auto infos, ListKeks());
  for (const auto& info : infos) {
    if (info.version == version && info.wrapped_keys > 0) {
      return absl::FailedPreconditionError(hoidla::StrCat(
          "version: ", info.wrapped_keys, " keys are still wrapped with it; run rewrap first"));
    }
  }
  KeyChanges batch;
  batch.Delete(KekKey(version));
  HOIDLA_RETURN_IF_ERROR(Commit(commit, std::move(batch)));
  absl::MutexLock lock(&mu_);
  keks_.erase(version);
  return absl::OkStatus();
}

}  // namespace hoidla::keys

namespace hoidla::keys {
namespace {
constexpr std::string_view kSignPrefix = "sign/";
constexpr std::string_view kSignActive = "sign-active";
std::string SignKeyKey(uint32_t version) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "sign/%08x", version);
  return buf;
}
std::string SignContext(uint32_t version) { return hoidla::StrCat("audit-signing|", version); }
}  // namespace

absl::StatusOr<Keyring::SigningKey> Keyring::ActiveSigningKey() {
  std::lock_guard lock(signing_mu_);
  auto active = store_->Get(kSignActive);
  uint32_t version;
  if (active.status().code() == absl::StatusCode::kNotFound) {
    version = 1;
    SecureBuffer seed = NewKey();
    KeyChanges batch;
    batch.Put(SignKeyKey(1), SealKeyEnvelope(master_, "master", 1, SignContext(1), seed.view()));
    std::string v;
    PutFixed32BE(&v, 1);
    batch.Put(kSignActive, v);
    HOIDLA_RETURN_IF_ERROR(store_->Write(batch));
  } else if (!active.ok()) {
    return active.status();
  } else {
    if (active->size() != 4) return absl::DataLossError("corrupt active signing key record");
    version = DecodeFixed32BE(*active);
  }
  HOIDLA_ASSIGN_OR_RETURN(std::string env, store_->Get(SignKeyKey(version)));
  HOIDLA_ASSIGN_OR_RETURN(SecureBuffer seed, OpenKeyEnvelope(master_, SignContext(version), env));
  std::string pk = Ed25519PublicKey(seed);
  return SigningKey{version, std::move(seed), std::move(pk)};
}

absl::StatusOr<uint32_t> Keyring::RotateSigningKey(const CommitFn& commit) {
  HOIDLA_ASSIGN_OR_RETURN(SigningKey current, ActiveSigningKey());
  std::lock_guard lock(signing_mu_);
  const uint32_t version = current.version + 1;
  SecureBuffer seed = NewKey();
  KeyChanges batch;
  batch.Put(SignKeyKey(version),
            SealKeyEnvelope(master_, "master", 1, SignContext(version), seed.view()));
  std::string v;
  PutFixed32BE(&v, version);
  batch.Put(kSignActive, v);
  HOIDLA_RETURN_IF_ERROR(Commit(commit, std::move(batch)));
  return version;
}

absl::StatusOr<std::vector<std::pair<uint32_t, std::string>>> Keyring::SigningPublicKeys() {
  HOIDLA_RETURN_IF_ERROR(ActiveSigningKey().status());  // at least version 1
  std::vector<std::pair<uint32_t, std::string>> out;
  absl::Status bad;
  HOIDLA_RETURN_IF_ERROR(store_->Scan(kSignPrefix, [&](std::string_view k, std::string_view v) {
    uint32_t version = 0;
    if (!ParseHex32(k.substr(kSignPrefix.size()), &version)) {
      bad = absl::DataLossError("corrupt signing key record");
      return false;
    }
    auto seed = OpenKeyEnvelope(master_, SignContext(version), v);
    if (!seed.ok()) {
      bad = seed.status();
      return false;
    }
    out.emplace_back(version, Ed25519PublicKey(*seed));
    return true;
  }));
  HOIDLA_RETURN_IF_ERROR(bad);
  return out;
}

}  // namespace hoidla::keys
