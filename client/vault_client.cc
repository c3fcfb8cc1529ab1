#include "client/vault_client.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <streambuf>
#include <string_view>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace hoidla::client {
namespace {

using ::hoidla::v1::Document;
using ::hoidla::v1::DownloadDocumentRequest;
using ::hoidla::v1::DownloadDocumentResponse;
using ::hoidla::v1::UploadDocumentRequest;

// Reads the whole file named by option `option` (for error messages).
absl::StatusOr<std::string> ReadOptionFile(const std::string& option, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return absl::InvalidArgumentError(
        StrCat(option, ": cannot read '", path, "': ", std::string(std::strerror(err))));
  }
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    return absl::InvalidArgumentError(StrCat(option, ": error reading '", path, "'"));
  }
  if (contents.empty()) {
    return absl::InvalidArgumentError(StrCat(option, ": '", path, "' is empty"));
  }
  return contents;
}

// A token goes into HTTP/2 metadata: it must be visible ASCII.
bool IsValidToken(const std::string& token) {
  return std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// A purpose is 1 to kMaxPurposeLength lowercase letters, digits and `_`.
bool IsValidPurpose(const std::string& purpose) {
  return !purpose.empty() && purpose.size() <= kMaxPurposeLength &&
         std::all_of(purpose.begin(), purpose.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

absl::Status ErrnoError(int err, const std::string& what) { return absl::ErrnoToStatus(err, what); }

// Incremental SHA-256 (OpenSSL EVP), lowercase hex result.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    ok_ = ctx_ != nullptr && EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) == 1;
  }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const std::string& data) {
    if (ok_ && !data.empty()) ok_ = EVP_DigestUpdate(ctx_, data.data(), data.size()) == 1;
  }
  // Returns the hex digest, or empty when OpenSSL failed.
  std::string HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!ok_ || EVP_DigestFinal_ex(ctx_, digest, &size) != 1) return "";
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
      hex.push_back(kHex[digest[i] >> 4]);
      hex.push_back(kHex[digest[i] & 0xf]);
    }
    return hex;
  }

 private:
  EVP_MD_CTX* ctx_;
  bool ok_ = false;
};

// An unbuffered output stream buffer over a file descriptor that remembers
// the errno of the first failed write.
class FdOutBuf : public std::streambuf {
 public:
  explicit FdOutBuf(int fd) : fd_(fd) {}
  int error() const { return error_; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::streamsize done = 0;
    while (done < n && error_ == 0) {
      const ssize_t w = ::write(fd_, s + done, static_cast<size_t>(n - done));
      if (w < 0) {
        if (errno == EINTR) continue;
        error_ = errno;
      } else {
        done += w;
      }
    }
    return done;
  }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }

 private:
  int fd_;
  int error_ = 0;
};

// Runs `write` on a stream over `path` + ".part" (created with mode 0600),
// which is synced and renamed to `path` when `write` succeeds and removed
// when anything fails. `what` leads error messages ("download: ...").
template <typename T>
absl::StatusOr<T> WriteFileAtomically(
    std::string_view what, const std::string& path,
    const std::function<absl::StatusOr<T>(std::ostream&)>& write) {
  if (path.empty()) return absl::InvalidArgumentError(StrCat(what, ": output path is empty"));
  const std::string part = StrCat(path, ".part");
  const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError(errno, StrCat(what, ": cannot create '", part, "'"));
  // The file may have existed with wider permissions; the output is private.
  absl::StatusOr<T> result;
  if (::fchmod(fd, 0600) != 0) {
    result = ErrnoError(errno, StrCat(what, ": cannot set the mode of '", part, "'"));
  } else {
    FdOutBuf buf(fd);
    std::ostream out(&buf);
    result = write(out);
    if (!result.ok() && buf.error() != 0) {
      result = ErrnoError(buf.error(), StrCat(what, ": cannot write '", part, "'"));
    }
  }
  if (result.ok() && ::fsync(fd) != 0) {
    result = ErrnoError(errno, StrCat(what, ": cannot sync '", part, "'"));
  }
  if (::close(fd) != 0 && result.ok()) {
    result = ErrnoError(errno, StrCat(what, ": cannot close '", part, "'"));
  }
  if (result.ok() && std::rename(part.c_str(), path.c_str()) != 0) {
    result = ErrnoError(errno, StrCat(what, ": cannot rename '", part, "' to '", path, "'"));
  }
  if (!result.ok()) ::unlink(part.c_str());
  return result;
}

}  // namespace

absl::Status ToAbslStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const int code = static_cast<int>(status.error_code());
  const bool canonical = code > 0 && code <= static_cast<int>(absl::StatusCode::kUnauthenticated);
  return absl::Status(canonical ? static_cast<absl::StatusCode>(code) : absl::StatusCode::kUnknown,
                      status.error_message());
}

