#include <gtest/gtest.h>
#include <unicode/uchar.h>

#include "text/unicode.h"

namespace ndc::text {
namespace {

TEST(Whitespace, MatchesIcuWhiteSpaceProperty) {
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    ASSERT_EQ(IsWhitespace(cp), static_cast<bool>(u_isUWhiteSpace(static_cast<UChar32>(cp))))
        << std::hex << static_cast<uint32_t>(cp);
  }
}

TEST(Whitespace, ZeroWidthCharactersAreNotWhitespace) {
  EXPECT_FALSE(IsWhitespace(0x200B));
  EXPECT_FALSE(IsWhitespace(0xFEFF));
  EXPECT_TRUE(IsWhitespace(0x3000));
}

TEST(Whitespace, CollapseJoinsRunsAndTrims) {
  EXPECT_EQ(CollapseWhitespace("  Nguyễn \t\n Thị\u00A0\u3000Minh  "), "Nguyễn Thị Minh");
  EXPECT_EQ(CollapseWhitespace(" \t "), "");
  EXPECT_EQ(CollapseWhitespace(""), "");
}

TEST(Whitespace, CollapseCopiesInvalidBytes) {
  EXPECT_EQ(CollapseWhitespace("a \xFF  b\xE1"), "a \xFF b\xE1");
}

TEST(Whitespace, TrimReturnsInnerView) {
  EXPECT_EQ(TrimWhitespace("\u3000 Minh Khai \u00A0"), "Minh Khai");
  EXPECT_EQ(TrimWhitespace(" \t\n"), "");
  EXPECT_EQ(TrimWhitespace(""), "");
  EXPECT_EQ(TrimWhitespace("ab\x80"), "ab\x80");
  EXPECT_EQ(TrimWhitespace("\x80 "), "\x80");
}

}  // namespace
}  // namespace ndc::text
