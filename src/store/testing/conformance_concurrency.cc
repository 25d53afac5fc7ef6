// Conformance: several threads writing through one Database lose no updates.
#include <thread>
#include <vector>

#include "store/testing/conformance.h"

namespace ndc::store {
namespace {

constexpr int kThreads = 4;
constexpr int kIncrementsPerThread = 20;

// Read-modify-write in a serializable transaction, retried on kAborted as the contract says.
Status IncrementWithRetry(Database& db) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    Result<std::unique_ptr<Transaction>> tx = db.Begin(/*serializable=*/true);
    if (!tx.ok()) {
      if (tx.status().code() == StatusCode::kAborted) continue;
      return tx.status();
    }
    Result<Row> row = (*tx)->QueryOne("SELECT n FROM counter WHERE id = 1");
    Status s = row.status();
    if (s.ok()) {
      const Value next[] = {row->Int(0) + 1};
      s = (*tx)->Exec("UPDATE counter SET n = $1 WHERE id = 1", next).status();
    }
    if (s.ok()) s = (*tx)->Commit();
    if (s.ok()) return s;
    if (s.code() != StatusCode::kAborted) return s;
  }
  return AbortedError("gave up after 1000 conflicts");
}

TEST_P(StoreConformanceTest, ConcurrentTransactionsLoseNoUpdates) {
  CreateCounter();
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrementsPerThread && results[t].ok(); ++i) results[t] = IncrementWithRetry(*db_);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) NDC_EXPECT_OK(s);
  EXPECT_EQ(CounterValue(), kThreads * kIncrementsPerThread);
}

TEST_P(StoreConformanceTest, ConcurrentAutocommitUpdatesLoseNone) {
  CreateCounter();
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrementsPerThread && results[t].ok(); ++i) {
        results[t] = db_->Exec("UPDATE counter SET n = n + 1 WHERE id = 1").status();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) NDC_EXPECT_OK(s);
  EXPECT_EQ(CounterValue(), kThreads * kIncrementsPerThread);
}

TEST_P(StoreConformanceTest, ReadersRunWhileAWriterHoldsATransaction) {
  CreateCounter();
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> writer, db_->Begin());
  NDC_ASSERT_OK(writer->Exec("UPDATE counter SET n = 5 WHERE id = 1"));
  std::vector<int64_t> seen(kThreads, -1);
  std::vector<std::thread> readers;
  for (int t = 0; t < kThreads; ++t) readers.emplace_back([&, t] { seen[t] = CounterValue(); });
  for (std::thread& t : readers) t.join();
  for (int64_t v : seen) EXPECT_EQ(v, 0);
  NDC_ASSERT_OK(writer->Commit());
  EXPECT_EQ(CounterValue(), 5);
}

}  // namespace
}  // namespace ndc::store