absl::StatusOr<std::unique_ptr<VaultClient>> VaultClient::Connect(const ConnectOptions& options) {
  if (options.address.empty()) return absl::InvalidArgumentError("address: required");
  if (!IsValidToken(options.token)) {
    return absl::InvalidArgumentError(
        "token: contains whitespace or characters not allowed in gRPC "
        "metadata");
  }
  if (!options.purpose.empty() && !IsValidPurpose(options.purpose)) {
    return absl::InvalidArgumentError(
        StrCat("purpose: expected lowercase letters, digits and _ (at most ", kMaxPurposeLength,
               " characters), got '", options.purpose, "'"));
  }
  const bool tls = !options.ca_cert_file.empty();
  if (options.client_cert_file.empty() != options.client_key_file.empty()) {
    return absl::InvalidArgumentError(
        "client_cert_file, client_key_file: give both for mutual TLS, or "
        "neither");
  }
  if (!tls && !options.client_cert_file.empty()) {
    return absl::InvalidArgumentError("client_cert_file: mutual TLS requires ca_cert_file");
  }
  if (!tls && !options.server_name_override.empty()) {
    return absl::InvalidArgumentError("server_name_override: requires ca_cert_file (TLS)");
  }

  grpc::ChannelArguments args;
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (tls) {
    grpc::SslCredentialsOptions ssl;
    HOIDLA_ASSIGN_OR_RETURN(ssl.pem_root_certs,
                            ReadOptionFile("ca_cert_file", options.ca_cert_file));
    if (!options.client_cert_file.empty()) {
      HOIDLA_ASSIGN_OR_RETURN(ssl.pem_cert_chain,
                              ReadOptionFile("client_cert_file", options.client_cert_file));
      HOIDLA_ASSIGN_OR_RETURN(ssl.pem_private_key,
                              ReadOptionFile("client_key_file", options.client_key_file));
    }
    credentials = grpc::SslCredentials(ssl);
    if (!options.server_name_override.empty()) {
      args.SetSslTargetNameOverride(options.server_name_override);
    }
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.address, credentials, args);
  if (channel == nullptr) {
    return absl::InvalidArgumentError(
        StrCat("address: cannot create a channel to '", options.address, "'"));
  }
  auto client = std::unique_ptr<VaultClient>(
      new VaultClient(std::move(channel), options.token, options.unary_timeout));
  client->act_for_ = options.act_for;
  client->purpose_ = options.purpose;
  return client;
}

std::unique_ptr<VaultClient> VaultClient::FromChannel(std::shared_ptr<grpc::Channel> channel,
                                                      std::string token,
                                                      std::chrono::milliseconds unary_timeout) {
  return std::unique_ptr<VaultClient>(
      new VaultClient(std::move(channel), std::move(token), unary_timeout));
}

VaultClient::VaultClient(std::shared_ptr<grpc::Channel> channel, std::string token,
                         std::chrono::milliseconds unary_timeout)
    : channel_(std::move(channel)),
      identity_(hoidla::v1::Identity::NewStub(channel_)),
      directory_(hoidla::v1::Directory::NewStub(channel_)),
      cases_(hoidla::v1::Cases::NewStub(channel_)),
      documents_(hoidla::v1::Documents::NewStub(channel_)),
      records_(hoidla::v1::Records::NewStub(channel_)),
      instruments_(hoidla::v1::Instruments::NewStub(channel_)),
      consents_(hoidla::v1::Consents::NewStub(channel_)),
      disclosures_(hoidla::v1::Disclosures::NewStub(channel_)),
      audit_(hoidla::v1::Audit::NewStub(channel_)),
      subject_access_(hoidla::v1::SubjectAccess::NewStub(channel_)),
      key_admin_(hoidla::v1::KeyAdmin::NewStub(channel_)),
      retention_(hoidla::v1::Retention::NewStub(channel_)),
      authorization_(token.empty() ? std::string() : StrCat("Bearer ", token)),
      unary_timeout_(unary_timeout) {}

VaultClient::~VaultClient() = default;

void VaultClient::PrepareContext(grpc::ClientContext* context, bool unary) const {
  if (!authorization_.empty()) context->AddMetadata("authorization", authorization_);
  if (!act_for_.empty()) context->AddMetadata("x-hoidla-act-for", act_for_);
  if (!purpose_.empty()) context->AddMetadata("x-hoidla-purpose", purpose_);
  if (unary && unary_timeout_.count() > 0) {
    context->set_deadline(std::chrono::system_clock::now() + unary_timeout_);
  }
}

template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> VaultClient::CallUnary(
    Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request) const {
  grpc::ClientContext context;
  PrepareContext(&context, /*unary=*/true);
  Response response;
  const grpc::Status status = (stub->*method)(&context, request, &response);
  if (!status.ok()) return ToAbslStatus(status);
  return response;
}

absl::StatusOr<hoidla::v1::WhoAmIResponse> VaultClient::WhoAmI(
    const hoidla::v1::WhoAmIRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::WhoAmI, request);
}

