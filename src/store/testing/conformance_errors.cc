// Conformance: driver errors map to the same canonical codes on every backend.
#include <fmt/format.h>

#include "store/testing/conformance.h"

namespace ndc::store {
namespace {

using S = std::string;

TEST_P(StoreConformanceTest, UniqueViolationIsAlreadyExists) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE u (id BIGINT PRIMARY KEY, email TEXT UNIQUE)"));
  NDC_ASSERT_OK(db_->Exec("INSERT INTO u VALUES (1, 'a@x')"));
  EXPECT_EQ(db_->Exec("INSERT INTO u VALUES (1, 'b@x')").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(db_->Exec("INSERT INTO u VALUES (2, 'a@x')").status().code(), StatusCode::kAlreadyExists);
}

TEST_P(StoreConformanceTest, ForeignKeyViolationIsFailedPrecondition) {
  NDC_ASSERT_OK(db_->ExecScript(
      "CREATE TABLE parent (id BIGINT PRIMARY KEY);"
      "CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES parent (id));"
      "INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1, 1)"));
  EXPECT_EQ(db_->Exec("INSERT INTO child VALUES (2, 99)").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(db_->Exec("DELETE FROM parent WHERE id = 1").status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(StoreConformanceTest, CheckAndNotNullViolationsAreFailedPrecondition) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE c (kind TEXT NOT NULL CHECK (kind IN ('a', 'b')))"));
  EXPECT_EQ(db_->Exec("INSERT INTO c VALUES ('z')").status().code(), StatusCode::kFailedPrecondition);
  const Value null[] = {Value()};
  EXPECT_EQ(db_->Exec("INSERT INTO c VALUES ($1)", null).status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(StoreConformanceTest, BadSqlIsInternal) {
  EXPECT_EQ(db_->Query("SELEC 1").status().code(), StatusCode::kInternal);
  EXPECT_EQ(db_->Query("SELECT * FROM no_such_table").status().code(), StatusCode::kInternal);
  EXPECT_EQ(db_->ExecScript("CREATE TABLE ok (x BIGINT); SELECT nope FROM ok").code(), StatusCode::kInternal);
}

TEST_P(StoreConformanceTest, ErrorMessagesNameTheBackendAndDriverText) {
  Status s = db_->Query("SELECT * FROM no_such_table").status();
  EXPECT_TRUE(s.message().starts_with(fmt::format("{}: ", BackendName(GetParam())))) << s.message();
  EXPECT_NE(s.message().find("no_such_table"), std::string::npos) << s.message();
}

TEST_P(StoreConformanceTest, SlowStatementIsDeadlineExceeded) {
  OpenOptions options;
  options.statement_timeout_ms = 100;
  NDC_ASSERT_OK(db_->Reopen(options));
  // Counts to a billion: far longer than 100 ms on any machine.
  Result<Row> slow = db_->QueryOne(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT COUNT(*) "
      "FROM c");
  EXPECT_EQ(slow.status().code(), StatusCode::kDeadlineExceeded) << slow.status().ToString();
  NDC_EXPECT_OK(db_->Query("SELECT 1"));  // the connection is still usable
}

// ExecScriptUntimed runs past the statement timeout (a first load's index build), and the
// timeout holds again for the transaction's next statements.
TEST_P(StoreConformanceTest, AnUntimedScriptOutlastsTheStatementTimeout) {
  OpenOptions options;
  options.statement_timeout_ms = 100;
  NDC_ASSERT_OK(db_->Reopen(options));
  // About 0.3-1 s on this machine, several times the timeout; CREATE TABLE AS is portable.
  const std::string slow_script =
      "CREATE TABLE counted AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) "
      "SELECT COUNT(*) AS n FROM c";
  {
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
    Status timed = tx->ExecScript(slow_script);
    EXPECT_EQ(timed.code(), StatusCode::kDeadlineExceeded) << timed.ToString();
  }
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  NDC_ASSERT_OK(tx->ExecScriptUntimed(slow_script));
  NDC_ASSERT_OK_AND_ASSIGN(Row n, tx->QueryOne("SELECT n FROM counted"));
  EXPECT_EQ(n.Int(0), 3000000);
  Result<Row> after = tx->QueryOne(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT COUNT(*) FROM c");
  EXPECT_EQ(after.status().code(), StatusCode::kDeadlineExceeded) << after.status().ToString();
}

TEST_P(StoreConformanceTest, ExhaustedPoolIsResourceExhausted) {
  OpenOptions options;
  options.pool_size = 1;
  options.acquire_timeout_ms = 50;
  NDC_ASSERT_OK(db_->Reopen(options));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  EXPECT_EQ(db_->Query("SELECT 1").status().code(), StatusCode::kResourceExhausted);
  NDC_ASSERT_OK(tx->Commit());
  NDC_EXPECT_OK(db_->Query("SELECT 1"));
}

}  // namespace
}  // namespace ndc::store
