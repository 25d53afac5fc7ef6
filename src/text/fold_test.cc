#include "text/fold.h"

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <random>
#include <string>
#include <vector>

#include "text/unicode.h"

namespace ndc::text {
namespace {

TEST(Fold, NameVariantsFoldEqual) {
  const std::string want = "nguyen thi minh khai";
  EXPECT_EQ(FoldVietnamese("Nguyễn Thị Minh Khai"), want);
  EXPECT_EQ(FoldVietnamese("NGUYEN THI MINH KHAI"), want);
  EXPECT_EQ(FoldVietnamese("NGUYỄN THỊ MINH KHAI"), want);
  EXPECT_EQ(FoldVietnamese("Nguye\u0302\u0303n Thi\u0323 Minh Khai"), want);  // NFD
  EXPECT_EQ(FoldVietnamese("  nguyễn\t thị\u00A0minh   khai \n"), want);
}

TEST(Fold, TonePlacementVariantsFoldEqual) {
  EXPECT_EQ(FoldVietnamese("Hoà"), "hoa");
  EXPECT_EQ(FoldVietnamese("Hòa"), "hoa");
  EXPECT_EQ(FoldVietnamese("Thuỷ"), "thuy");
  EXPECT_EQ(FoldVietnamese("Thủy"), "thuy");
}

TEST(Fold, DStrokeBecomesD) {
  EXPECT_EQ(FoldVietnamese("Đặng Đức đạt"), "dang duc dat");
  EXPECT_EQ(FoldVietnamese("d\u0335"), "d");  // d + combining short stroke overlay
}

TEST(Fold, EthStandingInForDStrokeBecomesD) {
  EXPECT_EQ(FoldVietnamese("\u00D0\u1EB6NG \u00F0\u1EE9c"), "dang duc");  // Ð, ð from legacy conversion
}

TEST(Fold, EveryVowelMarkAndToneIsRemoved) {
  EXPECT_EQ(FoldVietnamese("ăâêôơư ĂÂÊÔƠƯ"), "aaeoou aaeoou");
  EXPECT_EQ(FoldVietnamese("àáảãạ ẰẮẲẴẶ ỳýỷỹỵ"), "aaaaa aaaaa yyyyy");
}

TEST(Fold, OtherLatinLettersLoseMarks) {
  EXPECT_EQ(FoldVietnamese("Ångström Øre Łódź Straße"), "angstrom øre łodz strasse");
}

TEST(Fold, OtherScriptsKeepMarks) {
  EXPECT_EQ(FoldVietnamese("ΣΟΦΊΑ"), "σοφία");
  EXPECT_EQ(FoldVietnamese("Йошкар-Ола"), "йошкар-ола");
  EXPECT_EQ(FoldVietnamese("И\u0306ошкар"), "йошкар");  // NFD Cyrillic is composed, not stripped
  EXPECT_EQ(FoldVietnamese("Nguyễn 王 Văn"), "nguyen 王 van");
}

TEST(Fold, ControlAndFormatCharactersAreDropped) {
  EXPECT_EQ(FoldVietnamese("Ng\x01uy\u200Bễn\u00AD\u007F Văn\u0085An"), "nguyen van an");
  EXPECT_EQ(FoldVietnamese("\uFEFFAn"), "an");
}

TEST(Fold, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(FoldVietnamese("Nguy\xFFn"), "nguy\uFFFDn");
  EXPECT_EQ(FoldVietnamese("\xE1\xBB"), "\uFFFD");
}

TEST(Fold, EmptyAndBlankFoldToEmpty) {
  EXPECT_EQ(FoldVietnamese(""), "");
  EXPECT_EQ(FoldVietnamese(" \t\u3000 "), "");
}

TEST(Fold, OrphanMarksAreDropped) {
  EXPECT_EQ(FoldVietnamese("\u0301Anh"), "anh");
  EXPECT_EQ(FoldVietnamese("An \u0300Bình"), "an binh");
}

TEST(Fold, HostileLongLatinInput) {
  std::string in, want;
  for (int i = 0; i < 250'000; ++i) {  // 1 MB
    in += "Ễ ";
    want += i == 0 ? "e" : " e";
  }
  EXPECT_EQ(FoldVietnamese(in), want);
}

TEST(Fold, HostileLongForeignRun) {
  std::string in, want;
  for (int i = 0; i < 300'000; ++i) {  // flushed to ICU in pieces
    in += "Я";
    want += "я";
  }
  EXPECT_EQ(FoldVietnamese(in + " Đ"), want + " d");
}

// Reference for Latin text, written as whole-string operations: NFD, remove every mark,
// case-fold, NFD and remove marks again, đ ð -> d, drop controls and format characters, collapse
// whitespace.
std::string ReferenceFold(const std::string& s) {
  UErrorCode ec = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(ec);
  auto strip = [&](const icu::UnicodeString& in) {
    icu::UnicodeString d = nfd->normalize(in, ec), out;
    for (int32_t i = 0; i < d.length(); i += U16_LENGTH(d.char32At(i))) {
      const UChar32 c = d.char32At(i);
      const auto gc = U_GET_GC_MASK(c);
      if ((gc & (U_GC_M_MASK | U_GC_CC_MASK | U_GC_CF_MASK)) == 0 || u_isUWhiteSpace(c)) out.append(c);
    }
    return out;
  };
  icu::UnicodeString u = strip(icu::UnicodeString::fromUTF8(s));
  u.foldCase();
  u = strip(u);
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x111)), icu::UnicodeString(u'd'));
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0xF0)), icu::UnicodeString(u'd'));
  std::string utf8;
  u.toUTF8String(utf8);
  return CollapseWhitespace(utf8);
}

