// Conformance: Transaction::BulkInsert (COPY on PostgreSQL, a prepared INSERT on SQLite).
#include "store/testing/conformance.h"

#include "store/postgres/pg_connection.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <climits>
#include <cmath>
#include <limits>

namespace ndc::store {
namespace {

TEST_P(StoreConformanceTest, BulkInsertStoresEveryTypeLikeInsert) {
  CreateTypedTable();
  const std::vector<std::string> columns = {"id",       "text_col", "int_col", "real_col", "dec_col",
                                            "date_col", "bool_col", "blob_col", "ts_col"};
  // Text with every character COPY's text format escapes, and Vietnamese.
  const std::string hostile = "tab\there\nnew\\line\r\\N ' \" Nguyễn";
  std::vector<Value> values = {
      int64_t{1}, hostile, int64_t{-9000000000}, 1.5, std::string("123.450"), std::string("2001-02-03"),
      int64_t{1}, Blob{std::string("\x00\xff\\", 3)}, int64_t{1700000000000000},
      int64_t{2}, Value{}, Value{}, Value{}, Value{}, Value{}, Value{}, Value{}, Value{},
  };
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  NDC_ASSERT_OK_AND_ASSIGN(int64_t n, tx->BulkInsert("typed", columns, values));
  EXPECT_EQ(n, 2);
  NDC_ASSERT_OK(tx->Commit());
  NDC_ASSERT_OK_AND_ASSIGN(
      Row r, db_->QueryOne("SELECT text_col, int_col, real_col, dec_col, date_col, bool_col, blob_col, ts_col "
                           "FROM typed WHERE id = 1"));
  EXPECT_EQ(r.Str(0), hostile);
  EXPECT_EQ(r.Int(1), -9000000000);
  EXPECT_EQ(r.Double(2), 1.5);
  EXPECT_EQ(r.Str(3), "123.450");
  EXPECT_EQ(r.Str(4), "2001-02-03");
  EXPECT_EQ(r.Int(5), 1);
  EXPECT_EQ(r.Bytes(6), std::string("\x00\xff\\", 3));
  EXPECT_EQ(r.Int(7), 1700000000000000);
  NDC_ASSERT_OK_AND_ASSIGN(Row nulls, db_->QueryOne("SELECT text_col, int_col, blob_col FROM typed WHERE id = 2"));
  EXPECT_TRUE(nulls.IsNull(0));
  EXPECT_TRUE(nulls.IsNull(1));
  EXPECT_TRUE(nulls.IsNull(2));
}

TEST_P(StoreConformanceTest, BulkInsertManyRowsAndRollback) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE t (x BIGINT PRIMARY KEY, s TEXT)"));
  std::vector<Value> values;
  for (int64_t i = 0; i < 5000; ++i) {
    values.emplace_back(i);
    values.emplace_back(std::string(static_cast<size_t>(i % 300), 'a'));
  }
  const std::vector<std::string> columns = {"x", "s"};
  {
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
    NDC_ASSERT_OK_AND_ASSIGN(int64_t n, tx->BulkInsert("t", columns, values));
    EXPECT_EQ(n, 5000);
    NDC_ASSERT_OK(tx->Rollback());
  }
  NDC_ASSERT_OK_AND_ASSIGN(Row none, db_->QueryOne("SELECT COUNT(*) FROM t"));
  EXPECT_EQ(none.Int(0), 0);
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  NDC_ASSERT_OK(tx->BulkInsert("t", columns, values).status());
  NDC_ASSERT_OK(tx->Exec("INSERT INTO t VALUES (5000, 'after')"));  // the connection is usable after COPY
  NDC_ASSERT_OK(tx->Commit());
  NDC_ASSERT_OK_AND_ASSIGN(Row all, db_->QueryOne("SELECT COUNT(*), SUM(LENGTH(s)) FROM t"));
  EXPECT_EQ(all.Int(0), 5001);
}

// Enough rows for PostgreSQL's binary COPY (pg_copy_binary.h), which must store exactly what the
// same rows inserted one by one store: every type, extremes, hostile text, dates around leap
// days and the epochs, NULLs. With the decimal column (which the binary path leaves to text)
// and without it.
TEST_P(StoreConformanceTest, BulkInsertOfManyRowsStoresWhatInsertsStore) {
  CreateTypedTable();
  const std::vector<std::string> hostile = {"", "tab\there\nnew\\line\r\\N ' \" Nguyễn", "ĐẶNG thị Ánh",
                                            std::string(3000, 'x'), "\\.", "a\x7f b"};
  const std::vector<int64_t> ints = {0, -1, 1, INT64_MIN, INT64_MAX, -9000000000, 2147483648};
  const std::vector<double> reals = {0.0, -2.5, 1e300, 4.9e-324, 0.1, -1e-10};
  const std::vector<std::string> dates = {"2000-01-01", "1999-12-31", "2024-02-29", "1900-03-01", "0001-01-01",
                                          "9999-12-31", "1970-01-01", "2000-02-29"};
  for (bool with_decimal : {false, true}) {
    SCOPED_TRACE(with_decimal ? "with the decimal column" : "without the decimal column");
    NDC_ASSERT_OK(db_->Exec("DELETE FROM typed"));
    std::vector<std::string> columns = {"id", "text_col", "int_col", "real_col", "date_col", "bool_col", "blob_col",
                                        "ts_col"};
    if (with_decimal) columns.push_back("dec_col");
    const int kRows = 150;
    std::vector<Value> bulk;
    for (int i = 0; i < kRows; ++i) {
      const bool nulls = i % 11 == 5;
      std::string blob;
      for (int k = 0; k < i % 7; ++k) blob.push_back(static_cast<char>((i * 37 + k * 101) & 0xff));
      std::vector<Value> row = {int64_t{i},
                                nulls ? Value{} : Value{hostile[i % hostile.size()]},
                                nulls ? Value{} : Value{ints[i % ints.size()]},
                                nulls ? Value{} : Value{reals[i % reals.size()]},
                                nulls ? Value{} : Value{dates[i % dates.size()]},
                                nulls ? Value{} : Value{int64_t{i % 2}},
                                nulls ? Value{} : Value{Blob{blob}},
                                nulls ? Value{} : Value{int64_t{1700000000000000 + i}}};
      if (with_decimal) row.push_back(nulls ? Value{} : Value{std::to_string(i) + ".50"});
      bulk.insert(bulk.end(), row.begin(), row.end());
    }
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
    const uint64_t binary_before = PgBinaryCopyCount();
    NDC_ASSERT_OK_AND_ASSIGN(int64_t n, tx->BulkInsert("typed", columns, bulk));
    EXPECT_EQ(n, kRows);
    // PostgreSQL: binary COPY without the decimal column, text with it (SQLite: neither).
    const bool binary = GetParam() == Backend::kPostgres && !with_decimal;
    EXPECT_EQ(PgBinaryCopyCount() - binary_before, binary ? 1u : 0u);
    // The same rows one INSERT each, under ids shifted by 1000.
    std::string insert = "INSERT INTO typed (" + fmt::format("{}", fmt::join(columns, ", ")) + ") VALUES (";
    for (size_t c = 0; c < columns.size(); ++c) insert += fmt::format("{}${}", c ? ", " : "", c + 1);
    insert += ")";
    for (int i = 0; i < kRows; ++i) {
      std::vector<Value> row(bulk.begin() + static_cast<long>(i * columns.size()),
                             bulk.begin() + static_cast<long>((i + 1) * columns.size()));
      row[0] = int64_t{1000 + i};
      NDC_ASSERT_OK(tx->Exec(insert, row));
    }
    NDC_ASSERT_OK(tx->Commit());
    const std::string select = "SELECT " + fmt::format("{}", fmt::join(columns, ", ")) + " FROM typed WHERE id ";
    NDC_ASSERT_OK_AND_ASSIGN(ResultSet copied, db_->Query(select + "< 1000 ORDER BY id"));
    NDC_ASSERT_OK_AND_ASSIGN(ResultSet inserted, db_->Query(select + ">= 1000 ORDER BY id"));
    ASSERT_EQ(copied.rows.size(), static_cast<size_t>(kRows));
    ASSERT_EQ(inserted.rows.size(), static_cast<size_t>(kRows));
    for (int i = 0; i < kRows; ++i) {
      std::vector<Value> a = copied.rows[i].values(), b = inserted.rows[i].values();
      EXPECT_EQ(std::get<int64_t>(a[0]) + 1000, std::get<int64_t>(b[0]));
      a.erase(a.begin());
      b.erase(b.begin());
      EXPECT_TRUE(a == b) << "row " << i;
    }
    // And what was sent is what is read back (a date's spelling, a blob's bytes).
    EXPECT_EQ(copied.rows[2].Str(4), dates[2]);
    EXPECT_EQ(copied.rows[3].Int(2), ints[3]);
    EXPECT_EQ(copied.rows[6].Bytes(6).size(), 6u);
  }
}

// Text the server may refuse (a NUL byte, bytes that are not UTF-8) meets the same verdict in
// a bulk insert of many rows (binary COPY on PostgreSQL) as in a single INSERT: both stored
// (SQLite), or both refused with the same code (PostgreSQL).
// The binary path's other types against one INSERT per row: two- and four-byte integers at
// their limits, varchar, and the doubles text spells specially (infinities, -0, subnormals).
TEST_P(StoreConformanceTest, BulkInsertOfManyRowsStoresNarrowIntegersAndSpecialDoubles) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE narrow (id BIGINT, small SMALLINT, mid INTEGER, name VARCHAR(40), "
                                "r DOUBLE PRECISION)"));
  const std::vector<int64_t> smalls = {0, -1, 32767, -32768, 12};
  const std::vector<int64_t> mids = {0, 2147483647, -2147483648LL, 65536, -7};
  const std::vector<std::string> names = {"", "Trần Thị Bình", "tab\tand\\backslash", std::string(40, 'y')};
  const std::vector<double> reals = {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                     -0.0, std::numeric_limits<double>::denorm_min(),
                                     std::numeric_limits<double>::max(), 1.0 / 3};
  const std::vector<std::string> columns = {"id", "small", "mid", "name", "r"};
  const int kRows = 90;
  std::vector<Value> bulk;
  for (int i = 0; i < kRows; ++i) {
    bulk.insert(bulk.end(), {Value{int64_t{i}}, Value{smalls[i % smalls.size()]}, Value{mids[i % mids.size()]},
                             i % 9 == 4 ? Value{} : Value{names[i % names.size()]}, Value{reals[i % reals.size()]}});
  }
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  const uint64_t binary_before = PgBinaryCopyCount();
  NDC_ASSERT_OK_AND_ASSIGN(int64_t n, tx->BulkInsert("narrow", columns, bulk));
  EXPECT_EQ(n, kRows);
  EXPECT_EQ(PgBinaryCopyCount() - binary_before, GetParam() == Backend::kPostgres ? 1u : 0u);
  for (int i = 0; i < kRows; ++i) {
    std::vector<Value> row(bulk.begin() + i * 5, bulk.begin() + (i + 1) * 5);
    row[0] = int64_t{1000 + i};
    NDC_ASSERT_OK(tx->Exec("INSERT INTO narrow (id, small, mid, name, r) VALUES ($1, $2, $3, $4, $5)", row));
  }
  NDC_ASSERT_OK(tx->Commit());
  NDC_ASSERT_OK_AND_ASSIGN(ResultSet copied, db_->Query("SELECT small, mid, name, r FROM narrow WHERE id < 1000 ORDER BY id"));
  NDC_ASSERT_OK_AND_ASSIGN(ResultSet inserted,
                           db_->Query("SELECT small, mid, name, r FROM narrow WHERE id >= 1000 ORDER BY id"));
  ASSERT_EQ(copied.rows.size(), static_cast<size_t>(kRows));
  ASSERT_EQ(inserted.rows.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {
    EXPECT_TRUE(copied.rows[i].values() == inserted.rows[i].values()) << "row " << i;
    // -0.0 == 0.0: compare the sign too.
    EXPECT_EQ(std::signbit(copied.rows[i].Double(3)), std::signbit(inserted.rows[i].Double(3))) << "row " << i;
  }
  EXPECT_EQ(copied.rows[3].Int(0), -32768);
  EXPECT_EQ(copied.rows[2].Int(1), -2147483648LL);
  EXPECT_EQ(copied.rows[1].Double(3), -std::numeric_limits<double>::infinity());
}

