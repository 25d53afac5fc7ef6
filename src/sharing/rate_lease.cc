#include "sharing/rate_lease.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace ndc::sharing {

using store::Value;

Result<TokenLease::Grant> StoreTokenLease::Take(std::string_view bucket, int per_minute, int want) {
  const double capacity = per_minute;
  // The server's time, in microseconds (PostgreSQL), or a parameter from `clock_`.
  static constexpr char kServerNow[] = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)";
  ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx, db_->Begin());
  const std::string key(bucket);
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
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   tx->Query(std::string("UPDATE rate_buckets SET updated_at = updated_at WHERE bucket = $1 "
                                         "RETURNING tokens, updated_at") +
                                 (server_clock_ ? std::string(", ") + kServerNow : std::string()),
                             std::vector<Value>{key}));
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
  return grant;
}

}  // namespace ndc::sharing
