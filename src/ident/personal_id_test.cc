// Rules: Decree 137/2015/ND-CP art. 7 and Circular 07/2016/TT-BCA art. 7 (see personal_id.h).
#include "ident/personal_id.h"

#include <gtest/gtest.h>

#include <string>

#include "ident/registration_province.h"

namespace ndc::ident {
namespace {

TEST(PersonalId, ParsesProvinceSexAndYear) {
  const Result<PersonalId> id = ParsePersonalId("001087012345");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->province_code, "001");
  EXPECT_EQ(id->sex, Sex::kMale);
  EXPECT_EQ(id->birth_year, 1987);
}

TEST(PersonalId, OddCenturyDigitIsFemale) {
  EXPECT_EQ(*ParsePersonalId("079301000001"), (PersonalId{"079", Sex::kFemale, 2001}));
}

// Circular 07/2016/TT-BCA art. 7(2): digit 4 codes sex and century, 1900s to 2300s.
TEST(PersonalId, CenturyDigitCoversFiveCenturies) {
  for (int digit = 0; digit <= 9; ++digit) {
    const std::string text = "096" + std::to_string(digit) + "05123456";
    const Result<PersonalId> id = ParsePersonalId(text);
    ASSERT_TRUE(id.ok()) << text;
    EXPECT_EQ(id->birth_year, 1905 + (digit / 2) * 100) << text;
    EXPECT_EQ(id->sex, digit % 2 == 0 ? Sex::kMale : Sex::kFemale) << text;
  }
}

TEST(PersonalId, EmptyIsRejected) {
  EXPECT_EQ(ParsePersonalId("").status(), InvalidArgumentError("personal ID is empty"));
}

TEST(PersonalId, WrongLengthNamesDigitCount) {
  EXPECT_EQ(ParsePersonalId("00108701234").status(),
            InvalidArgumentError("personal ID must be 12 digits, got 11"));
  EXPECT_EQ(ParsePersonalId("0010870123456").status(),
            InvalidArgumentError("personal ID must be 12 digits, got 13"));
}

TEST(PersonalId, VeryLongInputIsRejectedByLength) {
  EXPECT_EQ(ParsePersonalId(std::string(1 << 20, '1')).status(),
            InvalidArgumentError("personal ID must be 12 digits, got 1048576"));
}

TEST(PersonalId, NonDigitNamesCharacterAndPosition) {
  EXPECT_EQ(ParsePersonalId("0010A7012345").status(),
            InvalidArgumentError("personal ID has a non-digit 'A' at position 5"));
}

TEST(PersonalId, NonDigitReportedBeforeLength) {
  EXPECT_EQ(ParsePersonalId("001 087 012 345").status(),
            InvalidArgumentError("personal ID has a non-digit ' ' at position 4"));
}

TEST(PersonalId, FullWidthDigitIsRejected) {
  // "００1087012345": full-width zeros look like digits but are U+FF10.
  EXPECT_EQ(ParsePersonalId("\xEF\xBC\x90\xEF\xBC\x90"
                            "1087012345")
                .status(),
            InvalidArgumentError("personal ID has a non-digit '\xEF\xBC\x90' (U+FF10) at position 1"));
}

TEST(PersonalId, EmbeddedNulIsRejected) {
  EXPECT_EQ(ParsePersonalId(std::string("001087\0"
                                        "12345",
                                        12))
                .status(),
            InvalidArgumentError("personal ID has a non-digit control byte 0x00 at position 7"));
}

TEST(PersonalId, InvalidUtf8IsRejected) {
  EXPECT_EQ(ParsePersonalId("00108701234\xFF").status(),
            InvalidArgumentError("personal ID has a non-digit invalid UTF-8 byte 0xFF at position 12"));
}

TEST(PersonalId, UnknownProvinceCodeIsRejected) {
  EXPECT_EQ(ParsePersonalId("003087012345").status(),
            InvalidArgumentError(
                "personal ID province code '003' is not a registration code (Circular 07/2016/TT-BCA)"));
  EXPECT_EQ(ParsePersonalId("000087012345").status(),
            InvalidArgumentError(
                "personal ID province code '000' is not a registration code (Circular 07/2016/TT-BCA)"));
  EXPECT_EQ(ParsePersonalId("097087012345").status(),
            InvalidArgumentError(
                "personal ID province code '097' is not a registration code (Circular 07/2016/TT-BCA)"));
}

TEST(PersonalId, EveryRegistrationPrefixIsAccepted) {
  for (const RegistrationProvince& p : RegistrationProvinces()) {
    EXPECT_TRUE(ParsePersonalId(std::string(p.prefix) + "087012345").ok()) << p.prefix;
  }
}

TEST(ValidatePersonalId, AgreesWithBirthDateAndSex) {
  PersonalIdFacts facts;
  facts.birth_date = Date{1987, 3, 2};
  facts.sex = Sex::kMale;
  facts.today = Date{2026, 1, 1};
  EXPECT_TRUE(ValidatePersonalId("001087012345", facts).ok());
}

TEST(ValidatePersonalId, BirthYearMustMatchBirthDate) {
  PersonalIdFacts facts;
  facts.birth_date = Date{1988, 3, 2};
  EXPECT_EQ(ValidatePersonalId("001087012345", facts),
            InvalidArgumentError("personal ID says birth year 1987 but birth date is 1988-03-02"));
}

TEST(ValidatePersonalId, CenturyMustMatchBirthDate) {
  PersonalIdFacts facts;
  facts.birth_date = Date{2087, 3, 2};  // digit 4 = 0 says the 1900s
  EXPECT_EQ(ValidatePersonalId("001087012345", facts),
            InvalidArgumentError("personal ID says birth year 1987 but birth date is 2087-03-02"));
}

TEST(ValidatePersonalId, BirthYearOnlyIsCompared) {
  PersonalIdFacts facts;
  facts.birth_year = 1988;
  EXPECT_EQ(ValidatePersonalId("001087012345", facts),
            InvalidArgumentError("personal ID says birth year 1987 but birth year is 1988"));
}

TEST(ValidatePersonalId, SexMustMatch) {
  PersonalIdFacts facts;
  facts.sex = Sex::kMale;
  EXPECT_EQ(ValidatePersonalId("001187012345", facts),
            InvalidArgumentError("personal ID says female (digit 4 = 1) but sex is male"));
  facts.sex = Sex::kFemale;
  EXPECT_EQ(ValidatePersonalId("001287012345", facts),
            InvalidArgumentError("personal ID says male (digit 4 = 2) but sex is female"));
}

TEST(ValidatePersonalId, FutureBirthYearIsRejected) {
  PersonalIdFacts facts;
  facts.today = Date{2026, 1, 1};
  EXPECT_EQ(ValidatePersonalId("001487012345", facts),
            InvalidArgumentError("personal ID says birth year 2187 (digit 4 = 4), after today 2026-01-01"));
  EXPECT_TRUE(ValidatePersonalId("001226012345", facts).ok());  // born 2026
}

TEST(ValidatePersonalId, StructureErrorsComeFirst) {
  PersonalIdFacts facts;
  facts.sex = Sex::kFemale;
  EXPECT_EQ(ValidatePersonalId("0010870123", facts),
            InvalidArgumentError("personal ID must be 12 digits, got 10"));
}

TEST(MakePersonalId, BuildsTheNumber) {
  EXPECT_EQ(*MakePersonalId("001", Sex::kMale, 1987, 12345), "001087012345");
  EXPECT_EQ(*MakePersonalId("079", Sex::kFemale, 2001, 1), "079301000001");
  EXPECT_EQ(*MakePersonalId("096", Sex::kFemale, 2399, 999999), "096999999999");
}

TEST(MakePersonalId, RoundTripsThroughParse) {
  for (const RegistrationProvince& p : RegistrationProvinces()) {
    for (int year : {1900, 1999, 2000, 2025, 2150, 2399}) {
      for (Sex sex : {Sex::kMale, Sex::kFemale}) {
        const Result<std::string> text = MakePersonalId(p.prefix, sex, year, 424242);
        ASSERT_TRUE(text.ok()) << text.status().ToString();
        EXPECT_EQ(*ParsePersonalId(*text), (PersonalId{p.prefix, sex, year})) << *text;
      }
    }
  }
}

TEST(MakePersonalId, RejectsUnknownProvince) {
  EXPECT_EQ(MakePersonalId("003", Sex::kMale, 1987, 1).status(),
            InvalidArgumentError(
                "province code '003' is not a personal ID registration code (Circular 07/2016/TT-BCA)"));
  EXPECT_EQ(MakePersonalId("1", Sex::kMale, 1987, 1).status(),
            InvalidArgumentError(
                "province code '1' is not a personal ID registration code (Circular 07/2016/TT-BCA)"));
}

TEST(MakePersonalId, RejectsYearOutsideEncodableRange) {
  EXPECT_EQ(MakePersonalId("001", Sex::kMale, 1899, 1).status(),
            InvalidArgumentError("birth year 1899 cannot be encoded in a personal ID (1900-2399)"));
  EXPECT_EQ(MakePersonalId("001", Sex::kMale, 2400, 1).status(),
            InvalidArgumentError("birth year 2400 cannot be encoded in a personal ID (1900-2399)"));
}

TEST(MakePersonalId, RejectsRandomPartOverSixDigits) {
  EXPECT_EQ(MakePersonalId("001", Sex::kMale, 1987, 1000000).status(),
            InvalidArgumentError("random part 1000000 does not fit in 6 digits (0-999999)"));
}

}  // namespace
}  // namespace ndc::ident
