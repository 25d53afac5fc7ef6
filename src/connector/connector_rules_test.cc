// The pure rules of connectors: names, source tables, intervals, the default column mapping and
// the SQL of a pull.
#include <gtest/gtest.h>

#include "connector/connector.h"
#include "connector/pg_source.h"

namespace ndc::connector {
namespace {

catalog::DatasetSchema Schema() {
  auto s = catalog::ParseSchemaJson(R"({"id": "ho_tich", "title": "Hộ tịch", "owner": "bca",
    "classification": {"data": "core", "personal": "basic"}, "source_key": "ma",
    "fields": [
      {"name": "ma", "column": "MA", "type": "string", "required": true},
      {"name": "ho_ten", "column": "HO_TEN", "type": "string", "required": true},
      {"name": "ngay_sinh", "type": "date"},
      {"name": "ghi_chu", "column": "Ghi chú", "type": "string"}]})");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

TEST(ConnectorRules, SourceTableNamesAreStrictIdentifiers) {
  std::string schema, table;
  ASSERT_TRUE(ParseSourceTable("agency.people", &schema, &table).ok());
  EXPECT_EQ(schema + "|" + table, "agency|people");
  ASSERT_TRUE(ParseSourceTable("people", &schema, &table).ok());
  EXPECT_EQ(schema, "public");
  for (const char* bad : {"a.b.c", "People", "x;drop table y", "\"q\".t", "a.", ""}) {
    EXPECT_EQ(ParseSourceTable(bad, &schema, &table).code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ConnectorRules, Intervals) {
  EXPECT_EQ(*ParseInterval("15m"), 900);
  EXPECT_EQ(*ParseInterval("90"), 90);
  EXPECT_EQ(*ParseInterval("2h"), 7200);
  EXPECT_EQ(*ParseInterval("1d"), 86400);
  EXPECT_EQ(*ParseInterval("0"), 0);
  for (const char* bad : {"", "m", "-5m", "5w", "1.5h", "367d"}) {
    EXPECT_EQ(ParseInterval(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(FormatInterval(900), "15m");
  EXPECT_EQ(FormatInterval(0), "on demand");
  EXPECT_EQ(FormatInterval(90), "90s");
}

TEST(ConnectorRules, DefaultMappingTriesColumnThenName) {
  std::vector<std::string> unmapped;
  auto m = ResolveColumns(Schema(), {}, {"ma", "ho_ten", "ngay_sinh", "updated_at"}, "agency.people", &unmapped);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(*m, (std::map<std::string, std::string>{{"ma", "ma"}, {"ho_ten", "ho_ten"}, {"ngay_sinh", "ngay_sinh"}}));
  EXPECT_EQ(unmapped, std::vector<std::string>{"ghi_chu"});
}

TEST(ConnectorRules, ExplicitMappingWins) {
  auto m = ResolveColumns(Schema(), {{"ho_ten", "full_name"}}, {"ma", "ho_ten", "full_name"}, "t");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->at("ho_ten"), "full_name");
}

TEST(ConnectorRules, UnmappedRequiredAndKeyFieldsAreNamed) {
  auto m = ResolveColumns(Schema(), {}, {"id", "full_name"}, "agency.people");
  ASSERT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  const std::string& msg = m.status().message();
  EXPECT_NE(msg.find("'ma' (source key; no column ma)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'ho_ten' (required; no column ho_ten)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--map FIELD=COLUMN"), std::string::npos) << msg;
  EXPECT_NE(msg.find("agency.people has columns: id, full_name"), std::string::npos) << msg;
}

TEST(ConnectorRules, BadOverridesAreRefused) {
  EXPECT_EQ(ResolveColumns(Schema(), {{"nope", "ma"}}, {"ma", "ho_ten"}, "t").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveColumns(Schema(), {{"ho_ten", "missing"}}, {"ma", "ho_ten"}, "t").status().code(),
            StatusCode::kInvalidArgument);
}

Connector PeopleConnector() {
  Connector c;
  c.name = "bca_people";
  c.source_schema = "agency";
  c.source_table = "people";
  c.columns = {{"ma", "ma"}, {"ho_ten", "ten"}, {"ngay_sinh", "ten"}};  // one column may feed two fields
  c.watermark_column = "updated_at";
  return c;
}

TEST(ConnectorRules, SnapshotQuerySelectsEachMappedColumnOnceAsText) {
  PullQuery q = BuildPullQuery(PeopleConnector(), Schema(), PullMode::kSnapshot, std::nullopt, std::string("9"));
  EXPECT_EQ(q.sql, R"(SELECT CAST("ma" AS TEXT), CAST("ten" AS TEXT) FROM "agency"."people")");
  EXPECT_TRUE(q.params.empty());
  EXPECT_EQ(q.field_column, (std::vector<int>{0, 1, 1, -1}));
}

// Values are cut at the source just past the readers' field limit, so a page never holds a huge
// value whole; the cut value is still too long, and its row still rejected.
TEST(ConnectorRules, ValuesAreCutAtTheSourceJustPastTheFieldLimit) {
  PullQuery q =
      BuildPullQuery(PeopleConnector(), Schema(), PullMode::kSnapshot, std::nullopt, std::string("9"), 65537);
  EXPECT_EQ(q.sql, R"(SELECT left(CAST("ma" AS TEXT), 65537), left(CAST("ten" AS TEXT), 65537) FROM "agency"."people")");
}

TEST(ConnectorRules, IncrementalQueryBoundsTheRangeWithParameters) {
  PullQuery first = BuildPullQuery(PeopleConnector(), Schema(), PullMode::kIncremental, std::nullopt,
                                   std::string("9"));
  EXPECT_EQ(first.sql, R"(SELECT CAST("ma" AS TEXT), CAST("ten" AS TEXT) FROM "agency"."people" )"
                       R"(WHERE "updated_at" <= $1 ORDER BY "updated_at")");
  EXPECT_EQ(first.params, (std::vector<store::Value>{std::string("9")}));
  PullQuery next = BuildPullQuery(PeopleConnector(), Schema(), PullMode::kIncremental, std::string("5'; --"),
                                  std::string("9"));
  EXPECT_EQ(next.sql, R"(SELECT CAST("ma" AS TEXT), CAST("ten" AS TEXT) FROM "agency"."people" )"
                      R"(WHERE "updated_at" > $1 AND "updated_at" <= $2 ORDER BY "updated_at")");
  EXPECT_EQ(next.params, (std::vector<store::Value>{std::string("5'; --"), std::string("9")}));
}

}  // namespace
}  // namespace ndc::connector