absl::StatusOr<hoidla::v1::Principal> VaultClient::CreatePrincipal(
    const hoidla::v1::CreatePrincipalRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::CreatePrincipal, request);
}

absl::StatusOr<hoidla::v1::Principal> VaultClient::GetPrincipal(
    const hoidla::v1::GetPrincipalRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::GetPrincipal, request);
}

absl::StatusOr<hoidla::v1::ListPrincipalsResponse> VaultClient::ListPrincipals(
    const hoidla::v1::ListPrincipalsRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::ListPrincipals, request);
}

absl::StatusOr<hoidla::v1::Principal> VaultClient::AddMembership(
    const hoidla::v1::AddMembershipRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::AddMembership, request);
}

absl::StatusOr<hoidla::v1::Principal> VaultClient::RemoveMembership(
    const hoidla::v1::RemoveMembershipRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::RemoveMembership,
                   request);
}

absl::StatusOr<hoidla::v1::IssueTokenResponse> VaultClient::IssueToken(
    const hoidla::v1::IssueTokenRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::IssueToken, request);
}

absl::StatusOr<hoidla::v1::RevokeTokenResponse> VaultClient::RevokeToken(
    const hoidla::v1::RevokeTokenRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::RevokeToken, request);
}

absl::StatusOr<hoidla::v1::ListTokensResponse> VaultClient::ListTokens(
    const hoidla::v1::ListTokensRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::ListTokens, request);
}

absl::StatusOr<hoidla::v1::Principal> VaultClient::DisablePrincipal(
    const hoidla::v1::DisablePrincipalRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::DisablePrincipal,
                   request);
}

absl::StatusOr<hoidla::v1::Principal> VaultClient::RemoveCertificateMapping(
    const hoidla::v1::RemoveCertificateMappingRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::RemoveCertificateMapping,
                   request);
}

absl::StatusOr<hoidla::v1::IssueTokenResponse> VaultClient::ExchangeIdToken(
    const hoidla::v1::ExchangeIdTokenRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::ExchangeIdToken, request);
}

absl::StatusOr<hoidla::v1::CreateGrantRequestResponse> VaultClient::CreateGrantRequest(
    const hoidla::v1::CreateGrantRequestRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::CreateGrantRequest,
                   request);
}

absl::StatusOr<hoidla::v1::GrantRequest> VaultClient::GetGrantRequest(
    const hoidla::v1::GetGrantRequestRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::GetGrantRequest, request);
}

absl::StatusOr<hoidla::v1::ListGrantRequestsResponse> VaultClient::ListGrantRequests(
    const hoidla::v1::ListGrantRequestsRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::ListGrantRequests,
                   request);
}

absl::StatusOr<hoidla::v1::GrantRequest> VaultClient::ApproveGrantRequest(
    const hoidla::v1::ApproveGrantRequestRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::ApproveGrantRequest,
                   request);
}

absl::StatusOr<hoidla::v1::GrantRequest> VaultClient::DenyGrantRequest(
    const hoidla::v1::DenyGrantRequestRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::DenyGrantRequest,
                   request);
}

absl::StatusOr<hoidla::v1::Organization> VaultClient::SetOrganizationCrl(
    const hoidla::v1::SetOrganizationCrlRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::SetOrganizationCrl,
                   request);
}

absl::StatusOr<hoidla::v1::Organization> VaultClient::SetOrganizationIdentityProvider(
    const hoidla::v1::SetOrganizationIdentityProviderRequest& request) const {
  return CallUnary(identity_.get(),
                   &hoidla::v1::Identity::StubInterface::SetOrganizationIdentityProvider, request);
}

absl::StatusOr<hoidla::v1::Consent> VaultClient::ConfirmConsentRelease(
    const hoidla::v1::ConfirmConsentReleaseRequest& request) const {
  return CallUnary(consents_.get(), &hoidla::v1::Consents::StubInterface::ConfirmConsentRelease,
                   request);
}

absl::StatusOr<hoidla::v1::Organization> VaultClient::CreateOrganization(
    const hoidla::v1::CreateOrganizationRequest& request) const {
  return CallUnary(directory_.get(), &hoidla::v1::Directory::StubInterface::CreateOrganization,
                   request);
}

absl::StatusOr<hoidla::v1::Organization> VaultClient::GetOrganization(
    const hoidla::v1::GetOrganizationRequest& request) const {
  return CallUnary(directory_.get(), &hoidla::v1::Directory::StubInterface::GetOrganization,
                   request);
}

absl::StatusOr<hoidla::v1::ListOrganizationsResponse> VaultClient::ListOrganizations(
    const hoidla::v1::ListOrganizationsRequest& request) const {
  return CallUnary(directory_.get(), &hoidla::v1::Directory::StubInterface::ListOrganizations,
                   request);
}

