#include "ident/email.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::ident {
namespace {

TEST(Email, AcceptsCommonAddresses) {
  for (const char* text : {"an.nguyen@example.vn", "user+tag@mail.gov.vn", "x@a.co", "o'neil@example.com",
                           "a!#$%&'*+/=?^_`{|}~-b@example.com", "u@xn--bcher-kva.example", "u@123.example"}) {
    EXPECT_TRUE(ValidateEmail(text).ok()) << text << ": " << ValidateEmail(text).ToString();
  }
}

TEST(Email, NormalizeLowerCasesDomainOnly) {
  EXPECT_EQ(*NormalizeEmail("An.Nguyen@Example.VN"), "An.Nguyen@example.vn");
}

TEST(Email, EmptyAndMissingAt) {
  EXPECT_EQ(ValidateEmail(""), InvalidArgumentError("email is empty"));
  EXPECT_EQ(ValidateEmail("an.example.vn"), InvalidArgumentError("email has no '@'"));
  EXPECT_EQ(ValidateEmail("a@b@example.vn"),
            InvalidArgumentError("email has more than one '@' (position 4)"));
}

TEST(Email, LengthLimits) {
  const std::string domain =
      "@" + std::string(63, 'd') + "." + std::string(63, 'd') + "." + std::string(63, 'd') + ".vn";
  EXPECT_TRUE(ValidateEmail(std::string(64, 'a') + "@example.vn").ok());
  EXPECT_EQ(ValidateEmail(std::string(65, 'a') + "@example.vn"),
            InvalidArgumentError("email local part is 65 characters long; the limit is 64"));
  EXPECT_EQ(ValidateEmail(std::string(64, 'a') + domain),
            InvalidArgumentError("email is 259 bytes long; the limit is 254"));
  EXPECT_EQ(ValidateEmail(std::string(1 << 20, 'a')),
            InvalidArgumentError("email is 1048576 bytes long; the limit is 254"));
}

TEST(Email, LocalPartRules) {
  EXPECT_EQ(ValidateEmail("@example.vn"), InvalidArgumentError("email local part (before '@') is empty"));
  EXPECT_EQ(ValidateEmail(".an@example.vn"),
            InvalidArgumentError("email local part must not start or end with '.'"));
  EXPECT_EQ(ValidateEmail("an.@example.vn"),
            InvalidArgumentError("email local part must not start or end with '.'"));
  EXPECT_EQ(ValidateEmail("an..b@example.vn"),
            InvalidArgumentError("email local part has consecutive dots at position 4"));
  EXPECT_EQ(ValidateEmail("an b@example.vn"),
            InvalidArgumentError("email local part has an invalid character ' ' at position 3"));
  EXPECT_EQ(ValidateEmail("\"an\"@example.vn"),
            InvalidArgumentError("email local part has an invalid character '\"' at position 1"));
  EXPECT_EQ(
      ValidateEmail(std::string("an\0b@example.vn", 15)),
      InvalidArgumentError("email local part has an invalid character control byte 0x00 at position 3"));
}

TEST(Email, NonAsciiIsRejected) {
  EXPECT_EQ(
      ValidateEmail("nguyễn@example.vn"),
      InvalidArgumentError("email has a non-ASCII character 'ễ' (U+1EC5) at position 5; internationalized "
                           "addresses are not accepted"));
  EXPECT_EQ(ValidateEmail("an@\xEF\xBD\x85xample.vn"),
            InvalidArgumentError("email has a non-ASCII character '\xEF\xBD\x85' (U+FF45) at position 4; "
                                 "internationalized addresses are not accepted"));
}

TEST(Email, DomainRules) {
  EXPECT_EQ(ValidateEmail("an@"), InvalidArgumentError("email domain (after '@') is empty"));
  EXPECT_EQ(ValidateEmail("an@exa_mple.vn"),
            InvalidArgumentError("email domain has an invalid character '_' at position 7"));
  EXPECT_EQ(ValidateEmail("an@example..vn"),
            InvalidArgumentError("email domain has an empty label at position 12"));
  EXPECT_EQ(ValidateEmail("an@.example.vn"),
            InvalidArgumentError("email domain has an empty label at position 4"));
  EXPECT_EQ(ValidateEmail("an@example.vn."),
            InvalidArgumentError("email domain has an empty label at position 15"));
  EXPECT_EQ(ValidateEmail("an@-example.vn"),
            InvalidArgumentError("email domain label at position 4 starts or ends with '-'"));
  EXPECT_EQ(ValidateEmail("an@example-.vn"),
            InvalidArgumentError("email domain label at position 4 starts or ends with '-'"));
  EXPECT_EQ(ValidateEmail("an@localhost"),
            InvalidArgumentError("email domain must have at least two labels (like example.vn)"));
  EXPECT_EQ(ValidateEmail("an@" + std::string(64, 'd') + ".vn"),
            InvalidArgumentError("email domain label at position 4 is 64 characters long; the limit is 63"));
}

TEST(Email, IpAddressesAreRejected) {
  EXPECT_EQ(
      ValidateEmail("an@192.168.1.1"),
      InvalidArgumentError("email domain's top-level label is all digits (IP addresses are not accepted)"));
  EXPECT_EQ(ValidateEmail("an@[192.168.1.1]"),
            InvalidArgumentError("email domain has an invalid character '[' at position 4"));
}

TEST(Email, NormalizePropagatesErrors) {
  EXPECT_EQ(NormalizeEmail("an@localhost").status(),
            InvalidArgumentError("email domain must have at least two labels (like example.vn)"));
}

}  // namespace
}  // namespace ndc::ident
