#include "store/testing/conformance.h"

#include <fmt/format.h>

namespace ndc::store {

void StoreConformanceTest::SetUp() { NDC_ASSERT_OK_AND_ASSIGN(db_, NewTestDatabase(GetParam())); }

void StoreConformanceTest::CreateTypedTable() {
  std::string ddl =
      fmt::format("CREATE TABLE typed ({} {} PRIMARY KEY", QuoteIdentifier("id"), Type(ColumnType::kInteger));
  const std::pair<const char*, ColumnType> columns[] = {
      {"text_col", ColumnType::kText}, {"int_col", ColumnType::kInteger},
      {"real_col", ColumnType::kReal}, {"dec_col", ColumnType::kDecimal},
      {"date_col", ColumnType::kDate}, {"bool_col", ColumnType::kBoolean},
      {"blob_col", ColumnType::kBlob}, {"ts_col", ColumnType::kTimestamp},
  };
  for (const auto& [name, type] : columns) {
    ASSERT_TRUE(IsSafeIdentifier(name));
    ddl += fmt::format(", {} {}", QuoteIdentifier(name), Type(type));
  }
  NDC_ASSERT_OK(db_->ExecScript(ddl + ")"));
}

Value StoreConformanceTest::RoundTrip(std::string_view column, const Value& v) {
  const Value params[] = {next_id_++, v};
  const std::string col = QuoteIdentifier(column);
  Result<int64_t> inserted =
      db_->Exec(fmt::format("INSERT INTO typed (id, {}) VALUES ($1, $2)", col), params);
  EXPECT_TRUE(inserted.ok()) << inserted.status().ToString() << " storing " << DebugString(v);
  Result<Row> row =
      db_->QueryOne(fmt::format("SELECT {} FROM typed WHERE id = $1", col), std::span(params, 1));
  EXPECT_TRUE(row.ok()) << row.status().ToString();
  if (!inserted.ok() || !row.ok()) return std::string("<error>");
  return (*row)[0];
}

void StoreConformanceTest::CreateCounter() {
  NDC_ASSERT_OK(db_->ExecScript(
      fmt::format("CREATE TABLE counter (id {0} PRIMARY KEY, n {0} NOT NULL)", Type(ColumnType::kInteger))));
  NDC_ASSERT_OK(db_->Exec("INSERT INTO counter (id, n) VALUES (1, 0)"));
}

int64_t StoreConformanceTest::CounterValue() {
  Result<Row> row = db_->QueryOne("SELECT n FROM counter WHERE id = 1");
  EXPECT_TRUE(row.ok()) << row.status().ToString();
  return row.ok() ? row->Int(0) : -1;
}

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace ndc::store
