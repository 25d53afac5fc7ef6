// Settings parsing: TOML and JSON, defaults, and errors naming the wrong key's path.
#include <gtest/gtest.h>

#include "link/settings.h"

namespace ndc::link {
namespace {

constexpr const char* kMinimal = R"({"attributes": [{"name": "a"}],
  "comparisons": [{"name": "a", "attribute": "a", "levels": [{"kind": "exact"}]}],
  "blocking": [{"attributes": ["a"]}]})";

std::string ErrorOf(std::string_view text, SettingsFormat f = SettingsFormat::kJson) {
  auto s = ParseSettings(text, f);
  return s.ok() ? "OK" : s.status().message();
}

TEST(Settings, MinimalJsonParsesWithDefaults) {
  auto s = ParseSettings(kMinimal, SettingsFormat::kJson);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->attributes[0].type, AttributeType::kString);
  EXPECT_EQ(s->thresholds.match, 0.95);
  EXPECT_EQ(s->blocking[0].parts[0].transform, KeyTransform::kValue);
}

TEST(Settings, ShippedPersonSettingsAreValid) {
  const Settings& s = DefaultPersonSettings();
  EXPECT_GE(s.AttributeIndex("personal_id"), 0);
  EXPECT_GE(s.ComparisonIndex("birth_date"), 0);
  EXPECT_EQ(s.deterministic.size(), 2u);
}

TEST(Settings, UnknownKeyNamesItsPath) {
  EXPECT_EQ(ErrorOf(R"({"attributes": [{"name": "a", "tpye": "name"}]})"),
            "attributes[0].tpye: unknown key (expected one of name, type, date_format, vietnamese, derive_from)");
}

TEST(Settings, UnknownLevelKindListsTheKinds) {
  std::string e = ErrorOf(R"({"attributes": [{"name": "a"}],
    "comparisons": [{"name": "a", "attribute": "a", "levels": [{"kind": "jw"}]}]})");
  EXPECT_EQ(e.rfind("comparisons[0].levels[0].kind: unknown value 'jw' (expected exact, exact_folded", 0), 0u) << e;
}

TEST(Settings, UnknownAttributeInBlockingRule) {
  std::string e = ErrorOf(R"({"attributes": [{"name": "a"}],
    "comparisons": [{"name": "a", "attribute": "a", "levels": [{"kind": "exact"}]}],
    "blocking": [{"parts": [{"attribute": "dob"}]}]})");
  EXPECT_EQ(e, "blocking[0].parts[0].attribute: unknown attribute 'dob'");
}

TEST(Settings, LevelKindMustFitTheAttributeType) {
  std::string e = ErrorOf(R"({"attributes": [{"name": "a"}],
    "comparisons": [{"name": "a", "attribute": "a", "levels": [{"kind": "day_month_swap"}]}],
    "blocking": [{"attributes": ["a"]}]})");
  EXPECT_EQ(e, "comparisons[0].levels[0].kind: level kind 'day_month_swap' does not apply to a string attribute");
}

TEST(Settings, ThresholdsMustBeOrdered) {
  std::string text = kMinimal;
  text.insert(text.size() - 1, R"(, "thresholds": {"match": 0.4, "review": 0.6})");
  EXPECT_EQ(ErrorOf(text), "thresholds: expected 0 < review <= match < 1");
}

// The block index visits at most kMaxRules rules: more are refused, not silently left out
// (review of 2026-12-01).
TEST(Settings, AtMostSixtyFourRulesInAll) {
  auto text = [](size_t n) {
    std::string blocking;
    for (size_t i = 0; i < n; ++i) blocking += std::string(i ? ", " : "") + R"({"attributes": ["a"]})";
    return std::string(R"({"attributes": [{"name": "a"}],
      "comparisons": [{"name": "a", "attribute": "a", "levels": [{"kind": "exact"}]}],
      "deterministic": [{"name": "d", "equal": ["a"]}], "blocking": [)") + blocking + "]}";
  };
  EXPECT_EQ(ErrorOf(text(kMaxRules - 1)), "OK");
  EXPECT_EQ(ErrorOf(text(kMaxRules)), "blocking: at most 64 blocking and deterministic rules together, got 65");
}

TEST(Settings, TomlSyntaxErrorNamesTheLine) {
  EXPECT_EQ(ErrorOf("[[attributes]]\nname = \n", SettingsFormat::kToml).rfind("settings: line 2: ", 0), 0u);
}

TEST(Settings, InputColumnMapMustNameKnownAttributes) {
  std::string text = kMinimal;
  text.insert(text.size() - 1, R"(, "inputs": {"left": {"columns": {"b": "B"}}})");
  EXPECT_EQ(ErrorOf(text), "inputs.left.columns.b: unknown attribute 'b'");
}

TEST(Settings, MissingFileIsNotFound) {
  auto s = LoadSettingsFile("/nonexistent/s.toml");
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ndc::link
