#include "sharing/rate_lease.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/log.h"

namespace ndc::sharing {

using store::Value;

namespace {

// The server's time, in microseconds (PostgreSQL).
constexpr char kServerNow[] = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)";

}  // namespace

Result<TokenLease::Grant> StoreTokenLease::Take(std::string_view bucket, int per_minute, int want) {
  const double capacity = per_minute;
  ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx, db_->Begin());
  const std::string key(bucket);
  store::ResultSet rs;
  // Twice at most: another node's Sweep may delete the row between the insert and the lock (its
  // DELETE then went first; the row is gone, and inserting it again is right: it was full).
  for (int attempt = 0; attempt < 2 && rs.rows.empty(); ++attempt) {
    if (server_clock_) {
      RETURN_IF_ERROR(tx->Exec(std::string("INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES ($1, $2, ") +
                                   kServerNow + ") ON CONFLICT (bucket) DO NOTHING",
                               std::vector<Value>{key, capacity})
                          .status());
    } else {
      RETURN_IF_ERROR(tx->Exec("INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES ($1, $2, $3) "
                               "ON CONFLICT (bucket) DO NOTHING",
                               std::vector<Value>{key, capacity, clock_->NowMicros()})
                          .status());
    }
    // The no-op update locks the row: nodes leasing from one bucket at once take turns.
    ASSIGN_OR_RETURN(rs, tx->Query(std::string("UPDATE rate_buckets SET updated_at = updated_at WHERE bucket = $1 "
                                               "RETURNING tokens, updated_at") +
                                       (server_clock_ ? std::string(", ") + kServerNow : std::string()),
                                   std::vector<Value>{key}));
  }
  if (rs.rows.empty()) return InternalError("rate_buckets: the bucket just written is missing");
  const int64_t updated = rs.rows[0].Int(1);
  const int64_t now = server_clock_ ? rs.rows[0].Int(2) : clock_->NowMicros();
  // A lower rate (a new agreement version) caps the bucket at once.
  double tokens = std::min(capacity, rs.rows[0].Double(0) + std::max<int64_t>(0, now - updated) * capacity / 60e6);
  Grant grant;
  grant.tokens = static_cast<int>(std::min<double>(want, std::floor(tokens)));
  tokens -= grant.tokens;
  if (grant.tokens == 0) grant.retry_after_micros = static_cast<int64_t>(std::ceil((1.0 - tokens) * 60e6 / capacity));
  // Never back in time: an interval is refilled once.
  RETURN_IF_ERROR(tx->Exec("UPDATE rate_buckets SET tokens = $2, updated_at = $3 WHERE bucket = $1",
                           std::vector<Value>{key, tokens, std::max(now, updated)})
                      .status());
  RETURN_IF_ERROR(tx->Commit());
  const int64_t mono = clock_->MonotonicMicros();
  int64_t due = next_sweep_.load(std::memory_order_relaxed);
  if (mono >= due && next_sweep_.compare_exchange_strong(due, mono + kSweepEveryMicros)) {
    Result<bool> done = SweepBatches();
    if (!done.ok()) {
      next_sweep_.store(mono + kSweepEveryMicros / 10, std::memory_order_relaxed);
      log::Warn("rate_limit.sweep_failed", {{"error", done.status().ToString()},
                                            {"note", "idle rate buckets stay in the store; tried again in a minute"}});
    } else if (!*done) {
      next_sweep_.store(mono + 1'000'000, std::memory_order_relaxed);  // more to delete: soon
    }
  }
  return grant;
}

Result<bool> StoreTokenLease::SweepBatches() {
  for (int batch = 0; batch < kSweepBatches; ++batch) {
    // Rows a lease holds are skipped (it is using them) rather than waited for; so two nodes
    // sweeping at once never wait on each other either.
    const std::string idle =
        server_clock_ ? std::string("SELECT bucket FROM rate_buckets WHERE updated_at < ") + kServerNow +
                            " - $1 LIMIT $2 FOR UPDATE SKIP LOCKED"
                      : std::string("SELECT bucket FROM rate_buckets WHERE updated_at < $1 LIMIT $2");
    const Value cutoff = server_clock_ ? Value(kIdleMicros) : Value(clock_->NowMicros() - kIdleMicros);
    ASSIGN_OR_RETURN(int64_t deleted, db_->Exec("DELETE FROM rate_buckets WHERE bucket IN (" + idle + ")",
                                                std::vector<Value>{cutoff, int64_t{kSweepBatchRows}}));
    if (deleted < kSweepBatchRows) return true;
  }
  return false;
}

Status StoreTokenLease::Sweep() {
  while (true) {
    ASSIGN_OR_RETURN(bool done, SweepBatches());
    if (done) return OkStatus();
  }
}

}  // namespace ndc::sharing
