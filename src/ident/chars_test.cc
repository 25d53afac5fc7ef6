#include "ident/internal/chars.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::ident::internal {
namespace {

TEST(DescribeCharAt, AsciiIsQuoted) { EXPECT_EQ(DescribeCharAt("12A", 2), "'A'"); }

TEST(DescribeCharAt, NonAsciiShowsCodePoint) {
  EXPECT_EQ(DescribeCharAt("1\xEF\xBC\x91", 1), "'\xEF\xBC\x91' (U+FF11)");  // full-width one
}

TEST(DescribeCharAt, ControlByteIsHex) {
  EXPECT_EQ(DescribeCharAt(std::string("1\0", 2), 1), "control byte 0x00");
  EXPECT_EQ(DescribeCharAt("\x7F", 0), "control byte 0x7F");
}

TEST(DescribeCharAt, InvalidUtf8IsHex) {
  EXPECT_EQ(DescribeCharAt("\xC3", 0), "invalid UTF-8 byte 0xC3");  // truncated
  EXPECT_EQ(DescribeCharAt("\x80"
                           "1",
                           0),
            "invalid UTF-8 byte 0x80");                                     // stray continuation
  EXPECT_EQ(DescribeCharAt("\xC0\xB1", 0), "invalid UTF-8 byte 0xC0");      // overlong '1'
  EXPECT_EQ(DescribeCharAt("\xED\xA0\x80", 0), "invalid UTF-8 byte 0xED");  // surrogate
}

TEST(CharPosition, CountsCodePointsNotBytes) {
  const std::string text =
      "\xEF\xBC\x91\xEF\xBC\x92"
      "A";  // "１２A"
  EXPECT_EQ(CharPosition(text, 0), 1u);
  EXPECT_EQ(CharPosition(text, 6), 3u);
  EXPECT_EQ(CharCount(text), 3u);
}

TEST(CharPosition, InvalidBytesCountOneEach) {
  EXPECT_EQ(CharPosition("\xC3\xC3"
                         "A",
                         2),
            3u);
}

TEST(Quote, EscapesControlAndInvalidBytes) { EXPECT_EQ(Quote(std::string("a\0b\xC3", 4)), "'a\\x00b\\xC3'"); }

TEST(Quote, KeepsValidUtf8) { EXPECT_EQ(Quote("Hà Nội"), "'Hà Nội'"); }

TEST(Quote, CutsLongInput) { EXPECT_EQ(Quote(std::string(100, '7')), "'" + std::string(40, '7') + "...'"); }

TEST(CheckDigits, AcceptsExactDigits) { EXPECT_TRUE(CheckDigits("code", "0123", 4).ok()); }

TEST(CheckDigits, ReportsEmptyNonDigitAndLength) {
  EXPECT_EQ(CheckDigits("code", "", 4), InvalidArgumentError("code is empty"));
  EXPECT_EQ(CheckDigits("code", "01x", 4), InvalidArgumentError("code has a non-digit 'x' at position 3"));
  EXPECT_EQ(CheckDigits("code", "012", 4), InvalidArgumentError("code must be 4 digits, got 3"));
}

TEST(CheckDigits, NonDigitWinsOverLength) {
  EXPECT_EQ(CheckDigits("code", "0 12345", 4),
            InvalidArgumentError("code has a non-digit ' ' at position 2"));
}

}  // namespace
}  // namespace ndc::ident::internal
