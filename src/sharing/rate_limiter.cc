#include "sharing/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "common/log.h"

namespace ndc::sharing {

RateLimiter::Verdict RateLimiter::Acquire(std::string_view key, int per_minute) {
  if (per_minute <= 0) return {true, 0};
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  return lease_ != nullptr ? AcquireLeased(shard, key, per_minute) : AcquireLocal(shard, key, per_minute);
}

RateLimiter::Verdict RateLimiter::AcquireLeased(Shard& shard, std::string_view key, int per_minute) {
  const int64_t now = clock_->MonotonicMicros();
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    if (auto it = shard.leased.find(std::string(key)); it != shard.leased.end()) {
      if (it->second.expires > now && it->second.tokens > 0) {
        --it->second.tokens;
        return {true, 0};
      }
      shard.leased.erase(it);
    }
  }
  // A second's worth of the rate at most: one store write per second per busy bucket and node,
  // and what a node holds unspent stays small.
  const int want = std::max(1, per_minute / 60);
  Result<TokenLease::Grant> grant = lease_->Take(key, per_minute, want);
  if (!grant.ok()) {
    // The store is away: this node keeps its own limit meanwhile (a request is not refused for
    // an outage of the shared count; at worst N nodes admit N times the rate until it is back).
    log::Warn("rate_limit.lease_failed", {{"error", grant.status().ToString()}});
    return AcquireLocal(shard, key, per_minute);
  }
  if (grant->tokens == 0) return {false, grant->retry_after_micros};
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.leased.size() >= kMaxBucketsPerShard) {
    std::erase_if(shard.leased, [now](const auto& kv) { return kv.second.expires <= now; });
  }
  Leased& l = shard.leased[std::string(key)];
  l.tokens += grant->tokens - 1;  // another thread's lease for the key may have landed meanwhile
  l.expires = now + 1'000'000;
  return {true, 0};
}

RateLimiter::Verdict RateLimiter::AcquireLocal(Shard& shard, std::string_view key, int per_minute) {
  const int64_t now = clock_->MonotonicMicros();
  const double capacity = per_minute;
  const double per_micro = per_minute / 60e6;
  std::lock_guard<std::mutex> lock(shard.mu);
  const bool swept_lately = shard.last_sweep != kNeverSwept && now - shard.last_sweep < 1'000'000;
  if (shard.buckets.size() >= kMaxBucketsPerShard && !swept_lately) {
    // Many keys (e.g. client addresses): a bucket untouched for a minute is full again, the same
    // as a new one, so forgetting it changes nothing. Once a second at most: a sweep reads the
    // whole shard under its lock.
    shard.last_sweep = now;
    std::erase_if(shard.buckets, [now](const auto& kv) { return now - kv.second.updated >= 60'000'000; });
  }
  std::string k(key);
  auto found = shard.buckets.find(k);
  if (found == shard.buckets.end() && shard.buckets.size() >= kHardBucketsPerShard) {
    return when_full_ == WhenFull::kAdmit ? Verdict{true, 0} : Verdict{false, 60'000'000};
  }
  auto [it, inserted] = found != shard.buckets.end() ? std::pair(found, false) : shard.buckets.try_emplace(std::move(k));
  Bucket& b = it->second;
  if (inserted) {
    b.tokens = capacity;
  } else {
    b.tokens = std::min(capacity, b.tokens + static_cast<double>(now - b.updated) * per_micro);
  }
  b.updated = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {true, 0};
  }
  // (1 - tokens) * 60e6 / rate, not / per_micro: exact for whole token counts.
  return {false, static_cast<int64_t>(std::ceil((1.0 - b.tokens) * 60e6 / capacity))};
}

size_t RateLimiter::BucketCount() {
  size_t n = 0;
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    n += shard.buckets.size();
  }
  return n;
}

}  // namespace ndc::sharing
