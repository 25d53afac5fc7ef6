// Test helpers for code that uses the store: status assertions and GoogleTest printers.
// Header-only; for tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <thread>

#include "common/result.h"
#include "common/status.h"
#include "store/store.h"

namespace ndc::store {

// Lets GoogleTest print Blobs (and Values holding them) and backends readably.
inline void PrintTo(const Blob& b, std::ostream* os) { *os << DebugString(Value(b)); }
inline void PrintTo(Backend b, std::ostream* os) { *os << BackendName(b); }

// Waits (up to 5 s) until `n` transactions on `db`'s PostgreSQL server wait for an advisory lock
// (a turn, store::SerializeOn): for tests that race a writer against an open transaction holding
// its turn, so that the writer is known to wait rather than to come after the commit. SQLite has
// no such view (an open write transaction makes every writer wait anyway): returns at once.
inline void WaitForTurnWaiters(Executor& db, int n) {
  for (int i = 0; i < 100 && db.backend() == Backend::kPostgres; ++i) {
    Result<ResultSet> waiting = db.Query("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
    if (waiting.ok() && !waiting->rows.empty() && waiting->rows[0].Int(0) >= n) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace ndc::store

// Fails the test unless `expr` (a Status or Result) is OK, printing the status.
#define NDC_ASSERT_OK(expr) ASSERT_EQ(::ndc::store::testing_internal::StatusOf(expr).ToString(), "OK")
#define NDC_EXPECT_OK(expr) EXPECT_EQ(::ndc::store::testing_internal::StatusOf(expr).ToString(), "OK")
// Asserts `rexpr` (a Result) is OK and moves its value into `lhs` (may be a declaration).
#define NDC_ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  NDC_ASSERT_OK_AND_ASSIGN_IMPL_(NDC_STATUS_CONCAT_(ndc_test_result_, __LINE__), lhs, rexpr)
#define NDC_ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                   \
  NDC_ASSERT_OK(tmp);                                   \
  lhs = std::move(tmp).value()

namespace ndc::store::testing_internal {
inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}
}  // namespace ndc::store::testing_internal
