// The ASCII fast paths against the text:: functions (principle 8: clever code checked against
// the reference): Jaro–Winkler equal, the token-set bound never below the exact value.
#include "link/internal/ascii_similarity.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "text/jaro_winkler.h"
#include "text/token_set.h"

namespace ndc::link::internal {
namespace {

// Name-like strings: tokens from a small alphabet (so tokens and pairs often share letters),
// mutated by typos, swaps, duplicated and reordered tokens.
std::vector<std::string> Corpus() {
  std::vector<std::string> out = {"", " ", "a", "martha", "marhta", "dwayne", "duane", "dixon", "dicksonx",
                                  "nguyen van an", "an nguyen van", "nguyen an", "nguyen  van\tan",
                                  "tran thi thu huong", "tran thu huong thi", "le le le", "a b c d e f g h i j"};
  std::mt19937 rng(7);
  const std::string letters = "aaeinnghotuvc";
  for (int i = 0; i < 400; ++i) {
    std::string s;
    int tokens = 1 + static_cast<int>(rng() % 5);
    for (int t = 0; t < tokens; ++t) {
      if (t) s += rng() % 10 == 0 ? "  " : " ";
      int len = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < len; ++k) s += letters[rng() % letters.size()];
    }
    out.push_back(s);
  }
  return out;
}

TEST(AsciiSimilarity, JaroWinklerEqualsTextJaroWinkler) {
  auto corpus = Corpus();
  for (size_t i = 0; i < corpus.size(); ++i) {
    for (size_t j = i; j < corpus.size(); j += 7) {
      ASSERT_EQ(JaroWinkler(corpus[i], corpus[j]), text::JaroWinklerSimilarity(corpus[i], corpus[j]))
          << "'" << corpus[i] << "' / '" << corpus[j] << "'";
    }
  }
}

TEST(AsciiSimilarity, TokenSetUpperBoundIsAtLeastTextTokenSetAndPrunes) {
  auto corpus = Corpus();
  size_t pruned = 0, partial = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    for (size_t j = i; j < corpus.size(); j += 3) {
      const double exact = text::TokenSetSimilarity(corpus[i], corpus[j]);
      const double bound = TokenSetUpperBound(corpus[i], corpus[j]);
      ASSERT_GE(bound, exact) << "'" << corpus[i] << "' / '" << corpus[j] << "'";
      pruned += bound < 0.8;
      partial += exact > 0 && exact < 1;
    }
  }
  EXPECT_GT(partial, 100u);  // the corpus exercises the assignment, not only 0 and 1
  EXPECT_GT(pruned, 1000u);  // and the bound rules most pairs out of a 0.8 level
}

TEST(AsciiSimilarity, TokenSetUpperBoundOfEqualSetsIsOne) {
  EXPECT_DOUBLE_EQ(TokenSetUpperBound("nguyen van an", "an nguyen van"), 1.0);
  EXPECT_DOUBLE_EQ(TokenSetUpperBound("", ""), 1.0);
  EXPECT_EQ(TokenSetUpperBound("an", ""), 0.0);
}

TEST(AsciiSimilarity, InputsNotHandledGoToTheTextFunctionsOrBoundOne) {
  const std::string long_name(300, 'a');
  EXPECT_EQ(JaroWinkler("nguyễn", "nguyen"), text::JaroWinklerSimilarity("nguyễn", "nguyen"));
  EXPECT_EQ(JaroWinkler(long_name, long_name + "b"), text::JaroWinklerSimilarity(long_name, long_name + "b"));
  EXPECT_EQ(TokenSetUpperBound("a b c d e f g h i", "z"), 1.0);  // 9 tokens
  EXPECT_EQ(TokenSetUpperBound("lê văn an", "x y"), 1.0);        // not ASCII
}

}  // namespace
}  // namespace ndc::link::internal
