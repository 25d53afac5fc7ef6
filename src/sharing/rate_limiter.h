// sharing/rate_limiter: per-client request rates (the agreement's rate_per_minute), as token
// buckets: a client may burst up to its per-minute rate, then is refilled continuously at
// rate/60 per second. A refused request learns how long to wait (HTTP 429 Retry-After).
//
// Limits are per process, unless the limiter is given a TokenLease (sharing/rate_lease.h): then
// the buckets live in the store, shared by every node on it, and each node spends tokens it
// leased from them a second's worth at a time, and remembers a refusal until the bucket has a
// token again (docs/design/sharing.md, "Rate limits").
// Thread-safe: buckets are sharded by key under their own mutexes (a lease is taken outside them).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "sharing/rate_lease.h"

namespace ndc::sharing {

class RateLimiter {
 public:
  // What a new key meets in a shard already holding kHardBucketsPerShard live buckets.
  // kRefuse: refused for a minute — for keys anyone can make up (client addresses of keyless
  // refusals). kAdmit: allowed, unlimited until the shard has room — for keys of authenticated
  // callers, whom the table's bound must not lock out (262,144 clients active in one minute).
  enum class WhenFull { kRefuse, kAdmit };

  // `clock` is not owned and must outlive the limiter.
  // `lease`, when given (not owned; outlives the limiter), holds the buckets shared by every node.
  explicit RateLimiter(Clock* clock, WhenFull when_full = WhenFull::kRefuse, TokenLease* lease = nullptr)
      : clock_(clock), when_full_(when_full), lease_(lease) {}

  struct Verdict {
    bool allowed = false;
    int64_t retry_after_micros = 0;  // when refused: until one request's worth has refilled
  };

  // Takes one request from `key`'s bucket of `per_minute` requests (per_minute <= 0: unlimited).
  // A new key is refused (or admitted untracked, WhenFull) while its shard is at
  // kHardBucketsPerShard live buckets.
  // A bucket whose rate changed (a new agreement version) keeps its level, capped to the new rate.
  Verdict Acquire(std::string_view key, int per_minute);

  // Buckets held (for tests of the bound on them).
  size_t BucketCount();

  // Seconds for a Retry-After header: the wait rounded up, at least 1.
  static int64_t RetryAfterSeconds(const Verdict& v) { return v.retry_after_micros <= 0 ? 1 : (v.retry_after_micros + 999999) / 1000000; }

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated = 0;
  };
  // Tokens leased from the shared bucket and not yet spent, and, after the shared bucket refused,
  // until when this node refuses the key without asking it again.
  struct Leased {
    int tokens = 0;
    int64_t refused_until = 0;
    int64_t used = 0;  // last lease or spend (monotonic µs): entries idle a minute are forgotten
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
    std::unordered_map<std::string, Leased> leased;
    int64_t last_sweep = kNeverSwept;
    int64_t last_lease_sweep = kNeverSwept;
  };
  Verdict AcquireLocal(Shard& shard, std::string_view key, int per_minute);
  Verdict AcquireLeased(Shard& shard, std::string_view key, int per_minute);
  static constexpr size_t kShards = 16;
  // A shard this full forgets the buckets idle for a minute (they are full again), at most once
  // a second; one that still holds kHardBucketsPerShard refuses new keys (for a minute) rather
  // than grow: keys are client addresses for keyless refusals, and those can be many.
  static constexpr size_t kMaxBucketsPerShard = 4096;
  static constexpr size_t kHardBucketsPerShard = 16384;
  static constexpr int64_t kNeverSwept = std::numeric_limits<int64_t>::min();

  Clock* clock_;
  const WhenFull when_full_;
  TokenLease* const lease_;
  std::array<Shard, kShards> shards_;
};

}  // namespace ndc::sharing
