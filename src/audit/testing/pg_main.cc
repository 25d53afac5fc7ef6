// The audit suites on PostgreSQL, and two processes appending concurrently to one database:
// one log, dense indexes, and it verifies.
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "audit/testing/audit_suite.h"
#include "audit/verifier.h"

namespace ndc::audit::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, LogSuite, ::testing::Values(store::Backend::kPostgres), BackendParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, Tamper, ::testing::Values(store::Backend::kPostgres), BackendParamName);

constexpr int kThreads = 4, kPerThread = 150;

// A child process: its own pool and log, kThreads threads appending kPerThread entries each.
[[noreturn]] void AppendAndExit(const std::string& url, uint64_t seed) {
  auto db = store::Open(url);
  if (!db.ok()) _exit(2);
  SeededRandom random(seed);
  auto log = AuditLog::Open(db->get(), SystemClock(), &random);
  if (!log.ok()) _exit(3);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!(*log)->Append(SampleEntry(t * 1000 + i)).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  log->reset();
  _exit(failures.load() == 0 ? 0 : 1);
}

TEST(AuditTwoProcesses, ConcurrentAppendersOnOnePostgresMakeOneLog) {
  NDC_ASSERT_OK_AND_ASSIGN(auto db, store::NewMigratedTestDatabase(store::Backend::kPostgres));
  db->Close();  // no connection may cross fork()
  pid_t children[2];
  for (int c = 0; c < 2; ++c) {
    children[c] = fork();
    ASSERT_GE(children[c], 0);
    if (children[c] == 0) AppendAndExit(db->url(), 100 + c);
  }
  for (pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  NDC_ASSERT_OK(db->Reopen());
  auto report = VerifyLog(db.get(), TestKey(1).public_key);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, 2u * kThreads * kPerThread);
  NDC_ASSERT_OK_AND_ASSIGN(auto ids, db->Query("SELECT COUNT(DISTINCT entry_id) FROM audit_entries"));
  EXPECT_EQ(ids.rows[0].Int(0), 2 * kThreads * kPerThread);
}

}  // namespace
}  // namespace ndc::audit::testing
