#include "ident/phone.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::ident {
namespace {

std::string National(std::string_view text, PhoneOptions options = {}) {
  const Result<PhoneNumber> phone = ParsePhoneNumber(text, options);
  return phone.ok() ? phone->national : phone.status().ToString();
}

Status ErrorOf(std::string_view text) { return ParsePhoneNumber(text).status(); }

TEST(Phone, AcceptsMobilePrefixes) {
  for (const char* text : {"0312345678", "0512345678", "0712345678", "0812345678", "0912345678"}) {
    const Result<PhoneNumber> phone = ParsePhoneNumber(text);
    ASSERT_TRUE(phone.ok()) << text;
    EXPECT_EQ(phone->national, text);
    EXPECT_EQ(phone->kind, PhoneKind::kMobile);
  }
}

TEST(Phone, AcceptsLandline) {
  const Result<PhoneNumber> phone = ParsePhoneNumber("024 3825 1234");
  ASSERT_TRUE(phone.ok());
  EXPECT_EQ(phone->national, "02438251234");
  EXPECT_EQ(phone->kind, PhoneKind::kLandline);
}

TEST(Phone, NormalizesCountryCodeAndSeparators) {
  EXPECT_EQ(National("+84 912 345 678"), "0912345678");
  EXPECT_EQ(National("+84912345678"), "0912345678");
  EXPECT_EQ(National("84912345678"), "0912345678");
  EXPECT_EQ(National("0084 912 345 678"), "0912345678");
  EXPECT_EQ(National("0912.345.678"), "0912345678");
  EXPECT_EQ(National("0912-345-678"), "0912345678");
  EXPECT_EQ(National("(024) 3825-1234"), "02438251234");
  EXPECT_EQ(National("+84 24 3825 1234"), "02438251234");
  EXPECT_EQ(National("842438251234"), "02438251234");
}

TEST(Phone, DropsStrayZeroAfterCountryCode) { EXPECT_EQ(National("+84 (0) 912 345 678"), "0912345678"); }

TEST(Phone, DoubleLeadingZeroIsNotACountryCode) {
  EXPECT_EQ(ErrorOf("00912345678"),
            InvalidArgumentError(
                "phone number prefix 00 is not a Vietnamese mobile (03, 05, 07, 08, 09) or landline "
                "(02) prefix"));
}

TEST(Phone, E164) { EXPECT_EQ(ParsePhoneNumber("0912345678")->E164(), "+84912345678"); }

TEST(Phone, EmptyAndNoDigits) {
  EXPECT_EQ(ErrorOf(""), InvalidArgumentError("phone number is empty"));
  EXPECT_EQ(ErrorOf(" - "), InvalidArgumentError("phone number has no digits"));
  EXPECT_EQ(ErrorOf("+"), InvalidArgumentError("phone number has no digits"));
}

TEST(Phone, InvalidCharacterNamesPosition) {
  const std::string allowed = " (expected digits, spaces, dots, dashes, parentheses and a leading '+')";
  EXPECT_EQ(ErrorOf("091x345678"),
            InvalidArgumentError("phone number has an invalid character 'x' at position 4" + allowed));
  EXPECT_EQ(ErrorOf("0912+345678"),
            InvalidArgumentError("phone number has an invalid character '+' at position 5" + allowed));
  EXPECT_EQ(ErrorOf("\xEF\xBC\x90"
                    "912345678"),
            InvalidArgumentError(
                "phone number has an invalid character '\xEF\xBC\x90' (U+FF10) at position 1" + allowed));
  EXPECT_EQ(ErrorOf(std::string("0912\0"
                                "345678",
                                11)),
            InvalidArgumentError("phone number has an invalid character control byte 0x00 at position 5" +
                                 allowed));
}

TEST(Phone, TooManyDigits) {
  EXPECT_EQ(ErrorOf(std::string(100000, '9')),
            InvalidArgumentError("phone number has 100000 digits, more than any Vietnamese number"));
}

TEST(Phone, ForeignCountryCodeIsRejected) {
  EXPECT_EQ(ErrorOf("+1 650 253 0000"),
            InvalidArgumentError("phone number is not Vietnamese: after '+' it must start with 84"));
}

TEST(Phone, MustStartWithZeroOrCountryCode) {
  EXPECT_EQ(ErrorOf("912345678"), InvalidArgumentError("phone number must start with 0, 84 or +84"));
}

TEST(Phone, WrongLengthNamesPrefixAndCount) {
  EXPECT_EQ(ErrorOf("091234567"),
            InvalidArgumentError("phone number with mobile prefix 09 must have 10 digits, got 9"));
  EXPECT_EQ(ErrorOf("09123456789"),
            InvalidArgumentError("phone number with mobile prefix 09 must have 10 digits, got 11"));
  EXPECT_EQ(ErrorOf("+84 91234567"),
            InvalidArgumentError("phone number with mobile prefix 09 must have 10 digits, got 9"));
  EXPECT_EQ(ErrorOf("0243825123"),
            InvalidArgumentError("phone number with landline prefix 02 must have 11 digits, got 10"));
  EXPECT_EQ(ErrorOf("0"),
            InvalidArgumentError("phone number must have 10 digits (mobile) or 11 (landline), got 1"));
}

TEST(Phone, UnusedPrefixesAreRejected) {
  EXPECT_EQ(
      ErrorOf("0612345678"),
      InvalidArgumentError(
          "phone number prefix 06 is not a Vietnamese mobile (03, 05, 07, 08, 09) or landline (02) prefix"));
  EXPECT_EQ(
      ErrorOf("0412345678"),
      InvalidArgumentError(
          "phone number prefix 04 is not a Vietnamese mobile (03, 05, 07, 08, 09) or landline (02) prefix"));
  EXPECT_EQ(
      ErrorOf("0123456789"),
      InvalidArgumentError(
          "phone number prefix 01 is not a Vietnamese mobile (03, 05, 07, 08, 09) or landline (02) prefix"));
}

// Decision 798/QĐ-BTTTT (2018): 11-digit mobile numbers moved to 10 digits.
TEST(Phone, Pre2018MobileIsRejectedWithItsNewPrefix) {
  EXPECT_EQ(
      ErrorOf("01681234567"),
      InvalidArgumentError("phone number uses the pre-2018 mobile prefix 0168, renumbered to 038 in 2018"));
  EXPECT_EQ(
      ErrorOf("+84 168 123 4567"),
      InvalidArgumentError("phone number uses the pre-2018 mobile prefix 0168, renumbered to 038 in 2018"));
}

TEST(Phone, Pre2018MobileIsConvertedOnRequest) {
  const PhoneOptions convert{.convert_pre2018_mobile = true};
  EXPECT_EQ(National("01681234567", convert), "0381234567");
  EXPECT_EQ(National("0120 123 4567", convert), "0701234567");
  EXPECT_EQ(National("01991234567", convert), "0591234567");
  EXPECT_EQ(ParsePhoneNumber("01681234567", convert)->kind, PhoneKind::kMobile);
  EXPECT_EQ(
      National("01101234567", convert),
      "INVALID_ARGUMENT: phone number prefix 01 is not a Vietnamese mobile (03, 05, 07, 08, 09) or landline "
      "(02) prefix");
}

TEST(Phone, MessagesNeverContainTheNumber) {
  for (const char* text : {"091234567", "01681234567", "0612345678", "+1 650 253 0000"}) {
    EXPECT_EQ(ErrorOf(text).message().find("1234"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace ndc::ident