absl::StatusOr<hoidla::v1::Project> VaultClient::CreateProject(
    const hoidla::v1::CreateProjectRequest& request) const {
  return CallUnary(directory_.get(), &hoidla::v1::Directory::StubInterface::CreateProject, request);
}

absl::StatusOr<hoidla::v1::Project> VaultClient::GetProject(
    const hoidla::v1::GetProjectRequest& request) const {
  return CallUnary(directory_.get(), &hoidla::v1::Directory::StubInterface::GetProject, request);
}

absl::StatusOr<hoidla::v1::ListProjectsResponse> VaultClient::ListProjects(
    const hoidla::v1::ListProjectsRequest& request) const {
  return CallUnary(directory_.get(), &hoidla::v1::Directory::StubInterface::ListProjects, request);
}

absl::StatusOr<hoidla::v1::Client> VaultClient::CreateClient(
    const hoidla::v1::CreateClientRequest& request) const {
  return CallUnary(directory_.get(), &hoidla::v1::Directory::StubInterface::CreateClient, request);
}

absl::StatusOr<hoidla::v1::Client> VaultClient::GetClient(
    const hoidla::v1::GetClientRequest& request) const {
  return CallUnary(directory_.get(), &hoidla::v1::Directory::StubInterface::GetClient, request);
}

absl::StatusOr<hoidla::v1::Client> VaultClient::FindClientByPersonalCode(
    const hoidla::v1::FindClientByPersonalCodeRequest& request) const {
  return CallUnary(directory_.get(),
                   &hoidla::v1::Directory::StubInterface::FindClientByPersonalCode, request);
}

absl::StatusOr<hoidla::v1::ListClientsResponse> VaultClient::ListClients(
    const hoidla::v1::ListClientsRequest& request) const {
  return CallUnary(directory_.get(), &hoidla::v1::Directory::StubInterface::ListClients, request);
}

absl::StatusOr<hoidla::v1::Case> VaultClient::CreateCase(
    const hoidla::v1::CreateCaseRequest& request) const {
  return CallUnary(cases_.get(), &hoidla::v1::Cases::StubInterface::CreateCase, request);
}

absl::StatusOr<hoidla::v1::Case> VaultClient::GetCase(
    const hoidla::v1::GetCaseRequest& request) const {
  return CallUnary(cases_.get(), &hoidla::v1::Cases::StubInterface::GetCase, request);
}

absl::StatusOr<hoidla::v1::ListCasesResponse> VaultClient::ListCases(
    const hoidla::v1::ListCasesRequest& request) const {
  return CallUnary(cases_.get(), &hoidla::v1::Cases::StubInterface::ListCases, request);
}

absl::StatusOr<hoidla::v1::Case> VaultClient::AssignCase(
    const hoidla::v1::AssignCaseRequest& request) const {
  return CallUnary(cases_.get(), &hoidla::v1::Cases::StubInterface::AssignCase, request);
}

absl::StatusOr<hoidla::v1::Case> VaultClient::UpdateCaseNetwork(
    const hoidla::v1::UpdateCaseNetworkRequest& request) const {
  return CallUnary(cases_.get(), &hoidla::v1::Cases::StubInterface::UpdateCaseNetwork, request);
}

absl::StatusOr<hoidla::v1::Case> VaultClient::CloseCase(
    const hoidla::v1::CloseCaseRequest& request) const {
  return CallUnary(cases_.get(), &hoidla::v1::Cases::StubInterface::CloseCase, request);
}

absl::StatusOr<hoidla::v1::Case> VaultClient::ReopenCase(
    const hoidla::v1::ReopenCaseRequest& request) const {
  return CallUnary(cases_.get(), &hoidla::v1::Cases::StubInterface::ReopenCase, request);
}

absl::StatusOr<hoidla::v1::Organization> VaultClient::SetOrganizationClientCa(
    const hoidla::v1::SetOrganizationClientCaRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::SetOrganizationClientCa,
                   request);
}

absl::StatusOr<hoidla::v1::Principal> VaultClient::MapCertificate(
    const hoidla::v1::MapCertificateRequest& request) const {
  return CallUnary(identity_.get(), &hoidla::v1::Identity::StubInterface::MapCertificate, request);
}

absl::StatusOr<hoidla::v1::Document> VaultClient::GetDocument(
    const hoidla::v1::GetDocumentRequest& request) const {
  return CallUnary(documents_.get(), &hoidla::v1::Documents::StubInterface::GetDocument, request);
}

absl::StatusOr<hoidla::v1::ListDocumentsResponse> VaultClient::ListDocuments(
    const hoidla::v1::ListDocumentsRequest& request) const {
  return CallUnary(documents_.get(), &hoidla::v1::Documents::StubInterface::ListDocuments, request);
}

