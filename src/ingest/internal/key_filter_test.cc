#include "ingest/internal/key_filter.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::ingest {
namespace {

TEST(KeyFilterTest, AKeySeenBeforeIsAlwaysAMaybe) {
  KeyFilter filter;
  EXPECT_FALSE(filter.TestAndAdd("001090012345"));
  EXPECT_TRUE(filter.TestAndAdd("001090012345"));
  EXPECT_FALSE(filter.TestAndAdd(""));
  EXPECT_TRUE(filter.TestAndAdd(""));
}

// A million distinct keys shaped like personal IDs give no false positive (expected: 0.001).
// Regression: double hashing inside the 512-bit block gave about fourteen.
TEST(KeyFilterTest, AMillionDistinctKeysGiveNoFalsePositive) {
  KeyFilter filter;
  int maybes = 0;
  for (int64_t i = 0; i < 1000000; ++i) {
    std::string key = std::to_string(1000 + i % 97) + std::to_string(100000000 + i * 7919 % 899999999);
    maybes += filter.TestAndAdd(key) ? 1 : 0;
  }
  EXPECT_EQ(maybes, 0);
}

}  // namespace
}  // namespace ndc::ingest
