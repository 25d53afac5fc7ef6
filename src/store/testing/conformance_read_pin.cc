// Conformance: Database::PinReads — one snapshot for a thread's SELECTs, ended by any write.
#include <thread>

#include "store/testing/conformance.h"

namespace ndc::store {
namespace {

constexpr std::string_view kCreateT = "CREATE TABLE t (x BIGINT PRIMARY KEY)";

int64_t Count(Executor& ex) {
  Result<Row> row = ex.QueryOne("SELECT COUNT(*) FROM t");
  EXPECT_TRUE(row.ok()) << row.status().ToString();
  return row.ok() ? row->Int(0) : -1;
}

// Commits one row from another thread (so through another connection, never the pinned one).
void InsertElsewhere(Database& db, int64_t x) {
  std::thread([&db, x] {
    Value p[] = {x};
    EXPECT_TRUE(db.Exec("INSERT INTO t VALUES ($1)", p).ok());
  }).join();
}

TEST_P(StoreConformanceTest, PinnedSelectsShareOneSnapshot) {
  NDC_ASSERT_OK(db_->ExecScript(kCreateT));
  InsertElsewhere(*db_, 1);
  {
    std::unique_ptr<ReadPin> pin = db_->PinReads();
    EXPECT_EQ(Count(*db_), 1);  // the snapshot is taken here
    InsertElsewhere(*db_, 2);
    EXPECT_EQ(Count(*db_), 1);  // still the same snapshot
    NDC_ASSERT_OK_AND_ASSIGN(Row max, db_->QueryOne("SELECT MAX(x) FROM t"));
    EXPECT_EQ(max.Int(0), 1);
  }
  EXPECT_EQ(Count(*db_), 2);  // unpinned: each statement sees the latest commit
}

TEST_P(StoreConformanceTest, AWriteEndsThePinnedSnapshot) {
  NDC_ASSERT_OK(db_->ExecScript(kCreateT));
  std::unique_ptr<ReadPin> pin = db_->PinReads();
  EXPECT_EQ(Count(*db_), 0);
  InsertElsewhere(*db_, 1);
  EXPECT_EQ(Count(*db_), 0);
  // The thread's own write runs outside the snapshot and ends it: it sees its write and the
  // other thread's, and the next SELECTs share a new snapshot.
  NDC_ASSERT_OK(db_->Exec("INSERT INTO t VALUES (2)"));
  EXPECT_EQ(Count(*db_), 2);
  InsertElsewhere(*db_, 3);
  EXPECT_EQ(Count(*db_), 2);
  // So does a transaction begun by the thread, and it is not inside the snapshot.
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  EXPECT_EQ(Count(*tx), 3);
  NDC_ASSERT_OK(tx->Exec("INSERT INTO t VALUES (4)"));
  NDC_ASSERT_OK(tx->Commit());
  EXPECT_EQ(Count(*db_), 4);
}

TEST_P(StoreConformanceTest, PinsAreNotNestedAndRecoverFromErrors) {
  NDC_ASSERT_OK(db_->ExecScript(kCreateT));
  std::unique_ptr<ReadPin> outer = db_->PinReads();
  EXPECT_EQ(Count(*db_), 0);
  {
    std::unique_ptr<ReadPin> inner = db_->PinReads();  // does nothing
    InsertElsewhere(*db_, 1);
    EXPECT_EQ(Count(*db_), 0);
  }
  EXPECT_EQ(Count(*db_), 0);  // the inner pin's end did not end the outer snapshot
  // A failing SELECT ends the snapshot (on PostgreSQL it aborted the transaction); the next one
  // starts a fresh one.
  EXPECT_FALSE(db_->Query("SELECT no_such_column FROM t").ok());
  EXPECT_EQ(Count(*db_), 1);
}

// ReadSnapshot names the pinned snapshot the thread's SELECTs read: the same id while they share
// one, another once a write ended it and a SELECT began the next, 0 whenever there is none.
TEST_P(StoreConformanceTest, ReadSnapshotNamesThePinnedSnapshot) {
  NDC_ASSERT_OK(db_->ExecScript(kCreateT));
  EXPECT_EQ(db_->ReadSnapshot(), 0u);  // no pin
  Count(*db_);
  EXPECT_EQ(db_->ReadSnapshot(), 0u);
  uint64_t first = 0;
  {
    std::unique_ptr<ReadPin> pin = db_->PinReads();
    EXPECT_EQ(db_->ReadSnapshot(), 0u);  // none until the first SELECT
    Count(*db_);
    first = db_->ReadSnapshot();
    EXPECT_NE(first, 0u);
    Count(*db_);
    {
      std::unique_ptr<ReadPin> inner = db_->PinReads();  // does nothing
      Count(*db_);
      EXPECT_EQ(db_->ReadSnapshot(), first);
    }
    EXPECT_EQ(db_->ReadSnapshot(), first);
    uint64_t elsewhere = 1;
    std::thread([&] { elsewhere = db_->ReadSnapshot(); }).join();
    EXPECT_EQ(elsewhere, 0u);  // another thread holds no pin
    NDC_ASSERT_OK(db_->Exec("INSERT INTO t VALUES (1)"));
    EXPECT_EQ(db_->ReadSnapshot(), 0u);  // the write ended it
    Count(*db_);
    const uint64_t second = db_->ReadSnapshot();
    EXPECT_NE(second, 0u);
    EXPECT_NE(second, first);
    EXPECT_FALSE(db_->Query("SELECT no_such_column FROM t").ok());
    EXPECT_EQ(db_->ReadSnapshot(), 0u);  // so did the failed SELECT
    Count(*db_);
    EXPECT_NE(db_->ReadSnapshot(), 0u);
    EXPECT_NE(db_->ReadSnapshot(), second);
  }
  EXPECT_EQ(db_->ReadSnapshot(), 0u);  // the pin is gone
}

TEST_P(StoreConformanceTest, OtherThreadsAreNotPinned) {
  NDC_ASSERT_OK(db_->ExecScript(kCreateT));
  std::unique_ptr<ReadPin> pin = db_->PinReads();
  EXPECT_EQ(Count(*db_), 0);
  InsertElsewhere(*db_, 1);
  int64_t seen = -1;
  std::thread([&] { seen = Count(*db_); }).join();
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(Count(*db_), 0);
}

}  // namespace
}  // namespace ndc::store
