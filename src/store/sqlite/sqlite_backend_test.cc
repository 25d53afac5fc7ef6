// SQLite-only behaviour: connection settings, durability across reopen and process death,
// locking, read-only and bad files. The shared behaviour is in the conformance suite.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "store/testing/conformance.h"
#include "store/testing/test_database.h"
#include "store/testing/test_util.h"

namespace ndc::store {

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest, ::testing::Values(Backend::kSqlite), BackendParamName);

namespace {

std::string PathOf(const TestDatabase& db) { return db.url().substr(std::string_view("sqlite:").size()); }

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NDC_ASSERT_OK_AND_ASSIGN(db_, NewTestDatabase(Backend::kSqlite));
    NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE t (x INTEGER PRIMARY KEY)"));
  }
  int64_t Count() {
    return db_->QueryOne("SELECT COUNT(*) FROM t").value_or(Row(std::vector<Value>{})).Int(0);
  }
  std::unique_ptr<TestDatabase> db_;
};

TEST_F(SqliteTest, ConnectionUsesWalFullSyncAndForeignKeys) {
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
  EXPECT_EQ(tx->QueryOne("PRAGMA journal_mode")->Str(0), "wal");
  EXPECT_EQ(tx->QueryOne("PRAGMA synchronous")->Int(0), 2);  // FULL
  EXPECT_EQ(tx->QueryOne("PRAGMA foreign_keys")->Int(0), 1);
  EXPECT_EQ(tx->QueryOne("PRAGMA busy_timeout")->Int(0), OpenOptions().busy_timeout_ms);
}

// The commit only makes its log frames durable; copying them into the database file is the
// background checkpointer's job (sqlite/wal_checkpointer.h). The file grows without any further
// statement or close.
TEST_F(SqliteTest, LargeCommitIsCheckpointedInTheBackground) {
  const std::string path = PathOf(*db_);
  const auto before = std::filesystem::file_size(path);
  {
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> tx, db_->Begin());
    NDC_ASSERT_OK(tx->ExecScript("CREATE TABLE big (x BLOB)"));
    std::vector<Value> rows(2000, Value(Blob{std::string(4000, 'x')}));  // ~2,000 pages
    const std::vector<std::string> columns = {"x"};
    NDC_ASSERT_OK(tx->BulkInsert("big", columns, rows));
    NDC_ASSERT_OK(tx->Commit());
  }
  // Waits for the background thread (not a timing assertion: it only bounds a hang).
  for (int i = 0; i < 600 && std::filesystem::file_size(path) < before + 8'000'000; ++i) usleep(100'000);
  EXPECT_GE(std::filesystem::file_size(path), before + 8'000'000);
}

