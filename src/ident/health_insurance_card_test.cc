// Card structure: Decision 1351/QĐ-BHXH (2015); 10-digit cards: Decision 1666/QĐ-BHXH (2020).
#include "ident/health_insurance_card.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::ident {
namespace {

Status ErrorOf(std::string_view text) { return ParseHealthInsuranceCard(text).status(); }

TEST(HealthInsuranceCard, ParsesLongForm) {
  const Result<HealthInsuranceCard> card = ParseHealthInsuranceCard("DN4797912345678");
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  EXPECT_EQ(*card, (HealthInsuranceCard{"DN", 4, "79", "7912345678"}));
}

TEST(HealthInsuranceCard, GroupLettersAreCaseInsensitive) {
  EXPECT_EQ(ParseHealthInsuranceCard("te1010112345678")->group, "TE");
}

TEST(HealthInsuranceCard, ParsesTenDigitForm) {
  EXPECT_EQ(*ParseHealthInsuranceCard("7912345678"), (HealthInsuranceCard{"", 0, "", "7912345678"}));
}

TEST(HealthInsuranceCard, ArmedForcesProvinceCodes) {
  EXPECT_EQ(ParseHealthInsuranceCard("QN5970112345678")->province_code, "97");
  EXPECT_EQ(ParseHealthInsuranceCard("CA5980112345678")->province_code, "98");
}

TEST(HealthInsuranceCard, EmptyAndWrongLength) {
  EXPECT_EQ(ErrorOf(""), InvalidArgumentError("health insurance card code is empty"));
  const std::string expected =
      "health insurance card code must be 15 characters (group, benefit level, province, "
      "social insurance number) or 10 digits, got ";
  EXPECT_EQ(ErrorOf("DN47979123456"), InvalidArgumentError(expected + "13"));
  EXPECT_EQ(ErrorOf("DN479791234567\xC3\xA9"),
            InvalidArgumentError(expected + "15"));  // 16 bytes, 15 characters
  EXPECT_EQ(ErrorOf(std::string(1 << 20, 'D')), InvalidArgumentError(expected + "1048576"));
}

TEST(HealthInsuranceCard, GroupMustBeLetters) {
  EXPECT_EQ(
      ErrorOf("D44797912345678"),
      InvalidArgumentError("health insurance card beneficiary group has a non-letter '4' at position 2"));
  EXPECT_EQ(ErrorOf("\xC4\x90N479791234567"),  // "ĐN...": 15 bytes
            InvalidArgumentError(
                "health insurance card beneficiary group has a non-letter 'Đ' (U+0110) at position 1"));
}

TEST(HealthInsuranceCard, UnknownGroupIsRejected) {
  EXPECT_EQ(ErrorOf("ZZ4797912345678"),
            InvalidArgumentError("health insurance card beneficiary group 'ZZ' is not a known group code"));
}

TEST(HealthInsuranceCard, ExtraGroupsExtendTheList) {
  const std::string_view extra[] = {"ZZ"};
  EXPECT_TRUE(ParseHealthInsuranceCard("ZZ4797912345678", {.extra_groups = extra}).ok());
}

TEST(HealthInsuranceCard, BenefitLevelMustBeOneToFive) {
  EXPECT_EQ(
      ErrorOf("DN6797912345678"),
      InvalidArgumentError("health insurance card benefit level must be a digit 1-5, got '6' at position 3"));
  EXPECT_EQ(
      ErrorOf("DN0797912345678"),
      InvalidArgumentError("health insurance card benefit level must be a digit 1-5, got '0' at position 3"));
  EXPECT_EQ(
      ErrorOf(std::string("DN\0"
                          "797912345678",
                          15)),
      InvalidArgumentError(
          "health insurance card benefit level must be a digit 1-5, got control byte 0x00 at position 3"));
}

TEST(HealthInsuranceCard, ProvinceCodeMustBeKnown) {
  EXPECT_EQ(ErrorOf("DN47O7912345678"),
            InvalidArgumentError("health insurance card province code has a non-digit 'O' at position 5"));
  EXPECT_EQ(
      ErrorOf("DN4037912345678"),
      InvalidArgumentError(
          "health insurance card province code '03' is not a province code (pre-2025 GSO code, 97 or 98)"));
  EXPECT_EQ(
      ErrorOf("DN4997912345678"),
      InvalidArgumentError(
          "health insurance card province code '99' is not a province code (pre-2025 GSO code, 97 or 98)"));
}

TEST(HealthInsuranceCard, SocialInsuranceNumberMustBeDigits) {
  EXPECT_EQ(ErrorOf("DN479791234567X"),
            InvalidArgumentError(
                "health insurance card social insurance number has a non-digit 'X' at position 15"));
}

TEST(HealthInsuranceCard, TenDigitFormMustBeDigits) {
  EXPECT_EQ(ErrorOf("79123456X8"),
            InvalidArgumentError("health insurance card code has a non-digit 'X' at position 9"));
}

TEST(BeneficiaryGroups, SortedUniqueAndFindable) {
  const auto groups = BeneficiaryGroups();
  for (size_t i = 1; i < groups.size(); ++i) EXPECT_LT(groups[i - 1].code, groups[i].code);
  for (const BeneficiaryGroup& g : groups) EXPECT_EQ(FindBeneficiaryGroup(g.code), &g);
  EXPECT_EQ(FindBeneficiaryGroup("DN")->category, BeneficiaryCategory::kEmployment);
  EXPECT_EQ(FindBeneficiaryGroup("GD")->category, BeneficiaryCategory::kHousehold);
  EXPECT_EQ(FindBeneficiaryGroup("dn"), nullptr);
}

TEST(BeneficiaryGroups, IncludesTheCodesNamedInDomainNotes) {
  for (const char* code : {"DN", "HC", "HS", "SV", "TE", "GD", "HN", "CN", "CB", "XK", "TN"}) {
    EXPECT_NE(FindBeneficiaryGroup(code), nullptr) << code;
  }
}

}  // namespace
}  // namespace ndc::ident
