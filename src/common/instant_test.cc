#include "common/instant.h"

#include <gtest/gtest.h>

namespace ndc {
namespace {

constexpr int64_t k2026 = 1767225600000000;  // 2026-01-01T00:00:00Z

TEST(ParseInstant, AcceptsRfc3339WithOffsetsAndFractions) {
  EXPECT_EQ(*ParseInstant("2026-01-01T00:00:00Z"), k2026);
  EXPECT_EQ(*ParseInstant("2026-01-01t00:00:00z"), k2026);
  EXPECT_EQ(*ParseInstant("2026-01-01T07:00:00+07:00"), k2026);
  EXPECT_EQ(*ParseInstant("2025-12-31T19:30:00-04:30"), k2026);
  EXPECT_EQ(*ParseInstant("2026-01-01T00:00:00.25Z"), k2026 + 250000);
  EXPECT_EQ(*ParseInstant("2026-01-01T00:00:00.0000019Z"), k2026 + 1);  // past micros: cut
  EXPECT_EQ(*ParseInstant("2024-02-29T12:00:00Z"), 1709208000000000);
}

TEST(ParseInstant, AcceptsDatesAndMicros) {
  EXPECT_EQ(*ParseInstant("2026-01-01"), k2026);
  EXPECT_EQ(*ParseInstant("2024-02-29"), k2026 - int64_t{672} * 86400 * 1000000);
  EXPECT_EQ(*ParseInstant("1767225600000000"), k2026);
  EXPECT_EQ(*ParseInstant("1767225600000000", /*allow_date=*/false), k2026);
}

TEST(ParseInstant, DatesOnlyWhenAllowed) {
  auto r = ParseInstant("2026-01-01", /*allow_date=*/false);
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().find("a date"), std::string::npos) << r.status().message();
}

TEST(ParseInstant, RefusesMalformedInstantsSayingWhatWorks) {
  for (const char* bad : {"", "2026-13-01", "2025-02-29", "2026-01-01T00:00:00", "2026-01-01T24:00:00Z",
                          "yesterday", "2026-01-01T00:00Z", "2026-01-01T00:00:00+0700", "-5",
                          "2026-02-29T00:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+7:00",
                          "2026-01-01T00:00:00Zjunk", "9999999999999999999"}) {
    auto r = ParseInstant(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("RFC 3339"), std::string::npos);
  }
}

}  // namespace
}  // namespace ndc
