#include "vault/server/dev_idp.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/status_macros.h"
#include "base/strings.h"

namespace hoidla::service {

absl::StatusOr<keys::JwtSigningKey> LoadOrCreateDevIdpKey(const std::string& data_dir) {
  const std::string path = data_dir + "/dev-idp.jwk";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::UnavailableError(StrCat("dev identity provider: cannot read ", path));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    auto key = keys::LoadJwtSigningKey(text);
    std::fill(text.begin(), text.end(), '\0');
    if (!key.ok())
      return absl::DataLossError(StrCat("dev identity provider: ", path, " holds no key"));
    return key;
  }
  std::filesystem::create_directories(data_dir, ec);
  HOIDLA_ASSIGN_OR_RETURN(auto key, keys::GenerateJwtSigningKey());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return absl::UnavailableError(StrCat("dev identity provider: cannot write ", path));
  std::string_view text = key.private_jwk_json.view();
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) return absl::UnavailableError(StrCat("dev identity provider: cannot write ", path));
  return key;
}

}  // namespace hoidla::service
