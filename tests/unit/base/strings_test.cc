// StrCat: every piece appends what it says, never a pointer's truth value or
// the garbage after a buffer's NUL.
#include "base/strings.h"

#include <cstdio>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace hoidla {
namespace {

TEST(StrCat, AppendsLiteralsBuffersPointersViewsNumbersAndBools) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%05d", 7);
  const char* pointer = "xy";
  const std::string owned = "o";
  EXPECT_EQ(StrCat("a", buf, "/", pointer, true, 3, std::string_view("z"), owned, 'c'),
            "a00007/xytrue3zoc");
  const bool flag = false;
  EXPECT_EQ(StrCat(flag ? "yes" : "no", "-", -5), "no--5");
}

}  // namespace
}  // namespace hoidla
