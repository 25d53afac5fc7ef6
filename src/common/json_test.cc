#include "common/json.h"

#include <gtest/gtest.h>

namespace ndc {
namespace {

TEST(Json, ParsesNormalDocument) {
  auto j = ParseJson(R"({"a": [1, 2, {"b": "c"}]})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["a"][2]["b"], "c");
}

TEST(Json, RejectsDeepNestingWithoutRecursing) {
  std::string deep(100000, '[');
  auto j = ParseJson(deep);
  EXPECT_EQ(j.status().message(), "JSON nesting deeper than 64 levels");
}

TEST(Json, BracketsInsideStringsDoNotCount) {
  std::string s = "{\"x\": \"" + std::string(200, '[') + "\"}";
  EXPECT_TRUE(ParseJson(s).ok());
}

TEST(Json, SyntaxErrorNamesByte) {
  auto j = ParseJson("{\"a\": }");
  EXPECT_EQ(j.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(j.status().message().find("invalid JSON at byte 7"), std::string::npos) << j.status().message();
}

TEST(Json, HugeNumberIsAnErrorNotAnException) {
  auto j = ParseJson("{\"id\": 1e400}");
  EXPECT_EQ(j.status().code(), StatusCode::kInvalidArgument);
}

// Which of two values counts would differ between readers: refused, naming the key; the same key
// in different objects is fine.
TEST(Json, AKeyTwiceInOneObjectIsAnError) {
  auto r = ParseJson(R"({"id":"a","x":{"id":"b"},"id":"c"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "invalid JSON: the key \"id\" appears twice in one object");
  EXPECT_FALSE(ParseJson(R"([{"a":1},{"b":{"c":1,"c":2}}])").ok());
  auto fine = ParseJson(R"({"id":"a","x":{"id":"b"},"y":[{"id":1},{"id":2}]})");
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_EQ((*fine)["y"][1]["id"], 2);
}

TEST(Json, DumpReplacesInvalidUtf8) {
  nlohmann::json j = std::string("a\xff" "b");
  EXPECT_EQ(DumpJson(j), "\"a\xEF\xBF\xBD" "b\"");
}

}  // namespace
}  // namespace ndc