// A database file the store creates is owner-only, and so are its -wal and -shm files (SQLite
// gives them the database file's mode): they hold personal data.
TEST_F(SqliteTest, ANewDatabaseFileAndItsLogAreOwnerOnly) {
  const std::string path = PathOf(*db_);
  NDC_ASSERT_OK(db_->Exec("INSERT INTO t VALUES (1)"));
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    ASSERT_EQ(stat(file.c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
}

// An existing file every user may read (an older version made them 0644) loses the other users'
// access when the store opens it for writing, with its -wal and -shm; the group's stays.
TEST_F(SqliteTest, AnExistingFileReadableByAllIsWithheldFromOtherUsers) {
  const std::string path = PathOf(*db_);
  NDC_ASSERT_OK(db_->Exec("INSERT INTO t VALUES (1)"));
  db_->Close();
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    if (std::filesystem::exists(file)) {
      ASSERT_EQ(chmod(file.c_str(), 0664), 0) << file;
    }
  }
  NDC_ASSERT_OK(db_->Reopen());
  NDC_ASSERT_OK(db_->Exec("INSERT INTO t VALUES (2)"));
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    ASSERT_EQ(stat(file.c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0660u) << file;
  }
  EXPECT_EQ(Count(), 2);
}

TEST_F(SqliteTest, DataSurvivesReopen) {
  NDC_ASSERT_OK(db_->Exec("INSERT INTO t VALUES (1)"));
  NDC_ASSERT_OK(db_->Reopen());
  EXPECT_EQ(Count(), 1);
}

TEST_F(SqliteTest, CommittedWritesSurviveKill) {
  constexpr int kRows = 50;
  db_->Close();  // no SQLite handle may cross fork()
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(acks[0]);
    Result<std::unique_ptr<Database>> db = Open(db_->url());
    for (int i = 1; db.ok() && i <= kRows; ++i) {
      const Value p[] = {int64_t{i}};
      if (!(*db)->Exec("INSERT INTO t VALUES ($1)", p).ok()) break;
      char ack = 1;  // acknowledged only after the commit returned
      if (write(acks[1], &ack, 1) != 1) break;
    }
    kill(getpid(), SIGKILL);
    _exit(1);
  }
  close(acks[1]);
  int acked = 0;
  char ack;
  while (read(acks[0], &ack, 1) == 1) ++acked;
  close(acks[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_EQ(acked, kRows);
  NDC_ASSERT_OK(db_->Reopen());
  EXPECT_EQ(Count(), acked);
}

TEST_F(SqliteTest, SecondWriterIsAbortedAfterBusyTimeout) {
  OpenOptions options;
  options.busy_timeout_ms = 50;
  NDC_ASSERT_OK(db_->Reopen(options));
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> first, db_->Begin());
  EXPECT_EQ(db_->Begin().status().code(), StatusCode::kAborted);
  EXPECT_EQ(db_->Exec("INSERT INTO t VALUES (1)").status().code(), StatusCode::kAborted);
  NDC_EXPECT_OK(db_->Query("SELECT COUNT(*) FROM t"));  // readers are not blocked
}

TEST_F(SqliteTest, ReadOnlyDatabaseRejectsWrites) {
  OpenOptions options;
  options.read_only = true;
  NDC_ASSERT_OK(db_->Reopen(options));
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(db_->Exec("INSERT INTO t VALUES (1)").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(db_->Migrate().status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteTest, OtherParameterFormsAreInvalidArgument) {
  const Value one[] = {int64_t{1}};
  for (const char* sql : {"SELECT ?", "SELECT ?1", "SELECT :x", "SELECT @x", "SELECT $x"}) {
    EXPECT_EQ(db_->Query(sql, one).status().code(), StatusCode::kInvalidArgument) << sql;
  }
}

TEST(SqliteOpenTest, MissingFileWithoutCreateIsNotFound) {
  OpenOptions options;
  options.create_if_missing = false;
  EXPECT_EQ(OpenSqlite("/nonexistent-ndc-dir/x.db", options).status().code(), StatusCode::kNotFound);
}

TEST(SqliteOpenTest, MemoryDatabaseIsInvalidArgument) {
  EXPECT_EQ(OpenSqlite(":memory:").status().code(), StatusCode::kInvalidArgument);
}

TEST(SqliteOpenTest, NonDatabaseFileIsDataLoss) {
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<TestDatabase> db, NewTestDatabase(Backend::kSqlite));
  const std::string garbage = std::filesystem::path(PathOf(*db)).parent_path() / "garbage.db";
  std::ofstream(garbage) << std::string(8192, 'x');
  Status plain = OpenSqlite(garbage).status();
  EXPECT_EQ(plain.code(), StatusCode::kDataLoss);
  EXPECT_EQ(plain.message().find("write-ahead log"), std::string::npos) << plain.message();
  // With a log beside it, the error names the usual cause after a restore and what to do.
  std::ofstream(garbage + "-wal") << std::string(4096, 'y');
  Status with_log = OpenSqlite(garbage).status();
  EXPECT_EQ(with_log.code(), StatusCode::kDataLoss);
  EXPECT_NE(with_log.message().find("a write-ahead log " + garbage + "-wal lies beside it"), std::string::npos)
      << with_log.message();
  EXPECT_NE(with_log.message().find("restore into an empty one"), std::string::npos) << with_log.message();
}

TEST(SqliteOpenTest, UnopenablePathIsUnavailable) {
  EXPECT_EQ(OpenSqlite("/nonexistent-ndc-dir/x.db").status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ndc::store
