#include "ident/identity_card.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::ident {
namespace {

TEST(IdentityCard, AcceptsNineDigits) { EXPECT_TRUE(ValidateIdentityCardNumber("012345678").ok()); }

TEST(IdentityCard, EmptyIsRejected) {
  EXPECT_EQ(ValidateIdentityCardNumber(""), InvalidArgumentError("identity card (CMND) number is empty"));
}

TEST(IdentityCard, WrongLengthNamesDigitCount) {
  EXPECT_EQ(ValidateIdentityCardNumber("01234567"),
            InvalidArgumentError("identity card (CMND) number must be 9 digits, got 8"));
  // A 12-digit number is a personal ID, not a CMND.
  EXPECT_EQ(ValidateIdentityCardNumber("001087012345"),
            InvalidArgumentError("identity card (CMND) number must be 9 digits, got 12"));
}

TEST(IdentityCard, NonDigitNamesCharacterAndPosition) {
  EXPECT_EQ(ValidateIdentityCardNumber("01A345678"),
            InvalidArgumentError("identity card (CMND) number has a non-digit 'A' at position 3"));
  EXPECT_EQ(ValidateIdentityCardNumber("0123456\xEF\xBC\x98"),
            InvalidArgumentError(
                "identity card (CMND) number has a non-digit '\xEF\xBC\x98' (U+FF18) at position 8"));
  EXPECT_EQ(
      ValidateIdentityCardNumber(std::string("0123\0"
                                             "5678",
                                             9)),
      InvalidArgumentError("identity card (CMND) number has a non-digit control byte 0x00 at position 5"));
}

}  // namespace
}  // namespace ndc::ident