absl::StatusOr<hoidla::v1::KeyStatus> VaultClient::GetKeyStatus(
    const hoidla::v1::GetKeyStatusRequest& request) const {
  return CallUnary(key_admin_.get(), &hoidla::v1::KeyAdmin::StubInterface::GetKeyStatus, request);
}

absl::StatusOr<hoidla::v1::KeyStatus> VaultClient::RotateKeyEncryptionKey(
    const hoidla::v1::RotateKeyEncryptionKeyRequest& request) const {
  return CallUnary(key_admin_.get(), &hoidla::v1::KeyAdmin::StubInterface::RotateKeyEncryptionKey,
                   request);
}

absl::StatusOr<hoidla::v1::RewrapKeysResponse> VaultClient::RewrapKeys(
    const hoidla::v1::RewrapKeysRequest& request) const {
  return CallUnary(key_admin_.get(), &hoidla::v1::KeyAdmin::StubInterface::RewrapKeys, request);
}

absl::StatusOr<hoidla::v1::KeyStatus> VaultClient::RetireKeyEncryptionKey(
    const hoidla::v1::RetireKeyEncryptionKeyRequest& request) const {
  return CallUnary(key_admin_.get(), &hoidla::v1::KeyAdmin::StubInterface::RetireKeyEncryptionKey,
                   request);
}

absl::StatusOr<hoidla::v1::ConsentReceipt> VaultClient::RecordConsent(
    const hoidla::v1::RecordConsentRequest& request) const {
  return CallUnary(consents_.get(), &hoidla::v1::Consents::StubInterface::RecordConsent, request);
}

absl::StatusOr<hoidla::v1::ConsentReceipt> VaultClient::ReviseConsent(
    const hoidla::v1::ReviseConsentRequest& request) const {
  return CallUnary(consents_.get(), &hoidla::v1::Consents::StubInterface::ReviseConsent, request);
}

absl::StatusOr<hoidla::v1::Consent> VaultClient::WithdrawConsent(
    const hoidla::v1::WithdrawConsentRequest& request) const {
  return CallUnary(consents_.get(), &hoidla::v1::Consents::StubInterface::WithdrawConsent, request);
}

absl::StatusOr<hoidla::v1::Consent> VaultClient::GetConsent(
    const hoidla::v1::GetConsentRequest& request) const {
  return CallUnary(consents_.get(), &hoidla::v1::Consents::StubInterface::GetConsent, request);
}

absl::StatusOr<hoidla::v1::ListConsentsResponse> VaultClient::ListConsents(
    const hoidla::v1::ListConsentsRequest& request) const {
  return CallUnary(consents_.get(), &hoidla::v1::Consents::StubInterface::ListConsents, request);
}

absl::StatusOr<hoidla::v1::Disclosure> VaultClient::DiscloseWithoutConsent(
    const hoidla::v1::DiscloseWithoutConsentRequest& request) const {
  return CallUnary(disclosures_.get(),
                   &hoidla::v1::Disclosures::StubInterface::DiscloseWithoutConsent, request);
}

absl::StatusOr<hoidla::v1::ListDisclosuresResponse> VaultClient::ListDisclosures(
    const hoidla::v1::ListDisclosuresRequest& request) const {
  return CallUnary(disclosures_.get(), &hoidla::v1::Disclosures::StubInterface::ListDisclosures,
                   request);
}

absl::StatusOr<hoidla::v1::Disclosure> VaultClient::ReviewDisclosure(
    const hoidla::v1::ReviewDisclosureRequest& request) const {
  return CallUnary(disclosures_.get(), &hoidla::v1::Disclosures::StubInterface::ReviewDisclosure,
                   request);
}

absl::StatusOr<hoidla::v1::QueryRecordExistenceResponse> VaultClient::QueryRecordExistence(
    const hoidla::v1::QueryRecordExistenceRequest& request) const {
  return CallUnary(consents_.get(), &hoidla::v1::Consents::StubInterface::QueryRecordExistence,
                   request);
}

absl::StatusOr<hoidla::v1::Record> VaultClient::CreateRecord(
    const hoidla::v1::CreateRecordRequest& request) const {
  return CallUnary(records_.get(), &hoidla::v1::Records::StubInterface::CreateRecord, request);
}

absl::StatusOr<hoidla::v1::Record> VaultClient::UpdateRecord(
    const hoidla::v1::UpdateRecordRequest& request) const {
  return CallUnary(records_.get(), &hoidla::v1::Records::StubInterface::UpdateRecord, request);
}

absl::StatusOr<hoidla::v1::Record> VaultClient::GetRecord(
    const hoidla::v1::GetRecordRequest& request) const {
  return CallUnary(records_.get(), &hoidla::v1::Records::StubInterface::GetRecord, request);
}

absl::StatusOr<hoidla::v1::ListRecordVersionsResponse> VaultClient::ListRecordVersions(
    const hoidla::v1::ListRecordVersionsRequest& request) const {
  return CallUnary(records_.get(), &hoidla::v1::Records::StubInterface::ListRecordVersions,
                   request);
}

