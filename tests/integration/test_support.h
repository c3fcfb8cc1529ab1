// Test support for integration tests: temporary folders, a real vaultd
// process on a free loopback port, and running the real vaultctl.
#ifndef HOIDLA_TESTS_INTEGRATION_TEST_SUPPORT_H_
#define HOIDLA_TESTS_INTEGRATION_TEST_SUPPORT_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace hoidla::testing {

// A temporary directory removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Returns a TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is a path) with extra environment variables, feeding
// nothing on stdin, and captures stdout and stderr.
CommandResult Run(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env = {});

// A vaultd child process.
class VaultdProcess {
 public:
  // Starts vaultd with `args` (after the binary) and waits until it prints
  // "serving on" or exits. Returns false (with `exit_code()` and `output()`)
  // when it exits first.
  bool Start(const std::vector<std::string>& args,
             const std::map<std::string, std::string>& env = {});
  // Sends SIGTERM and waits. Returns the exit code.
  int Stop();
  ~VaultdProcess();
  int exit_code() const { return exit_code_; }
  int pid() const { return pid_; }
  // Everything the process wrote to stdout and stderr so far.
  std::string output() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string log_path_;
};

std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& data);

// Recursively searches every file under `dir` for `needle` (raw bytes).
// Returns the paths that contain it.
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle);

}  // namespace hoidla::testing

#endif  // HOIDLA_TESTS_INTEGRATION_TEST_SUPPORT_H_
