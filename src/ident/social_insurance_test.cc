#include "ident/social_insurance.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::ident {
namespace {

TEST(SocialInsuranceNumber, AcceptsTenDigits) {
  EXPECT_TRUE(ValidateSocialInsuranceNumber("7912345678").ok());
}

TEST(SocialInsuranceNumber, EmptyIsRejected) {
  EXPECT_EQ(ValidateSocialInsuranceNumber(""), InvalidArgumentError("social insurance number is empty"));
}

TEST(SocialInsuranceNumber, WrongLengthNamesDigitCount) {
  EXPECT_EQ(ValidateSocialInsuranceNumber("791234567"),
            InvalidArgumentError("social insurance number must be 10 digits, got 9"));
  EXPECT_EQ(ValidateSocialInsuranceNumber(std::string(5000, '9')),
            InvalidArgumentError("social insurance number must be 10 digits, got 5000"));
}

TEST(SocialInsuranceNumber, NonDigitNamesCharacterAndPosition) {
  EXPECT_EQ(ValidateSocialInsuranceNumber("7O12345678"),
            InvalidArgumentError("social insurance number has a non-digit 'O' at position 2"));
  EXPECT_EQ(
      ValidateSocialInsuranceNumber("\xEF\xBC\x97"
                                    "912345678"),
      InvalidArgumentError("social insurance number has a non-digit '\xEF\xBC\x97' (U+FF17) at position 1"));
  EXPECT_EQ(ValidateSocialInsuranceNumber(std::string("79123\0"
                                                      "5678",
                                                      10)),
            InvalidArgumentError("social insurance number has a non-digit control byte 0x00 at position 6"));
}

}  // namespace
}  // namespace ndc::ident
