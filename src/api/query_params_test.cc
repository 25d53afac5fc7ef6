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
}

}  // namespace
}  // namespace ndc::api
