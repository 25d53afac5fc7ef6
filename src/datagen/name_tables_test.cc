#include "datagen/name_tables.h"

#include <gtest/gtest.h>

namespace ndc::datagen {
namespace {

// The duyet files write U+00D0 (Ð) for Đ in about 200 lines; the loader must map every one.
TEST(NameTables, NoTokenKeepsTheEthDefect) {
  const auto& t = NameTables::Get();
  size_t with_d = 0;
  for (size_t i = 0; i < t.token_count(); ++i) {
    const auto& tok = t.token(static_cast<uint16_t>(i));
    EXPECT_EQ(tok.title.find("\xC3\x90"), std::string::npos) << tok.title;
    if (tok.title.rfind("\xC4\x90", 0) == 0) ++with_d;  // starts with Đ
  }
  EXPECT_GT(with_d, 20u);
}

TEST(NameTables, LoadsEveryListOfTheDataFiles) {
  const auto& t = NameTables::Get();
  EXPECT_EQ(t.one_word_given_count(ident::Sex::kMale), 334u);
  EXPECT_EQ(t.one_word_given_count(ident::Sex::kFemale), 256u);
  EXPECT_GT(t.two_word_given_count(ident::Sex::kMale), 1200u);
  EXPECT_GT(t.two_word_given_count(ident::Sex::kFemale), 1250u);
  EXPECT_GT(t.surname_count(), 200u);
}

TEST(NameTables, SpellingsAreConsistent) {
  const auto& t = NameTables::Get();
  Rng rng(5);
  const PersonName n = t.Draw(ident::Sex::kFemale, Region::kNorth, 1960, &rng);
  const auto& s = t.token(n.surname);
  EXPECT_EQ(s.ascii_upper.size(), s.ascii_title.size());
  for (char c : s.ascii_upper) EXPECT_TRUE((c >= 'A' && c <= 'Z') || c == ' ' || c == '-') << s.ascii_upper;
}

// Surname shares follow surname.ts (north: Nguyễn 31.5 of a total of about 107.6 weight units).
TEST(NameTables, SurnameSharesFollowRegionalWeights) {
  const auto& t = NameTables::Get();
  Rng rng(11);
  int nguyen = 0, hoang = 0, huynh = 0;
  for (int i = 0; i < 40000; ++i) {
    const auto& s = t.token(t.Draw(ident::Sex::kMale, i % 2 ? Region::kNorth : Region::kSouth, 1980, &rng).surname).title;
    nguyen += s == "Nguyễn";
    hoang += (i % 2 == 1 && s == "Hoàng");
    huynh += (i % 2 == 0 && s == "Huỳnh");
  }
  EXPECT_NEAR(nguyen / 40000.0, 0.31, 0.01);  // 31.5 of 100.6 units
  EXPECT_NEAR(hoang / 20000.0, 0.047, 0.01);
  EXPECT_NEAR(huynh / 20000.0, 0.047, 0.01);
}

}  // namespace
}  // namespace ndc::datagen
