#include "api/http.h"

#include <gtest/gtest.h>

namespace ndc::api {
namespace {

TEST(ParseTarget, SplitsAndDecodesPathAndQuery) {
  std::string path;
  std::map<std::string, std::string> q;
  ASSERT_TRUE(ParseTarget("/v1/datasets/a%20b?version=2&x=hello+world&flag", &path, &q));
  EXPECT_EQ(path, "/v1/datasets/a b");
  EXPECT_EQ(q["version"], "2");
  EXPECT_EQ(q["x"], "hello world");
  EXPECT_EQ(q["flag"], "");
}

TEST(ParseTarget, RefusesBadEscapesNulAndAbsoluteForm) {
  std::string path;
  std::map<std::string, std::string> q;
  EXPECT_FALSE(ParseTarget("/a%2", &path, &q));
  EXPECT_FALSE(ParseTarget("/a%zz", &path, &q));
  EXPECT_FALSE(ParseTarget("/a%00b", &path, &q));
  EXPECT_FALSE(ParseTarget("http://x/a", &path, &q));
  EXPECT_FALSE(ParseTarget("", &path, &q));
}

TEST(ParseTarget, DecodesUtf8PercentEscapes) {
  std::string path;
  std::map<std::string, std::string> q;
  ASSERT_TRUE(ParseTarget("/p?name=Nguy%E1%BB%85n", &path, &q));
  EXPECT_EQ(q["name"], "Nguyễn");
}

TEST(LastTransferCoding, TakesTheLastCodingAcrossTheList) {
  EXPECT_EQ(LastTransferCoding("chunked", ""), "chunked");
  EXPECT_EQ(LastTransferCoding(" gzip ,\tchunked\t", ""), "chunked");
  EXPECT_EQ(LastTransferCoding("chunked, identity", ""), "identity");
  EXPECT_EQ(LastTransferCoding("chunked,", ""), "chunked");
  EXPECT_EQ(LastTransferCoding("", "gzip"), "gzip");  // an empty header names none: the earlier one's stands
  EXPECT_EQ(LastTransferCoding("identity", "chunked"), "identity");
}

}  // namespace
}  // namespace ndc::api
