#include "person/golden.h"

#include <gtest/gtest.h>

namespace ndc::person {
namespace {

SourceRecord Rec(std::string dataset, std::string key, int64_t at, Attributes a) {
  return {std::move(dataset), std::move(key), at, std::move(a)};
}

TEST(Survive, PriorityBeatsRecencyAndRecencyBreaksTies) {
  std::vector<SourceRecord> records = {
      Rec("tax", "t1", 300, {{"full_name", "Nguyen Van An"}, {"phone", "0911"}}),
      Rec("registry", "r1", 100, {{"full_name", "Nguyễn Văn An"}}),
      Rec("health", "h1", 200, {{"phone", "0922"}}),
  };
  std::vector<GoldenValue> g = Survive(records, {"registry"});
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0], (GoldenValue{"full_name", "Nguyễn Văn An", "registry", "r1", 100}));
  // Neither tax nor health is listed: the newer one (tax, 300) survives.
  EXPECT_EQ(g[1], (GoldenValue{"phone", "0911", "tax", "t1", 300}));
}

TEST(Survive, ListedSourceBeatsNewerUnlistedOne) {
  std::vector<SourceRecord> records = {Rec("tax", "t1", 900, {{"phone", "0911"}}),
                                       Rec("health", "h1", 100, {{"phone", "0922"}})};
  EXPECT_EQ(Survive(records, {"registry", "health"})[0].dataset_id, "health");
}

// A registry that knows only the year yields to the full date another source holds that agrees
// with it (the golden record is what the repository knows; finding the person needs the date).
// A date that contradicts the registry's year does not, and a full registry date stays.
TEST(Survive, APartialBirthDateYieldsToAnAgreeingFullDate) {
  std::vector<SourceRecord> records = {
      Rec("registry", "r1", 100, {{"birth_date", "1942"}}),
      Rec("tax", "t1", 300, {{"birth_date", "1943-02-02"}}),
      Rec("health", "h1", 200, {{"birth_date", "1942-01-15"}}),
      Rec("school", "s1", 250, {{"birth_date", "1942-01"}}),
  };
  std::vector<GoldenValue> g = Survive(records, {"registry"});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0], (GoldenValue{"birth_date", "1942-01-15", "health", "h1", 200}));
  records[0].attributes["birth_date"] = "1942-03-01";
  EXPECT_EQ(Survive(records, {"registry"})[0], (GoldenValue{"birth_date", "1942-03-01", "registry", "r1", 100}));
}

TEST(Survive, ResultDoesNotDependOnInputOrder) {
  std::vector<SourceRecord> a = {Rec("x", "2", 5, {{"sex", "male"}}), Rec("x", "1", 5, {{"sex", "female"}})};
  std::vector<SourceRecord> b = {a[1], a[0]};
  EXPECT_EQ(Survive(a, {}), Survive(b, {}));
  EXPECT_EQ(Survive(a, {})[0].record_key, "1");
}

}  // namespace
}  // namespace ndc::person
