// Test support: enrolling people the way a deployment does. A test identity
// provider (an ES256 key made in the test) signs ID tokens; every
// organisation trusts it under its own issuer; grants go through four eyes
// (the system administrator requests, a head of the organisation approves)
// and people sign in with ExchangeIdToken. Failures are test failures
// (ADD_FAILURE) and return empty values.
#ifndef HOIDLA_TESTS_INTEGRATION_ENROL_H_
#define HOIDLA_TESTS_INTEGRATION_ENROL_H_

#include <map>
#include <string>
#include <vector>

#include "keys/jwt.h"
#include "tests/integration/api_stub.h"

namespace hoidla::testing {

class TestIdentityProvider {
 public:
  TestIdentityProvider();
  // The issuer organisation `org` trusts.
  static std::string IssuerFor(const std::string& org);
  const std::string& jwks() const { return key_.public_jwks_json; }
  // A signed ID token; `extra` claims are added as strings.
  std::string Token(const std::string& issuer, const std::string& subject,
                    int64_t ttl_seconds = 600, const std::string& audience = "hoidla",
                    const std::map<std::string, std::string>& extra = {}) const;
  const keys::JwtSigningKey& key() const { return key_; }

 private:
  keys::JwtSigningKey key_;
};

class Enrolment {
 public:
  using Stub = testing::ApiStub;
  // `stub` and `idp` must outlive this object.
  Enrolment(Stub* stub, std::string admin_token, const TestIdentityProvider* idp);

  // Makes `org` (new, without a head) trust the test identity provider.
  void TrustIdentityProvider(const std::string& org);
  // Grants `role` in `org`/`project` to `principal`: at once where no
  // approval is needed (the first head), otherwise requested by the
  // administrator and approved by a head of `org` other than `principal`.
  void Grant(const std::string& principal, const std::string& role, const std::string& org,
             const std::string& project);
  // Signs `principal` in (ExchangeIdToken) and returns the session token.
  std::string Login(const std::string& principal, int64_t ttl_seconds = 3600);
  // A head's session token for `org` other than `not`, or "".
  std::string ApproverFor(const std::string& org, const std::string& not_principal) const;
  // Registers an extra approver session for `org`.
  void AddApprover(const std::string& org, const std::string& principal, const std::string& token);

 private:
  Stub* stub_;
  std::string admin_;
  const TestIdentityProvider* idp_;
  std::map<std::string, std::string> org_of_;
  // org -> (head principal, token)
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> approvers_;
};

}  // namespace hoidla::testing

#endif  // HOIDLA_TESTS_INTEGRATION_ENROL_H_
