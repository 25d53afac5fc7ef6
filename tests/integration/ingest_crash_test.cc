// A crash in the middle of a batch: `ndc ingest` of a large file is killed with SIGKILL while it
// applies rows. The store must hold exactly what it held before the batch (an earlier,
// acknowledged batch whole; nothing of the killed one: no record, history row, event or batch
// row), and sending the killed batch again must apply it exactly once, with change events dense
// from 1. Run on SQLite (integration_ingest_crash_test) and PostgreSQL (…_pg_test).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include "store/store.h"
#include "test_support.h"

extern char** environ;

namespace ndc::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kSmallRows = 1000;
// Large enough that applying it takes a few seconds (it is killed well before the end), small
// enough that the resend keeps the test within its budget.
constexpr int64_t kLargeRows = 400000;

constexpr char kSchema[] = R"({"id": "people", "title": "People", "owner": "gov",
  "classification": {"data": "important", "personal": "basic"},
  "source_key": "id",
  "fields": [
    {"name": "id", "column": "ID", "type": "string", "required": true},
    {"name": "name", "column": "NAME", "type": "string", "required": true},
    {"name": "birth", "column": "BIRTH", "type": "date", "format": "yyyy-mm-dd"},
    {"name": "n", "column": "N", "type": "integer"}]})";

// The change feed: every version (current and past) carries the _seq of the change that made it.
constexpr char kEvents[] =
    "(SELECT _seq, _op, _batch_id FROM ds_people UNION ALL SELECT _seq, _op, _batch_id FROM "
    "ds_people_history) AS e";

std::string Sql(const std::string& select) { return "SELECT " + select + " FROM " + kEvents; }

void WriteCsv(const std::string& path, const std::string& prefix, int64_t rows) {
  std::ofstream out(path, std::ios::binary);
  out << "ID,NAME,BIRTH,N\n";
  for (int64_t i = 0; i < rows; ++i) {
    out << prefix << i << ",Người số " << i << ",19" << 10 + i % 90 << "-0" << 1 + i % 9 << "-1" << i % 10
        << "," << i << "\n";
  }
}

// The rate in a progress line ("b.csv: 20,000 rows, 0.5 of 9.8 MB (5%), 180,000 rows/s"), or 0.
int64_t RowsPerSecond(const std::string& progress) {
  const size_t end = progress.find(" rows/s");
  if (end == std::string::npos) return 0;
  size_t begin = progress.rfind(", ", end);
  if (begin == std::string::npos) return 0;
  int64_t rate = 0;
  for (size_t i = begin + 2; i < end; ++i) {
    if (progress[i] >= '0' && progress[i] <= '9') rate = rate * 10 + (progress[i] - '0');
  }
  return rate;
}

