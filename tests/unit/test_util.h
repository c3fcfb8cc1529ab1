// Shared helpers for Hoidla's unit tests: temporary directories, store dumps
// and status assertions. Test code only.
#ifndef HOIDLA_TESTS_UNIT_TEST_UTIL_H_
#define HOIDLA_TESTS_UNIT_TEST_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "vault/storage/kv_store.h"

namespace hoidla::testing {

// A fresh directory under /tmp (mkdtemp), removed with everything in it when
// the object goes.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/hoidla-unit-XXXXXX";
    const char* p = ::mkdtemp(tmpl);
    if (p == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return;
    }
    path_ = p;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// Every (space, key) -> value in a store, read by scanning each space.
using StoreDump = std::map<std::pair<int, std::string>, std::string>;
inline StoreDump DumpStore(storage::KvStore& store) {
  StoreDump out;
  for (int s = 0; s < storage::kSpaceCount; ++s) {
    auto it = store.Scan(static_cast<storage::Space>(s), "");
    for (; it->Valid(); it->Next()) {
      out[{s, std::string(it->key())}] = std::string(it->value());
    }
    EXPECT_TRUE(it->status().ok()) << it->status();
  }
  return out;
}

// Keys of one space starting with `prefix`, in scan order.
inline std::vector<std::string> KeysWithPrefix(storage::KvStore& store, storage::Space space,
                                               std::string_view prefix) {
  std::vector<std::string> out;
  auto it = store.Scan(space, prefix);
  for (; it->Valid(); it->Next()) out.emplace_back(it->key());
  EXPECT_TRUE(it->status().ok()) << it->status();
  return out;
}

inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Asserts INVALID_ARGUMENT whose message starts with "<field>:".
inline ::testing::AssertionResult IsInvalidArgumentFor(const absl::Status& s,
                                                       std::string_view field) {
  if (s.code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure()
           << "expected INVALID_ARGUMENT for " << field << ", got " << s;
  }
  std::string want = std::string(field) + ":";
  if (!StartsWith(std::string(s.message()), want)) {
    return ::testing::AssertionFailure()
           << "message does not start with \"" << want << "\": " << std::string(s.message());
  }
  return ::testing::AssertionSuccess();
}
template <typename T>
::testing::AssertionResult IsInvalidArgumentFor(const absl::StatusOr<T>& s,
                                                std::string_view field) {
  return IsInvalidArgumentFor(s.status(), field);
}

}  // namespace hoidla::testing

namespace hoidla::testing {
inline const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}
}  // namespace hoidla::testing

#define HOIDLA_ASSERT_OK(expr)                                                              \
  do {                                                                                      \
    const auto& hoidla_s_ = (expr);                                                         \
    ASSERT_TRUE(hoidla_s_.ok()) << #expr << ": " << ::hoidla::testing::StatusOf(hoidla_s_); \
  } while (0)

#define HOIDLA_EXPECT_OK(expr)                                                              \
  do {                                                                                      \
    const auto& hoidla_s_ = (expr);                                                         \
    EXPECT_TRUE(hoidla_s_.ok()) << #expr << ": " << ::hoidla::testing::StatusOf(hoidla_s_); \
  } while (0)

#define HOIDLA_TEST_CONCAT_INNER(a, b) a##b
#define HOIDLA_TEST_CONCAT(a, b) HOIDLA_TEST_CONCAT_INNER(a, b)
#define HOIDLA_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr)  \
  auto tmp = (expr);                                      \
  ASSERT_TRUE(tmp.ok()) << #expr << ": " << tmp.status(); \
  lhs = std::move(tmp).value()
// Asserts that a StatusOr expression is OK and moves its value into `lhs`.
#define HOIDLA_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  HOIDLA_ASSERT_OK_AND_ASSIGN_IMPL(HOIDLA_TEST_CONCAT(hoidla_sor_, __LINE__), lhs, expr)

#endif  // HOIDLA_TESTS_UNIT_TEST_UTIL_H_
