// Instruments: an organisation's own assessment instruments (the CARe
// individual action plan, say) as registered, versioned schemas, and the
// check of a custom record against the version it names. Registering a name
// again adds a version; versions never change, so a record stays valid
// against the schema it was made with.
// Thread-safety: safe for concurrent use.
#ifndef HOIDLA_VAULT_RECORDS_INSTRUMENTS_H_
#define HOIDLA_VAULT_RECORDS_INSTRUMENTS_H_

#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "hoidla/storage/v1/records.pb.h"
#include "hoidla/v1/forms.pb.h"
#include "hoidla/v1/instruments.pb.h"
#include "keys/keyring.h"
#include "vault/access/policy.h"
#include "vault/access/principal.h"
#include "vault/directory/registry.h"
#include "vault/sealing/sealed_records.h"
#include "vault/sealing/version_chain.h"
#include "vault/storage/kv_store.h"

namespace hoidla::core {

class Instruments {
 public:
  // All pointers must outlive this object.
  Instruments(storage::KvStore* store, keys::Keyring* keyring, Clock* clock, const Policy* policy,
              const Registry* registry);

  // Registers version 1 of a new name, or the next version of an existing
  // one. INVALID_ARGUMENT naming the field; PERMISSION_DENIED / NOT_FOUND
  // "instrument.organization_id" by the policy (heads of organisation).
  absl::StatusOr<v1::Instrument> Register(const RequestContext& ctx,
                                          const v1::RegisterInstrumentRequest& req);
  absl::StatusOr<v1::Instrument> Get(const RequestContext& ctx,
                                     const v1::GetInstrumentRequest& req);
  absl::StatusOr<v1::ListInstrumentsResponse> List(const RequestContext& ctx,
                                                   const v1::ListInstrumentsRequest& req);

  // Checks a custom record of organisation `organization_id` against the
  // instrument version it names: every value names a field, required fields
  // are present, values have their field's type. Returns the record's kind,
  // "custom.<instrument name>". INVALID_ARGUMENT "<prefix>.<...>: ..."
  // otherwise (an unknown instrument or version included).
  absl::StatusOr<std::string> CheckRecord(const v1::CustomRecord& record,
                                          std::string_view organization_id,
                                          std::string_view prefix) const;

 private:
  absl::StatusOr<v1::Instrument> Load(std::string_view id, uint32_t version) const;

  storage::KvStore* store_;
  Clock* clock_;
  const Policy* policy_;
  const Registry* registry_;
  SealedRecords records_;
  VersionChain<rec::InstrumentRecord> versions_;  // every version of one instrument
  std::mutex write_mu_;
};

}  // namespace hoidla::core

#endif  // HOIDLA_VAULT_RECORDS_INSTRUMENTS_H_