// `ndc args...` running in the background with its stderr on a pipe.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int err[2];
    if (pipe(err) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addclose(&actions, err[0]);
    std::vector<std::string> argv = {NDC_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    if (posix_spawn(&pid_, NDC_BINARY, &actions, nullptr, cargv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(err[1]);
    err_fd_ = err[0];
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (err_fd_ >= 0) close(err_fd_);
  }
  bool started() const { return pid_ > 0; }
  const std::string& err() const { return err_; }

  // Reads stderr until it contains `text` (true), or the child ends or time runs out (false).
  bool WaitFor(const std::string& text, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (err_.find(text) == std::string::npos) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{err_fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
      char buf[4096];
      ssize_t n = read(err_fd_, buf, sizeof(buf));
      if (n <= 0) return false;
      err_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  // SIGKILL; returns the wait status.
  int Kill() {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int err_fd_ = -1;
  std::string err_;
};

class IngestCrashTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    hub_ = dir_.path() + "/hub";
    std::string error;
    ASSERT_FALSE(InitTestHub(GetParam(), hub_, &pg_, &error).empty()) << error;
    ASSERT_EQ(Ndc({"agency", "create", "--id", "gov", "--name", "Government"}).exit_code, 0);
    std::ofstream(dir_.path() + "/people.json") << kSchema;
    ASSERT_EQ(Ndc({"dataset", "create", dir_.path() + "/people.json"}).exit_code, 0);
  }

  CommandResult Ndc(std::vector<std::string> args) {
    args.push_back("--data");
    args.push_back(hub_);
    return RunNdc(args);
  }

  // A fresh connection to the hub's store, as a restarted node would open it.
  std::unique_ptr<store::Database> OpenStore() {
    auto db = store::Open(pg_ ? pg_->url() : "sqlite:" + hub_ + "/ndc.db");
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }

  int64_t Count(store::Database& db, const std::string& sql) {
    auto row = db.QueryOne(sql);
    EXPECT_TRUE(row.ok()) << sql << ": " << row.status().ToString();
    return row.ok() ? row->Int(0) : -1;
  }

  TempDir dir_;
  std::string hub_;
  std::unique_ptr<store::TestDatabase> pg_;
};

TEST_P(IngestCrashTest, KilledBatchLeavesNothingAndItsResendAppliesOnce) {
  const auto t0 = Clock::now();
  const std::string small = dir_.path() + "/a.csv", large = dir_.path() + "/b.csv";
  WriteCsv(small, "a", kSmallRows);
  WriteCsv(large, "b", kLargeRows);
  CommandResult a = Ndc({"ingest", "people", small});
  ASSERT_EQ(a.exit_code, 0) << a.err;  // batch A is acknowledged

  const auto t1 = Clock::now();
  Child b({"ingest", "people", large, "--data", hub_});
  ASSERT_TRUE(b.started());
  // The first progress line comes once rows are read and applied inside the batch's transaction
  // (at 20,000 rows). Then let it run to about a third of the file, by the rate the line reports,
  // so that the uncommitted batch has spilled from memory into the store's files.
  ASSERT_TRUE(b.WaitFor(" rows/s", std::chrono::seconds(30))) << "no progress from ndc ingest: " << b.err();
  const int64_t rate = RowsPerSecond(b.err());
  if (rate > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds((kLargeRows / 3 - 20000) * 1000 / rate));
  }
  const int status = b.Kill();
  ASSERT_TRUE(WIFSIGNALED(status)) << "ndc ingest ended before it was killed (the machine was faster than "
                                      "its first progress line said): "
                                   << b.err();
  const auto t2 = Clock::now();
  RecordProperty("killed_after_ms",
                 std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t2 - t1).count()));

  {
    auto db = OpenStore();
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM ds_people"), kSmallRows);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM ds_people WHERE _key LIKE 'b%'"), 0);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM ds_people_history"), 0);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM ingest_batches"), 1);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM ingest_rejects"), 0);
    EXPECT_EQ(Count(*db, Sql("COUNT(*)")), kSmallRows);
    EXPECT_EQ(Count(*db, Sql("MAX(_seq)")), kSmallRows);
    EXPECT_EQ(Count(*db, "SELECT last_seq FROM ingest_state WHERE dataset_id = 'people'"), kSmallRows);
  }
  // The CLI sees the same: one batch, and no event after A's.
  CommandResult list = Ndc({"batch", "list"});
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 2) << list.out;  // the header and A
  CommandResult events = Ndc({"events", "people", "--after", std::to_string(kSmallRows)});
  EXPECT_EQ(events.out, "SEQ  OP  KEY  VERSION  BATCH  AT\n") << events.out;

  // The resend (same bytes, so the same idempotency key) applies B once, after A.
  CommandResult resend = Ndc({"ingest", "people", large});
  ASSERT_EQ(resend.exit_code, 0) << resend.err;
  // Batch ids are unique, not dense: on PostgreSQL the killed batch used one up.
  const size_t at = resend.out.find(": batch ");
  ASSERT_NE(at, std::string::npos) << resend.out;
  const std::string b_id = resend.out.substr(at + 8, resend.out.find(' ', at + 8) - at - 8);
  EXPECT_NE(resend.out.find("batch " + b_id + " applied to people: 400,000 rows read"), std::string::npos)
      << resend.out;
  const auto t3 = Clock::now();
  {
    auto db = OpenStore();
    ASSERT_NE(db, nullptr);
    const int64_t total = kSmallRows + kLargeRows;
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM ds_people"), total);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM ds_people WHERE _key LIKE 'b%'"), kLargeRows);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM ds_people_history"), 0);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM ingest_batches WHERE status = 'applied'"), 2);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM ingest_batches"), 2);
    EXPECT_EQ(Count(*db, "SELECT SUM(rows_read) FROM ingest_batches"), total);
    EXPECT_EQ(Count(*db, "SELECT SUM(inserted) FROM ingest_batches"), total);
    EXPECT_EQ(Count(*db, "SELECT first_seq FROM ingest_batches WHERE id = " + b_id), kSmallRows + 1);
    EXPECT_EQ(Count(*db, "SELECT last_seq FROM ingest_batches WHERE id = " + b_id), total);
    // Dense: 1..N with no gap and no repeat.
    EXPECT_EQ(Count(*db, Sql("COUNT(DISTINCT _seq)")), total);
    EXPECT_EQ(Count(*db, Sql("MIN(_seq)")), 1);
    EXPECT_EQ(Count(*db, Sql("MAX(_seq)")), total);
    EXPECT_EQ(Count(*db, Sql("COUNT(*)") + " WHERE _batch_id = " + b_id + " AND _op = 'insert'"), kLargeRows);
    EXPECT_EQ(Count(*db, "SELECT last_seq FROM ingest_state WHERE dataset_id = 'people'"), total);
  }
  CommandResult last = Ndc({"events", "people", "--after", std::to_string(kSmallRows + kLargeRows - 1)});
  EXPECT_NE(last.out.find("\n401000  insert  b399999  1        " + b_id + " "), std::string::npos)
      << last.out;
  EXPECT_EQ(last.out.find("more:"), std::string::npos) << last.out;
  // Once more: a duplicate, nothing changes.
  CommandResult dup = Ndc({"ingest", "people", large});
  EXPECT_EQ(dup.exit_code, 0) << dup.err;
  EXPECT_NE(dup.out.find("already applied as batch " + b_id + " "), std::string::npos) << dup.out;
  auto ms = [](auto d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  RecordProperty("setup_and_batch_a_ms", ms(t1 - t0));
  RecordProperty("resend_ms", ms(t3 - t2));
  std::cerr << "timings: files + batch A " << ms(t1 - t0) << " ms, killed after " << ms(t2 - t1)
            << " ms (first progress said " << rate << " rows/s), resend " << ms(t3 - t2) << " ms, total "
            << ms(Clock::now() - t0) << " ms\n";
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, IngestCrashTest, ::testing::Values(store::Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, IngestCrashTest, ::testing::Values(store::Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::testing
