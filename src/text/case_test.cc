#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "text/unicode.h"

namespace ndc::text {
namespace {

TEST(Case, LowerVietnamese) {
  EXPECT_EQ(ToLower("ĐẶNG THỊ HỒNG NHUNG").value(), "đặng thị hồng nhung");
  EXPECT_EQ(ToLower("ƯỚC ƠN ĂN ÂM").value(), "ước ơn ăn âm");
}

TEST(Case, UpperVietnamese) {
  EXPECT_EQ(ToUpper("nguyễn thị minh khai").value(), "NGUYỄN THỊ MINH KHAI");
  EXPECT_EQ(ToUpper("đức").value(), "ĐỨC");
}

TEST(Case, AsciiFastPath) { EXPECT_EQ(ToLower("NGUYEN Van A 12").value(), "nguyen van a 12"); }

TEST(Case, FullMappingExpands) {
  EXPECT_EQ(ToUpper("straße").value(), "STRASSE");
  EXPECT_EQ(ToLower("İ").value(), "i\u0307");  // root locale: not Turkish
}

TEST(Case, GreekFinalSigmaUsesContext) { EXPECT_EQ(ToLower("ΟΔΥΣΣΕΥΣ ΣΑ").value(), "οδυσσευς σα"); }

TEST(Case, RejectsInvalidUtf8) {
  Result<std::string> r = ToUpper("ab\xFF");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "invalid UTF-8 at byte 2");
  EXPECT_EQ(ToLower("\xC0").status().message(), "invalid UTF-8 at byte 0");
  EXPECT_EQ(ToTitle("Hoà\xE1").status().message(), "invalid UTF-8 at byte 4");
}

TEST(Case, LongInputCrossesChunks) {
  std::string lower, upper;
  for (int i = 0; i < 750'000; ++i) {  // 3 MB
    lower += "ệ ";
    upper += "Ệ ";
  }
  EXPECT_EQ(ToUpper(lower).value(), upper);
}

TEST(Title, NamesInAnyCase) {
  EXPECT_EQ(ToTitle("NGUYỄN thị minh KHAI").value(), "Nguyễn Thị Minh Khai");
  EXPECT_EQ(ToTitle("đặng ưng").value(), "Đặng Ưng");
}

TEST(Title, AfterApostropheAndHyphen) {
  EXPECT_EQ(ToTitle("H'HEN NIÊ").value(), "H'Hen Niê");
  EXPECT_EQ(ToTitle("jean-pierre o\u2019neil").value(), "Jean-Pierre O\u2019Neil");
}

TEST(Title, KeepsWhitespaceAsIs) { EXPECT_EQ(ToTitle("  an\tbình ").value(), "  An\tBình "); }

TEST(Title, HostileLongWordHasOneCapital) {
  const std::string word(1'500'000, 'a');  // longer than one ICU chunk
  Result<std::string> r = ToTitle(word);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), word.size());
  EXPECT_EQ(r->front(), 'A');
  EXPECT_EQ(std::count(r->begin(), r->end(), 'A'), 1);
}

}  // namespace
}  // namespace ndc::text
