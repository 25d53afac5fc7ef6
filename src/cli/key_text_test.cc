// Record keys on the command line: a composite key's U+001F is typed and shown as %1F.
#include "cli/key_text.h"

#include <gtest/gtest.h>

namespace ndc::cli {
namespace {

TEST(KeyText, CompositeKeysAreTypedAndShownWithPercentOneF) {
  EXPECT_EQ(KeyFromArg("HN%1F001"), "HN\x1f" "001");
  EXPECT_EQ(KeyFromArg("HN%1f001"), "HN\x1f" "001");
  EXPECT_EQ(ShownKey("HN\x1f" "001"), "HN%1F001");
  EXPECT_EQ(KeyFromArg("001090012345"), "001090012345");  // a plain key as typed
}

TEST(KeyText, PercentRoundTripsAndOtherEscapesStayAsTyped) {
  EXPECT_EQ(ShownKey("50%"), "50%25");
  EXPECT_EQ(KeyFromArg("50%25"), "50%");
  EXPECT_EQ(KeyFromArg("a%20b"), "a%20b");  // only %1F and %25 are read
  EXPECT_EQ(KeyFromArg("x%1"), "x%1");      // cut short: as typed
  EXPECT_EQ(KeyFromArg("x%"), "x%");
  for (std::string key : {"A\x1f" "B\x1f" "C", "%1F\x1f" "%", "", "đơn vị\x1f" "12"}) {
    EXPECT_EQ(KeyFromArg(ShownKey(key)), key) << ShownKey(key);
  }
}

}  // namespace
}  // namespace ndc::cli
