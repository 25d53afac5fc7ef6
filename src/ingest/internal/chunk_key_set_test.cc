#include "ingest/internal/chunk_key_set.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::ingest {
namespace {

TEST(ChunkKeySetTest, SaysWhetherAKeyIsAlreadyInTheChunk) {
  ChunkKeySet keys(100);
  EXPECT_TRUE(keys.Insert("001092000001"));
  EXPECT_TRUE(keys.Insert("001092000002"));
  EXPECT_FALSE(keys.Insert("001092000001"));
  EXPECT_TRUE(keys.Insert(""));
  EXPECT_FALSE(keys.Insert(""));
  EXPECT_EQ(keys.size(), 3u);
  keys.Clear();
  EXPECT_EQ(keys.size(), 0u);
  EXPECT_TRUE(keys.Insert("001092000001"));  // a new chunk
}

TEST(ChunkKeySetTest, GrowsPastWhatItExpectedAndKeepsEveryKey) {
  ChunkKeySet keys(10);
  for (int i = 0; i < 50000; ++i) {
    ASSERT_TRUE(keys.Insert("K" + std::to_string(i))) << i;  // 64-bit hashes: no collision here
  }
  for (int i = 0; i < 50000; i += 7) EXPECT_FALSE(keys.Insert("K" + std::to_string(i))) << i;
  EXPECT_EQ(keys.size(), 50000u);
  keys.Clear();
  for (int i = 0; i < 3000; ++i) EXPECT_TRUE(keys.Insert("K" + std::to_string(i))) << i;
}

}  // namespace
}  // namespace ndc::ingest
