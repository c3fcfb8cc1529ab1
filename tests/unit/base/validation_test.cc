// Field validation: every error is INVALID_ARGUMENT starting with the field
// path and never echoing the value.
#include "base/validation.h"

#include <string>

#include "base/ids.h"
#include "gtest/gtest.h"
#include "tests/unit/test_util.h"

namespace hoidla::core {
namespace {

using ::hoidla::testing::IsInvalidArgumentFor;

TEST(ValidateText, AcceptsOrdinaryUtf8) {
  HOIDLA_EXPECT_OK(ValidateText("f", "Mari-Liis Õunapuu", true, 200));
  HOIDLA_EXPECT_OK(ValidateText("f", "Šahhmatova Žanna ÄÖÜ", true, 200));
  HOIDLA_EXPECT_OK(ValidateText("f", "日本語 😀", true, 200));  // 3- and 4-byte sequences
  HOIDLA_EXPECT_OK(ValidateText("f", "", false, 200));
}

TEST(ValidateText, RequiredEmptyOrBlankIsInvalidArgument) {
  EXPECT_TRUE(
      IsInvalidArgumentFor(ValidateText("client.given_name", "", true, 200), "client.given_name"));
  EXPECT_TRUE(IsInvalidArgumentFor(ValidateText("client.given_name", "  \t ", true, 200),
                                   "client.given_name"));
}

TEST(ValidateText, RejectsBadUtf8) {
  const std::string bad[] = {
      std::string("\xff"),              // never valid
      std::string("abc\xc3"),           // truncated 2-byte sequence
      std::string("\xe2\x82"),          // truncated 3-byte sequence
      std::string("\xc0\xaf"),          // overlong '/'
      std::string("\xe0\x80\xaf"),      // overlong, 3 bytes
      std::string("\xed\xa0\x80"),      // UTF-16 surrogate
      std::string("\xf4\x90\x80\x80"),  // above U+10FFFF
      std::string("a\x80z"),            // stray continuation byte
      std::string("\xc3\x28"),          // bad continuation
  };
  for (const auto& v : bad) {
    EXPECT_TRUE(IsInvalidArgumentFor(ValidateText("case.title", v, true, 200), "case.title"))
        << ::testing::PrintToString(v);
  }
}

TEST(ValidateText, RejectsControlCharacters) {
  for (const std::string& v :
       {std::string("a\x01"), std::string("a\nb"), std::string("a\tb"), std::string("a\x7f"),
        std::string("a\0b", 3), std::string("a\xc2\x85"), /* C1 NEL */ std::string("a\rb")}) {
    EXPECT_TRUE(
        IsInvalidArgumentFor(ValidateText("organization.name", v, true, 200), "organization.name"))
        << ::testing::PrintToString(v);
  }
}

TEST(ValidateText, MultilineAllowsTabNewlineAndCarriageReturnOnly) {
  HOIDLA_EXPECT_OK(ValidateText("project.description", "line 1\nline 2\ttab\r\n", false, 4096,
                                /*multiline=*/true));
  EXPECT_TRUE(IsInvalidArgumentFor(
      ValidateText("project.description", "bell\x07", false, 4096, /*multiline=*/true),
      "project.description"));
}

TEST(ValidateText, TooLongIsInvalidArgumentAndLimitIsInclusive) {
  HOIDLA_EXPECT_OK(ValidateText("f", std::string(200, 'a'), true, 200));
  EXPECT_TRUE(IsInvalidArgumentFor(ValidateText("document.title", std::string(201, 'a'), true, 200),
                                   "document.title"));
  // The limit counts bytes, not characters: 101 two-byte letters are 202 bytes.
  std::string wide;
  for (int i = 0; i < 101; ++i) wide += "ä";
  EXPECT_TRUE(IsInvalidArgumentFor(ValidateText("f", wide, true, 200), "f"));
}

TEST(ValidateText, MessageDoesNotEchoTheValue) {
  absl::Status s = ValidateText("client.family_name", "Secretname\x01", true, 200);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(std::string(s.message()).find("Secretname"), std::string::npos) << s;
}

TEST(ValidateSlug, AcceptsLowercaseDigitsAndPunctuation) {
  HOIDLA_EXPECT_OK(ValidateSlug("header.kind", "consent_scan-v2.1", 64));
  EXPECT_TRUE(IsInvalidArgumentFor(ValidateSlug("header.kind", "", 64), "header.kind"));
  EXPECT_TRUE(IsInvalidArgumentFor(ValidateSlug("header.kind", "Consent", 64), "header.kind"));
  EXPECT_TRUE(IsInvalidArgumentFor(ValidateSlug("header.kind", "a b", 64), "header.kind"));
  EXPECT_TRUE(
      IsInvalidArgumentFor(ValidateSlug("header.kind", std::string(65, 'a'), 64), "header.kind"));
}

TEST(ValidateContentType, RequiresTypeSlashSubtype) {
  HOIDLA_EXPECT_OK(ValidateContentType("header.content_type", "application/pdf"));
  HOIDLA_EXPECT_OK(ValidateContentType("header.content_type", "text/plain;charset=utf-8"));
  for (const std::string& v :
       {std::string(""), std::string("pdf"), std::string("/pdf"), std::string("application/"),
        std::string("text/ plain"), std::string("text/pläin"), std::string(128, 'a')}) {
    EXPECT_TRUE(
        IsInvalidArgumentFor(ValidateContentType("header.content_type", v), "header.content_type"))
        << v;
  }
}

TEST(NormalizePageSize, ZeroMeansHundredAndRangeIsChecked) {
  int32_t n = 0;
  HOIDLA_ASSERT_OK(NormalizePageSize("page_size", &n));
  EXPECT_EQ(n, 100);
  n = 1000;
  HOIDLA_ASSERT_OK(NormalizePageSize("page_size", &n));
  EXPECT_EQ(n, 1000);
  n = 1001;
  EXPECT_TRUE(IsInvalidArgumentFor(NormalizePageSize("page_size", &n), "page_size"));
  n = -1;
  EXPECT_TRUE(IsInvalidArgumentFor(NormalizePageSize("page_size", &n), "page_size"));
}

TEST(ValidateOutputOnlyEmpty, NamesTheField) {
  HOIDLA_EXPECT_OK(ValidateOutputOnlyEmpty("client.id", true));
  EXPECT_TRUE(IsInvalidArgumentFor(ValidateOutputOnlyEmpty("client.id", false), "client.id"));
}

// ---------------------------------------------------------------------------
// Ids

TEST(Ids, MadeIdsValidateAndSortByTime) {
  std::array<uint8_t, 10> r{};
  r.fill(0xff);
  std::string early = MakeId(IdKind::kClient, 1000, r);
  r.fill(0);
  std::string late = MakeId(IdKind::kClient, 1001, r);
  EXPECT_LT(early, late);
  EXPECT_EQ(early.size(), 4u + 26u);
  EXPECT_EQ(early.substr(0, 4), "cli_");
  HOIDLA_EXPECT_OK(ValidateId(early, IdKind::kClient, "id"));
  HOIDLA_EXPECT_OK(ValidateId(late, IdKind::kClient, "id"));
  r.fill(0xff);
  HOIDLA_EXPECT_OK(
      ValidateId(MakeId(IdKind::kDocument, (int64_t{1} << 48) - 1, r), IdKind::kDocument, "id"));
}

TEST(Ids, PrefixesAreStable) {
  EXPECT_EQ(IdPrefix(IdKind::kOrganization), "org");
  EXPECT_EQ(IdPrefix(IdKind::kProject), "prj");
  EXPECT_EQ(IdPrefix(IdKind::kClient), "cli");
  EXPECT_EQ(IdPrefix(IdKind::kCase), "cas");
  EXPECT_EQ(IdPrefix(IdKind::kDocument), "doc");
  EXPECT_EQ(IdPrefix(IdKind::kPrincipal), "prn");
}

TEST(Ids, MalformedIdsAreInvalidArgumentNamingTheField) {
  std::array<uint8_t, 10> r{};
  std::string good = MakeId(IdKind::kCase, 123456789, r);
  std::string upper = good;
  upper[5] = 'A';
  std::string bad_letter = good;
  bad_letter[6] = 'u';  // not in Crockford's alphabet
  std::string overflow = good;
  overflow[4] = '8';  // first digit carries only two bits
  for (const std::string& id :
       {std::string(""), std::string("cas_"), good.substr(0, good.size() - 1), good + "0",
        "cli" + good.substr(3), "cas-" + good.substr(4), upper, bad_letter, overflow}) {
    absl::Status s = ValidateId(id, IdKind::kCase, "case.id");
    EXPECT_TRUE(IsInvalidArgumentFor(s, "case.id")) << id;
  }
  EXPECT_EQ(std::string(ValidateId("", IdKind::kCase, "case.id").message()), "case.id: required");
}

}  // namespace
}  // namespace hoidla::core
