#include "api/query_params.h"

#include <gtest/gtest.h>

namespace ndc::api {
namespace {

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
  // Past int64, or at its top beyond `max`: the range, not "not an integer" (before 2026-12-02).
  req.query = {{"after", "9223372036854775806"}, {"big", "99999999999999999999"}, {"top", "9223372036854775807"}};
  EXPECT_EQ(IntParam(req, "after", 0, 1000).status().message(),
            "query parameter after must be between 0 and 1000, got 9223372036854775806");
  EXPECT_EQ(IntParam(req, "big", 0, INT64_MAX).status().message(),
            "query parameter big must be between 0 and 9223372036854775807, got 99999999999999999999");
  EXPECT_EQ(**IntParam(req, "top", 0, INT64_MAX), INT64_MAX);
}

// A flag is true or false: `all=yes` was taken as false before 2026-11-30.
TEST(BoolParam, IsTrueOrFalseAndNothingElse) {
  Request req;
  req.query = {{"a", "true"}, {"b", "false"}, {"c", "yes"}, {"d", "1"}};
  EXPECT_TRUE(*BoolParam(req, "a", false));
  EXPECT_FALSE(*BoolParam(req, "b", true));
  EXPECT_TRUE(*BoolParam(req, "absent", true));
  EXPECT_EQ(BoolParam(req, "c", false).status().message(), "query parameter c must be true or false, got 'yes'");
  EXPECT_EQ(BoolParam(req, "d", false).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ndc::api
