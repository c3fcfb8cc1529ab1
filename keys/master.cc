#include "keys/master.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/coding.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace hoidla::keys {
namespace {

constexpr std::string_view kSealedMagic = "HOIDLA-MK1";  // 10 bytes
constexpr std::string_view kSealedAd = "hoidla/master-key/v1";

absl::StatusOr<std::string> ReadWhole(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(hoidla::StrCat("key file not found: ", path));
    return absl::UnavailableError(
        hoidla::StrCat("cannot open key file ", path, ": ", std::strerror(errno)));
  }
  std::string data;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) data.append(buf, n);
  ::close(fd);
  if (n < 0) return absl::UnavailableError(hoidla::StrCat("cannot read key file ", path));
  return data;
}

// Writes `data` to `path` with mode 0600, failing if it exists unless
// `replace`, in which case it goes through a temporary file and rename.
absl::Status WriteSecretFile(const std::string& path, std::string_view data, bool replace) {
  std::string target = replace ? path + ".tmp" : path;
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL);
  int fd = ::open(target.c_str(), flags, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return absl::AlreadyExistsError(hoidla::StrCat("key file exists: ", path));
    return absl::UnavailableError(
        hoidla::StrCat("cannot create key file ", path, ": ", std::strerror(errno)));
  }
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n <= 0) {
      ::close(fd);
      return absl::UnavailableError(hoidla::StrCat("cannot write key file ", path));
    }
    off += n;
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return absl::UnavailableError(hoidla::StrCat("cannot sync key file ", path));
  }
  ::close(fd);
  if (replace && ::rename(target.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(hoidla::StrCat("cannot replace key file ", path));
  }
  return absl::OkStatus();
}

std::string Seal(const SecureBuffer& master, std::string_view passphrase, KdfStrength strength,
                 absl::Status* status) {
  KdfParams p = ParamsFor(strength);
  std::string salt = RandomString(kKdfSaltBytes);
  auto kek = KeyFromPassphrase(passphrase, salt, p);
  if (!kek.ok()) {
    *status = kek.status();
    return {};
  }
  std::string out(kSealedMagic);
  PutFixed64BE(&out, p.opslimit);
  PutFixed64BE(&out, p.memlimit);
  out += salt;
  std::string ad = hoidla::StrCat(kSealedAd, out);
  out += WrapBytes(*kek, ad, master.view());
  *status = absl::OkStatus();
  return out;
}

}  // namespace

std::string_view MasterKeyModeName(MasterKeyMode mode) {
  switch (mode) {
    case MasterKeyMode::kDev:
      return "dev";
    case MasterKeyMode::kSealed:
      return "sealed";
    case MasterKeyMode::kKeyFile:
      return "key_file";
  }
  return "unknown";
}

absl::StatusOr<SecureBuffer> CreateSealedMasterKey(const std::string& path,
                                                   std::string_view passphrase,
                                                   KdfStrength strength) {
  if (passphrase.size() < 12) {
    return absl::InvalidArgumentError("passphrase: must be at least 12 bytes");
  }
  if (::access(path.c_str(), F_OK) == 0) {
    return absl::AlreadyExistsError(hoidla::StrCat("key file exists: ", path));
  }
  SecureBuffer master = NewKey();
  absl::Status s;
  std::string sealed = Seal(master, passphrase, strength, &s);
  HOIDLA_RETURN_IF_ERROR(s);
  HOIDLA_RETURN_IF_ERROR(WriteSecretFile(path, sealed, /*replace=*/false));
  return master;
}

absl::StatusOr<SecureBuffer> UnsealMasterKey(const std::string& path, std::string_view passphrase) {
  HOIDLA_ASSIGN_OR_RETURN(std::string data, ReadWhole(path));
  const size_t header = kSealedMagic.size() + 16 + kKdfSaltBytes;
  if (data.size() < header + kWrapNonceBytes + kKeyBytes + kAeadTagBytes ||
      std::string_view(data).substr(0, kSealedMagic.size()) != kSealedMagic) {
    return absl::DataLossError("not a sealed master key file");
  }
  std::string_view v(data);
  KdfParams p{DecodeFixed64BE(v.substr(kSealedMagic.size())),
              DecodeFixed64BE(v.substr(kSealedMagic.size() + 8))};
  // Costs outside what this code ever writes mean an altered file; never run
  // Argon2 on them (they could take hours or all memory).
  const KdfParams floor = ParamsFor(KdfStrength::kInteractive);
  const KdfParams ceiling = ParamsFor(KdfStrength::kSensitive);
  if (p.opslimit < floor.opslimit || p.opslimit > ceiling.opslimit || p.memlimit < floor.memlimit ||
      p.memlimit > ceiling.memlimit) {
    return absl::DataLossError("not a sealed master key file");
  }
  std::string_view salt = v.substr(kSealedMagic.size() + 16, kKdfSaltBytes);
  HOIDLA_ASSIGN_OR_RETURN(SecureBuffer kek, KeyFromPassphrase(passphrase, salt, p));
  std::string ad = hoidla::StrCat(kSealedAd, v.substr(0, header));
  auto master = UnwrapBytes(kek, ad, v.substr(header));
  if (!master.ok()) return absl::PermissionDeniedError("wrong passphrase");
  if (master->size() != kKeyBytes) return absl::DataLossError("not a sealed master key file");
  return master;
}

absl::Status ChangeMasterKeyPassphrase(const std::string& path, std::string_view old_pass,
                                       std::string_view new_pass, KdfStrength strength) {
  if (new_pass.size() < 12) {
    return absl::InvalidArgumentError("new passphrase: must be at least 12 bytes");
  }
  HOIDLA_ASSIGN_OR_RETURN(SecureBuffer master, UnsealMasterKey(path, old_pass));
  absl::Status s;
  std::string sealed = Seal(master, new_pass, strength, &s);
  HOIDLA_RETURN_IF_ERROR(s);
  return WriteSecretFile(path, sealed, /*replace=*/true);
}

absl::StatusOr<SecureBuffer> ReadKeyFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        hoidla::StrCat("key file ", path, " is readable by group or others; chmod 600 it"));
  }
  HOIDLA_ASSIGN_OR_RETURN(std::string data, ReadWhole(path));
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r')) data.pop_back();
  auto raw = FromHex(data);
  if (!raw.ok() || raw->size() != kKeyBytes) {
    return absl::DataLossError(hoidla::StrCat("key file ", path, " is not 64 hex characters"));
  }
  SecureBuffer key(reinterpret_cast<const uint8_t*>(raw->data()), raw->size());
  std::fill(raw->begin(), raw->end(), '\0');
  std::fill(data.begin(), data.end(), '\0');
  return key;
}

absl::StatusOr<SecureBuffer> CreateKeyFile(const std::string& path) {
  SecureBuffer key = NewKey();
  std::string hex = ToHex(key.view()) + "\n";
  absl::Status s = WriteSecretFile(path, hex, /*replace=*/false);
  std::fill(hex.begin(), hex.end(), '\0');
  HOIDLA_RETURN_IF_ERROR(s);
  return key;
}

absl::StatusOr<SecureBuffer> LoadOrCreateDevKey(const std::string& path, bool* created) {
  *created = false;
  auto key = ReadKeyFile(path);
  if (key.ok() || key.status().code() != absl::StatusCode::kNotFound) return key;
  *created = true;
  return CreateKeyFile(path);
}

}  // namespace hoidla::keys
