// sharing/rate_lease: agreement rate limits shared by every ndc node on one PostgreSQL database.
// Each client key and agreement has one token bucket in the store (table rate_buckets, migration
// 0023): it holds up to the agreement's rate_per_minute tokens and refills continuously at
// rate/60 per second. A node's RateLimiter takes tokens from it a few at a time (a lease) and
// spends them locally, so the store is written once per lease, not once per request, and all
// nodes together admit the agreement's rate (plus at most one unspent lease per node), not N
// times it. docs/design/sharing.md, "Rate limits".
//
// Thread-safe as the store is. Errors: the store's (the caller falls back to its own limit).
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "store/store.h"

namespace ndc::sharing {

class TokenLease {
 public:
  virtual ~TokenLease() = default;

  struct Grant {
    int tokens = 0;                  // 0..want
    int64_t retry_after_micros = 0;  // when none was granted: until one has refilled
  };
  // Takes up to `want` tokens from `bucket`, a bucket of `per_minute` (> 0) tokens, full when new.
  virtual Result<Grant> Take(std::string_view bucket, int per_minute, int want) = 0;
};

// The buckets in the store's rate_buckets table. One short transaction per lease; nodes taking
// from one bucket at once take turns on its row. `db` and `clock` are not owned. Time is the
// database server's when `server_clock` is set on PostgreSQL (what `ndc serve` does: nodes' clocks
// may differ, and one ahead of the others would hold every bucket's refill back until they caught
// up), else `clock`'s (tests, SQLite).
class StoreTokenLease : public TokenLease {
 public:
  StoreTokenLease(store::Database* db, Clock* clock, bool server_clock = false)
      : db_(db), clock_(clock), server_clock_(server_clock && db->backend() == store::Backend::kPostgres) {}
  Result<Grant> Take(std::string_view bucket, int per_minute, int want) override;

  // Deletes every bucket untouched for kIdleMicros: a bucket idle for a minute has refilled at any
  // rate, and a missing bucket is a full one, so nothing changes but the table's size (one row
  // per client key and agreement ever used otherwise). The time is the store's as for Take: with
  // the node's own clock (SQLite, tests), a node whose clock runs more than a minute ahead of the
  // others' would delete buckets they drained.
  //
  // Take sweeps by itself after its own transaction: on its first call, then at most every
  // kSweepEveryMicros (by the clock's monotonic time), deleting up to kSweepBatches batches of
  // kSweepBatchRows (on PostgreSQL skipping rows a lease holds, never waiting for them); when
  // more are left, again a second later; after a failure (logged as rate_limit.sweep_failed), a
  // minute later. A failed sweep does not fail the Take.
  Status Sweep();
  static constexpr int64_t kIdleMicros = 120'000'000;
  static constexpr int64_t kSweepEveryMicros = 600'000'000;
  static constexpr int kSweepBatches = 8;
  static constexpr int64_t kSweepBatchRows = 1000;

 private:
  store::Database* db_;
  Clock* clock_;
  const bool server_clock_;
  // Up to kSweepBatches batches; true when no idle bucket was left.
  Result<bool> SweepBatches();
  std::atomic<int64_t> next_sweep_{std::numeric_limits<int64_t>::min()};  // clock_'s monotonic time
};

}  // namespace ndc::sharing
