-- 0023_rate_buckets: agreement rate limits shared by every ndc node on one PostgreSQL database.
-- One token bucket per client key and agreement (sharing/rate_lease.h): nodes lease tokens from
-- it in small batches, so together they admit an agreement's rate, not N times it. Unused on
-- SQLite (one process: its buckets live in memory).
CREATE TABLE rate_buckets (
  bucket TEXT PRIMARY KEY,
  tokens ${REAL} NOT NULL,
  updated_at BIGINT NOT NULL
);
