#include "api/problem.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ndc::api {
namespace {

TEST(Problem, HasRfc9457Members) {
  Request req;
  req.path = "/v1/datasets/x";
  req.request_id = "abc";
  Response r = ProblemFromStatus(NotFoundError("dataset 'x' does not exist"), req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["type"], "urn:ndc:problem:not-found");
  EXPECT_EQ(j["title"], "Not found");
  EXPECT_EQ(j["status"], 404);
  EXPECT_EQ(j["detail"], "dataset 'x' does not exist");
  EXPECT_EQ(j["code"], "NOT_FOUND");
  EXPECT_EQ(j["instance"], "/v1/datasets/x");
  EXPECT_EQ(j["request_id"], "abc");
}

TEST(Problem, UnauthenticatedCarriesChallenge) {
  Response r = ProblemFromStatus(UnauthenticatedError("no key"), Request{});
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "WWW-Authenticate");
}

TEST(Problem, InternalDetailIsNotLeaked) {
  Request req;
  req.request_id = "r1";
  Response r = ProblemFromStatus(InternalError("postgresql: relation secret_table does not exist"), req);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret_table"), std::string::npos);
  EXPECT_NE(r.body.find("r1"), std::string::npos);
}

TEST(Problem, HostileBytesInDetailStayValidJson) {
  Response r = ProblemResponse(400, "INVALID_ARGUMENT", "t", std::string("bad \xff\xfe \"quote\""));
  auto j = nlohmann::json::parse(r.body);  // would throw on invalid UTF-8
  EXPECT_EQ(j["status"], 400);
}

}  // namespace
}  // namespace ndc::api
