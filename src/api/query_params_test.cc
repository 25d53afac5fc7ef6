#include "api/query_params.h"

#include <gtest/gtest.h>

namespace ndc::api {
namespace {

int64_t Instant(std::string_view text) {
  auto r = ParseInstant(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : -1;
}

TEST(ParseInstant, AcceptsRfc3339WithOffsetsAndFractions) {
  EXPECT_EQ(Instant("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Instant("2026-01-01T00:00:00Z"), 1767225600000000);
  EXPECT_EQ(Instant("2026-01-01T07:00:00+07:00"), 1767225600000000);
  EXPECT_EQ(Instant("2025-12-31T23:30:00.25-00:30"), 1767225600250000);
  EXPECT_EQ(Instant("2026-01-01t00:00:00.123456789z"), 1767225600123456);
  EXPECT_EQ(Instant("2024-02-29T12:00:00Z"), 1709208000000000);
}

TEST(ParseInstant, AcceptsUnixMicroseconds) { EXPECT_EQ(Instant("1767225600000000"), 1767225600000000); }

TEST(ParseInstant, RefusesWhatIsNotAnInstant) {
  for (const char* bad : {"", "yesterday", "2026-01-01", "2026-01-01T00:00:00", "2026-02-29T00:00:00Z",
                          "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00.Z",
                          "2026-01-01T00:00:00+7:00", "2026-01-01T00:00:00Zjunk", "-5"}) {
    auto r = ParseInstant(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(IntParam, NamesTheParameterAndItsBounds) {
  Request req;
  req.query = {{"limit", "0"}, {"after", "x1"}, {"n", "-3"}};
  EXPECT_EQ(IntParam(req, "limit", 1, 1000).status().message(),
            "query parameter limit must be between 1 and 1000, got 0");
  EXPECT_EQ(IntParam(req, "after", 0, 10).status().message(),
            "query parameter after must be an integer, got 'x1'");
  EXPECT_EQ(**IntParam(req, "n", -5, 5), -3);
  EXPECT_FALSE(IntParam(req, "absent", 0, 1)->has_value());
  EXPECT_EQ(*LimitParam(Request{}, 100, 1000), 100);
}

}  // namespace
}  // namespace ndc::api
