// Conformance: several threads writing through one Database lose no updates, and a counted rule
// (SerializeOn) holds under them.
#include <chrono>
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

// The shape of every "at most N per owner" rule: count, then insert if there is room. Under READ
// COMMITTED two transactions can both count N-1; SerializeOn makes them take turns. The pause
// between the count and the insert gives the others time to count: without the turn they would.
Status InsertIfRoom(Database& db, const std::string& owner, int cap, bool* inserted) {
  *inserted = false;
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, db.Begin());
  RETURN_IF_ERROR(SerializeOn(*tx, "items:" + owner));
  const Value p[] = {owner};
  ASSIGN_OR_RETURN(Row n, tx->QueryOne("SELECT COUNT(*) FROM items WHERE owner = $1", p));
  if (n.Int(0) >= cap) return tx->Rollback();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  RETURN_IF_ERROR(tx->Exec("INSERT INTO items (owner) VALUES ($1)", p).status());
  RETURN_IF_ERROR(tx->Commit());
  *inserted = true;
  return OkStatus();
}

TEST_P(StoreConformanceTest, SerializeOnKeepsACountedRuleUnderConcurrentWriters) {
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE items (owner TEXT NOT NULL)"));
  constexpr int kCap = 7;
  constexpr int kTries = 6;  // per thread and owner: 4 x 6 = 24 tries for 7 places
  std::vector<Status> results(kThreads);
  std::vector<int> inserted(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kTries && results[t].ok(); ++i) {
        for (const char* owner : {"a", "b"}) {
          bool did = false;
          results[t] = InsertIfRoom(*db_, owner, kCap, &did);
          if (!results[t].ok()) break;
          inserted[t] += did ? 1 : 0;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) NDC_EXPECT_OK(s);
  int total = 0;
  for (int n : inserted) total += n;
  EXPECT_EQ(total, 2 * kCap) << "each insert the callers were told of is a row";
  for (const std::string owner : {"a", "b"}) {
    const Value p[] = {owner};
    NDC_ASSERT_OK_AND_ASSIGN(Row n, db_->QueryOne("SELECT COUNT(*) FROM items WHERE owner = $1", p));
    EXPECT_EQ(n.Int(0), kCap) << "owner " << owner;
  }
}

}  // namespace
}  // namespace ndc::store
