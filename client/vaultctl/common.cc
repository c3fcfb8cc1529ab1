#include "client/vaultctl/common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "base/strings.h"
#include "client/vaultctl_audit.h"
#include "keys/crypto.h"

namespace hoidla::vaultctl {

std::string CodeName(absl::StatusCode code) { return absl::StatusCodeToString(code); }

std::string_view View(absl::string_view s) { return std::string_view(s.data(), s.size()); }

int UsageError(std::string_view message) {
  std::cerr << "error: INVALID_ARGUMENT: " << Escape(message) << '\n';
  return kExitUsage;
}

int RpcError(const absl::Status& status) {
  std::cerr << "error: " << CodeName(status.code()) << ": " << Escape(View(status.message()))
            << '\n';
  return kExitRpcBase + static_cast<int>(status.code());
}

int Finish() {
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "error: UNKNOWN: writing to standard output failed\n";
    return kExitUsage;
  }
  return 0;
}

CLI::App* Leaf(CLI::App* parent, const std::string& name, const std::string& description,
               Selection* selection, Action action) {
  CLI::App* sub = parent->add_subcommand(name, description);
  sub->callback([selection, action = std::move(action)] { selection->action = action; });
  return sub;
}

void AddPaging(CLI::App* sub, Paging* paging) {
  sub->add_option("--page-size", paging->page_size, "Items per page (0: server default of 100)");
  sub->add_option("--page-token", paging->page_token, "Token from the previous page");
}

absl::StatusOr<int64_t> ParseTtl(const std::string& text) {
  const auto error = [&text] {
    return absl::InvalidArgumentError(
        StrCat("expected seconds or a number with suffix s, m, h or d "
               "(for example 30d), got '",
               text, "'"));
  };
  if (text.empty()) return error();
  std::string_view digits = text;
  int64_t unit = 1;
  static constexpr std::pair<char, int64_t> kUnits[] = {
      {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
  for (const auto& [suffix, seconds] : kUnits) {
    if (digits.back() == suffix) {
      unit = seconds;
      digits.remove_suffix(1);
      break;
    }
  }
  if (digits.empty() || digits.size() > 12) return error();
  int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return error();
    value = value * 10 + (c - '0');
  }
  if (value == 0) return absl::InvalidArgumentError("must be positive");
  return value * unit;
}

CLI::Validator TtlValidator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        absl::StatusOr<int64_t> ttl = ParseTtl(text);
        return ttl.ok() ? std::string() : std::string(View(ttl.status().message()));
      },
      "DURATION");
}

absl::StatusOr<std::string> ReadWholeFile(std::string_view what, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::ErrnoToStatus(EISDIR, StrCat(what, ": cannot read '", path, "'"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::ErrnoToStatus(errno, StrCat(what, ": cannot read '", path, "'"));
  }
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::DataLossError(StrCat(what, ": error reading '", path, "'"));
  return contents;
}

int LoadFileArg(std::string_view flag, const std::string& path, std::string* out) {
  if (path == "-") {
    out->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (std::cin.bad()) return UsageError(StrCat(flag, ": error reading standard input"));
    return 0;
  }
  absl::StatusOr<std::string> text = ReadWholeFile(flag, path);
  if (!text.ok()) return UsageError(View(text.status().message()));
  *out = *std::move(text);
  return 0;
}

absl::Status WriteFileAtomically(std::string_view what, const std::string& path,
                                 std::string_view contents, mode_t mode) {
  const std::string tmp = StrCat(path, ".tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, StrCat(what, ": cannot create '", tmp, "'"));
  }
  absl::Status status;
  // The file may have existed with other permissions.
  if (::fchmod(fd, mode) != 0) {
    status = absl::ErrnoToStatus(errno, StrCat(what, ": cannot set the mode of '", tmp, "'"));
  }
  size_t done = 0;
  while (done < contents.size() && status.ok()) {
    const ssize_t w = ::write(fd, contents.data() + done, contents.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      status = absl::ErrnoToStatus(errno, StrCat(what, ": cannot write '", tmp, "'"));
    } else {
      done += static_cast<size_t>(w);
    }
  }
  if (status.ok() && ::fsync(fd) != 0) {
    status = absl::ErrnoToStatus(errno, StrCat(what, ": cannot sync '", tmp, "'"));
  }
  if (::close(fd) != 0 && status.ok()) {
    status = absl::ErrnoToStatus(errno, StrCat(what, ": cannot close '", tmp, "'"));
  }
  if (status.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
    status =
        absl::ErrnoToStatus(errno, StrCat(what, ": cannot rename '", tmp, "' to '", path, "'"));
  }
  if (!status.ok()) ::unlink(tmp.c_str());
  return status;
}

std::optional<std::vector<keys::NoteVerifier>> LoadVerifierKeys(const std::string& path,
                                                                int* exit_code) {
  if (absl::Status s = keys::InitCrypto(); !s.ok()) {
    *exit_code = RpcError(s);
    return std::nullopt;
  }
  absl::StatusOr<std::string> text = ReadWholeFile("--public-key", path);
  if (!text.ok()) {
    *exit_code = UsageError(View(text.status().message()));
    return std::nullopt;
  }
  absl::StatusOr<std::vector<keys::NoteVerifier>> verifiers = ParseVerifierKeys(*text);
  if (!verifiers.ok()) {
    *exit_code = RpcError(absl::InvalidArgumentError(
        StrCat("--public-key: '", path, "': ", std::string(verifiers.status().message()))));
    return std::nullopt;
  }
  return *std::move(verifiers);
}

hoidla::v1::Membership MembershipArg(const std::string& role, const std::string& org,
                                     const std::string& project) {
  hoidla::v1::Membership m;
  m.set_role(role);
  m.set_organization_id(org);
  m.set_project_id(project);
  return m;
}

}  // namespace hoidla::vaultctl
