// Conformance: every Value type and every ColumnType round-trips unchanged.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "store/testing/conformance.h"

namespace ndc::store {
namespace {

using S = std::string;

TEST_P(StoreConformanceTest, EveryValueTypeRoundTripsIncludingNull) {
  CreateTypedTable();
  const Value row[] = {int64_t{1}, S("text"), int64_t{42}, 2.5, Blob{S("\0\1", 2)}};
  NDC_ASSERT_OK(db_->Exec(
      "INSERT INTO typed (id, text_col, int_col, real_col, blob_col) VALUES ($1, $2, $3, $4, $5)", row));
  const Value nulls[] = {int64_t{2}, Value(), Value(), Value(), Value()};
  NDC_ASSERT_OK(db_->Exec(
      "INSERT INTO typed (id, text_col, int_col, real_col, blob_col) VALUES ($1, $2, $3, $4, $5)", nulls));
  NDC_ASSERT_OK_AND_ASSIGN(
      ResultSet rs, db_->Query("SELECT id, text_col, int_col, real_col, blob_col FROM typed ORDER BY id"));
  ASSERT_EQ(rs.rows.size(), 2u);
  EXPECT_EQ(rs.rows[0].values(), std::vector<Value>(std::begin(row), std::end(row)));
  EXPECT_EQ(rs.rows[1].values(), std::vector<Value>(std::begin(nulls), std::end(nulls)));
  EXPECT_EQ(rs.columns, (std::vector<S>{"id", "text_col", "int_col", "real_col", "blob_col"}));
}

TEST_P(StoreConformanceTest, Int64ExtremesRoundTrip) {
  CreateTypedTable();
  for (int64_t v : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), int64_t{0},
                    int64_t{-1}, int64_t{1} << 53 | 1}) {
    EXPECT_EQ(RoundTrip("int_col", v), Value(v));
  }
}

TEST_P(StoreConformanceTest, DoublesRoundTripExactly) {
  CreateTypedTable();
  for (double v : {0.1, 1.0 / 3, -123.456, 1e300, -1e-300, std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::min(), std::numeric_limits<double>::denorm_min(),
                   std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(), 0.0}) {
    EXPECT_EQ(RoundTrip("real_col", v), Value(v)) << fmt::format("{:.17g}", v);
  }
}

TEST_P(StoreConformanceTest, UnicodeTextRoundTrips) {
  CreateTypedTable();
  for (const char* v : {"", "Nguyễn Thị Minh Khai", "Đặng Văn Lâm", "e\u0301 (combining)", "日本語テキスト",
                        "emoji 🇻🇳👍🏽", "tab\tnewline\nquote'\"backslash\\"}) {
    EXPECT_EQ(RoundTrip("text_col", S(v)), Value(S(v)));
  }
}

// Text with a NUL byte is stored whole (SQLite) or refused (PostgreSQL, whose text cannot hold
// NUL), never cut short at the NUL: libpq passes parameters as C strings.
TEST_P(StoreConformanceTest, TextWithANulByteIsStoredWholeOrRefused) {
  CreateTypedTable();
  const S with_nul("before\0after", 12);
  Result<int64_t> stored =
      db_->Exec("INSERT INTO typed (id, text_col) VALUES (77, $1)", std::vector<Value>{with_nul});
  EXPECT_EQ(stored.ok(), GetParam() == Backend::kSqlite) << stored.status().ToString();
  if (!stored.ok()) {
    EXPECT_EQ(stored.status().code(), StatusCode::kInvalidArgument) << stored.status().ToString();
    EXPECT_NE(stored.status().message().find("NUL"), std::string::npos) << stored.status().ToString();
    NDC_ASSERT_OK_AND_ASSIGN(Row none, db_->QueryOne("SELECT COUNT(*) FROM typed WHERE id = 77"));
    EXPECT_EQ(none.Int(0), 0);
    return;
  }
  NDC_ASSERT_OK_AND_ASSIGN(Row back, db_->QueryOne("SELECT text_col FROM typed WHERE id = 77"));
  EXPECT_EQ(back.Bytes(0), with_nul);
}

TEST_P(StoreConformanceTest, BinaryBlobsRoundTripWithNulBytes) {
  CreateTypedTable();
  S all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (const S& v : {S("\0", 1), S("a\0b\0\xff", 5), all, S(), S(70000, '\0')}) {
    EXPECT_EQ(RoundTrip("blob_col", Blob{v}), Value(Blob{v}));
  }
}

TEST_P(StoreConformanceTest, BlobAndTextStayDistinct) {
  CreateTypedTable();
  EXPECT_EQ(RoundTrip("blob_col", Blob{"abc"}), Value(Blob{"abc"}));
  EXPECT_EQ(RoundTrip("text_col", S("abc")), Value(S("abc")));
}

TEST_P(StoreConformanceTest, EveryColumnTypeRoundTripsThroughGeneratedDdl) {
  CreateTypedTable();
  EXPECT_EQ(RoundTrip("text_col", S("x")), Value(S("x")));
  EXPECT_EQ(RoundTrip("int_col", int64_t{42}), Value(int64_t{42}));
  EXPECT_EQ(RoundTrip("real_col", 2.5), Value(2.5));
  for (const char* d : {"12345678901234567890.123456789", "-0.50", "0"}) {
    EXPECT_EQ(RoundTrip("dec_col", S(d)), Value(S(d)));
  }
  for (const char* d : {"2024-02-29", "1900-01-01", "9999-12-31"}) {
    EXPECT_EQ(RoundTrip("date_col", S(d)), Value(S(d)));
  }
  EXPECT_EQ(RoundTrip("bool_col", int64_t{1}), Value(int64_t{1}));
  EXPECT_EQ(RoundTrip("bool_col", int64_t{0}), Value(int64_t{0}));
  EXPECT_EQ(RoundTrip("blob_col", Blob{"\x01"}), Value(Blob{"\x01"}));
  EXPECT_EQ(RoundTrip("ts_col", int64_t{1767225600000000}), Value(int64_t{1767225600000000}));
  EXPECT_EQ(RoundTrip("ts_col", int64_t{-1}), Value(int64_t{-1}));
}

TEST_P(StoreConformanceTest, NullRoundTripsInEveryColumnType) {
  CreateTypedTable();
  for (const char* column :
       {"text_col", "int_col", "real_col", "dec_col", "date_col", "bool_col", "blob_col", "ts_col"}) {
    EXPECT_EQ(RoundTrip(column, Value()), Value()) << column;
  }
}

TEST_P(StoreConformanceTest, BooleansCompareWithParametersAndLiterals) {
  CreateTypedTable();
  const Value rows[][2] = {{int64_t{1}, int64_t{1}}, {int64_t{2}, int64_t{0}}};
  for (const auto& r : rows) NDC_ASSERT_OK(db_->Exec("INSERT INTO typed (id, bool_col) VALUES ($1, $2)", r));
  const Value yes[] = {int64_t{1}};
  NDC_ASSERT_OK_AND_ASSIGN(Row by_param, db_->QueryOne("SELECT id FROM typed WHERE bool_col = $1", yes));
  EXPECT_EQ(by_param.Int(0), 1);
  NDC_ASSERT_OK_AND_ASSIGN(Row by_literal, db_->QueryOne("SELECT id FROM typed WHERE bool_col = FALSE"));
  EXPECT_EQ(by_literal.Int(0), 2);
}

}  // namespace
}  // namespace ndc::store
