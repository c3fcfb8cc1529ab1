// The storage key grammar (vault/storage/layout.h, doc/storage-layout.md).
#include "vault/storage/layout.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace hoidla::storage::layout {
namespace {

TEST(Layout, AKeyIsTheWordAndItsFieldsJoinedBySlashes) {
  EXPECT_EQ(directory::kCasesOfClient.Key("cli_1", "cas_2"), "cas-by-cli/cli_1/cas_2");
  EXPECT_EQ(directory::kLocation.Key("doc_9"), "loc/doc_9");
  EXPECT_EQ(sealing::kRecordVersion.Key("cns", "cns_1/0000000002"), "rv/cns/cns_1/0000000002");
}

TEST(Layout, APrefixEndsInASlashSoNoIdIsAPrefixOfAnother) {
  EXPECT_EQ(records::kRecordsOfClient.Prefix("cli_1"), "rec-by-cli/cli_1/");
  EXPECT_EQ(documents::kPendingUpload.Prefix(), "pending/");
  const std::string longer = records::kRecordsOfClient.Key("cli_12", "rec_1");
  EXPECT_FALSE(longer.starts_with(records::kRecordsOfClient.Prefix("cli_1")));
  EXPECT_TRUE(records::kRecordsOfClient.Key("cli_1", "rec_1")
                  .starts_with(records::kRecordsOfClient.Prefix("cli_1")));
}

TEST(Layout, RestIsWhatFollowsThePrefix) {
  const std::string prefix = consent::kConsentsOfClient.Prefix("cli_1");
  EXPECT_EQ(Rest(consent::kConsentsOfClient.Key("cli_1", "cns_7"), prefix), "cns_7");
  EXPECT_EQ(Rest("cns", prefix), "");
}

TEST(Layout, VersionedIdsSortByVersion) {
  std::vector<std::string> ids = {VersionedId("rec_1", 10), VersionedId("rec_1", 9),
                                  VersionedId("rec_1", 100), VersionedId("rec_1", 1)};
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"rec_1/0000000001", "rec_1/0000000009",
                                           "rec_1/0000000010", "rec_1/0000000100"}));
  EXPECT_EQ(VersionedId("rec_1", UINT32_MAX), "rec_1/4294967295");
}

TEST(Layout, VersionOfReadsOnlyAVersionedIdOfThatId) {
  EXPECT_EQ(VersionOf("rec_1/0000000042", "rec_1"), 42u);
  EXPECT_EQ(VersionOf("rec_1/4294967295", "rec_1"), UINT32_MAX);
  EXPECT_EQ(VersionOf("rec_1/9999999999", "rec_1"), std::nullopt);  // past u32
  EXPECT_EQ(VersionOf("rec_2/0000000042", "rec_1"), std::nullopt);
  EXPECT_EQ(VersionOf("rec_1/000000042", "rec_1"), std::nullopt);  // 9 digits
  EXPECT_EQ(VersionOf("rec_1/00000000-1", "rec_1"), std::nullopt);
  EXPECT_EQ(VersionOf("rec_1x0000000042", "rec_1"), std::nullopt);
  EXPECT_EQ(VersionOf("rec_10000000042", "rec_1"), std::nullopt);
}

TEST(Layout, RecordKeysAreKindSlashId) {
  EXPECT_EQ(RecordKey(directory::kOrganization, "org_1"), "org/org_1");
  EXPECT_EQ(KindPrefix(identity::kPrincipal), "prn/");
  EXPECT_EQ(RecordKey(consent::kConsent, VersionedId("cns_1", 3)), "cns/cns_1/0000000003");
}

}  // namespace
}  // namespace hoidla::storage::layout