TEST_P(StoreConformanceTest, BulkInsertJudgesDoubtfulTextLikeInsert) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE t (x BIGINT, s TEXT)"));
  for (const std::string& doubtful : {std::string("a\0b", 3), std::string("\xc3\x28 not UTF-8"),
                                      std::string("\xed\xa0\x80 a surrogate")}) {
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> one, db_->Begin());
    const StatusCode single =
        one->Exec("INSERT INTO t (x, s) VALUES ($1, $2)", std::vector<Value>{int64_t{0}, doubtful}).status().code();
    NDC_ASSERT_OK(one->Rollback());
    std::vector<Value> rows;
    for (int64_t i = 0; i < 100; ++i) {
      rows.emplace_back(i);
      rows.emplace_back(i == 50 ? doubtful : std::string("ordinary"));
    }
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> bulk, db_->Begin());
    const uint64_t binary_before = PgBinaryCopyCount();
    EXPECT_EQ(bulk->BulkInsert("t", std::vector<std::string>{"x", "s"}, rows).status().code(), single)
        << testing::PrintToString(doubtful);
    // On PostgreSQL the server judged the binary stream, not the text fallback.
    EXPECT_EQ(PgBinaryCopyCount() - binary_before, GetParam() == Backend::kPostgres ? 1u : 0u);
    NDC_ASSERT_OK(bulk->Rollback());
  }
}

