// Conformance: parameters, injection safety, identifiers, statement shapes and results.
#include <fmt/format.h>

#include "store/testing/conformance.h"

namespace ndc::store {
namespace {

using S = std::string;

TEST_P(StoreConformanceTest, ParametersCanBeReusedAndOutOfOrder) {
  NDC_ASSERT_OK(
      db_->ExecScript(fmt::format("CREATE TABLE p (a {0}, b TEXT, c {0})", Type(ColumnType::kInteger))));
  const Value params[] = {int64_t{7}, S("seven")};
  EXPECT_EQ(*db_->Exec("INSERT INTO p (b, a, c) VALUES ($2, $1, $1)", params), 1);
  NDC_ASSERT_OK_AND_ASSIGN(Row row,
                           db_->QueryOne("SELECT a, b, c FROM p WHERE c = $1 AND b = $2 AND a = $1", params));
  EXPECT_EQ(row.values(), (std::vector<Value>{int64_t{7}, S("seven"), int64_t{7}}));
}

TEST_P(StoreConformanceTest, ParameterCountMismatchIsInvalidArgument) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE p (a BIGINT, c BIGINT)"));
  const Value three[] = {int64_t{1}, int64_t{2}, int64_t{3}};
  const std::string sql = "SELECT a FROM p WHERE a = $1 AND c = $2";
  EXPECT_EQ(db_->Query(sql, std::span(three, 1)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Query(sql, three).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Query("SELECT a FROM p WHERE a = $1 AND c = $3", three).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(db_->Query(sql, std::span(three, 2)).ok());
}

TEST_P(StoreConformanceTest, DollarInsideLiteralIsNotAParameter) {
  NDC_ASSERT_OK_AND_ASSIGN(Row row, db_->QueryOne("SELECT '$1 costs $2' AS t -- $3\n"));
  EXPECT_EQ(row.Str(0), "$1 costs $2");
}

TEST_P(StoreConformanceTest, InjectionStringsAreStoredVerbatim) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE students (name TEXT NOT NULL)"));
  const S attacks[] = {"Robert'); DROP TABLE students;--",
                       "' OR '1'='1",
                       "$1",
                       "\\'; DELETE FROM students; --",
                       "\"students\"",
                       "x'00'",
                       "/* */ ; SELECT 1"};
  for (const S& a : attacks) {
    const Value p[] = {a};
    NDC_ASSERT_OK(db_->Exec("INSERT INTO students (name) VALUES ($1)", p));
    NDC_ASSERT_OK_AND_ASSIGN(Row row, db_->QueryOne("SELECT name FROM students WHERE name = $1", p));
    EXPECT_EQ(row.Str(0), a);
  }
  NDC_ASSERT_OK_AND_ASSIGN(Row count, db_->QueryOne("SELECT COUNT(*) FROM students"));
  EXPECT_EQ(count.Int(0), static_cast<int64_t>(std::size(attacks)));
}

TEST_P(StoreConformanceTest, QuotedReservedWordsWorkAsIdentifiers) {
  for (const char* name : {"select", "order", "group"}) ASSERT_TRUE(IsSafeIdentifier(name)) << name;
  NDC_ASSERT_OK(db_->ExecScript(fmt::format("CREATE TABLE {} ({} TEXT, {} {})", QuoteIdentifier("select"),
                                            QuoteIdentifier("order"), QuoteIdentifier("group"),
                                            Type(ColumnType::kInteger))));
  const Value p[] = {S("o"), int64_t{3}};
  NDC_ASSERT_OK(db_->Exec(R"(INSERT INTO "select" ("order", "group") VALUES ($1, $2))", p));
  NDC_ASSERT_OK_AND_ASSIGN(Row row, db_->QueryOne(R"(SELECT "order", "group" FROM "select")"));
  EXPECT_EQ(row.values(), (std::vector<Value>{S("o"), int64_t{3}}));
}

TEST_P(StoreConformanceTest, ExecCountsAffectedRows) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE r (x BIGINT)"));
  EXPECT_EQ(*db_->Exec("INSERT INTO r (x) VALUES (1), (2), (3)"), 3);
  EXPECT_EQ(*db_->Exec("UPDATE r SET x = x + 10 WHERE x >= 2"), 2);
  EXPECT_EQ(*db_->Exec("DELETE FROM r WHERE x = 99"), 0);
  EXPECT_EQ(*db_->Exec("SELECT x FROM r"), 0);
  EXPECT_EQ(*db_->Exec("CREATE TABLE r2 (y BIGINT)"), 0);
}

TEST_P(StoreConformanceTest, ReturningGivesRowsAndCount) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE r (x BIGINT)"));
  NDC_ASSERT_OK_AND_ASSIGN(ResultSet rs, db_->Query("INSERT INTO r (x) VALUES (5), (6) RETURNING x"));
  EXPECT_EQ(rs.rows_affected, 2);
  ASSERT_EQ(rs.rows.size(), 2u);
  EXPECT_EQ(rs.rows[1].Int(0), 6);
}

TEST_P(StoreConformanceTest, ColumnsAreNamedAndLiteralsTyped) {
  NDC_ASSERT_OK_AND_ASSIGN(ResultSet rs,
                           db_->Query("SELECT 1 AS one, 'x' AS two, 2.5 AS three, NULL AS four;"));
  EXPECT_EQ(rs.columns, (std::vector<S>{"one", "two", "three", "four"}));
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0].Int(0), 1);
  EXPECT_EQ(rs.rows[0].Str(1), "x");
  EXPECT_EQ(rs.rows[0].Double(2), 2.5);
  EXPECT_TRUE(rs.rows[0].IsNull(3));
}

TEST_P(StoreConformanceTest, SeveralStatementsInQueryAreInvalidArgument) {
  EXPECT_EQ(db_->Query("SELECT 1; SELECT 2").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Exec("  -- nothing\n").status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, ExecScriptRunsSeveralStatements) {
  NDC_ASSERT_OK(
      db_->ExecScript("CREATE TABLE s (x BIGINT); INSERT INTO s VALUES (1); INSERT INTO s VALUES (2);"));
  NDC_ASSERT_OK_AND_ASSIGN(Row row, db_->QueryOne("SELECT SUM(x) FROM s"));
  EXPECT_EQ(row.Int(0), 3);
}

TEST_P(StoreConformanceTest, QueryOneWithoutRowIsNotFound) {
  NDC_ASSERT_OK(
      db_->ExecScript("CREATE TABLE q (x BIGINT); INSERT INTO q VALUES (1); INSERT INTO q VALUES (2)"));
  EXPECT_EQ(db_->QueryOne("SELECT x FROM q WHERE x > 5").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(db_->QueryOne("SELECT x FROM q").status().code(), StatusCode::kInternal);
  const Value p[] = {int64_t{2}};
  EXPECT_EQ(db_->QueryOne("SELECT x FROM q WHERE x = $1", p)->Int(0), 2);
}

}  // namespace
}  // namespace ndc::store