absl::StatusOr<hoidla::v1::ListRecordsResponse> VaultClient::ListRecords(
    const hoidla::v1::ListRecordsRequest& request) const {
  return CallUnary(records_.get(), &hoidla::v1::Records::StubInterface::ListRecords, request);
}

absl::StatusOr<hoidla::v1::Record> VaultClient::SignRecord(
    const hoidla::v1::SignRecordRequest& request) const {
  return CallUnary(records_.get(), &hoidla::v1::Records::StubInterface::SignRecord, request);
}

absl::StatusOr<hoidla::v1::Instrument> VaultClient::RegisterInstrument(
    const hoidla::v1::RegisterInstrumentRequest& request) const {
  return CallUnary(instruments_.get(), &hoidla::v1::Instruments::StubInterface::RegisterInstrument,
                   request);
}

absl::StatusOr<hoidla::v1::Instrument> VaultClient::GetInstrument(
    const hoidla::v1::GetInstrumentRequest& request) const {
  return CallUnary(instruments_.get(), &hoidla::v1::Instruments::StubInterface::GetInstrument,
                   request);
}

absl::StatusOr<hoidla::v1::ListInstrumentsResponse> VaultClient::ListInstruments(
    const hoidla::v1::ListInstrumentsRequest& request) const {
  return CallUnary(instruments_.get(), &hoidla::v1::Instruments::StubInterface::ListInstruments,
                   request);
}

absl::StatusOr<hoidla::v1::RetentionSchedule> VaultClient::CreateRetentionSchedule(
    const hoidla::v1::CreateRetentionScheduleRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::CreateRetentionSchedule,
                   request);
}

absl::StatusOr<hoidla::v1::RetentionSchedule> VaultClient::UpdateRetentionSchedule(
    const hoidla::v1::UpdateRetentionScheduleRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::UpdateRetentionSchedule,
                   request);
}

absl::StatusOr<hoidla::v1::RetentionSchedule> VaultClient::GetRetentionSchedule(
    const hoidla::v1::GetRetentionScheduleRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::GetRetentionSchedule,
                   request);
}

absl::StatusOr<hoidla::v1::ListRetentionSchedulesResponse> VaultClient::ListRetentionSchedules(
    const hoidla::v1::ListRetentionSchedulesRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::ListRetentionSchedules,
                   request);
}

absl::StatusOr<hoidla::v1::RetentionSchedule> VaultClient::ResolveRetentionSchedule(
    const hoidla::v1::ResolveRetentionScheduleRequest& request) const {
  return CallUnary(retention_.get(),
                   &hoidla::v1::Retention::StubInterface::ResolveRetentionSchedule, request);
}

absl::StatusOr<hoidla::v1::LegalHold> VaultClient::PlaceLegalHold(
    const hoidla::v1::PlaceLegalHoldRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::PlaceLegalHold,
                   request);
}

absl::StatusOr<hoidla::v1::LegalHold> VaultClient::LiftLegalHold(
    const hoidla::v1::LiftLegalHoldRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::LiftLegalHold, request);
}

absl::StatusOr<hoidla::v1::LegalHold> VaultClient::GetLegalHold(
    const hoidla::v1::GetLegalHoldRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::GetLegalHold, request);
}

absl::StatusOr<hoidla::v1::ListLegalHoldsResponse> VaultClient::ListLegalHolds(
    const hoidla::v1::ListLegalHoldsRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::ListLegalHolds,
                   request);
}

absl::StatusOr<hoidla::v1::ListDueDisposalsResponse> VaultClient::ListDueDisposals(
    const hoidla::v1::ListDueDisposalsRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::ListDueDisposals,
                   request);
}

absl::StatusOr<hoidla::v1::DueDisposal> VaultClient::ApproveDisposal(
    const hoidla::v1::ApproveDisposalRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::ApproveDisposal,
                   request);
}

absl::StatusOr<hoidla::v1::DueDisposal> VaultClient::PostponeDisposal(
    const hoidla::v1::PostponeDisposalRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::PostponeDisposal,
                   request);
}

absl::StatusOr<hoidla::v1::RunDisposalResponse> VaultClient::RunDisposal(
    const hoidla::v1::RunDisposalRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::RunDisposal, request);
}

absl::StatusOr<hoidla::v1::DisposalCertificate> VaultClient::GetDisposalCertificate(
    const hoidla::v1::GetDisposalCertificateRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::GetDisposalCertificate,
                   request);
}

absl::StatusOr<hoidla::v1::DisposalCertificate> VaultClient::EraseClient(
    const hoidla::v1::EraseClientRequest& request) const {
  return CallUnary(retention_.get(), &hoidla::v1::Retention::StubInterface::EraseClient, request);
}

