#include <gtest/gtest.h>
#include <unicode/ustring.h>

#include <string>

#include "text/unicode.h"

namespace ndc::text {
namespace {

TEST(Utf8, EmptyAndAsciiAreValid) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Nguyen Van An"));
}

TEST(Utf8, VietnameseIsValid) { EXPECT_TRUE(IsValidUtf8("Nguyễn Thị Minh Khai, Đặng Ưng")); }

TEST(Utf8, IllFormedSequencesAreRejected) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xE1\xBB"));          // truncated "ễ"
  EXPECT_FALSE(IsValidUtf8("\x80"));              // stray continuation byte
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(Utf8, FindInvalidReportsFirstBadByte) {
  EXPECT_EQ(FindInvalidUtf8("Nguyễn \xFF"), 9u);  // "Nguyễn" is 8 bytes
  EXPECT_EQ(FindInvalidUtf8("ab\xE1\xBB"), 2u);
  EXPECT_EQ(FindInvalidUtf8("Nguyễn"), std::nullopt);
}

TEST(Utf8, DecodeCountsCodePoints) {
  Result<std::u32string> r = DecodeUtf8("Nguyễn");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, U"Nguyễn");
  EXPECT_EQ(r->size(), 6u);
}

TEST(Utf8, DecodeRejectsInvalidWithOffset) {
  Result<std::u32string> r = DecodeUtf8("abcdefg\x80");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "invalid UTF-8 at byte 7");
}

TEST(Utf8, LossyDecodeReplacesMaximalSubparts) {
  EXPECT_EQ(DecodeUtf8Lossy("a\xE1\xBB"
                            "b"),
            U"a\uFFFDb");                                             // one truncated sequence
  EXPECT_EQ(DecodeUtf8Lossy("\xF0\x80\x80"), U"\uFFFD\uFFFD\uFFFD");  // F0 80 is never valid
  EXPECT_EQ(DecodeUtf8Lossy("\xED\xA0\x80"), U"\uFFFD\uFFFD\uFFFD");  // surrogate
}

TEST(Utf8, ToValidUtf8ReplacesOnlyBadBytes) {
  EXPECT_EQ(ToValidUtf8("Hoà\xFF"
                        "Bình"),
            "Hoà\uFFFDBình");
  EXPECT_EQ(ToValidUtf8("Hoà Bình"), "Hoà Bình");
}

TEST(Utf8, EncodeReplacesNonScalarValues) {
  EXPECT_EQ(EncodeUtf8(U"Đặng"), "Đặng");
  const std::u32string bad = {0xD800, U'a', 0x110000};
  EXPECT_EQ(EncodeUtf8(bad), "\uFFFDa\uFFFD");
}

TEST(Utf8, EveryScalarValueRoundTrips) {
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const std::u32string one(1, cp);
    const std::string utf8 = EncodeUtf8(one);
    Result<std::u32string> back = DecodeUtf8(utf8);
    ASSERT_TRUE(back.ok()) << std::hex << static_cast<uint32_t>(cp);
    ASSERT_EQ(*back, one) << std::hex << static_cast<uint32_t>(cp);
  }
}

// Reference: ICU's converter, which implements the same Unicode definition of well-formedness.
bool IcuAcceptsUtf8(const std::string& s) {
  UErrorCode ec = U_ZERO_ERROR;
  UChar buf[8];
  int32_t len = 0;
  u_strFromUTF8(buf, 8, &len, s.data(), static_cast<int32_t>(s.size()), &ec);
  return U_SUCCESS(ec);
}

TEST(Utf8, ValidityMatchesIcuOnAllShortSequences) {
  for (int b0 = 0x80; b0 <= 0xFF; ++b0) {
    for (int b1 = 0; b1 <= 0xFF; ++b1) {
      const std::string two = {static_cast<char>(b0), static_cast<char>(b1)};
      ASSERT_EQ(IsValidUtf8(two), IcuAcceptsUtf8(two)) << b0 << " " << b1;
      if (b0 < 0xE0 || b0 > 0xF4) continue;
      for (int b2 = 0x70; b2 <= 0xC0; ++b2) {  // around the continuation range
        const std::string three = two + static_cast<char>(b2);
        ASSERT_EQ(IsValidUtf8(three), IcuAcceptsUtf8(three)) << b0 << " " << b1 << " " << b2;
      }
    }
  }
}

}  // namespace
}  // namespace ndc::text
