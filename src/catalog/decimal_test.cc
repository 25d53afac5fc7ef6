// internal/decimal.h: exact comparison of decimal text, and the plain form of JSON numbers.
#include "catalog/internal/decimal.h"

#include <gtest/gtest.h>

#include <vector>

namespace ndc::catalog::internal {
namespace {

TEST(CompareDecimals, OrdersBySignThenIntegerThenFraction) {
  EXPECT_LT(CompareDecimals("-2", "-1"), 0);
  EXPECT_LT(CompareDecimals("-1", "0"), 0);
  EXPECT_LT(CompareDecimals("-0.5", "0.5"), 0);
  EXPECT_LT(CompareDecimals("9", "10"), 0);
  EXPECT_LT(CompareDecimals("1.09", "1.1"), 0);
  EXPECT_LT(CompareDecimals("1.5", "1.55"), 0);
  EXPECT_GT(CompareDecimals("-1.5", "-1.55"), 0);
  EXPECT_GT(CompareDecimals("-9", "-10"), 0);
  EXPECT_GT(CompareDecimals("+3", "-3"), 0);
}

TEST(CompareDecimals, ZeroSignLeadingAndTrailingZerosDoNotMatter) {
  EXPECT_EQ(CompareDecimals("-0", "0"), 0);
  EXPECT_EQ(CompareDecimals("-0.000", "+0"), 0);
  EXPECT_EQ(CompareDecimals("007.50", "7.5"), 0);
  EXPECT_EQ(CompareDecimals("+12", "12.000"), 0);
  EXPECT_EQ(CompareDecimals(".5", "0.50"), 0);  // the validator accepts a value without integer digits
  EXPECT_LT(CompareDecimals("-0", "0.0001"), 0);
  EXPECT_GT(CompareDecimals("-0", "-0.0001"), 0);
  EXPECT_LT(CompareDecimals("0009", "10"), 0);  // leading zeros never make a number longer
}

// The regression: a long double holds ~19 significant digits; values have up to 38.
TEST(RespelledDecimal, IsTheOneSpellingOfEachValue) {
  EXPECT_EQ(RespelledDecimal("1.5"), std::nullopt);
  EXPECT_EQ(RespelledDecimal("0.5"), std::nullopt);
  EXPECT_EQ(RespelledDecimal("-12"), std::nullopt);
  EXPECT_EQ(RespelledDecimal("0"), std::nullopt);
  EXPECT_EQ(RespelledDecimal("1.50"), "1.5");
  EXPECT_EQ(RespelledDecimal("007.50"), "7.5");
  EXPECT_EQ(RespelledDecimal(".5"), "0.5");
  EXPECT_EQ(RespelledDecimal("-0.00"), "0");
  EXPECT_EQ(RespelledDecimal("+3"), "3");
  EXPECT_EQ(RespelledDecimal("2.0"), "2");
  EXPECT_EQ(RespelledDecimal("-000.010"), "-0.01");
  // Equal exactly when CompareDecimals says so.
  const char* values[] = {"1.5", "1.50", "01.5", "-1.5", "0", "-0", "0.0", ".0", "10", "1", "1.05", "100.00",
                          "-0.5", "-.5", "+.5", "0.5", "00", "-00.010", "-0.01", "+0", "7", "+7.0"};
  for (const char* a : values) {
    for (const char* b : values) {
      const std::string ca = RespelledDecimal(a).value_or(a), cb = RespelledDecimal(b).value_or(b);
      EXPECT_EQ(ca == cb, CompareDecimals(a, b) == 0) << a << " " << b;
      EXPECT_EQ(RespelledDecimal(ca), std::nullopt) << a;  // the canonical spelling is its own
    }
  }
}

TEST(CompareDecimals, IsExactPastWhatALongDoubleHolds) {
  EXPECT_GT(CompareDecimals("10000000000000000000", "9999999999999999999.99"), 0);
  EXPECT_LT(CompareDecimals("9999999999999999999.98", "9999999999999999999.99"), 0);
  EXPECT_GT(
      CompareDecimals("12345678901234567890123456789012345678", "12345678901234567890123456789012345677"), 0);
  EXPECT_LT(
      CompareDecimals("0.00000000000000000000000000000000000001", "0.00000000000000000000000000000000000002"),
      0);
  EXPECT_LT(CompareDecimals("-10000000000000000000", "-9999999999999999999.99"), 0);
}

// Checked against a naive reference: small values as integer counts of thousandths.
TEST(CompareDecimals, AgreesWithIntegerArithmeticOnSmallValues) {
  std::vector<std::pair<std::string, int>> values;  // text, value in thousandths
  for (int v = -2100; v <= 2100; v += 7) {
    const int a = v < 0 ? -v : v;
    const std::string sign = v < 0 ? "-" : (v % 2 ? "+" : "");
    values.push_back({sign + std::to_string(a / 1000) + "." + std::to_string(1000 + a % 1000).substr(1), v});
    if (a % 1000 == 0) values.push_back({sign + "00" + std::to_string(a / 1000), v});
  }
  for (const auto& [a, x] : values) {
    for (const auto& [b, y] : values) {
      const int want = x < y ? -1 : (x > y ? 1 : 0);
      const int got = CompareDecimals(a, b);
      ASSERT_EQ((got > 0) - (got < 0), want) << a << " vs " << b;
    }
  }
}

TEST(SignificantDigits, CountsFromTheFirstToTheLastNonZeroDigit) {
  EXPECT_EQ(SignificantDigits("0"), 0u);
  EXPECT_EQ(SignificantDigits("-0.000"), 0u);
  EXPECT_EQ(SignificantDigits("100.0"), 1u);
  EXPECT_EQ(SignificantDigits("0.00015"), 2u);
  EXPECT_EQ(SignificantDigits("1.50e-07"), 2u);
  EXPECT_EQ(SignificantDigits("1.2345678901234568e+16"), 17u);
}

TEST(PlainDecimal, WritesAnExponentOut) {
  EXPECT_EQ(PlainDecimal("1e-05", 38), "0.00001");
  EXPECT_EQ(PlainDecimal("1e+16", 38), "10000000000000000");
  EXPECT_EQ(PlainDecimal("2.50E+3", 38), "2500");
  EXPECT_EQ(PlainDecimal("-1.5e-07", 38), "-0.00000015");
  EXPECT_EQ(PlainDecimal("12.345e1", 38), "123.45");
  EXPECT_EQ(PlainDecimal("12.345e-1", 38), "1.2345");
  EXPECT_EQ(PlainDecimal("-0e7", 38), "0");
  EXPECT_EQ(PlainDecimal("1.2345678901234568e+16", 38), "12345678901234568");
}

TEST(PlainDecimal, KeepsAPlainNumberAsWritten) {
  EXPECT_EQ(PlainDecimal("100.0", 38), "100.0");
  EXPECT_EQ(PlainDecimal("-0.1", 38), "-0.1");
  EXPECT_EQ(PlainDecimal("007", 38), "007");
}

TEST(PlainDecimal, RefusesWhatIsNotANumberOrTooLong) {
  for (std::string_view bad :
       {"", "-", "e5", "1e", "1e+", ".5", "1.", "1.e3", "+1", "1e5.5", "0x10", "1 e5", "NaN"}) {
    EXPECT_EQ(PlainDecimal(bad, 38), std::nullopt) << bad;
  }
  EXPECT_EQ(PlainDecimal("1e37", 38), std::string("1") + std::string(37, '0'));
  EXPECT_EQ(PlainDecimal("1e38", 38), std::nullopt);  // 39 digits
  EXPECT_EQ(PlainDecimal("1e-37", 38), "0." + std::string(36, '0') + "1");
  EXPECT_EQ(PlainDecimal("1e-38", 38), std::nullopt);  // 0. and 38 more digits
  EXPECT_EQ(PlainDecimal("1e999999999999", 38), std::nullopt);
  EXPECT_EQ(PlainDecimal("0e999999999999", 38), "0");
}

}  // namespace
}  // namespace ndc::catalog::internal
