// Conformance: Transaction::BeginBulkInsert (one COPY kept open on PostgreSQL, the prepared
// INSERT per call on SQLite).
#include <fmt/format.h>

#include <thread>

#include "store/testing/conformance.h"

namespace ndc::store {
namespace {

// Rows whose text holds what COPY's text format escapes, and Vietnamese; every 5th value NULL.
std::vector<Value> Rows(int64_t first, int64_t count) {
  std::vector<Value> out;
  for (int64_t i = first; i < first + count; ++i) {
    out.emplace_back(i);
    out.push_back(i % 5 == 0 ? Value{} : Value{fmt::format("tab\there\nnew\\line\r\\N ' Nguyễn {}", i)});
    out.emplace_back(std::string(i % 2 ? "2001-02-03" : "1999-12-31"));
    out.emplace_back(int64_t{i % 2});
  }
  return out;
}

const std::vector<std::string> kColumns = {"x", "s", "d", "b"};

TEST_P(StoreConformanceTest, BulkInsertInSeveralWritesStoresWhatOneBulkInsertStores) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE one (x BIGINT PRIMARY KEY, s TEXT, d DATE, b BOOLEAN);"
                                "CREATE TABLE streamed (x BIGINT PRIMARY KEY, s TEXT, d DATE, b BOOLEAN)"));
  const std::vector<Value> all = Rows(0, 700);
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  NDC_ASSERT_OK(tx->BulkInsert("one", kColumns, all).status());
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkInserter> inserter, tx->BeginBulkInsert("streamed", kColumns));
  // While it is open the transaction takes no other call, and says why.
  Result<ResultSet> meanwhile = tx->Query("SELECT 1");
  EXPECT_EQ(meanwhile.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(meanwhile.status().message().find("bulk insert"), std::string::npos) << meanwhile.status().ToString();
  EXPECT_EQ(tx->Commit().code(), StatusCode::kFailedPrecondition);  // the insert has the connection
  EXPECT_EQ(tx->Rollback().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->BeginBulkInsert("one", kColumns).status().code(), StatusCode::kFailedPrecondition);
  // Writes of 1, 99 and 600 rows, the last from another thread (as a load's writer thread does),
  // one of them in two parts.
  const std::span<const Value> span(all);
  NDC_ASSERT_OK(inserter->Write(BulkRows(span.first(4), 4)));
  const std::vector<Value> heads(span.begin() + 4, span.begin() + 4 + 99 * 4);
  std::vector<Value> head_values;
  std::vector<std::vector<Value>> tails;
  for (size_t r = 0; r < 99; ++r) {
    head_values.push_back(heads[r * 4]);
    tails.emplace_back(heads.begin() + static_cast<std::ptrdiff_t>(r * 4 + 1),
                       heads.begin() + static_cast<std::ptrdiff_t>(r * 4 + 4));
  }
  NDC_ASSERT_OK(inserter->Write(BulkRows(head_values, 1, tails)));
  Status from_thread;
  std::thread writer([&] { from_thread = inserter->Write(BulkRows(span.subspan(100 * 4), 4)); });
  writer.join();
  NDC_ASSERT_OK(from_thread);
  NDC_ASSERT_OK_AND_ASSIGN(int64_t n, inserter->Finish());
  EXPECT_EQ(n, 700);
  NDC_ASSERT_OK(tx->Commit());
  NDC_ASSERT_OK_AND_ASSIGN(ResultSet want, db_->Query("SELECT x, s, d, b FROM one ORDER BY x"));
  NDC_ASSERT_OK_AND_ASSIGN(ResultSet got, db_->Query("SELECT x, s, d, b FROM streamed ORDER BY x"));
  ASSERT_EQ(got.rows.size(), 700u);
  for (size_t r = 0; r < got.rows.size(); ++r) EXPECT_EQ(got.rows[r].values(), want.rows[r].values()) << r;
  EXPECT_EQ(got.rows[3].Str(1), "tab\there\nnew\\line\r\\N ' Nguyễn 3");
  EXPECT_TRUE(got.rows[5].IsNull(1));
}

