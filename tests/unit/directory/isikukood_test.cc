// Estonian personal identification codes (isikukood). Every valid code below
// had its check digit computed by hand from the weights in isikukood.h:
//   37605030299: 3,7,6,0,5,0,3,0,2,9 . 1..9,1 = 108, 108 % 11 = 9
//   49403136526: 4,9,4,0,3,1,3,6,5,2 . 1..9,1 = 171, 171 % 11 = 6
//   50001010006: 5,0,0,0,1,0,1,0,0,0 . 1..9,1 =  17,  17 % 11 = 6
//   37605030064: 1..9,1 gives 87 % 11 = 10; 3..9,1,2,3 gives 147 % 11 = 4
//   37605030920: 1..9,1 gives 164 % 11 = 10; 3..9,1,2,3 gives 153 % 11 = 10 -> 0
// Other codes are built with WithCheckDigit(), itself checked against these.
#include "vault/directory/isikukood.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/unit/test_util.h"

namespace hoidla::core {
namespace {

using ::hoidla::testing::IsInvalidArgumentFor;

// Independent check-digit computation, for building test codes.
int CheckDigit(const std::string& first10) {
  static const int kW1[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1};
  static const int kW2[] = {3, 4, 5, 6, 7, 8, 9, 1, 2, 3};
  int s = 0;
  for (int i = 0; i < 10; ++i) s += (first10[i] - '0') * kW1[i];
  if (s % 11 != 10) return s % 11;
  s = 0;
  for (int i = 0; i < 10; ++i) s += (first10[i] - '0') * kW2[i];
  return s % 11 == 10 ? 0 : s % 11;
}
std::string WithCheckDigit(const std::string& first10) {
  return first10 + static_cast<char>('0' + CheckDigit(first10));
}

TEST(Isikukood, HandComputedCheckDigitsAgreeWithHelper) {
  EXPECT_EQ(WithCheckDigit("3760503029"), "37605030299");
  EXPECT_EQ(WithCheckDigit("4940313652"), "49403136526");
  EXPECT_EQ(WithCheckDigit("5000101000"), "50001010006");
  EXPECT_EQ(WithCheckDigit("3760503006"), "37605030064");
  EXPECT_EQ(WithCheckDigit("3760503092"), "37605030920");
}

TEST(Isikukood, ValidCodesReturnTheirBirthDate) {
  auto a = ValidatePersonalCode("37605030299", "personal_code");
  HOIDLA_ASSERT_OK(a);
  EXPECT_EQ(*a, (CivilDate{1976, 5, 3}));
  auto b = ValidatePersonalCode("49403136526", "personal_code");
  HOIDLA_ASSERT_OK(b);
  EXPECT_EQ(*b, (CivilDate{1994, 3, 13}));
  auto c = ValidatePersonalCode("50001010006", "personal_code");
  HOIDLA_ASSERT_OK(c);
  EXPECT_EQ(*c, (CivilDate{2000, 1, 1}));
}

TEST(Isikukood, CenturyFollowsFirstDigit) {
  const struct {
    char g;
    int year;
  } cases[] = {{'1', 1876}, {'2', 1876}, {'3', 1976}, {'4', 1976},
               {'5', 2076}, {'6', 2076}, {'7', 2176}, {'8', 2176}};
  for (const auto& c : cases) {
    std::string code = WithCheckDigit(std::string(1, c.g) + "760503029");
    auto d = ValidatePersonalCode(code, "f");
    HOIDLA_ASSERT_OK(d);
    EXPECT_EQ(d->year, c.year) << code;
  }
}

TEST(Isikukood, SecondWeightsAreUsedWhenFirstRemainderIsTen) {
  HOIDLA_EXPECT_OK(ValidatePersonalCode("37605030064", "f"));
  // With the first weights the digit would be "10": no single digit 0 or 1
  // accepted other than the second-weights result.
  for (char bad : {'0', '1', '5'}) {
    std::string code = std::string("3760503006") + bad;
    EXPECT_TRUE(IsInvalidArgumentFor(ValidatePersonalCode(code, "f"), "f")) << code;
  }
}

TEST(Isikukood, BothRemaindersTenMeansCheckDigitZero) {
  HOIDLA_EXPECT_OK(ValidatePersonalCode("37605030920", "f"));
  EXPECT_TRUE(IsInvalidArgumentFor(ValidatePersonalCode("37605030921", "f"), "f"));
}

TEST(Isikukood, WrongLengthIsInvalidArgumentNamingTheField) {
  for (const char* code : {"", "3760503029", "376050302990", "3760503029 "}) {
    auto s = ValidatePersonalCode(code, "client.personal_code");
    EXPECT_TRUE(IsInvalidArgumentFor(s, "client.personal_code")) << code;
  }
}

TEST(Isikukood, NonDigitIsInvalidArgument) {
  for (const char* code : {"3760503029a", "a7605030299", "37605-30299", "3760503029\xd9"}) {
    EXPECT_TRUE(IsInvalidArgumentFor(ValidatePersonalCode(code, "personal_code"), "personal_code"))
        << code;
  }
}

TEST(Isikukood, FirstDigitZeroOrNineIsInvalidArgument) {
  for (char g : {'0', '9'}) {
    std::string code = WithCheckDigit(std::string(1, g) + "760503029");
    EXPECT_TRUE(IsInvalidArgumentFor(ValidatePersonalCode(code, "personal_code"), "personal_code"))
        << code;
  }
}

TEST(Isikukood, ImpossibleBirthDatesAreInvalidArgument) {
  for (const char* first10 : {"3760230029",     // 30 February 1976
                              "3760231029",     // 31 February
                              "3761301029",     // month 13
                              "3760001029",     // month 0
                              "3760500029",     // day 0
                              "3760431029",     // 31 April
                              "3000229029",     // 29 February 1900 (not leap)
                              "3770229029"}) {  // 29 February 1977
    std::string code = WithCheckDigit(first10);
    auto s = ValidatePersonalCode(code, "personal_code");
    EXPECT_TRUE(IsInvalidArgumentFor(s, "personal_code")) << code;
  }
}

TEST(Isikukood, LeapDaysAreValidInLeapYears) {
  HOIDLA_EXPECT_OK(ValidatePersonalCode(WithCheckDigit("5000229000"), "f"));  // 2000
  HOIDLA_EXPECT_OK(ValidatePersonalCode(WithCheckDigit("3760229000"), "f"));  // 1976
}

TEST(Isikukood, BadCheckDigitIsInvalidArgument) {
  auto s = ValidatePersonalCode("37605030298", "client.personal_code");
  EXPECT_TRUE(IsInvalidArgumentFor(s, "client.personal_code"));
  // Every other last digit fails too.
  for (char d = '0'; d <= '9'; ++d) {
    if (d == '9') continue;
    EXPECT_FALSE(ValidatePersonalCode(std::string("3760503029") + d, "f").ok()) << d;
  }
}

TEST(Isikukood, MessageNeverContainsTheCode) {
  for (const char* code : {"37605030298", "3760503029x", "97605030299", "37602300299"}) {
    auto s = ValidatePersonalCode(code, "f");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(std::string(s.status().message()).find(code), std::string::npos) << s.status();
    EXPECT_EQ(std::string(s.status().message()).find("7605"), std::string::npos) << s.status();
  }
}

TEST(IsValidDate, KnowsCalendarRulesAndRange) {
  EXPECT_TRUE(IsValidDate({2000, 2, 29}));
  EXPECT_FALSE(IsValidDate({1900, 2, 29}));
  EXPECT_TRUE(IsValidDate({2004, 2, 29}));
  EXPECT_FALSE(IsValidDate({2100, 2, 29}));
  EXPECT_TRUE(IsValidDate({1800, 1, 1}));
  EXPECT_TRUE(IsValidDate({2199, 12, 31}));
  EXPECT_FALSE(IsValidDate({1799, 12, 31}));
  EXPECT_FALSE(IsValidDate({2200, 1, 1}));
  EXPECT_FALSE(IsValidDate({2020, 4, 31}));
  EXPECT_FALSE(IsValidDate({2020, 0, 1}));
  EXPECT_FALSE(IsValidDate({2020, 1, 0}));
  EXPECT_FALSE(IsValidDate({2020, 13, 1}));
}

}  // namespace
}  // namespace hoidla::core
