#include "vault/records/instruments.h"

#include <cstdio>
#include <cstdlib>
#include <set>

#include "base/ids.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/timestamps.h"
#include "base/validation.h"
#include "vault/access/paging.h"
#include "vault/audit/audit_log.h"
#include "vault/directory/isikukood.h"
#include "vault/storage/layout.h"

namespace hoidla::core {
namespace {

using storage::Space;

namespace ours = storage::layout::records;
constexpr std::string_view kIns = ours::kInstrument;  // a version (VersionChain)

absl::Status ValidateName(std::string_view field, std::string_view name) {
  if (name.empty() || name.size() > 64) return FieldError(field, "1-64 characters required");
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return FieldError(field, "only lowercase letters, digits and '_'");
    }
  }
  return absl::OkStatus();
}

// YYYY-MM-DD, a real date.
bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  CivilDate d{std::atoi(std::string(s.substr(0, 4)).c_str()),
              std::atoi(std::string(s.substr(5, 2)).c_str()),
              std::atoi(std::string(s.substr(8, 2)).c_str())};
  return d.year >= 1900 && d.year <= 2199 && IsValidDate(d);
}

// A plain decimal number: [-]digits[.digits][(e|E)[+|-]digits]. No spaces,
// hexadecimal, infinities or NaN (strtod would take them all).
bool IsNumber(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (s[i] == '-') ++i;
  if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

}  // namespace

Instruments::Instruments(storage::KvStore* store, keys::Keyring* keyring, Clock* clock,
                         const Policy* policy, const Registry* registry)
    : store_(store),
      clock_(clock),
      policy_(policy),
      registry_(registry),
      records_(store, keyring),
      versions_(store, &records_, kIns, "instrument") {}

absl::StatusOr<v1::Instrument> Instruments::Load(std::string_view id, uint32_t version) const {
  if (version == 0) {
    HOIDLA_ASSIGN_OR_RETURN(std::string newest,
                            store_->Get(Space::kIndex, ours::kNewestInstrument.Key(id)));
    version = static_cast<uint32_t>(std::strtoul(newest.c_str(), nullptr, 10));
  }
  HOIDLA_ASSIGN_OR_RETURN(rec::InstrumentRecord r,
                          versions_.Get(id, version, keys::kSystemSubject));
  v1::Instrument out;
  out.set_id(r.id());
  out.set_organization_id(r.organization_id());
  out.set_name(r.name());
  out.set_version(r.version());
  out.set_description(r.description());
  for (const auto& f : r.fields()) {
    if (!out.add_fields()->ParseFromString(f)) {
      return absl::DataLossError("stored instrument field is corrupt");
    }
  }
  *out.mutable_created_at() = ToTimestamp(r.created_at_micros());
  out.set_created_by(r.created_by());
  return out;
}

