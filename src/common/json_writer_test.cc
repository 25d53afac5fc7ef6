#include "common/json_writer.h"

#include <gtest/gtest.h>

#include <random>

#include "common/json.h"

namespace ndc {
namespace {

std::string Written(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

TEST(JsonWriter, StringsAreEscapedExactlyAsDumpJsonDoes) {
  const std::vector<std::string> samples = {
      "", "plain", "Nguyễn Văn An", "quote \" and backslash \\", "tab\tnew\nline\rcr\bbs\fff",
      std::string("nul\0byte", 8), "\x01\x1f\x7f", "emoji 😀 and 𝄞", "Robert'); DROP TABLE persons;--",
      "\xff", "bad \xc3\x28 pair", "\xe0\x80\x80 overlong", "\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80 too high",
      "cut \xe1\xbb", "\xc0\xaf"};
  for (const std::string& s : samples) {
    EXPECT_EQ(Written(s), DumpJson(nlohmann::json(s))) << "for " << testing::PrintToString(s);
  }
}

TEST(JsonWriter, RandomBytesMatchDumpJson) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> len(0, 12), byte(0, 255), pick(0, 9);
  const char* pieces[] = {"ễ", "\"", "\\", "\n", "\x80", "\xe1\xbb", "a", "😀", "\x1f", "\xf0\x9f"};
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    for (int k = len(rng); k > 0; --k) {
      if (pick(rng) < 5) {
        s.push_back(static_cast<char>(byte(rng)));
      } else {
        s += pieces[pick(rng)];
      }
    }
    ASSERT_EQ(Written(s), DumpJson(nlohmann::json(s))) << "for " << testing::PrintToString(s);
  }
}

TEST(JsonWriter, DocumentsMatchDumpJson) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Int(1);
  w.Int(-9223372036854775807LL - 1);
  w.Double(0.1);
  w.Double(2.0);
  w.Bool(true);
  w.Null();
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.EndArray();
  w.Member("b", "text");
  w.Member("c", int64_t{42});
  w.Key("d");
  w.BeginObject();
  w.Member("x", "y");
  w.Key("z");
  w.Bool(false);
  w.EndObject();
  w.EndObject();
  nlohmann::json j = {{"a", {1, INT64_MIN, 0.1, 2.0, true, nullptr, nlohmann::json::object(), nlohmann::json::array()}},
                      {"b", "text"},
                      {"c", 42},
                      {"d", {{"x", "y"}, {"z", false}}}};
  EXPECT_EQ(out, DumpJson(j));
}

TEST(JsonWriter, TopLevelScalarAndEmptyContainers) {
  std::string out;
  JsonWriter(&out).String("x");
  EXPECT_EQ(out, "\"x\"");
  out.clear();
  JsonWriter w(&out);
  w.BeginArray();
  w.BeginArray();
  w.EndArray();
  w.BeginObject();
  w.EndObject();
  w.EndArray();
  EXPECT_EQ(out, "[[],{}]");
}

}  // namespace
}  // namespace ndc
