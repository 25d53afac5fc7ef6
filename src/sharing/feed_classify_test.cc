#include <gtest/gtest.h>

#include "catalog/schema.h"
#include "sharing/feed.h"

namespace ndc::sharing {
namespace {

catalog::DatasetSchema Registry() {
  auto s = catalog::ParseSchemaJson(R"({"id": "population_registry", "title": "t", "owner": "bca",
    "classification": {"data": "core", "personal": "basic"}, "source_key": ["so"],
    "fields": [{"name": "so", "type": "string", "required": true},
               {"name": "ngay_sinh", "type": "date", "partial": true, "person": "birth_date"}]})");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

// An authority's insert is a birth when the person was born within the year before it (a day's
// grace after); a partial birth date ("2026": a foundling's) when its period reaches that window.
TEST(ClassifyChange, AnInsertIsABirthWhenTheBirthDateCouldFallInTheLastYear) {
  const int64_t at = int64_t{1795824000} * 1000000;  // 2026-11-28T00:00:00Z
  auto kinds = [&](const std::string& born) {
    std::vector<store::Value> after = {std::string("k"), born};
    return ClassifyChange(Registry(), true, RecordChange{"insert", nullptr, &after, at});
  };
  const std::vector<std::string> birth = {"birth", "record_change"};
  const std::vector<std::string> none = {"record_change"};
  EXPECT_EQ(kinds("2026-11-20"), birth);
  EXPECT_EQ(kinds("2025-11-28"), birth);
  EXPECT_EQ(kinds("2025-11-26"), none);
  EXPECT_EQ(kinds("2026"), birth);
  EXPECT_EQ(kinds("2025-12"), birth);
  EXPECT_EQ(kinds("2025"), birth);  // its last days are within the year before
  EXPECT_EQ(kinds("2024"), none);
  EXPECT_EQ(kinds("1938"), none);
  EXPECT_EQ(kinds("not a date"), none);
}

// The version in force at an instant is the last one made at or before it; none before the first.
TEST(VersionInForceAt, IsTheLastVersionMadeAtOrBeforeTheInstant) {
  std::vector<StoredAgreement> versions(3);
  for (int i = 0; i < 3; ++i) {
    versions[i].agreement.version = i + 1;
    versions[i].created_at = 100 * (i + 1);  // 100, 200, 300
  }
  auto at = [&](int64_t t) {
    const policy::Agreement* a = VersionInForceAt(versions, t);
    return a == nullptr ? 0 : a->version;
  };
  EXPECT_EQ(at(99), 0);
  EXPECT_EQ(at(100), 1);
  EXPECT_EQ(at(199), 1);
  EXPECT_EQ(at(200), 2);
  EXPECT_EQ(at(1000), 3);
  EXPECT_EQ(VersionInForceAt({}, 1000), nullptr);
}

}  // namespace
}  // namespace ndc::sharing