absl::StatusOr<v1::Instrument> Instruments::Register(const RequestContext& ctx,
                                                     const v1::RegisterInstrumentRequest& req) {
  if (!req.has_instrument()) return FieldError("instrument", "required");
  const auto& in = req.instrument();
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("instrument.id", in.id().empty()));
  HOIDLA_RETURN_IF_ERROR(ValidateOutputOnlyEmpty("instrument.version", in.version() == 0));
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(in.organization_id(), IdKind::kOrganization, "instrument.organization_id"));
  HOIDLA_RETURN_IF_ERROR(ValidateName("instrument.name", in.name()));
  HOIDLA_RETURN_IF_ERROR(ValidateText("instrument.description", in.description(), false, 1000));
  if (in.fields().empty() || in.fields_size() > 200) {
    return FieldError("instrument.fields", "1 to 200 required");
  }
  std::set<std::string> names;
  for (int i = 0; i < in.fields_size(); ++i) {
    const auto& f = in.fields(i);
    const std::string p = StrCat("instrument.fields[", i, "]");
    HOIDLA_RETURN_IF_ERROR(ValidateName(StrCat(p, ".name"), f.name()));
    if (!names.insert(f.name()).second) return FieldError(StrCat(p, ".name"), "used twice");
    if (f.type() == v1::INSTRUMENT_FIELD_TYPE_UNSPECIFIED ||
        !v1::InstrumentFieldType_IsValid(f.type())) {
      return FieldError(StrCat(p, ".type"), "required: text, date, number, boolean or choice");
    }
    if (f.type() == v1::INSTRUMENT_FIELD_TYPE_CHOICE) {
      if (f.options().empty() || f.options_size() > 100) {
        return FieldError(StrCat(p, ".options"), "1 to 100 required for a choice");
      }
      for (int j = 0; j < f.options_size(); ++j) {
        HOIDLA_RETURN_IF_ERROR(
            ValidateText(StrCat(p, ".options[", j, "]"), f.options(j), true, 200));
      }
    } else if (!f.options().empty()) {
      return FieldError(StrCat(p, ".options"), "only for a choice");
    }
    if (f.max_length() < 0 || f.max_length() > 10000) {
      return FieldError(StrCat(p, ".max_length"), "0 (default 10000) to 10000");
    }
    HOIDLA_RETURN_IF_ERROR(ValidateText(StrCat(p, ".description"), f.description(), false, 1000));
  }
  absl::Status allowed =
      policy_->Check(ctx, Action::kManageInstruments, {.organization_id = in.organization_id()});
  if (allowed.code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError("instrument.organization_id: not found");
  }
  HOIDLA_RETURN_IF_ERROR(allowed);
  HOIDLA_RETURN_IF_ERROR(ReferencedField(registry_->LoadOrganization(in.organization_id()).status(),
                                         "instrument.organization_id"));
  std::lock_guard lock(write_mu_);
  const std::string name_key = ours::kInstrumentByName.Key(in.organization_id(), in.name());
  rec::InstrumentRecord r;
  auto existing = store_->Get(Space::kIndex, name_key);
  if (existing.ok()) {
    HOIDLA_ASSIGN_OR_RETURN(v1::Instrument newest, Load(*existing, 0));
    r.set_id(newest.id());
    r.set_version(newest.version() + 1);
  } else if (existing.status().code() == absl::StatusCode::kNotFound) {
    r.set_id(NewId(IdKind::kInstrument, *clock_));
    r.set_version(1);
  } else {
    return existing.status();
  }
  r.set_organization_id(in.organization_id());
  r.set_name(in.name());
  r.set_description(in.description());
  for (const auto& f : in.fields()) r.add_fields(f.SerializeAsString());
  r.set_created_at_micros(clock_->NowMicros());
  r.set_created_by(ctx.principal.id);
  storage::WriteBatch batch;
  HOIDLA_RETURN_IF_ERROR(versions_.Put(r, keys::kSystemSubject, &batch));
  batch.Put(Space::kIndex, name_key, r.id());
  batch.Put(Space::kIndex, ours::kNewestInstrument.Key(r.id()), std::to_string(r.version()));
  batch.Put(Space::kIndex, ours::kOrganizationOfInstrument.Key(r.id()), r.organization_id());
  audit::NoteTarget(ctx.audit, "", "", r.id());
  HOIDLA_RETURN_IF_ERROR(audit::CommitEffect(ctx.audit, store_, std::move(batch)));
  return Load(r.id(), r.version());
}

absl::StatusOr<v1::Instrument> Instruments::Get(const RequestContext& ctx,
                                                const v1::GetInstrumentRequest& req) {
  HOIDLA_RETURN_IF_ERROR(ValidateId(req.id(), IdKind::kInstrument, "id"));
  auto org = store_->Get(Space::kIndex, ours::kOrganizationOfInstrument.Key(req.id()));
  if (!org.ok() && org.status().code() != absl::StatusCode::kNotFound) return org.status();
  // Instruments are organisation-wide: the organisation is the target.
  Target target{.organization_id = org.ok() ? *org : "unknown"};
  HOIDLA_RETURN_IF_ERROR(policy_->Check(ctx, Action::kReadInstruments, target));
  audit::NoteTarget(ctx.audit, "", "", req.id());
  if (!org.ok()) return absl::NotFoundError("id: not found");
  auto out = Load(req.id(), req.version());
  if (out.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError("version: not found");
  }
  return out;
}

