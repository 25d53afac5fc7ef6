#include <gtest/gtest.h>

#include "catalog/catalog.h"

namespace ndc::catalog {
namespace {

DatasetSchema Base() {
  auto s = ParseSchemaJson(R"({"id": "hs", "title": "t", "owner": "moet",
    "classification": {"data": "other", "personal": "basic"}, "source_key": "ma",
    "fields": [{"name": "ma", "type": "string", "required": true},
               {"name": "ngay_sinh", "type": "date"}]})");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

TEST(Tables, DdlHasTypedColumnsPerBackend) {
  std::string pg = RecordTablesDdl(Base(), store::Backend::kPostgres);
  EXPECT_NE(pg.find("CREATE TABLE \"ds_hs\""), std::string::npos);
  EXPECT_NE(pg.find("\"ngay_sinh\" DATE"), std::string::npos) << pg;
  EXPECT_NE(pg.find("CREATE TABLE \"ds_hs_history\""), std::string::npos);
  std::string lite = RecordTablesDdl(Base(), store::Backend::kSqlite);
  EXPECT_NE(lite.find("\"ngay_sinh\" TEXT"), std::string::npos) << lite;
}

TEST(Tables, AddingOptionalFieldIsCompatible) {
  DatasetSchema next = Base();
  next.fields.push_back(FieldSpec{.name = "lop", .column = "lop", .type = FieldType::kInteger});
  EXPECT_TRUE(IncompatibleChanges(Base(), next).empty());
}

TEST(Tables, EveryIncompatibleChangeIsListed) {
  DatasetSchema next = Base();
  next.fields[1].type = FieldType::kString;
  next.fields.push_back(FieldSpec{.name = "lop", .column = "lop", .type = FieldType::kInteger, .required = true});
  next.owner = "other";
  auto bad = IncompatibleChanges(Base(), next);
  ASSERT_EQ(bad.size(), 3u);
  EXPECT_EQ(bad[0], "owner changed from 'moet' to 'other' (a dataset's owner is fixed)");
  EXPECT_EQ(bad[1], "field 'ngay_sinh' changed type from date to string");
  EXPECT_EQ(bad[2], "new field 'lop' is required; new fields must be optional");
}

// A date field allowing partial dates ("1987") is text on PostgreSQL, whose DATE cannot hold one.
// A stored field may start allowing them (its column then becomes text: catalog_store_test), not
// stop.
TEST(Tables, APartialDateFieldIsTextAndCannotGoBack) {
  DatasetSchema partial = Base();
  partial.fields[1].partial = true;
  std::string pg = RecordTablesDdl(partial, store::Backend::kPostgres);
  EXPECT_NE(pg.find("\"ngay_sinh\" TEXT"), std::string::npos) << pg;
  EXPECT_EQ(ColumnTypeFor(partial.fields[1]), store::ColumnType::kText);
  EXPECT_EQ(ColumnTypeFor(Base().fields[1]), store::ColumnType::kDate);
  EXPECT_TRUE(IncompatibleChanges(Base(), partial).empty());
  auto bad = IncompatibleChanges(partial, Base());
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0], "field 'ngay_sinh' may no longer refuse partial dates (\"partial\": true cannot be undone: "
                    "stored records may hold partial dates)");
}

TEST(Tables, RemovingFieldIsIncompatible) {
  DatasetSchema next = Base();
  next.fields.pop_back();
  auto bad = IncompatibleChanges(Base(), next);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0], "field 'ngay_sinh' was removed (existing records hold it)");
}

}  // namespace
}  // namespace ndc::catalog
