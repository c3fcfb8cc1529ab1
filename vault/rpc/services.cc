#include "vault/rpc/services.h"

namespace hoidla::service {

ServiceSet NewServices(const Backends& b) {
  ServiceSet set;
  set.calls = std::make_unique<Calls>(
      b.identity, b.audit_log,
      PageTokens(keys::DeriveSubkey(b.keyring->token_key(), "pagetokn", 1)));
  const Calls* calls = set.calls.get();
  set.services.push_back(NewIdentityService(calls, b));
  set.services.push_back(NewDirectoryService(calls, b));
  set.services.push_back(NewCasesService(calls, b));
  set.services.push_back(NewDocumentsService(calls, b));
  set.services.push_back(NewRecordsService(calls, b));
  set.services.push_back(NewInstrumentsService(calls, b));
  set.services.push_back(NewConsentsService(calls, b));
  set.services.push_back(NewDisclosuresService(calls, b));
  set.services.push_back(NewAuditService(calls, b));
  set.services.push_back(NewSubjectAccessService(calls, b));
  set.services.push_back(NewKeyAdminService(calls, b));
  set.services.push_back(NewRetentionService(calls, b));
  return set;
}

std::vector<std::string> ServiceNames() {
  return {"hoidla.v1.Identity",      "hoidla.v1.Directory",   "hoidla.v1.Cases",
          "hoidla.v1.Documents",     "hoidla.v1.Records",     "hoidla.v1.Instruments",
          "hoidla.v1.Consents",      "hoidla.v1.Disclosures", "hoidla.v1.Audit",
          "hoidla.v1.SubjectAccess", "hoidla.v1.KeyAdmin",    "hoidla.v1.Retention"};
}

}  // namespace hoidla::service
