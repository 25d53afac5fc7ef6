#include "text/name.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::text {
namespace {

NameParts Parts(std::string surname, std::vector<std::string> middle, std::string given, bool reversed) {
  return NameParts{std::move(surname), std::move(middle), std::move(given), reversed};
}

TEST(Name, NativeOrder) {
  EXPECT_EQ(ParseVietnameseName("Nguyễn Thị Minh Khai"), Parts("Nguyễn", {"Thị", "Minh"}, "Khai", false));
  EXPECT_EQ(ParseVietnameseName("Lê Lợi"), Parts("Lê", {}, "Lợi", false));
}

TEST(Name, UpperCaseWithoutDiacritics) {
  EXPECT_EQ(ParseVietnameseName("NGUYEN THI MINH KHAI"), Parts("Nguyen", {"Thi", "Minh"}, "Khai", false));
  EXPECT_EQ(ParseVietnameseName("ĐẶNG VĂN ĐỨC"), Parts("Đặng", {"Văn"}, "Đức", false));
}

TEST(Name, EthStandingInForDStrokeIsASurname) {
  // Ð (U+00D0) where a legacy conversion lost Đ: still the common surname Đặng, kept as written.
  EXPECT_EQ(ParseVietnameseName("Khai \u00D0\u1EB6NG"), Parts("\u00D0\u1EB7ng", {}, "Khai", true));
}

TEST(Name, DecomposedInputGivesComposedParts) {
  EXPECT_EQ(ParseVietnameseName("Nguye\u0302\u0303n Va\u0306n An"), Parts("Nguyễn", {"Văn"}, "An", false));
}

TEST(Name, KeepsTonePlacementAsWritten) {
  EXPECT_EQ(ParseVietnameseName("HOÀNG THỊ THUỶ"), Parts("Hoàng", {"Thị"}, "Thuỷ", false));
}

TEST(Name, CompoundSurnames) {
  EXPECT_EQ(ParseVietnameseName("Tôn Thất Thuyết"), Parts("Tôn Thất", {}, "Thuyết", false));
  EXPECT_EQ(ParseVietnameseName("Nguyễn Phúc Vĩnh San"), Parts("Nguyễn Phúc", {"Vĩnh"}, "San", false));
  EXPECT_EQ(ParseVietnameseName("NGUYEN PHUOC BUU CHANH"), Parts("Nguyen Phuoc", {"Buu"}, "Chanh", false));
  EXPECT_EQ(ParseVietnameseName("Tôn Nữ Thị Ninh"), Parts("Tôn Nữ", {"Thị"}, "Ninh", false));
}

TEST(Name, CompoundSurnameNeedsAGivenName) {
  EXPECT_EQ(ParseVietnameseName("Tôn Thất"), Parts("Tôn", {}, "Thất", false));
}

TEST(Name, VuVanIsSurnameAndMiddleName) {
  EXPECT_EQ(ParseVietnameseName("Vũ Văn Thắng"), Parts("Vũ", {"Văn"}, "Thắng", false));
}

TEST(Name, ReversedOrderMovesSurnameToFront) {
  EXPECT_EQ(ParseVietnameseName("Thi Minh Khai Nguyen"), Parts("Nguyen", {"Thi", "Minh"}, "Khai", true));
  EXPECT_EQ(ParseVietnameseName("Khai Nguyen"), Parts("Nguyen", {}, "Khai", true));
  EXPECT_EQ(ParseVietnameseName("Minh Khai NGUYỄN"), Parts("Nguyễn", {"Minh"}, "Khai", true));
}

TEST(Name, ReversedGivenNameFirstBeforeVanOrThi) {
  EXPECT_EQ(ParseVietnameseName("Anh Van Nguyen"), Parts("Nguyen", {"Van"}, "Anh", true));
  EXPECT_EQ(ParseVietnameseName("LAN THI TRAN"), Parts("Tran", {"Thi"}, "Lan", true));
}

TEST(Name, ReversedCompoundSurname) {
  EXPECT_EQ(ParseVietnameseName("Thuyet Ton That"), Parts("Ton That", {}, "Thuyet", true));
}

TEST(Name, NotReversedWhenFirstWordIsSurname) {
  EXPECT_EQ(ParseVietnameseName("Lê Văn Hoàng"), Parts("Lê", {"Văn"}, "Hoàng", false));
  EXPECT_EQ(ParseVietnameseName("Tôn Thất Hoàng"), Parts("Tôn Thất", {}, "Hoàng", false));
}

TEST(Name, GivenNamesThatAreAlsoSurnamesStayNative) {
  EXPECT_EQ(ParseVietnameseName("Khổng Thị Mai"), Parts("Khổng", {"Thị"}, "Mai", false));  // Mai: not in list
  EXPECT_EQ(ParseVietnameseName("Khổng Thị Lệ"), Parts("Khổng", {"Thị"}, "Lệ", false));    // Lệ is not Lê
}

TEST(Name, UnaccentedGivenNameEqualToCommonSurnameReadsAsReversed) {
  // The known ambiguity: without diacritics "Le" may be Lê (surname) or Lệ (given name).
  EXPECT_EQ(ParseVietnameseName("Khong Thi Le"), Parts("Le", {"Thi"}, "Khong", true));
}

TEST(Name, ReversalDetectionCanBeTurnedOff) {
  NameParseOptions options;
  options.detect_reversed = false;
  EXPECT_EQ(ParseVietnameseName("Khai Nguyen", options), Parts("Khai", {}, "Nguyen", false));
}

TEST(Name, SingleWordIsAGivenName) {
  EXPECT_EQ(ParseVietnameseName("Khai"), Parts("", {}, "Khai", false));
  EXPECT_EQ(ParseVietnameseName("  đạt  "), Parts("", {}, "Đạt", false));
  EXPECT_EQ(ParseVietnameseName("NGUYEN"), Parts("", {}, "Nguyen", false));
}

TEST(Name, EmptyAndBlankGiveEmptyParts) {
  EXPECT_EQ(ParseVietnameseName(""), NameParts{});
  EXPECT_EQ(ParseVietnameseName(" \t\u3000 "), NameParts{});
}

TEST(Name, ControlAndFormatCharactersAreDropped) {
  EXPECT_EQ(ParseVietnameseName("Nguyễn\x01 Văn\u200B\tAn\r\n"), Parts("Nguyễn", {"Văn"}, "An", false));
}

TEST(Name, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(ParseVietnameseName("Nguy\xFFn An"), Parts("Nguy\uFFFDn", {}, "An", false));
}

TEST(Name, HostileLongInputIsBounded) {
  std::string in;
  for (int i = 0; i < 300'000; ++i) in += "An ";  // 900 KB; only kMaxNameBytes are read
  const NameParts p = ParseVietnameseName(in);
  EXPECT_EQ(p.surname, "An");
  EXPECT_EQ(p.middle.size(), kMaxNameBytes / 3 - 1);  // 1365 whole "An " words, then "A"
  EXPECT_EQ(p.given, "A");
}

TEST(Name, FormatJoinsPartsInNativeOrder) {
  EXPECT_EQ(FormatName(Parts("Tôn Thất", {}, "Thuyết", false)), "Tôn Thất Thuyết");
  EXPECT_EQ(FormatName(ParseVietnameseName("anh van NGUYEN")), "Nguyen Van Anh");
  EXPECT_EQ(FormatName(Parts("", {}, "Khai", false)), "Khai");
  EXPECT_EQ(FormatName(NameParts{}), "");
}

}  // namespace
}  // namespace ndc::text