std::string Utf8Of(char32_t cp) { return EncodeUtf8(std::u32string(1, cp)); }

TEST(Fold, TableMatchesReferenceForEveryLatinCodePoint) {
  for (char32_t cp = 0; cp < 0x1F00; ++cp) {
    if (cp == 0x250) cp = 0x1E00;
    const std::string s = "x" + Utf8Of(cp) + "x";  // marks need a base
    ASSERT_EQ(FoldVietnamese(s), ReferenceFold(s)) << std::hex << static_cast<uint32_t>(cp);
  }
}

TEST(Fold, MatchesReferenceOnRandomLatinAndMarks) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pick(0, 99);
  std::uniform_int_distribution<uint32_t> latin(0x20, 0x24F), ext(0x1E00, 0x1EFF), mark(0x300, 0x36F);
  for (int n = 0; n < 3000; ++n) {
    std::u32string cps = U"a";
    for (int i = 0; i < 12; ++i) {
      const int r = pick(rng);
      cps.push_back(r < 40 ? latin(rng) : r < 70 ? ext(rng) : r < 90 ? mark(rng) : U' ');
    }
    const std::string s = EncodeUtf8(cps);
    ASSERT_EQ(FoldVietnamese(s), ReferenceFold(s)) << s;
  }
}

TEST(Fold, IcuPathAgreesWithTablePath) {
  // A Greek letter sends the whole string through NFC first; the Latin part must not change.
  const std::vector<std::string> names = {"Nguyễn Thị Minh Khai", "Nguye\u0302\u0303n Va\u0306n", "ĐẶNG ƯNG",
                                          "Hoà Thuỷ", "q\u0303 x\u0323\u031B"};
  for (const std::string& name : names) {
    EXPECT_EQ(FoldVietnamese(name + " α"), FoldVietnamese(name) + " α") << name;
  }
}

// Spellings of one marked text compare alike; its ASCII spelling does not.
TEST(MarkedComparable, KeepsMarksButNotCaseSpacingOrTonePlacement) {
  const std::string want = MarkedComparable("Nguyễn Văn Hòa");
  EXPECT_EQ(MarkedComparable("  NGUYỄN   văn HOÀ "), want);
  EXPECT_EQ(MarkedComparable("Nguye\u0302\u0303n Va\u0306n Ho\u0300a"), want);
  EXPECT_NE(MarkedComparable("Nguyen Van Hoa"), want);
  EXPECT_EQ(MarkedComparable("\xff\xfe"), "\xff\xfe");  // not UTF-8: as it is
}

TEST(FoldedSex, ReadsTheSpellingsAgenciesUse) {
  for (std::string_view v : {"male", "Nam", "NAM", "m", "M", "1", " nam "}) EXPECT_EQ(FoldedSex(v), "male") << v;
  for (std::string_view v : {"female", "Nữ", "nu", "F", "2"}) EXPECT_EQ(FoldedSex(v), "female") << v;
  for (std::string_view v : {"", "3", "khác", "nam nữ"}) EXPECT_EQ(FoldedSex(v), "") << v;
}

}  // namespace
}  // namespace ndc::text
