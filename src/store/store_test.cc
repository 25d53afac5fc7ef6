#include "store/store.h"

#include <gtest/gtest.h>

#include "store/testing/test_util.h"

namespace ndc::store {
namespace {

using S = std::string;

TEST(IsSafeIdentifier, AcceptsLowercaseSnakeCaseUpTo63) {
  EXPECT_TRUE(IsSafeIdentifier("births"));
  EXPECT_TRUE(IsSafeIdentifier("_x9"));
  EXPECT_TRUE(IsSafeIdentifier(S(63, 'a')));
}

TEST(IsSafeIdentifier, RejectsEverythingElse) {
  for (const S& bad : {S(), S(64, 'a'), S("9lives"), S("Upper"), S("a-b"), S("a b"), S("a\"b"), S("a;b"),
                       S("tên"), S("a\0b", 3)}) {
    EXPECT_FALSE(IsSafeIdentifier(bad)) << bad;
  }
}

TEST(QuoteIdentifier, WrapsInDoubleQuotes) {
  EXPECT_EQ(QuoteIdentifier("order"), "\"order\"");
  EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");  // never breaks out, even if misused
}

TEST(DebugString, RendersEachType) {
  EXPECT_EQ(DebugString(Value()), "NULL");
  EXPECT_EQ(DebugString(Value(int64_t{-42})), "-42");
  EXPECT_EQ(DebugString(Value(1.5)), "1.5");
  EXPECT_EQ(DebugString(Value(S("it's"))), "'it''s'");
  EXPECT_EQ(DebugString(Value(Blob{S("\x00\xff", 2)})), "x'00ff'");
}

TEST(DebugString, CutsLongValues) {
  EXPECT_EQ(DebugString(Value(S(100, 'a'))), "'" + S(64, 'a') + "'...(100 bytes)");
}

TEST(Row, TypedAccessorsConvertOrDefault) {
  Row row({int64_t{7}, 2.75, S("12"), S("x"), Blob{"b"}, Value()});
  EXPECT_EQ(row.Int(0), 7);
  EXPECT_EQ(row.Int(1), 2);
  EXPECT_EQ(row.Int(2), 12);
  EXPECT_EQ(row.Int(3), 0);
  EXPECT_EQ(row.Int(5), 0);
  EXPECT_EQ(row.Int(99), 0);
  EXPECT_EQ(row.Double(0), 7.0);
  EXPECT_EQ(row.Double(2), 12.0);
  EXPECT_EQ(row.Str(0), "7");
  EXPECT_EQ(row.Str(1), "2.75");
  EXPECT_EQ(row.Str(4), "");
  EXPECT_EQ(row.Bytes(4), "b");
  EXPECT_TRUE(row.IsNull(5));
  EXPECT_TRUE(row.IsNull(99));
  EXPECT_EQ(row.OptInt(5), std::nullopt);
  EXPECT_EQ(row.OptStr(3), "x");
}

TEST(Row, HugeDoubleDoesNotOverflowInt) { EXPECT_EQ(Row({1e300}).Int(0), 0); }

TEST(SqlTypeName, SpellsEachTypePerBackend) {
  EXPECT_EQ(SqlTypeName(Backend::kSqlite, ColumnType::kInteger), "INTEGER");
  EXPECT_EQ(SqlTypeName(Backend::kPostgres, ColumnType::kInteger), "BIGINT");
  EXPECT_EQ(SqlTypeName(Backend::kPostgres, ColumnType::kReal), "DOUBLE PRECISION");
  EXPECT_EQ(SqlTypeName(Backend::kSqlite, ColumnType::kDecimal), "TEXT");
  EXPECT_EQ(SqlTypeName(Backend::kPostgres, ColumnType::kDecimal), "NUMERIC");
  EXPECT_EQ(SqlTypeName(Backend::kPostgres, ColumnType::kBoolean), "BOOLEAN");
  EXPECT_EQ(SqlTypeName(Backend::kSqlite, ColumnType::kBlob), "BLOB");
  EXPECT_EQ(SqlTypeName(Backend::kPostgres, ColumnType::kBlob), "BYTEA");
}

TEST(BackendName, NamesBoth) {
  EXPECT_EQ(BackendName(Backend::kSqlite), "sqlite");
  EXPECT_EQ(BackendName(Backend::kPostgres), "postgresql");
}

TEST(Open, EmptyUrlIsInvalidArgument) {
  EXPECT_EQ(Open("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Open("sqlite:").status().code(), StatusCode::kInvalidArgument);
}

TEST(Open, DispatchesOnScheme) {
  // Both fail (no such directory / malformed URI), each with its backend's name.
  EXPECT_TRUE(Open("sqlite:/nonexistent-ndc/x.db").status().message().starts_with("sqlite: "));
  EXPECT_TRUE(Open("postgresql://[bad").status().message().starts_with("postgresql: "));
  EXPECT_TRUE(Open("postgres://[bad").status().message().starts_with("postgresql: "));
}

TEST(KnownSchemaVersion, IsAtLeastTheCoreMigration) { EXPECT_GE(KnownSchemaVersion(), 1); }

}  // namespace
}  // namespace ndc::store
