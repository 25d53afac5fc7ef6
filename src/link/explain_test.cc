#include <cmath>

#include <gtest/gtest.h>

#include "link/explain.h"
#include "link/linker.h"
#include "link/test_records.h"

namespace ndc::link {
namespace {

TEST(Explain, TotalIsPriorPlusSumOfPartsAndMatchesTheLinker) {
  Settings s = DefaultPersonSettings();
  s.em.u_sample_pairs = 50000;
  RecordTable left(s), right(s);
  testdata::Fill(&left, "L", 200, false);
  testdata::Fill(&right, "R", 200, true);
  Model m = Train(s, left, &right, {}).value();
  auto linked = Link(s, m, left, &right, {}).value();
  ASSERT_FALSE(linked.pairs.empty());
  for (size_t k = 0; k < linked.pairs.size(); k += 17) {
    const ScoredPair& p = linked.pairs[k];
    Explanation e = Explain(s, m, left, p.left, right, p.right);
    double sum = e.prior_weight;
    for (const auto& c : e.comparisons) sum += c.weight + c.tf_adjustment;
    EXPECT_NEAR(e.total_weight, sum, 1e-9);
    EXPECT_NEAR(e.total_weight, p.weight, 1e-3);
    for (size_t c = 0; c < e.comparisons.size(); ++c) EXPECT_EQ(e.comparisons[c].level, p.levels[c]);
  }
  Explanation e = Explain(s, m, left, 0, right, 0);
  EXPECT_NE(ExplanationToText(e).find("total match weight"), std::string::npos);
  EXPECT_NE(ExplanationToJson(e).find("\"comparisons\""), std::string::npos);
  EXPECT_EQ(e.comparisons[s.ComparisonIndex("full_name")].left_value, "Nguyễn Văn An");
}

// A value's frequency refines evidence the model has, never makes some: a rare commune weighs 0
// in an untrained comparison (it scored about +12 bits: log2(u / frequency) on top of m = u) and
// in one whose first level no match showed; a trained one adjusts as before.
TEST(Explain, TermFrequenciesAdjustOnlyATrainedComparisonThatCountsForAMatch) {
  Settings s = ParseSettings(R"(
[[attributes]]
name = "commune"
[[comparisons]]
name = "commune"
attribute = "commune"
tf_adjust = true
levels = [{kind = "exact"}]
[[blocking]]
attributes = ["commune"]
)", SettingsFormat::kToml).value();
  RecordTable left(s), right(s);
  left.Add("l", AttributeValues{{"commune", "Xã Hiếm"}});
  right.Add("r0", AttributeValues{{"commune", "Xã Hiếm"}});
  for (int i = 1; i < 1000; ++i) right.Add("r" + std::to_string(i), AttributeValues{{"commune", "Xã Thường"}});
  Model m;
  m.prior = 0.001;
  m.comparisons.push_back({"commune", {{0.9, 0.01}, {0.1, 0.99}}, false});
  const double trained = Explain(s, m, left, 0, right, 0).comparisons[0].tf_adjustment;
  EXPECT_NEAR(trained, std::log2(0.01 / 0.001), 1e-9);  // 1 holder in 1,000
  m.comparisons[0] = {"commune", {{0.01, 0.01}, {0.99, 0.99}}, true};
  ComparisonExplanation untrained = Explain(s, m, left, 0, right, 0).comparisons[0];
  EXPECT_EQ(untrained.tf_adjustment, 0);
  EXPECT_NEAR(untrained.weight, 0, 1e-12);
  m.comparisons[0] = {"commune", {{0.005, 0.01}, {0.995, 0.99}}, false};  // weighs < 0: unseen
  EXPECT_EQ(Explain(s, m, left, 0, right, 0).comparisons[0].tf_adjustment, 0);
}

}  // namespace
}  // namespace ndc::link
