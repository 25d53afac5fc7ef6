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

}  // namespace
}  // namespace ndc::link