TEST_P(StoreConformanceTest, BulkInsertInSeveralWritesTakesTypesWithoutABinaryForm) {
  // A decimal column: PostgreSQL's COPY goes as text.
  NDC_ASSERT_OK(db_->ExecScript(
      fmt::format("CREATE TABLE priced (x BIGINT PRIMARY KEY, p {})", Type(ColumnType::kDecimal))));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkInserter> inserter,
                           tx->BeginBulkInsert("priced", std::vector<std::string>{"x", "p"}));
  const std::vector<Value> rows = {int64_t{1}, std::string("123.450"), int64_t{2}, Value{}};
  NDC_ASSERT_OK(inserter->Write(BulkRows(rows, 2)));
  NDC_ASSERT_OK_AND_ASSIGN(int64_t n, inserter->Finish());
  EXPECT_EQ(n, 2);
  NDC_ASSERT_OK(tx->Commit());
  NDC_ASSERT_OK_AND_ASSIGN(Row r, db_->QueryOne("SELECT p FROM priced WHERE x = 1"));
  EXPECT_EQ(r.Str(0), "123.450");
}

TEST_P(StoreConformanceTest, AnAbandonedOrFailedBulkInsertLeavesNothing) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE t (x BIGINT PRIMARY KEY, s TEXT, d DATE, b BOOLEAN)"));
  {
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkInserter> inserter, tx->BeginBulkInsert("t", kColumns));
    NDC_ASSERT_OK(inserter->Write(BulkRows(Rows(0, 100), 4)));
    inserter.reset();  // never finished
    Status commit = tx->Commit();
    EXPECT_EQ(commit.code(), StatusCode::kFailedPrecondition) << commit.ToString();
    EXPECT_NE(commit.message().find("abandoned"), std::string::npos) << commit.ToString();
  }
  {
    // A key twice: the insert fails (at the write or at the end), and the transaction with it.
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkInserter> inserter, tx->BeginBulkInsert("t", kColumns));
    Status written = inserter->Write(BulkRows(Rows(0, 100), 4));
    if (written.ok()) written = inserter->Write(BulkRows(Rows(50, 10), 4));
    Result<int64_t> finished = written.ok() ? inserter->Finish() : Result<int64_t>(written);
    EXPECT_EQ(finished.status().code(), StatusCode::kAlreadyExists) << finished.status().ToString();
    EXPECT_FALSE(tx->Commit().ok());
  }
  {
    // A caller's shape error is refused without ending the insert or poisoning anything.
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkInserter> inserter, tx->BeginBulkInsert("t", kColumns));
    const std::vector<Value> five = {int64_t{1}, Value{}, Value{}, Value{}, Value{}};
    EXPECT_EQ(inserter->Write(BulkRows(five, 5)).code(), StatusCode::kInvalidArgument);
    NDC_ASSERT_OK(inserter->Write(BulkRows(Rows(7, 3), 4)));
    NDC_ASSERT_OK_AND_ASSIGN(int64_t n, inserter->Finish());
    EXPECT_EQ(n, 3);
    EXPECT_EQ(inserter->Finish().status().code(), StatusCode::kFailedPrecondition);
    NDC_ASSERT_OK_AND_ASSIGN(Row count, tx->QueryOne("SELECT COUNT(*) FROM t"));  // usable again
    EXPECT_EQ(count.Int(0), 3);
    NDC_ASSERT_OK(tx->Commit());
  }
  {
    // Bad names are refused before anything starts; the transaction goes on.
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
    EXPECT_EQ(tx->BeginBulkInsert("t; DROP TABLE t", kColumns).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(tx->BeginBulkInsert("t", std::vector<std::string>{"x", "s\""}).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(tx->BeginBulkInsert("t", std::vector<std::string>{}).status().code(), StatusCode::kInvalidArgument);
    NDC_ASSERT_OK_AND_ASSIGN(Row count, tx->QueryOne("SELECT COUNT(*) FROM t"));
    EXPECT_EQ(count.Int(0), 3);  // the three rows of the insert above, nothing from the failed ones
    NDC_ASSERT_OK(tx->Commit());
  }
}

}  // namespace
}  // namespace ndc::store
