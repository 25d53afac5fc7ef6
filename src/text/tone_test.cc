#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/fold.h"
#include "text/unicode.h"

namespace ndc::text {
namespace {

TEST(Tone, BothConventionsGiveTheTraditionalForm) {
  EXPECT_EQ(NormalizeTonePlacement("hoà"), "hòa");
  EXPECT_EQ(NormalizeTonePlacement("hòa"), "hòa");
  EXPECT_EQ(NormalizeTonePlacement("Thuỷ"), "Thủy");
  EXPECT_EQ(NormalizeTonePlacement("thuý"), "thúy");
  EXPECT_EQ(NormalizeTonePlacement("khoẻ"), "khỏe");
  EXPECT_EQ(NormalizeTonePlacement("HOÀ THUỴ"), "HÒA THỤY");
}

TEST(Tone, ClosedSyllableTakesToneOnLastVowel) {
  EXPECT_EQ(NormalizeTonePlacement("Hoàng Toán Huỳnh Quỳnh"), "Hoàng Toán Huỳnh Quỳnh");
  EXPECT_EQ(NormalizeTonePlacement("Hòang"), "Hoàng");
  EXPECT_EQ(NormalizeTonePlacement("Hùynh"), "Huỳnh");
}

TEST(Tone, VowelWithMarkTakesTone) {
  EXPECT_EQ(NormalizeTonePlacement("Nguyễn người thuở Trường"), "Nguyễn người thuở Trường");
  EXPECT_EQ(NormalizeTonePlacement("Nguỹên"), "Nguyễn");
  EXPECT_EQ(NormalizeTonePlacement("ngừơi"), "người");
}

TEST(Tone, OpenThreeVowelsTakeToneInTheMiddle) {
  EXPECT_EQ(NormalizeTonePlacement("ngoài khuỷu"), "ngoài khuỷu");
  EXPECT_EQ(NormalizeTonePlacement("ngòai khủyu"), "ngoài khuỷu");
}

TEST(Tone, QuAndGiAreConsonants) {
  EXPECT_EQ(NormalizeTonePlacement("quý qúy"), "quý quý");
  EXPECT_EQ(NormalizeTonePlacement("giữa gìa gì"), "giữa già gì");
}

TEST(Tone, EthCountsAsDStroke) { EXPECT_EQ(NormalizeTonePlacement("\u00F0oà"), "\u00F0òa"); }

TEST(Tone, DecomposedInputComesOutComposed) {
  EXPECT_EQ(NormalizeTonePlacement("Hoa\u0300"), "Hòa");
  EXPECT_EQ(NormalizeTonePlacement("Nguye\u0302\u0303n"), "Nguyễn");
}

TEST(Tone, NonVietnameseWordsAreOnlyNormalized) {
  EXPECT_EQ(NormalizeTonePlacement("café José résumé Σοφία 123"), "café José résumé Σοφία 123");
  EXPECT_EQ(NormalizeTonePlacement("cafe\u0301"), "café");
  EXPECT_EQ(NormalizeTonePlacement("hoàà"), "hoàà");  // two tones: not a syllable
}

TEST(Tone, KeepsSeparatorsAndAscii) {
  EXPECT_EQ(NormalizeTonePlacement("  Hoà,  Thuỷ-Khoẻ "), "  Hòa,  Thủy-Khỏe ");
  EXPECT_EQ(NormalizeTonePlacement("Nguyen Van An"), "Nguyen Van An");
  EXPECT_EQ(NormalizeTonePlacement(""), "");
}

TEST(Tone, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(NormalizeTonePlacement("Hoà\xFF"), "Hòa\uFFFD");
}

TEST(Tone, IdempotentAndFoldPreserving) {
  const std::vector<std::string> names = {
      "Nguyễn Thị Minh Khai", "Hoàng Thị Thuỷ", "Trần Quốc Toản", "Lê Khoẻ",
      "Ngô Xuân Thoại",       "Phạm Thị Huệ",   "Đoàn Thị Điểm"};
  for (const std::string& n : names) {
    const std::string once = NormalizeTonePlacement(n);
    EXPECT_EQ(NormalizeTonePlacement(once), once) << n;
    EXPECT_EQ(FoldVietnamese(once), FoldVietnamese(n)) << n;
  }
}

TEST(Tone, HostileLongWordIsCopied) {
  std::string word;
  for (int i = 0; i < 200'000; ++i) word += "à";
  EXPECT_EQ(NormalizeTonePlacement(word), word);
}

}  // namespace
}  // namespace ndc::text
