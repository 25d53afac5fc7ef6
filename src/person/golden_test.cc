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

TEST(Survive, ResultDoesNotDependOnInputOrder) {
  std::vector<SourceRecord> a = {Rec("x", "2", 5, {{"sex", "male"}}), Rec("x", "1", 5, {{"sex", "female"}})};
  std::vector<SourceRecord> b = {a[1], a[0]};
  EXPECT_EQ(Survive(a, {}), Survive(b, {}));
  EXPECT_EQ(Survive(a, {})[0].record_key, "1");
}

}  // namespace
}  // namespace ndc::person
