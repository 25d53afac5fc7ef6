// Comparators and levels: each level kind on prepared values, null and else levels.
#include <gtest/gtest.h>

#include "link/internal/scorer.h"
#include "link/record_table.h"
#include "link/settings.h"

namespace ndc::link {
namespace {

constexpr const char* kToml = R"(
[[attributes]]
name = "name"
type = "name"
vietnamese = true
[[attributes]]
name = "dob"
type = "date"
[[attributes]]
name = "id"
type = "identifier"
[[attributes]]
name = "amount"
type = "number"
[[attributes]]
name = "sex"
type = "sex"
[[comparisons]]
name = "name"
attribute = "name"
variants = "vietnamese_surnames"
levels = [{kind = "exact"}, {kind = "exact_folded"}, {kind = "variants"}, {kind = "reversed"},
          {kind = "jaro_winkler", threshold = 0.9}, {kind = "damerau_levenshtein", threshold = 2}]
[[comparisons]]
name = "dob"
attribute = "dob"
levels = [{kind = "exact"}, {kind = "day_month_swap"}, {kind = "date_years", threshold = 1},
          {kind = "date_years", threshold = 10}, {kind = "date_days", threshold = 31}, {kind = "same_year"}]
[[comparisons]]
name = "id"
attribute = "id"
levels = [{kind = "exact"}, {kind = "damerau_levenshtein", threshold = 1}]
[[comparisons]]
name = "amount"
attribute = "amount"
levels = [{kind = "exact"}, {kind = "numeric_abs", threshold = 5}, {kind = "numeric_rel", threshold = 0.5}]
[[comparisons]]
name = "sex"
attribute = "sex"
levels = [{kind = "exact"}]
[[blocking]]
attributes = ["id"]
)";

class Levels : public ::testing::Test {
 protected:
  Levels() : settings_(ParseSettings(kToml, SettingsFormat::kToml).value()), table_(settings_), scorer_(settings_) {}
  // Level of comparison `c` between two records given as (name, dob, id, amount, sex).
  int Level(size_t c, std::vector<std::string_view> a, std::vector<std::string_view> b) {
    uint32_t ra = table_.Add("a", a);
    uint32_t rb = table_.Add("b", b);
    return scorer_.Level(c, table_.data(), ra, table_.data(), rb);
  }
  Settings settings_;
  RecordTable table_;
  internal::Scorer scorer_;
};

TEST_F(Levels, NameLevels) {
  EXPECT_EQ(Level(0, {"Nguyễn Văn An"}, {"Nguyễn  Văn An"}), 0);
  EXPECT_EQ(Level(0, {"Nguyễn Văn An"}, {"NGUYEN VAN AN"}), 1);
  EXPECT_EQ(Level(0, {"Hoàng Văn An"}, {"Huỳnh Văn An"}), 2);
  EXPECT_EQ(Level(0, {"Vũ Thị Hoa"}, {"Võ Thị Hoa"}), 2);
  EXPECT_EQ(Level(0, {"Nguyễn Văn An"}, {"Nguyễn Văn Anh"}), 4);
  EXPECT_EQ(Level(0, {"Trần Thị Mai"}, {"Lê Văn Hùng"}), 6);
  EXPECT_EQ(Level(0, {""}, {"Lê Văn Hùng"}), -1);
}

TEST_F(Levels, ReversedNameOrderIsParsedToNativeOrder) {
  // The Vietnamese parser puts the surname first, so a reversed name prepares to the same value.
  EXPECT_EQ(Level(0, {"Nguyễn Văn An"}, {"An Văn Nguyễn"}), 0);
}

TEST(ReversedLevel, SameTokensInAnotherOrder) {
  Settings s = ParseSettings(R"({"attributes": [{"name": "n", "type": "name"}],
    "comparisons": [{"name": "n", "attribute": "n", "levels": [{"kind": "exact"}, {"kind": "reversed"}]}],
    "blocking": [{"attributes": ["n"]}]})", SettingsFormat::kJson).value();
  RecordTable t(s);
  t.Add("a", AttributeValues{{"n", "Smith John"}});
  t.Add("b", AttributeValues{{"n", "john SMITH"}});
  t.Add("c", AttributeValues{{"n", "John Smyth"}});
  internal::Scorer scorer(s);
  EXPECT_EQ(scorer.Level(0, t.data(), 0, t.data(), 1), 1);
  EXPECT_EQ(scorer.Level(0, t.data(), 0, t.data(), 2), 2);
}

