// Blocked linkage against the all-pairs reference; deduplication; best-match-only.
#include <set>

#include <gtest/gtest.h>

#include "link/linker.h"
#include "link/test_records.h"

namespace ndc::link {
namespace {

struct Fixture {
  Settings settings = DefaultPersonSettings();
  RecordTable left{settings}, right{settings};
  Model model;
  explicit Fixture(size_t n) {
    testdata::Fill(&left, "L", n, false);
    testdata::Fill(&right, "R", n, true);
    settings.em.u_sample_pairs = 50000;
    model = Train(settings, left, &right, {}).value();
  }
};

TEST(Linker, BlockingFindsEveryMatchTheAllPairsReferenceFinds) {
  Fixture f(400);
  auto all = LinkAllPairs(f.settings, f.model, f.left, &f.right).value();
  auto blocked = Link(f.settings, f.model, f.left, &f.right, {}).value();
  std::set<std::pair<uint32_t, uint32_t>> found;
  for (const auto& p : blocked.pairs) found.insert({p.left, p.right});
  size_t ref_matches = 0, recalled = 0;
  for (const auto& p : all.pairs) {
    if (p.probability < f.settings.thresholds.match) continue;
    ++ref_matches;
    recalled += found.count({p.left, p.right});
  }
  EXPECT_GT(ref_matches, 380u);
  EXPECT_GE(static_cast<double>(recalled) / ref_matches, 0.99);
  EXPECT_LT(blocked.stats.candidate_pairs, all.stats.candidate_pairs / 50);
}

TEST(Linker, BlockedScoresEqualReferenceScores) {
  Fixture f(200);
  auto all = LinkAllPairs(f.settings, f.model, f.left, &f.right).value();
  auto blocked = Link(f.settings, f.model, f.left, &f.right, {}).value();
  std::map<std::pair<uint32_t, uint32_t>, float> ref;
  for (const auto& p : all.pairs) ref[{p.left, p.right}] = p.weight;
  for (const auto& p : blocked.pairs) {
    auto it = ref.find({p.left, p.right});
    ASSERT_NE(it, ref.end());
    EXPECT_EQ(it->second, p.weight);
  }
}

TEST(Linker, CandidatePairsAreDistinct) {
  Fixture f(200);
  auto pairs = CandidatePairs(f.settings, f.left, &f.right);
  std::set<std::pair<uint32_t, uint32_t>> distinct(pairs.begin(), pairs.end());
  EXPECT_EQ(distinct.size(), pairs.size());
}

TEST(Linker, DeterministicRuleMatchesSameIdWithConsistentBirthDate) {
  Fixture f(50);
  auto r = Link(f.settings, f.model, f.left, &f.right, {}).value();
  ASSERT_FALSE(r.pairs.empty());
  size_t det = 0;
  for (const auto& p : r.pairs) det += p.how == MatchHow::kDeterministic;
  EXPECT_GT(det, 35u);
  EXPECT_EQ(r.stats.deterministic_pairs, det);
}

TEST(Linker, DedupeFindsDuplicatesWithinOneTable) {
  Settings s = DefaultPersonSettings();
  s.best_match_only = false;
  s.em.u_sample_pairs = 50000;
  RecordTable t(s);
  testdata::Fill(&t, "a", 150, false);
  testdata::Fill(&t, "b", 150, true);
  Model m = Train(s, t, nullptr, {}).value();
  auto r = Link(s, m, t, nullptr, {}).value();
  size_t same_person = 0;
  for (const auto& p : r.pairs) {
    EXPECT_LT(p.left, p.right);
    same_person += p.probability >= s.thresholds.match && p.right == p.left + 150;
  }
  EXPECT_GE(same_person, 145u);
  EXPECT_LE(r.clusters.count, 160u);
}

}  // namespace
}  // namespace ndc::link
