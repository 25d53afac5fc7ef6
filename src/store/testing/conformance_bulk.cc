// Conformance: Transaction::BulkInsert (COPY on PostgreSQL, a prepared INSERT on SQLite).
#include "store/testing/conformance.h"

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
