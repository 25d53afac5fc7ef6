#include "text/token_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "text/jaro_winkler.h"

namespace ndc::text {
namespace {

TEST(TokenSet, ReorderedTokensScoreOne) {
  EXPECT_DOUBLE_EQ(TokenSetSimilarity("nguyen van an", "an nguyen van"), 1.0);
}

TEST(TokenSet, MissingMiddleNameCostsALittle) {
  EXPECT_DOUBLE_EQ(TokenSetSimilarity("nguyen van an", "nguyen an"), 0.8);
}

TEST(TokenSet, TypoInsideATokenStillMatches) {
  // JW("minh", "mihn") = 0.91667 + 2 * 0.1 * 0.08333 = 0.93333; W = 2.93333.
  EXPECT_NEAR(TokenSetSimilarity("nguyen van minh", "nguyen van mihn"), 2 * (2 + 14.0 / 15) / 6, 1e-12);
}

TEST(TokenSet, DifferentNamesBelowThresholdCountZero) {
  EXPECT_DOUBLE_EQ(TokenSetSimilarity("minh", "linh"), 0.0);  // JW 0.833
}

TEST(TokenSet, DuplicateTokensCountOnce) { EXPECT_DOUBLE_EQ(TokenSetSimilarity("an an", "an"), 1.0); }

TEST(TokenSet, EmptyStrings) {
  EXPECT_DOUBLE_EQ(TokenSetSimilarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(" \t", ""), 1.0);
  EXPECT_DOUBLE_EQ(TokenSetSimilarity("", "an"), 0.0);
}

TEST(TokenSet, TokensAreCodePoints) {
  EXPECT_DOUBLE_EQ(TokenSetSimilarity("Nguyễn\u3000Văn", "Văn Nguyễn"), 1.0);
}

// Reference: the best one-to-one matching by trying every assignment of the smaller side.
double BruteForce(const std::vector<std::u32string>& a, const std::vector<std::u32string>& b) {
  const auto& small = a.size() <= b.size() ? a : b;
  const auto& large = a.size() <= b.size() ? b : a;
  std::vector<size_t> perm(large.size());
  std::iota(perm.begin(), perm.end(), 0);
  double best = 0;
  do {
    double total = 0;
    for (size_t i = 0; i < small.size(); ++i) {
      const double s = JaroWinklerSimilarity(small[i], large[perm[i]]);
      if (s >= kTokenMatchThreshold) total += s;
    }
    best = std::max(best, total);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return 2 * best / static_cast<double>(a.size() + b.size());
}

std::string Join(const std::vector<std::u32string>& tokens) {
  std::string out;
  for (const auto& t : tokens) {
    for (char32_t c : t) out.push_back(static_cast<char>(c));
    out.push_back(' ');
  }
  return out;
}

TEST(TokenSet, MatchesBruteForceReference) {
  const std::vector<std::u32string> vocab = {U"minh",  U"mihn",   U"minhh", U"linh", U"nguyen",
                                             U"nguyn", U"ngyuen", U"van",   U"vanh", U"thi",
                                             U"thii",  U"an",     U"anh"};
  std::mt19937 rng(5);
  std::uniform_int_distribution<size_t> len(1, 5), word(0, vocab.size() - 1);
  for (int n = 0; n < 400; ++n) {
    std::vector<std::u32string> a, b;
    auto fill = [&](std::vector<std::u32string>* v) {
      for (size_t i = len(rng); i > 0; --i) {
        const std::u32string& w = vocab[word(rng)];
        if (std::find(v->begin(), v->end(), w) == v->end()) v->push_back(w);
      }
    };
    fill(&a);
    fill(&b);
    ASSERT_NEAR(TokenSetSimilarity(Join(a), Join(b)), BruteForce(a, b), 1e-9) << Join(a) << "| " << Join(b);
  }
}

TEST(TokenSet, HostileManyTokensAreBounded) {
  std::string many;
  for (int i = 0; i < 100'000; ++i) many += "t" + std::to_string(i) + " ";
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(many, many + "extra"), 1.0);  // same first 64 tokens
}

}  // namespace
}  // namespace ndc::text
