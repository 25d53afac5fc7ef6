// Conformance: transaction visibility, rollback, finishing and poisoning.
#include "store/testing/conformance.h"

namespace ndc::store {
namespace {

constexpr std::string_view kCreateT = "CREATE TABLE t (x BIGINT PRIMARY KEY)";

int64_t Count(Database& db) {
  Result<Row> row = db.QueryOne("SELECT COUNT(*) FROM t");
  EXPECT_TRUE(row.ok()) << row.status().ToString();
  return row.ok() ? row->Int(0) : -1;
}

TEST_P(StoreConformanceTest, CommitMakesChangesVisibleToOthers) {
  NDC_ASSERT_OK(db_->ExecScript(kCreateT));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  NDC_ASSERT_OK(tx->Exec("INSERT INTO t VALUES (1)"));
  NDC_ASSERT_OK_AND_ASSIGN(Row own, tx->QueryOne("SELECT COUNT(*) FROM t"));
  EXPECT_EQ(own.Int(0), 1);
  EXPECT_EQ(Count(*db_), 0);  // another pooled connection does not see uncommitted rows
  NDC_ASSERT_OK(tx->Commit());
  EXPECT_EQ(Count(*db_), 1);
}

TEST_P(StoreConformanceTest, RollbackDiscardsChanges) {
  NDC_ASSERT_OK(db_->ExecScript(kCreateT));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  NDC_ASSERT_OK(tx->ExecScript("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)"));
  NDC_ASSERT_OK(tx->Rollback());
  EXPECT_EQ(Count(*db_), 0);
}

TEST_P(StoreConformanceTest, DestructorRollsBack) {
  NDC_ASSERT_OK(db_->ExecScript(kCreateT));
  {
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
    NDC_ASSERT_OK(tx->Exec("INSERT INTO t VALUES (1)"));
  }
  EXPECT_EQ(Count(*db_), 0);
  NDC_EXPECT_OK(db_->Exec("INSERT INTO t VALUES (1)"));  // the connection came back usable
}

TEST_P(StoreConformanceTest, UseAfterFinishIsFailedPrecondition) {
  NDC_ASSERT_OK(db_->ExecScript(kCreateT));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> committed, db_->Begin());
  NDC_ASSERT_OK(committed->Commit());
  EXPECT_EQ(committed->Exec("INSERT INTO t VALUES (1)").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(committed->Query("SELECT 1").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(committed->ExecScript("SELECT 1").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(committed->Commit().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(committed->Rollback().code(), StatusCode::kFailedPrecondition);
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> rolled_back, db_->Begin(/*serializable=*/true));
  NDC_ASSERT_OK(rolled_back->Rollback());
  EXPECT_EQ(rolled_back->Commit().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count(*db_), 0);
}

TEST_P(StoreConformanceTest, FailedStatementPoisonsTransaction) {
  NDC_ASSERT_OK(db_->ExecScript(kCreateT));
  NDC_ASSERT_OK(db_->Exec("INSERT INTO t VALUES (1)"));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  NDC_ASSERT_OK(tx->Exec("INSERT INTO t VALUES (2)"));
  EXPECT_EQ(tx->Exec("INSERT INTO t VALUES (1)").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(tx->Exec("INSERT INTO t VALUES (3)").status().code(), StatusCode::kFailedPrecondition);
  Status commit = tx->Commit();
  EXPECT_EQ(commit.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(commit.message().find("ALREADY_EXISTS"), std::string::npos) << commit.message();
  EXPECT_EQ(Count(*db_), 1);  // row 2 was rolled back with the transaction
}

TEST_P(StoreConformanceTest, ScriptOnDatabaseIsAllOrNothing) {
  NDC_ASSERT_OK(db_->ExecScript(kCreateT));
  Status s =
      db_->ExecScript("INSERT INTO t VALUES (5); CREATE TABLE half (x BIGINT); INSERT INTO t VALUES (5)");
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Count(*db_), 0);
  EXPECT_EQ(db_->Query("SELECT * FROM half").status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace ndc::store