absl::StatusOr<hoidla::v1::ListDisposalCertificatesResponse> VaultClient::ListDisposalCertificates(
    const hoidla::v1::ListDisposalCertificatesRequest& request) const {
  return CallUnary(retention_.get(),
                   &hoidla::v1::Retention::StubInterface::ListDisposalCertificates, request);
}

absl::StatusOr<hoidla::v1::ListDeadlinesResponse> VaultClient::ListDeadlines(
    const hoidla::v1::ListDeadlinesRequest& request) const {
  return CallUnary(records_.get(), &hoidla::v1::Records::StubInterface::ListDeadlines, request);
}

absl::StatusOr<hoidla::v1::Checkpoint> VaultClient::GetCheckpoint(
    const hoidla::v1::GetCheckpointRequest& request) const {
  return CallUnary(audit_.get(), &hoidla::v1::Audit::StubInterface::GetCheckpoint, request);
}

absl::StatusOr<hoidla::v1::InclusionProof> VaultClient::GetInclusionProof(
    const hoidla::v1::GetInclusionProofRequest& request) const {
  return CallUnary(audit_.get(), &hoidla::v1::Audit::StubInterface::GetInclusionProof, request);
}

absl::StatusOr<hoidla::v1::ConsistencyProof> VaultClient::GetConsistencyProof(
    const hoidla::v1::GetConsistencyProofRequest& request) const {
  return CallUnary(audit_.get(), &hoidla::v1::Audit::StubInterface::GetConsistencyProof, request);
}

absl::StatusOr<hoidla::v1::AuditPublicKeys> VaultClient::GetAuditPublicKeys(
    const hoidla::v1::GetAuditPublicKeysRequest& request) const {
  return CallUnary(audit_.get(), &hoidla::v1::Audit::StubInterface::GetAuditPublicKeys, request);
}

absl::StatusOr<hoidla::v1::ListAuditEntriesResponse> VaultClient::ListAuditEntries(
    const hoidla::v1::ListAuditEntriesRequest& request) const {
  return CallUnary(audit_.get(), &hoidla::v1::Audit::StubInterface::ListAuditEntries, request);
}

absl::StatusOr<hoidla::v1::AccessReport> VaultClient::GetAccessReport(
    const hoidla::v1::GetAccessReportRequest& request) const {
  return CallUnary(subject_access_.get(),
                   &hoidla::v1::SubjectAccess::StubInterface::GetAccessReport, request);
}

absl::StatusOr<hoidla::v1::SubjectDataExport> VaultClient::ExportSubjectData(
    const hoidla::v1::ExportSubjectDataRequest& request) const {
  grpc::ClientContext context;
  PrepareContext(&context, /*unary=*/false);
  std::unique_ptr<grpc::ClientReaderInterface<hoidla::v1::SubjectDataExport>> reader =
      subject_access_->ExportSubjectData(&context, request);
  // The parts concatenated are the export: merging appends their lists.
  hoidla::v1::SubjectDataExport out;
  hoidla::v1::SubjectDataExport part;
  while (reader->Read(&part)) out.MergeFrom(part);
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return ToAbslStatus(status);
  return out;
}

absl::StatusOr<hoidla::v1::AuditPublicKeys> VaultClient::RotateAuditSigningKey(
    const hoidla::v1::RotateAuditSigningKeyRequest& request) const {
  return CallUnary(audit_.get(), &hoidla::v1::Audit::StubInterface::RotateAuditSigningKey, request);
}

