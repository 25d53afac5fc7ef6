// The audit suites on SQLite, and the crash tests: SIGKILL during heavy appends (to the data
// file, or to the log's own file while reads run) loses nothing that was acknowledged, and the log
// still verifies.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "audit/audit_store.h"
#include "audit/testing/audit_suite.h"
#include "audit/verifier.h"

namespace ndc::audit::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, LogSuite, ::testing::Values(store::Backend::kSqlite), BackendParamName);
INSTANTIATE_TEST_SUITE_P(Sqlite, Tamper, ::testing::Values(store::Backend::kSqlite), BackendParamName);

// The child: appends from 8 threads as fast as it can and reports each acknowledged append
// ("index id\n", one write each, atomic on a pipe) until it is killed. With `audited_reads`, as a
// hub serves reads: the log in its own file (OpenAuditStore), and each thread reads the data
// store on a read pin, appends without waiting (AppendAsync) and acknowledges once the entry is
// durable, as the server releases a response.
[[noreturn]] void AppendUntilKilled(const std::string& url, int fd, bool audited_reads) {
  auto db = store::Open(url);
  if (!db.ok()) _exit(2);
  SeededRandom random(99);
  AuditStore where{nullptr, db->get()};
  if (audited_reads) {
    auto opened = OpenAuditStore(db->get());
    if (!opened.ok() || opened->own == nullptr) _exit(6);
    where = std::move(*opened);
  }
  auto log = AuditLog::Open(where.db, SystemClock(), &random);
  if (!log.ok()) _exit(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        Result<Appended> r = InternalError("not appended");
        if (audited_reads) {
          auto pin = (*db)->PinReads();
          if (!(*db)->Query("SELECT name, value FROM settings").ok()) _exit(7);
          auto appended = (*log)->AppendAsync(SampleEntry(t * 1000000 + i));
          r = appended.get();
        } else {
          r = (*log)->Append(SampleEntry(t * 1000000 + i));
        }
        if (!r.ok()) _exit(4);
        char line[96];
        int n = std::snprintf(line, sizeof(line), "%llu %s\n", static_cast<unsigned long long>(r->index), r->id.c_str());
        if (write(fd, line, n) != n) _exit(5);
      }
    });
  }
  for (auto& th : threads) th.join();
  _exit(0);
}

// Runs AppendUntilKilled in a child, SIGKILLs it after 3000 acknowledged appends, and checks that
// the log (in `db`, or in its own file) verifies and holds every acknowledged entry.
void KillDuringAppendsAndCheck(bool audited_reads) {
  NDC_ASSERT_OK_AND_ASSIGN(auto db, store::NewMigratedTestDatabase(store::Backend::kSqlite));
  db->Close();  // no SQLite handle may cross fork()
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    AppendUntilKilled(db->url(), fds[1], audited_reads);
  }
  close(fds[1]);
  std::map<uint64_t, std::string> acked;
  std::string buffer;
  char chunk[4096];
  bool killed = false;
  while (true) {
    ssize_t n = read(fds[0], chunk, sizeof(chunk));
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      unsigned long long index = 0;
      char id[64] = {0};
      ASSERT_EQ(std::sscanf(buffer.substr(0, nl).c_str(), "%llu %63s", &index, id), 2);
      acked[index] = id;
      buffer.erase(0, nl + 1);
    }
    if (!killed && acked.size() >= 3000) {
      kill(child, SIGKILL);  // mid-stream: other appends are in flight
      killed = true;
    }
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(killed);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child exited early with " << status;
  close(fds[0]);

  NDC_ASSERT_OK(db->Reopen());
  AuditStore where{nullptr, db.get()};
  if (audited_reads) {
    NDC_ASSERT_OK_AND_ASSIGN(where, OpenAuditStore(db.get()));
    ASSERT_NE(where.own, nullptr);
  }
  store::Database* log_db = where.db;
  auto report = VerifyLog(log_db, TestKey(1).public_key);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GE(report->entries, acked.size());
  for (const auto& [index, id] : acked) {
    auto found = FindEntryIndex(log_db, id);
    ASSERT_TRUE(found.ok()) << "acknowledged entry " << index << " " << id << " is lost";
    EXPECT_EQ(*found, index);
  }
}

TEST(AuditCrash, SigkillDuringAppendsLosesNoAcknowledgedEntry) { KillDuringAppendsAndCheck(false); }

TEST(AuditCrash, SigkillDuringAuditedReadsLosesNoAcknowledgedEntryOfTheAuditFile) {
  KillDuringAppendsAndCheck(true);
}

// A hub whose settings say its log is in its own file never gets a new, empty log in its place.
TEST(AuditStore, MissingAuditFileIsDataLossNotANewLog) {
  NDC_ASSERT_OK_AND_ASSIGN(auto data, store::NewMigratedTestDatabase(store::Backend::kSqlite));
  const std::string path = AuditFilePath(data->Describe());
  {
    NDC_ASSERT_OK_AND_ASSIGN(AuditStore where, OpenAuditStore(data.get()));
    ASSERT_EQ(where.db->Describe(), path);
  }
  ASSERT_TRUE(std::filesystem::remove(path));
  auto reopened = OpenAuditStore(data.get());
  EXPECT_EQ(reopened.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(reopened.status().message().find(path), std::string::npos) << reopened.status().message();
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace ndc::audit::testing