absl::StatusOr<v1::ListInstrumentsResponse> Instruments::List(
    const RequestContext& ctx, const v1::ListInstrumentsRequest& req) {
  HOIDLA_RETURN_IF_ERROR(
      ValidateId(req.organization_id(), IdKind::kOrganization, "organization_id"));
  HOIDLA_RETURN_IF_ERROR(ReferencedField(
      policy_->Check(ctx, Action::kReadInstruments, {.organization_id = req.organization_id()}),
      "organization_id"));
  const std::string prefix = ours::kInstrumentByName.Prefix(req.organization_id());
  std::vector<std::string> ids;
  auto it = store_->Scan(Space::kIndex, prefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(it->value());
  HOIDLA_RETURN_IF_ERROR(it->status());
  v1::ListInstrumentsResponse out;
  for (const auto& id : ids) {
    HOIDLA_ASSIGN_OR_RETURN(*out.add_instruments(), Load(id, 0));
  }
  return out;
}

absl::StatusOr<std::string> Instruments::CheckRecord(const v1::CustomRecord& record,
                                                     std::string_view organization_id,
                                                     std::string_view prefix) const {
  const std::string id_field = StrCat(prefix, ".instrument_id");
  HOIDLA_RETURN_IF_ERROR(ValidateId(record.instrument_id(), IdKind::kInstrument, id_field));
  if (record.instrument_version() == 0) {
    return FieldError(StrCat(prefix, ".instrument_version"), "required");
  }
  auto org =
      store_->Get(Space::kIndex, ours::kOrganizationOfInstrument.Key(record.instrument_id()));
  if (!org.ok() || *org != organization_id) {
    return FieldError(id_field, "not an instrument of the case's organisation");
  }
  auto instrument = Load(record.instrument_id(), record.instrument_version());
  if (instrument.status().code() == absl::StatusCode::kNotFound) {
    return FieldError(StrCat(prefix, ".instrument_version"), "no such version");
  }
  HOIDLA_RETURN_IF_ERROR(instrument.status());
  std::set<std::string> known;
  for (const auto& f : instrument->fields()) {
    known.insert(f.name());
    const std::string field = StrCat(prefix, ".values[", f.name(), "]");
    auto v = record.values().find(f.name());
    if (v == record.values().end() || v->second.empty()) {
      if (f.required()) return FieldError(field, "required");
      continue;
    }
    const std::string& value = v->second;
    switch (f.type()) {
      case v1::INSTRUMENT_FIELD_TYPE_TEXT:
        HOIDLA_RETURN_IF_ERROR(
            ValidateText(field, value, true, f.max_length() == 0 ? 10000 : f.max_length()));
        break;
      case v1::INSTRUMENT_FIELD_TYPE_DATE:
        if (!IsDate(value)) return FieldError(field, "a date YYYY-MM-DD");
        break;
      case v1::INSTRUMENT_FIELD_TYPE_NUMBER:
        if (!IsNumber(value)) return FieldError(field, "a number");
        break;
      case v1::INSTRUMENT_FIELD_TYPE_BOOLEAN:
        if (value != "true" && value != "false") return FieldError(field, "true or false");
        break;
      case v1::INSTRUMENT_FIELD_TYPE_CHOICE: {
        bool ok = false;
        for (const auto& o : f.options()) ok |= o == value;
        if (!ok) return FieldError(field, "not one of the instrument's options");
        break;
      }
      default:
        return absl::DataLossError("stored instrument has a field of unknown type");
    }
  }
  for (const auto& [name, value] : record.values()) {
    if (!known.contains(name)) {
      return FieldError(StrCat(prefix, ".values[", name, "]"), "not a field of the instrument");
    }
  }
  return StrCat("custom.", instrument->name());
}

}  // namespace hoidla::core
