// The fast-path checks of internal/value_scan.h against the references they stand in for: ICU's
// normalization properties and normalizer, and RE2.
#include "catalog/internal/value_scan.h"

#include <gtest/gtest.h>
#include <re2/re2.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>

#include "text/unicode.h"

namespace ndc::catalog::internal {
namespace {

TEST(IsQuickNfcCodePoint, EveryCodePointIsAStarterWithQuickCheckYes) {
  int checked = 0;
  for (char32_t cp = 0; cp < 0x3000; ++cp) {
    if (!IsQuickNfcCodePoint(cp)) continue;
    const auto c = static_cast<UChar32>(cp);
    EXPECT_EQ(u_getCombiningClass(c), 0) << std::hex << "U+" << static_cast<uint32_t>(cp);
    EXPECT_EQ(u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK), UNORM_YES) << std::hex << "U+" << static_cast<uint32_t>(cp);
    ++checked;
  }
  EXPECT_EQ(checked, 0x80 + (0x250 - 0xA0) + 0x100);
}

TEST(IsPlainNfc, AcceptedTextIsValidAndUnchangedByNfc) {
  for (char32_t cp = 0x20; cp < 0x2000; ++cp) {
    const std::string s = "x" + text::EncodeUtf8(std::u32string(1, cp)) + "y";
    if (!IsPlainNfc(s)) continue;
    // Nothing the general path would refuse is let through.
    EXPECT_FALSE(text::IsControlOrFormatting(cp)) << std::hex << "U+" << static_cast<uint32_t>(cp);
    auto nfc = text::NormalizeNfc(s);
    ASSERT_TRUE(nfc.ok()) << std::hex << "U+" << static_cast<uint32_t>(cp);
    EXPECT_EQ(*nfc, s) << std::hex << "U+" << static_cast<uint32_t>(cp);
  }
}

TEST(IsPlainNfc, DeclinesWhatNeedsTheGeneralPath) {
  EXPECT_TRUE(IsPlainNfc("Nguyễn Thị Ánh, Đà Nẵng"));
  EXPECT_TRUE(IsPlainNfc("0123456789 abcdefghij"));
  EXPECT_FALSE(IsPlainNfc("Nguye\u0302\u0303n"));        // decomposed: must be composed
  EXPECT_FALSE(IsPlainNfc("Ha\u0300"));                   // combining grave after a base
  EXPECT_FALSE(IsPlainNfc(std::string("0123456789\0x", 12)));  // NUL past the first word
  EXPECT_FALSE(IsPlainNfc("ab\x1f"));                     // the key separator
  EXPECT_FALSE(IsPlainNfc("\xC3"));                       // truncated 2-byte sequence
  EXPECT_FALSE(IsPlainNfc("\xC3\x28"));                   // bad continuation byte
  EXPECT_FALSE(IsPlainNfc("\xE1\xBB"));                   // truncated 3-byte sequence
  EXPECT_FALSE(IsPlainNfc("\xE1\xBB\x28"));
  EXPECT_FALSE(IsPlainNfc("\xC0\xAF"));                   // overlong
  EXPECT_FALSE(IsPlainNfc("\u4E2D"));                     // valid, but outside the quick ranges
}

TEST(TrimFast, AgreesWithTrimWhitespace) {
  for (std::string_view s : {"", " ", "a", " a", "a ", "\ta\n", "ab cd", "\u00A0Lê\u00A0", "Lê\u3000", "\u2003x"}) {
    EXPECT_EQ(TrimFast(s), text::TrimWhitespace(s)) << "'" << s << "'";
  }
}

TEST(ParseDigitRunPattern, AgreesWithRe2) {
  const std::vector<std::string> patterns = {"[0-9]{13}", "[0-9]{2}", "\\d{9}", "[0-9]{2,4}", "\\d{1,}", "[0-9]+",
                                             "\\d*", "[0-9]{0}"};
  const std::vector<std::string> inputs = {"", "1", "12", "123", "1234", "12345", "123456789", "1234567890123",
                                           "123456789012", "12345678901234", "12a", "a12", "1 2", "+12", "-12",
                                           "\u0661\u0662", "１２", "12\n"};
  for (const auto& p : patterns) {
    auto run = ParseDigitRunPattern(p);
    ASSERT_TRUE(run.has_value()) << p;
    RE2 re(p);
    for (const auto& s : inputs) EXPECT_EQ(MatchesDigitRun(s, *run), RE2::FullMatch(s, re)) << p << " on '" << s << "'";
  }
}

TEST(ParseDigitRunPattern, OtherPatternsGoToRe2) {
  for (std::string_view p : {"[0-9]{3}x", "[0-9]{a}", "[0-9]{,3}", "[0-9]{3,2}", "\\d{2}|x", "[0-8]{2}", "[0-9]",
                             "[A-Z]{2}[0-9]{3}", "\\D{2}", "[0-9]{99999}"}) {
    EXPECT_FALSE(ParseDigitRunPattern(p).has_value()) << p;
  }
}

TEST(IsIsoSpelling, OnlyTheCanonicalTextOfThatDate) {
  EXPECT_TRUE(IsIsoSpelling("2001-02-03", 2001, 2, 3));
  EXPECT_TRUE(IsIsoSpelling("0099-12-31", 99, 12, 31));
  EXPECT_FALSE(IsIsoSpelling("2001-02-03", 2001, 3, 2));
  EXPECT_FALSE(IsIsoSpelling("2001-2-03", 2001, 2, 3));
  EXPECT_FALSE(IsIsoSpelling("2001/02/03", 2001, 2, 3));
  EXPECT_FALSE(IsIsoSpelling("+001-02-03", 1, 2, 3));
  EXPECT_FALSE(IsIsoSpelling("20010203", 2001, 2, 3));
}

}  // namespace
}  // namespace ndc::catalog::internal
