// EM recovers m, u and the prior from unlabeled pairs generated with known parameters.
#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "link/model.h"

namespace ndc::link {
namespace {

constexpr const char* kSettings = R"(
em = {u_sample_pairs = 400000, max_iterations = 200, tolerance = 1e-7}
[[attributes]]
name = "block"
[[attributes]]
name = "a"
[[attributes]]
name = "b"
[[attributes]]
name = "c"
[[comparisons]]
name = "a"
attribute = "a"
levels = [{kind = "exact"}]
[[comparisons]]
name = "b"
attribute = "b"
levels = [{kind = "exact"}]
[[comparisons]]
name = "c"
attribute = "c"
levels = [{kind = "exact"}]
[[blocking]]
attributes = ["block"]
)";

// 4000 entities in blocks of 5; each attribute has 20 equally likely values (u = 0.05); the
// right copy of an entity keeps attribute k with probability m[k], else redraws it. Trained.
Result<Model> TrainOnGenerated(const double (&m)[3], uint64_t seed) {
  Settings s = ParseSettings(kSettings, SettingsFormat::kToml).value();
  RecordTable left(s), right(s);
  uint64_t st = seed;
  auto rnd = [&] {
    st = st * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(st >> 11) / 9007199254740992.0;
  };
  for (int e = 0; e < 4000; ++e) {
    std::string block = std::to_string(e / 5);
    std::string lv[3], rv[3];
    for (int k = 0; k < 3; ++k) {
      lv[k] = std::to_string(static_cast<int>(rnd() * 20));
      rv[k] = rnd() < m[k] ? lv[k] : std::to_string(static_cast<int>(rnd() * 20));
    }
    left.Add("l", AttributeValues{{"block", block}, {"a", lv[0]}, {"b", lv[1]}, {"c", lv[2]}});
    right.Add("r", AttributeValues{{"block", block}, {"a", rv[0]}, {"b", rv[1]}, {"c", rv[2]}});
  }
  return Train(s, left, &right, {});
}

TEST(Em, RecoversKnownMAndU) {
  const double m[3] = {0.95, 0.8, 0.6};
  auto model = TrainOnGenerated(m, 7);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  // Within a block of 5, 1 of 5 candidate pairs is a match; 4000 of 4000 x 4000 random pairs.
  EXPECT_NEAR(model->candidate_prior, 0.2, 0.02);
  EXPECT_NEAR(model->prior, 1.0 / 4000, 0.1 / 4000);
  for (int k = 0; k < 3; ++k) {
    // A redrawn value still agrees by chance 1 time in 20.
    double expected_m = m[k] + (1 - m[k]) * 0.05;
    EXPECT_NEAR(model->comparisons[k].levels[0].m, expected_m, 0.03) << k;
    EXPECT_NEAR(model->comparisons[k].levels[0].u, 0.05, 0.005) << k;
  }
  EXPECT_TRUE(model->converged);
}

// A level no match shows in the sample (here: every match agrees on a) keeps m >= 1e-4: not a
// near-veto of 1e-9 (-20 to -30 bits) that would rule out any pair with a typo there.
TEST(Em, ALevelNoMatchShowsIsNotAVeto) {
  const double m[3] = {1.0, 0.8, 0.8};
  auto model = TrainOnGenerated(m, 11);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_GT(model->comparisons[0].levels[0].m, 0.99);
  EXPECT_GE(model->comparisons[0].levels[1].m, 1e-4);
  EXPECT_LT(model->comparisons[0].levels[1].m, 1e-3);
}

constexpr const char* kBoundSettings = R"(
em = {u_sample_pairs = 400000, max_iterations = 200, tolerance = 1e-7}
[[attributes]]
name = "block"
[[attributes]]
name = "a"
[[attributes]]
name = "born"
type = "date"
[[attributes]]
name = "id"
type = "identifier"
[[comparisons]]
name = "a"
attribute = "a"
levels = [{kind = "exact"}]
[[comparisons]]
name = "born"
attribute = "born"
levels = [{kind = "exact"}, {kind = "day_month_swap"}, {kind = "same_year"}]
[[comparisons]]
name = "id"
attribute = "id"
levels = [{kind = "exact"}]
[[blocking]]
attributes = ["block"]
)";

// 4000 entities in blocks of 5. Birth days are 13-28, so no two dates are each other's day and
// month swapped, among matches or random pairs; matches share the date, non-matches rarely the
// year. No record holds an id.
Result<Model> TrainForBounds() {
  Settings s = ParseSettings(kBoundSettings, SettingsFormat::kToml).value();
  RecordTable left(s), right(s);
  uint64_t st = 3;
  auto rnd = [&](int n) {
    st = st * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((st >> 33) % n);
  };
  auto date = [&] { return fmt::format("{}-{:02}-{}", 1940 + rnd(80), 1 + rnd(12), 13 + rnd(16)); };
  for (int e = 0; e < 4000; ++e) {
    const std::string block = std::to_string(e / 5), born = date(), a = std::to_string(rnd(20));
    left.Add("l", AttributeValues{{"block", block}, {"a", a}, {"born", born}});
    right.Add("r", AttributeValues{{"block", block}, {"a", rnd(10) < 8 ? a : std::to_string(rnd(20))}, {"born", born}});
  }
  return Train(s, left, &right, {});
}

// A level that neither matches nor random pairs showed has only the floors' ratio behind it
// (m 1e-4 against u 0.1 pairs in 400,000: +8.6 bits): it must not count for a match, nor may a
// looser level outweigh the strictest (a review of 2026-12-03).
TEST(Em, ALevelNoMatchShowedNeverCountsForAMatch) {
  Result<Model> trained = TrainForBounds();
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  const Model& model = *trained;
  const ComparisonParams& born = model.comparisons[1];
  EXPECT_GT(LevelWeight(born.levels[0]), 5);    // the exact date: strong evidence
  EXPECT_LE(LevelWeight(born.levels[1]), 0.0);  // day and month swapped: never seen
  EXPECT_LE(LevelWeight(born.levels[2]), LevelWeight(born.levels[0]));
  EXPECT_FALSE(born.untrained);
  for (const auto& c : model.comparisons) {
    for (size_t l = 1; l < c.levels.size(); ++l) {
      EXPECT_LE(LevelWeight(c.levels[l]), LevelWeight(c.levels[0]) + 1e-9) << c.name << " level " << l;
    }
  }
}

// A comparison no pair held values for (a first load without ID numbers) weighs 0 at every
// level: EM never moved its starting guesses (+1.2 bits for agreeing, only -3 for two different
// IDs). The model says so, and keeps saying it through JSON.
TEST(Em, AComparisonWithoutValuesIsUntrainedAndWeighsNothing) {
  Result<Model> trained = TrainForBounds();
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  const Model& model = *trained;
  const ComparisonParams& id = model.comparisons[2];
  EXPECT_TRUE(id.untrained);
  for (const auto& level : id.levels) EXPECT_DOUBLE_EQ(LevelWeight(level), 0.0);
  EXPECT_FALSE(model.comparisons[0].untrained);
  Result<Model> back = ModelFromJson(ModelToJson(model));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->comparisons[2].untrained);
  EXPECT_FALSE(back->comparisons[1].untrained);
}

TEST(Em, NoCandidatePairsIsAFailedPrecondition) {
  Settings s = ParseSettings(kSettings, SettingsFormat::kToml).value();
  RecordTable left(s), right(s);
  left.Add("l", AttributeValues{{"block", "x"}});
  right.Add("r", AttributeValues{{"block", "y"}});
  EXPECT_EQ(Train(s, left, &right, {}).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ndc::link