absl::StatusOr<int64_t> VaultClient::ExportAudit(const hoidla::v1::ExportAuditRequest& request,
                                                 std::ostream& out,
                                                 hoidla::v1::AuditBundle* header) const {
  grpc::ClientContext context;
  PrepareContext(&context, /*unary=*/false);
  std::unique_ptr<grpc::ClientReaderInterface<hoidla::v1::AuditBundle>> reader =
      audit_->ExportAudit(&context, request);

  if (header != nullptr) header->Clear();
  int64_t entries = 0;
  bool first = true;
  absl::Status local;  // a failure on our side; the call is then cancelled
  hoidla::v1::AuditBundle part;
  std::string bytes;
  while (reader->Read(&part)) {
    if (first && header != nullptr) {
      *header = part;
      header->clear_entries();
    }
    first = false;
    bytes.clear();
    if (!part.SerializeToString(&bytes)) {
      local = absl::InternalError("export: cannot serialize a bundle part");
      break;
    }
    if (!out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
      local = absl::AbortedError(
          StrCat("export: writing the output failed after ", entries, " entries"));
      break;
    }
    entries += part.entries_size();
  }
  if (!local.ok()) {
    context.TryCancel();
    while (reader->Read(&part)) {
    }
    static_cast<void>(reader->Finish());
    return local;
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return ToAbslStatus(status);
  if (!out.flush()) return absl::AbortedError("export: flushing the output failed");
  return entries;
}

absl::StatusOr<Document> VaultClient::UploadDocument(const Document& header,
                                                     std::istream& content) const {
  grpc::ClientContext context;
  PrepareContext(&context, /*unary=*/false);
  Document response;
  std::unique_ptr<grpc::ClientWriterInterface<UploadDocumentRequest>> writer =
      documents_->UploadDocument(&context, &response);

  // The stream breaks when the server rejects the upload early (for example
  // a bad header); Finish() then reports why.
  bool stream_open = false;
  {
    UploadDocumentRequest first;
    *first.mutable_header() = header;
    stream_open = writer->Write(first);
  }
  int64_t sent = 0;
  bool read_failed = false;
  if (stream_open) {
    UploadDocumentRequest chunk;
    std::string* data = chunk.mutable_data();  // the one reused buffer
    while (true) {
      data->resize(kUploadChunkSize);
      content.read(data->data(), static_cast<std::streamsize>(kUploadChunkSize));
      const std::streamsize n = content.gcount();
      if (content.bad() || (content.fail() && !content.eof())) {
        read_failed = true;
        break;
      }
      data->resize(static_cast<size_t>(n));
      if (n > 0) {
        if (!writer->Write(chunk)) break;
        sent += n;
      }
      if (content.eof()) break;
    }
  }
  if (read_failed) {
    // Cancelling makes the server discard everything received so far.
    context.TryCancel();
    static_cast<void>(writer->Finish());
    return absl::AbortedError(
        StrCat("upload: reading content failed after ", sent, " bytes; upload cancelled"));
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return ToAbslStatus(status);
  return response;
}

absl::StatusOr<Document> VaultClient::UploadDocumentFromFile(const Document& header,
                                                             const std::string& path) const {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return ErrnoError(errno, StrCat("upload: cannot open '", path, "'"));
  }
  if (S_ISDIR(st.st_mode)) return ErrnoError(EISDIR, StrCat("upload: cannot read '", path, "'"));
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError(errno, StrCat("upload: cannot open '", path, "'"));
  return UploadDocument(header, in);
}

absl::StatusOr<Document> VaultClient::DownloadDocument(const DownloadDocumentRequest& request,
                                                       std::ostream& out) const {
  grpc::ClientContext context;
  PrepareContext(&context, /*unary=*/false);
  std::unique_ptr<grpc::ClientReaderInterface<DownloadDocumentResponse>> reader =
      documents_->DownloadDocument(&context, request);

  const bool whole = request.offset() == 0 && request.length() == 0;
  Sha256 sha256;
  Document document;
  bool have_document = false;
  int64_t received = 0;
  absl::Status local;  // a failure on our side; the call is then cancelled
  DownloadDocumentResponse message;
  while (reader->Read(&message)) {
    if (!have_document) {
      if (!message.has_document()) {
        local = absl::InternalError("download: the first message carries no document metadata");
        break;
      }
      document = std::move(*message.mutable_document());
      have_document = true;
    }
    const std::string& data = message.data();
    if (data.empty()) continue;
    if (!out.write(data.data(), static_cast<std::streamsize>(data.size()))) {
      local = absl::AbortedError(
          StrCat("download: writing the output failed after ", received, " bytes"));
      break;
    }
    received += static_cast<int64_t>(data.size());
    if (whole) sha256.Update(data);
  }
  if (!local.ok()) {
    context.TryCancel();
    while (reader->Read(&message)) {
    }
    static_cast<void>(reader->Finish());
    return local;
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return ToAbslStatus(status);
  if (!have_document) {
    return absl::InternalError("download: the stream ended without document metadata");
  }
  if (!out.flush()) return absl::AbortedError("download: flushing the output failed");

  const int64_t size = document.size();
  const int64_t offset = std::min(request.offset(), size);
  int64_t expected = size - offset;
  if (request.length() > 0) expected = std::min(expected, request.length());
  if (received != expected) {
    return absl::DataLossError(StrCat("download: received ", received, " bytes, expected ",
                                      expected, " (document ", document.id(), ")"));
  }
  if (whole && !document.sha256().empty()) {
    const std::string actual = sha256.HexDigest();
    if (actual != document.sha256()) {
      return absl::DataLossError(
          StrCat("download: content does not match its SHA-256 (document ", document.id(), ")"));
    }
  }
  return document;
}

absl::StatusOr<Document> VaultClient::DownloadDocumentToFile(const DownloadDocumentRequest& request,
                                                             const std::string& path) const {
  return WriteFileAtomically<Document>(
      "download", path, [&](std::ostream& out) { return DownloadDocument(request, out); });
}

absl::StatusOr<int64_t> VaultClient::ExportAuditToFile(
    const hoidla::v1::ExportAuditRequest& request, const std::string& path,
    hoidla::v1::AuditBundle* header) const {
  return WriteFileAtomically<int64_t>(
      "export", path, [&](std::ostream& out) { return ExportAudit(request, out, header); });
}

}  // namespace hoidla::client
