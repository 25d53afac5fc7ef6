#include "cli/ingest_output.h"

#include <gtest/gtest.h>

namespace ndc::cli {
namespace {


TEST(Thousands, GroupsDigitsInThrees) {
  EXPECT_EQ(Thousands(0), "0");
  EXPECT_EQ(Thousands(999), "999");
  EXPECT_EQ(Thousands(1000), "1,000");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
  EXPECT_EQ(Thousands(-45000), "-45,000");
}

}  // namespace
}  // namespace ndc::cli
