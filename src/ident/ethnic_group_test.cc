#include "ident/ethnic_group.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::ident {
namespace {

TEST(EthnicGroup, ListsFiftyFourGroupsInOrder) {
  const auto groups = EthnicGroups();
  ASSERT_EQ(groups.size(), 54u);
  EXPECT_EQ(groups.front().code, "01");
  EXPECT_EQ(groups.front().name_vi, "Kinh");
  EXPECT_EQ(groups.back().code, "54");
  EXPECT_EQ(groups.back().name_vi, "Rơ-măm");
  for (size_t i = 0; i < groups.size(); ++i)
    EXPECT_EQ(std::stoi(std::string(groups[i].code)), static_cast<int>(i) + 1);
}

TEST(EthnicGroup, FindsByCodeIncludingExtras) {
  EXPECT_EQ(FindEthnicGroup("08")->name_vi, "Hmông");
  EXPECT_EQ(FindEthnicGroup("00")->name_vi, "Không rõ");
  EXPECT_EQ(FindEthnicGroup("55")->name_vi, "Người nước ngoài");
  EXPECT_EQ(FindEthnicGroup("56"), nullptr);
  EXPECT_EQ(FindEthnicGroup("1"), nullptr);
  EXPECT_EQ(FindEthnicGroup("0x"), nullptr);
}

TEST(ValidateEthnicGroupCode, AcceptsOneToFiftyFour) {
  EXPECT_TRUE(ValidateEthnicGroupCode("01").ok());
  EXPECT_TRUE(ValidateEthnicGroupCode("54").ok());
}

TEST(ValidateEthnicGroupCode, ShapeErrors) {
  EXPECT_EQ(ValidateEthnicGroupCode(""), InvalidArgumentError("ethnic group code is empty"));
  EXPECT_EQ(ValidateEthnicGroupCode("1"), InvalidArgumentError("ethnic group code must be 2 digits, got 1"));
  EXPECT_EQ(ValidateEthnicGroupCode("Kinh"),
            InvalidArgumentError("ethnic group code has a non-digit 'K' at position 1"));
  EXPECT_EQ(ValidateEthnicGroupCode("\xEF\xBC\x90\xEF\xBC\x91"),
            InvalidArgumentError("ethnic group code has a non-digit '\xEF\xBC\x90' (U+FF10) at position 1"));
  EXPECT_EQ(ValidateEthnicGroupCode(std::string("0\0", 2)),
            InvalidArgumentError("ethnic group code has a non-digit control byte 0x00 at position 2"));
}

TEST(ValidateEthnicGroupCode, OutsideListIsRejected) {
  EXPECT_EQ(ValidateEthnicGroupCode("57"),
            InvalidArgumentError("ethnic group code '57' is not in the GSO list (01-54)"));
}

TEST(ValidateEthnicGroupCode, UnknownAndForeignNeedOptIn) {
  EXPECT_EQ(ValidateEthnicGroupCode("00"),
            InvalidArgumentError("ethnic group code '00' means unknown and is not accepted here"));
  EXPECT_EQ(ValidateEthnicGroupCode("55"),
            InvalidArgumentError("ethnic group code '55' means foreign national and is not accepted here"));
  EXPECT_TRUE(ValidateEthnicGroupCode("00", {.allow_unknown = true}).ok());
  EXPECT_TRUE(ValidateEthnicGroupCode("55", {.allow_foreign = true}).ok());
}

}  // namespace
}  // namespace ndc::ident