TEST_P(StoreConformanceTest, BulkInsertDuplicateKeyPoisonsTransaction) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE t (x BIGINT PRIMARY KEY)"));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  std::vector<Value> values = {int64_t{1}, int64_t{2}, int64_t{1}};
  const std::vector<std::string> columns = {"x"};
  EXPECT_EQ(tx->BulkInsert("t", columns, values).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(tx->Exec("INSERT INTO t VALUES (3)").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->Commit().code(), StatusCode::kFailedPrecondition);
  NDC_ASSERT_OK_AND_ASSIGN(Row none, db_->QueryOne("SELECT COUNT(*) FROM t"));
  EXPECT_EQ(none.Int(0), 0);
}

// Rows in two parts (BulkRows' heads and tails) store exactly what the same rows as one flat array
// store: few rows (PostgreSQL's text COPY) and many (its binary COPY).
TEST_P(StoreConformanceTest, BulkInsertOfRowsInTwoPartsStoresWhatFlatRowsStore) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE flat (x BIGINT PRIMARY KEY, k TEXT, s TEXT, d DATE, b BOOLEAN);"
                                "CREATE TABLE split (x BIGINT PRIMARY KEY, k TEXT, s TEXT, d DATE, b BOOLEAN)"));
  const std::vector<std::string> columns = {"x", "k", "s", "d", "b"};
  for (int64_t count : {3, 500}) {
    std::vector<Value> flat, heads;
    std::vector<std::vector<Value>> tails;
    for (int64_t i = 0; i < count; ++i) {
      const int64_t x = count * 1000 + i;
      std::vector<Value> tail = {i % 7 == 0 ? Value{} : Value{fmt::format("Nguyễn\t{}", i)},
                                 std::string(i % 2 ? "2001-02-03" : "1999-12-31"), int64_t{i % 2}};
      flat.insert(flat.end(), {x, fmt::format("k{}", i)});
      flat.insert(flat.end(), tail.begin(), tail.end());
      heads.insert(heads.end(), {x, fmt::format("k{}", i)});
      tails.push_back(std::move(tail));
    }
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
    NDC_ASSERT_OK_AND_ASSIGN(int64_t a, tx->BulkInsert("flat", columns, flat));
    NDC_ASSERT_OK_AND_ASSIGN(int64_t b, tx->BulkInsert("split", columns, BulkRows(heads, 2, tails)));
    EXPECT_EQ(a, count);
    EXPECT_EQ(b, count);
    NDC_ASSERT_OK(tx->Commit());
  }
  NDC_ASSERT_OK_AND_ASSIGN(ResultSet want, db_->Query("SELECT x, k, s, d, b FROM flat ORDER BY x"));
  NDC_ASSERT_OK_AND_ASSIGN(ResultSet got, db_->Query("SELECT x, k, s, d, b FROM split ORDER BY x"));
  ASSERT_EQ(want.rows.size(), 503u);
  ASSERT_EQ(got.rows.size(), want.rows.size());
  for (size_t r = 0; r < want.rows.size(); ++r) EXPECT_EQ(got.rows[r].values(), want.rows[r].values()) << r;
  EXPECT_EQ(got.rows[1].Str(2), "Nguyễn\t1");
  EXPECT_TRUE(got.rows[0].IsNull(2));
  // A row of another width is refused as a caller bug: nothing is written, the transaction goes on.
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  const std::vector<Value> head = {int64_t{1}, std::string("k")};
  const std::vector<std::vector<Value>> narrow = {{std::string("s"), std::string("2001-02-03")}};
  EXPECT_EQ(tx->BulkInsert("split", columns, BulkRows(head, 2, narrow)).status().code(),
            StatusCode::kInvalidArgument);
  const std::vector<std::vector<Value>> two_tails = {{Value{}, Value{}, Value{}}, {Value{}, Value{}, Value{}}};
  EXPECT_EQ(tx->BulkInsert("split", columns, BulkRows(head, 2, two_tails)).status().code(),
            StatusCode::kInvalidArgument);  // two rows, one head
  NDC_ASSERT_OK_AND_ASSIGN(Row n, tx->QueryOne("SELECT COUNT(*) FROM split"));
  EXPECT_EQ(n.Int(0), 503);
  NDC_ASSERT_OK(tx->Commit());
}

TEST_P(StoreConformanceTest, BulkInsertRefusesBadNamesAndShapes) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE t (x BIGINT, y BIGINT)"));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  const std::vector<std::string> good = {"x", "y"};
  const std::vector<std::string> bad = {"x", "y; DROP TABLE t"};
  std::vector<Value> three = {int64_t{1}, int64_t{2}, int64_t{3}};
  EXPECT_EQ(tx->BulkInsert("t", good, three).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(tx->BulkInsert("t", bad, std::span(three).first(2)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(tx->BulkInsert("T\"", good, std::span(three).first(2)).status().code(), StatusCode::kInvalidArgument);
  // Refused arguments are caller bugs, not failed statements: the transaction still works.
  NDC_ASSERT_OK_AND_ASSIGN(int64_t n, tx->BulkInsert("t", good, std::span(three).first(2)));
  EXPECT_EQ(n, 1);
  NDC_ASSERT_OK(tx->Commit());
}

}  // namespace
}  // namespace ndc::store
