#include "text/damerau_levenshtein.h"

#include <gtest/gtest.h>

#include <map>
#include <queue>
#include <random>
#include <string>

namespace ndc::text {
namespace {

TEST(DamerauLevenshtein, KnownDistances) {
  EXPECT_EQ(DamerauLevenshteinDistance(U"kitten", U"sitting"), 3u);
  EXPECT_EQ(DamerauLevenshteinDistance(U"ab", U"ba"), 1u);
  EXPECT_EQ(DamerauLevenshteinDistance(U"", U"abc"), 3u);
  EXPECT_EQ(DamerauLevenshteinDistance(U"abc", U""), 3u);
  EXPECT_EQ(DamerauLevenshteinDistance(U"abc", U"abc"), 0u);
}

TEST(DamerauLevenshtein, UnrestrictedNotOptimalStringAlignment) {
  EXPECT_EQ(DamerauLevenshteinDistance(U"CA", U"ABC"), 2u);  // OSA gives 3
}

TEST(DamerauLevenshtein, CountsCodePoints) {
  EXPECT_EQ(DamerauLevenshteinDistance("Nguyễn", "Nguyen"), 1u);
  EXPECT_EQ(DamerauLevenshteinDistance("Nguyễn", "Ngyuễn"), 1u);
  EXPECT_EQ(DamerauLevenshteinDistance("Thủy", "Thuỷ"), 2u);  // tone on another vowel
}

TEST(DamerauLevenshtein, NormalizedSimilarity) {
  EXPECT_NEAR(DamerauLevenshteinSimilarity(U"kitten", U"sitting"), 1.0 - 3.0 / 7, 1e-12);
  EXPECT_DOUBLE_EQ(DamerauLevenshteinSimilarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(DamerauLevenshteinSimilarity("", "an"), 0.0);
  EXPECT_DOUBLE_EQ(DamerauLevenshteinSimilarity("minh", "mihn"), 0.75);
}

// Reference: breadth-first search over strings, one edit per step (insert, delete, substitute,
// swap adjacent), with letters from the two inputs. Exponential; for short strings only.
size_t BfsDistance(const std::u32string& a, const std::u32string& b) {
  std::u32string alphabet = a + b;
  std::map<std::u32string, size_t> dist{{a, 0}};
  std::queue<std::u32string> queue;
  queue.push(a);
  const size_t max_len = std::max(a.size(), b.size()) + 1;
  while (!queue.empty()) {
    const std::u32string s = queue.front();
    queue.pop();
    const size_t d = dist[s];
    if (s == b) return d;
    std::vector<std::u32string> next;
    for (size_t i = 0; i < s.size(); ++i) {
      next.push_back(s.substr(0, i) + s.substr(i + 1));
      if (i + 1 < s.size()) {
        std::u32string t = s;
        std::swap(t[i], t[i + 1]);
        next.push_back(t);
      }
      for (char32_t c : alphabet) {
        std::u32string t = s;
        t[i] = c;
        next.push_back(t);
      }
    }
    for (size_t i = 0; i <= s.size() && s.size() < max_len; ++i) {
      for (char32_t c : alphabet) next.push_back(s.substr(0, i) + c + s.substr(i));
    }
    for (const std::u32string& t : next) {
      if (dist.emplace(t, d + 1).second) queue.push(t);
    }
  }
  return SIZE_MAX;
}

TEST(DamerauLevenshtein, MatchesBreadthFirstReference) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> len(0, 5), ch(0, 2);
  for (int n = 0; n < 300; ++n) {
    std::u32string a, b;
    for (int i = len(rng); i > 0; --i) a.push_back(U'a' + ch(rng));
    for (int i = len(rng); i > 0; --i) b.push_back(U'a' + ch(rng));
    ASSERT_EQ(DamerauLevenshteinDistance(a, b), BfsDistance(a, b)) << n;
  }
}

TEST(DamerauLevenshtein, TriangleInequalityHolds) {
  // Fails for OSA: d(CA, AC) = 1, d(AC, ABC) = 1, OSA d(CA, ABC) = 3.
  EXPECT_LE(DamerauLevenshteinDistance(U"CA", U"ABC"),
            DamerauLevenshteinDistance(U"CA", U"AC") + DamerauLevenshteinDistance(U"AC", U"ABC"));
}

TEST(DamerauLevenshtein, ComparesOnlyTheBoundedPrefix) {
  const std::u32string base(kMaxSimilarityCodePoints, U'a');
  EXPECT_EQ(DamerauLevenshteinDistance(base + U"bbbbb", base), 0u);
  EXPECT_EQ(DamerauLevenshteinDistance(std::u32string(5000, U'x'), U""), kMaxSimilarityCodePoints);
}

}  // namespace
}  // namespace ndc::text
