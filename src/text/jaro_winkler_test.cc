#include "text/jaro_winkler.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace ndc::text {
namespace {

// Published values (Winkler 1990; the Wikipedia article on Jaro–Winkler distance), to 3 places.
TEST(JaroWinkler, PublishedValues) {
  EXPECT_NEAR(JaroSimilarity(U"MARTHA", U"MARHTA"), 0.944, 5e-4);
  EXPECT_NEAR(JaroWinklerSimilarity(U"MARTHA", U"MARHTA"), 0.961, 5e-4);
  EXPECT_NEAR(JaroSimilarity(U"DWAYNE", U"DUANE"), 0.822, 5e-4);
  EXPECT_NEAR(JaroWinklerSimilarity(U"DWAYNE", U"DUANE"), 0.840, 5e-4);
  EXPECT_NEAR(JaroSimilarity(U"DIXON", U"DICKSONX"), 0.767, 5e-4);
  EXPECT_NEAR(JaroWinklerSimilarity(U"DIXON", U"DICKSONX"), 0.813, 5e-4);
}

TEST(JaroWinkler, Utf8OverloadAgrees) {
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity("MARTHA", "MARHTA"), JaroWinklerSimilarity(U"MARTHA", U"MARHTA"));
  EXPECT_DOUBLE_EQ(JaroSimilarity("DIXON", "DICKSONX"), JaroSimilarity(U"DIXON", U"DICKSONX"));
}

TEST(JaroWinkler, ComparesCodePointsNotBytes) {
  // 5 of 6 code points match in order: Jaro 8/9, prefix "Nguy" adds 4 * 0.1 * 1/9.
  EXPECT_NEAR(JaroWinklerSimilarity("Nguyễn", "Nguyen"), 8.0 / 9 + 0.4 / 9, 1e-12);
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity("Nguyễn", "Nguyễn"), 1.0);
}

TEST(JaroWinkler, EmptyStrings) {
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity(U"", U""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity(U"", U"an"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity(U"an", U""), 0.0);
}

TEST(JaroWinkler, NothingInCommonIsZero) { EXPECT_DOUBLE_EQ(JaroWinklerSimilarity(U"abc", U"xyz"), 0.0); }

TEST(JaroWinkler, NoPrefixBoostAtOrBelowThreshold) {
  // "abcd"/"abxy": window 1, m = 2, Jaro 2/3 <= 0.7, so the shared "ab" adds nothing.
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity(U"abcd", U"abxy"), 2.0 / 3);
}

TEST(JaroWinkler, SymmetricAndInRange) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> len(0, 8), ch(0, 3);
  for (int n = 0; n < 2000; ++n) {
    std::u32string a, b;
    for (int i = len(rng); i > 0; --i) a.push_back(U'a' + ch(rng));
    for (int i = len(rng); i > 0; --i) b.push_back(U'a' + ch(rng));
    const double ab = JaroWinklerSimilarity(a, b);
    ASSERT_DOUBLE_EQ(ab, JaroWinklerSimilarity(b, a));
    ASSERT_GE(ab, 0.0);
    ASSERT_LE(ab, 1.0);
  }
}

TEST(JaroWinkler, ComparesOnlyTheBoundedPrefix) {
  const std::u32string base(kMaxSimilarityCodePoints, U'a');
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity(base + U"x", base + U"yz"), 1.0);
  const std::string long_utf8(10'000'000, 'a');  // only the first 1024 code points are decoded
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity(long_utf8, long_utf8 + "b"), 1.0);
}

}  // namespace
}  // namespace ndc::text
