#include "text/internal/icu.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::text::internal {
namespace {

bool Never(char32_t) { return false; }

TEST(ChunkLength, ShortInputIsOneChunk) { EXPECT_EQ(ChunkLength("abc", 8, Never), 3u); }

TEST(ChunkLength, CutsBeforeLastBoundaryInWindow) {
  EXPECT_EQ(ChunkLength("ab cd ef", 6, CaseBoundaryBefore), 5u);  // before the second space
}

TEST(ChunkLength, NeverSplitsACodePoint) {
  EXPECT_EQ(ChunkLength("ễễễ", 4, Never), 3u);
  EXPECT_EQ(ChunkLength("ễa", 2, Never), 3u);  // a code point longer than the window
}

TEST(ChunkLength, KeepsMarksWithTheirBase) {
  // "e" + circumflex + tilde, then "e": the only NFC boundary is before the second "e".
  EXPECT_EQ(ChunkLength("e\u0302\u0303e\u0302", 6, NfcBoundaryBefore), 5u);
}

TEST(AppendNormalized, DecomposesAndComposes) {
  std::string nfd, nfc;
  ASSERT_TRUE(AppendNormalized("Nguyễn", /*nfd=*/true, &nfd).ok());
  EXPECT_EQ(nfd, "Nguye\u0302\u0303n");
  ASSERT_TRUE(AppendNormalized(nfd, /*nfd=*/false, &nfc).ok());
  EXPECT_EQ(nfc, "Nguyễn");
}

}  // namespace
}  // namespace ndc::text::internal
