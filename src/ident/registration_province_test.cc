#include "ident/registration_province.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ndc::ident {
namespace {

// The 63 codes of Circular 07/2016/TT-BCA as listed in DOMAIN.md.
const std::vector<std::string> kPrefixes = {
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096"};

TEST(RegistrationProvince, ListsTheSixtyThreeCodesInOrder) {
  std::vector<std::string> prefixes;
  for (const RegistrationProvince& p : RegistrationProvinces()) prefixes.emplace_back(p.prefix);
  EXPECT_EQ(prefixes, kPrefixes);
}

TEST(RegistrationProvince, FindsByPrefix) {
  const RegistrationProvince* p = FindRegistrationProvince("002");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "Tỉnh Hà Giang");
  EXPECT_EQ(p->gso_code, "02");
  EXPECT_EQ(p->merged_into->code, "08");
  EXPECT_EQ(p->merged_into->name, "Tỉnh Tuyên Quang");
}

TEST(RegistrationProvince, SurvivingCodeMapsToItself) {
  EXPECT_EQ(FindRegistrationProvince("001")->merged_into->code, "01");
  EXPECT_EQ(FindRegistrationProvince("079")->merged_into->code, "79");
  EXPECT_EQ(FindRegistrationProvince("074")->merged_into->name, "Thành phố Hồ Chí Minh");  // Bình Dương
}

TEST(RegistrationProvince, EveryMergeTargetIsACurrentProvince) {
  for (const RegistrationProvince& p : RegistrationProvinces()) {
    ASSERT_NE(p.merged_into, nullptr) << p.prefix;
    EXPECT_EQ(p.merged_into->level, AdminLevel::kProvince) << p.prefix;
    EXPECT_EQ(p.prefix.substr(1), p.gso_code);
  }
}

TEST(RegistrationProvince, UnknownOrMalformedPrefixIsNull) {
  EXPECT_EQ(FindRegistrationProvince("003"), nullptr);
  EXPECT_EQ(FindRegistrationProvince("01"), nullptr);
  EXPECT_EQ(FindRegistrationProvince("0001"), nullptr);
  EXPECT_EQ(FindRegistrationProvince("0a1"), nullptr);
  EXPECT_EQ(FindRegistrationProvince(""), nullptr);
}

}  // namespace
}  // namespace ndc::ident