TEST_F(Levels, DateLevels) {
  EXPECT_EQ(Level(1, {"", "2001-04-05"}, {"", "05/04/2001"}), 0);
  EXPECT_EQ(Level(1, {"", "2001-04-05"}, {"", "2001-05-04"}), 1);
  EXPECT_EQ(Level(1, {"", "2001-04-05"}, {"", "2002-04-05"}), 2);
  EXPECT_EQ(Level(1, {"", "2001-04-05"}, {"", "1991-04-05"}), 3);
  EXPECT_EQ(Level(1, {"", "2001-04-05"}, {"", "2001-04-25"}), 4);
  EXPECT_EQ(Level(1, {"", "2001-04-05"}, {"", "2001"}), 5);
  EXPECT_EQ(Level(1, {"", "2001-04-05"}, {"", "1970-01-01"}), 6);
  EXPECT_EQ(Level(1, {"", "31/02/2001"}, {"", "2001-04-05"}), -1);  // invalid date: missing
}

TEST_F(Levels, IdentifierAndNumberAndSexLevels) {
  EXPECT_EQ(Level(2, {"", "", "001-070 295987"}, {"", "", "001070295987"}), 0);
  EXPECT_EQ(Level(2, {"", "", "001070295987"}, {"", "", "001070295988"}), 1);
  EXPECT_EQ(Level(2, {"", "", "001070295987"}, {"", "", "001070299999"}), 2);
  EXPECT_EQ(Level(3, {"", "", "", "10"}, {"", "", "", "10.0"}), 0);
  EXPECT_EQ(Level(3, {"", "", "", "10"}, {"", "", "", "14"}), 1);
  EXPECT_EQ(Level(3, {"", "", "", "100"}, {"", "", "", "60"}), 2);
  EXPECT_EQ(Level(3, {"", "", "", "100"}, {"", "", "", "10"}), 3);
  EXPECT_EQ(Level(4, {"", "", "", "", "Nữ"}, {"", "", "", "", "2"}), 0);
  EXPECT_EQ(Level(4, {"", "", "", "", "NAM"}, {"", "", "", "", "f"}), 1);
  EXPECT_EQ(Level(4, {"", "", "", "", "?"}, {"", "", "", "", "f"}), -1);
}

TEST_F(Levels, DerivedAttributesFillEmptyOnes) {
  constexpr const char* kDerived = R"(
[[attributes]]
name = "surname"
[[attributes]]
name = "given"
[[attributes]]
name = "full"
type = "name"
derive_from = ["surname", "given"]
[[attributes]]
name = "d"
[[attributes]]
name = "m"
[[attributes]]
name = "y"
[[attributes]]
name = "dob"
type = "date"
derive_from = ["d", "m", "y"]
[[comparisons]]
name = "full"
attribute = "full"
levels = [{kind = "exact"}]
[[blocking]]
attributes = ["full"]
)";
  Settings s = ParseSettings(kDerived, SettingsFormat::kToml).value();
  RecordTable t(s);
  uint32_t r = t.Add("x", std::vector<std::string_view>{"Lê", "Hùng", "", "5", "4", "2001"});
  EXPECT_EQ(t.Value(r, 2), "Lê Hùng");
  EXPECT_EQ(t.Value(r, 6), "2001-04-05");
  r = t.Add("y", AttributeValues{{"y", "1987"}});
  EXPECT_EQ(t.Value(r, 6), "1987");
}

}  // namespace
}  // namespace ndc::link
