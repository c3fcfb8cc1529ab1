// The key grammar of the vault's kMeta and kIndex spaces, in one place
// (doc/storage-layout.md is its description):
//
//   key     = word *( "/" field )
//   word    = 1*( lower / "-" )             ; fixed, names the family
//   field   = id / hex-digest / version     ; never a name, code or text
//   version = 10DIGIT                       ; %010u, so keys sort by version
//
// A family is one word and a fixed number of fields. Key() builds a key with
// all of them; Prefix() the prefix of every key whose first fields are given
// (it ends in "/"), for scans; Rest() reads what follows a prefix in a key
// found by such a scan. Fields never contain "/": they are ids validated by
// base/validation.h, lower-case hex, versions, or fixed vocabulary
// ([a-z0-9_.-] instrument names and kinds, never text a person wrote). The
// one exception is the last field of rv/, a sealed record's id, which for
// versioned kinds is "<id>/<version>"; being last, it stays unambiguous.
//
// Every family belongs to one room of vault/ and is declared in the
// namespace named after it (layout::directory, layout::consent, ...). Only
// that room names it; scripts/check_layout.sh fails when another room does,
// and when a key word is spelt out anywhere but here. Other rooms ask the
// owner's interface instead (records ask the registry for a project's
// cases). Tests may name any family: they tamper with stored bytes on
// purpose.
//
// kMeta records are sealed by SealedRecords under "<kind>/<id>"; the kinds
// below are its `kind` argument. kKeys belongs to keys/ (keys/keyring.cc)
// and kAudit to vault/audit (audit_log.cc, checkpoints.cc): each of those
// spaces has a single owner and a binary grammar of its own.
//
// Thread-safety: constants and pure functions.
#ifndef HOIDLA_VAULT_STORAGE_LAYOUT_H_
#define HOIDLA_VAULT_STORAGE_LAYOUT_H_

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace hoidla::storage::layout {

// A family of keys: `word` and N fields.
template <size_t N>
class Family {
 public:
  static_assert(N >= 1, "a family has at least one field");
  constexpr explicit Family(std::string_view word) : word_(word) {}

  constexpr std::string_view word() const { return word_; }

  // "word/f1/.../fN".
  template <typename... F>
  requires(sizeof...(F) == N && (std::convertible_to<const F&, std::string_view> &&
                                 ...)) std::string Key(const F&... fields)
  const { return Join({std::string_view(fields)...}, false); }

  // "word/f1/.../fk/" for k < N fields: every key that begins with them.
  template <typename... F>
  requires(sizeof...(F) < N && (std::convertible_to<const F&, std::string_view> && ...)) std::string
      Prefix(const F&... fields)
  const { return Join({std::string_view(fields)...}, true); }

 private:
  std::string Join(std::initializer_list<std::string_view> fields, bool open) const {
    size_t n = word_.size() + 1;
    for (std::string_view f : fields) n += f.size() + 1;
    std::string out;
    out.reserve(n);
    out.append(word_);
    for (std::string_view f : fields) {
      out.push_back('/');
      out.append(f);
    }
    if (open) out.push_back('/');
    return out;
  }

  std::string_view word_;
};

// What follows `prefix` in `key` (a key a scan of `prefix` returned).
inline std::string_view Rest(std::string_view key, std::string_view prefix) {
  return key.size() >= prefix.size() ? key.substr(prefix.size()) : std::string_view();
}

// The sealed-record id of version `version` of `id`: "<id>/<%010u>", for
// kinds kept as a chain of versions.
std::string VersionedId(std::string_view id, uint32_t version);

// The version in a versioned id of `id` ("<id>/<10 digits>"), or
// std::nullopt when `versioned_id` is not one.
std::optional<uint32_t> VersionOf(std::string_view versioned_id, std::string_view id);

// The kMeta prefix of every record of `kind`: "<kind>/".
std::string KindPrefix(std::string_view kind);

// The kMeta key of the sealed record `kind`/`id`: "<kind>/<id>".
std::string RecordKey(std::string_view kind, std::string_view id);

// ---------------------------------------------------------------------------
// vault/sealing

namespace sealing {
// kIndex: the decimal version of the sealed record "<kind>/<id>".
inline constexpr Family<2> kRecordVersion{"rv"};
}  // namespace sealing

// ---------------------------------------------------------------------------
// vault/directory: organisations, projects, clients, cases

namespace directory {
// kMeta record kinds.
inline constexpr std::string_view kOrganization = "org";
inline constexpr std::string_view kProject = "prj";
inline constexpr std::string_view kClient = "cli";
inline constexpr std::string_view kCase = "cas";

// kIndex.
inline constexpr Family<2> kProjectsOfOrganization{"prj-by-org"};
inline constexpr Family<2> kClientsOfOrganization{"cli-by-org"};
inline constexpr Family<2> kClientsOfProject{"cli-by-prj"};
inline constexpr Family<2> kCasesOfClient{"cas-by-cli"};
inline constexpr Family<2> kCasesOfProject{"cas-by-prj"};
// pcode/<org>/<hex keyed hash of a personal code> -> client id.
inline constexpr Family<2> kPersonalCode{"pcode"};
// loc/<object id> -> LocationRecord (ids only).
inline constexpr Family<1> kLocation{"loc"};
}  // namespace directory

// ---------------------------------------------------------------------------
// vault/identity: principals, credentials, grant requests

namespace identity {
// kMeta record kinds; tok/ is keyed by the token's keyed hash.
inline constexpr std::string_view kPrincipal = "prn";
inline constexpr std::string_view kToken = "tok";
inline constexpr std::string_view kGrantRequest = "grq";
// kMeta, not sealed: the first administrator's principal id.
inline constexpr Family<1> kSystem{"sys"};
inline constexpr char kBootstrap[] = "bootstrap";  // the one sys/ key

// kIndex.
inline constexpr Family<2> kPrincipalsOfOrganization{"prn-by-org"};
// prn-subject/<client> -> the client's data-subject principal.
inline constexpr Family<1> kSubjectPrincipal{"prn-subject"};
// tokid/<token id> -> the token's tok/ key.
inline constexpr Family<1> kTokenById{"tokid"};
// tok-by-prn/<principal>/<token id> -> the token's tok/ key.
inline constexpr Family<2> kTokensOfPrincipal{"tok-by-prn"};
// cert/<hex SHA-256 of a subject> -> principal id.
inline constexpr Family<1> kCertificate{"cert"};
// idp-iss/<hex SHA-256 of an issuer> -> organisation id.
inline constexpr Family<1> kIssuer{"idp-iss"};
inline constexpr Family<2> kGrantRequestsOfOrganization{"grq-by-org"};
}  // namespace identity

// ---------------------------------------------------------------------------
// vault/documents

namespace documents {
inline constexpr std::string_view kDocument = "doc";
// kMeta, not sealed: an upload not yet committed.
inline constexpr Family<1> kPendingUpload{"pending"};
inline constexpr Family<2> kDocumentsOfClient{"doc-by-cli"};
inline constexpr Family<2> kDocumentsOfCase{"doc-by-cas"};
}  // namespace documents

// ---------------------------------------------------------------------------
// vault/consent: consents, disclosures, compiled release states

namespace consent {
// kMeta record kinds; cns/ ids are versioned (VersionedId).
inline constexpr std::string_view kConsent = "cns";
inline constexpr std::string_view kWithdrawal = "cnw";
inline constexpr std::string_view kDisclosure = "dsc";
inline constexpr std::string_view kReleaseState = "rel";

// kIndex.
// cns-cli/<consent> -> client id.
inline constexpr Family<1> kClientOfConsent{"cns-cli"};
inline constexpr Family<2> kConsentsOfClient{"cns-by-cli"};
inline constexpr Family<2> kDisclosuresOfClient{"dsc-by-cli"};
// dsc-by-org/<org>/<disclosure>, dsc-pending/<org>/<disclosure> -> client id.
inline constexpr Family<2> kDisclosuresOfOrganization{"dsc-by-org"};
inline constexpr Family<2> kPendingDisclosures{"dsc-pending"};
}  // namespace consent

// ---------------------------------------------------------------------------
// vault/records: assessment records and instruments

namespace records {
// kMeta record kinds; all three are versioned (VersionedId).
inline constexpr std::string_view kRecord = "rec";
inline constexpr std::string_view kSignatures = "rsg";
inline constexpr std::string_view kInstrument = "ins";

// kIndex.
// rec-cli/<record> -> client id.
inline constexpr Family<1> kClientOfRecord{"rec-cli"};
inline constexpr Family<2> kRecordsOfCase{"rec-by-cas"};
inline constexpr Family<2> kRecordsOfClient{"rec-by-cli"};
// ins-by-org/<org>/<name> -> instrument id; ins-newest/<id> -> its newest
// version (decimal); ins-org/<id> -> its organisation.
inline constexpr Family<2> kInstrumentByName{"ins-by-org"};
inline constexpr Family<1> kNewestInstrument{"ins-newest"};
inline constexpr Family<1> kOrganizationOfInstrument{"ins-org"};
}  // namespace records

// ---------------------------------------------------------------------------
// vault/retention: retention schedules and legal holds

namespace retention {
// kMeta record kinds; rsc/ ids are versioned (VersionedId).
inline constexpr std::string_view kSchedule = "rsc";
inline constexpr std::string_view kHold = "lgh";

// kIndex.
inline constexpr Family<2> kSchedulesOfOrganization{"rsc-by-org"};
// rsc-org/<schedule> -> its organisation (and that it exists).
inline constexpr Family<1> kOrganizationOfSchedule{"rsc-org"};
// rsc-scope/<org>/<project or *>/<item type number>/<kind or *> -> the
// schedule id of that scope ("*": every project, every kind).
inline constexpr Family<4> kScheduleByScope{"rsc-scope"};
inline constexpr std::string_view kAny = "*";
inline constexpr Family<2> kHoldsOfOrganization{"lgh-by-org"};
// lgh-on/<held object id>/<hold id>: the active holds on an object.
inline constexpr Family<2> kActiveHoldsOn{"lgh-on"};

// Disposal (doc/retention.md, How disposal finds what is due).
// kMeta, sealed (owner system): what retention knows of an item
// (hoidla.storage.v1.RetentionItemRecord), and disposal certificates.
inline constexpr std::string_view kItem = "rit";
inline constexpr std::string_view kCertificate = "dct";
// rit-by-org/<org>/<item>, rit-by-cas/<case>/<item>: the items tracked.
inline constexpr Family<2> kItemsOfOrganization{"rit-by-org"};
inline constexpr Family<2> kItemsOfCase{"rit-by-cas"};
// rit-nocase/<client>/<item>: a client's items that belong to no case
// (CASE_CLOSED counts them from the client's last closing).
inline constexpr Family<2> kCaselessItemsOfClient{"rit-nocase"};
// rdue/<org>/<due, 16 hex digits of UTC microseconds>/<item>: when an
// item is due for disposal or review; the sweep reads it in key order.
inline constexpr Family<3> kDue{"rdue"};
// rheld/<hold>/<item>: a due item a sweep found held, parked until the
// hold is lifted.
inline constexpr Family<2> kParkedUnder{"rheld"};
// rrev/<org>/<item>: the due list (awaiting a decision or postponed).
inline constexpr Family<2> kDueList{"rrev"};
// rreindex/<org>: a schedule changed; the next sweep recomputes the
// organisation's due times.
inline constexpr Family<1> kReindex{"rreindex"};
// dct-by-org/<org>/<certificate>.
inline constexpr Family<2> kCertificatesOfOrganization{"dct-by-org"};
// tomb/<item> -> the certificate that destroyed it.
inline constexpr Family<1> kTombstone{"tomb"};
}  // namespace retention

}  // namespace hoidla::storage::layout

#endif  // HOIDLA_VAULT_STORAGE_LAYOUT_H_
