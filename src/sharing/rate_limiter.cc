#include "sharing/rate_limiter.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>

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
      Leased& l = it->second;
      if (l.tokens > 0) {
        --l.tokens;
        l.used = now;
        return {true, 0};
      }
      // Refused by the shared bucket a moment ago: refused here until it has a token again,
      // without asking the store (a flood of refused requests must not queue on the bucket's row).
      if (l.refused_until > now) return {false, l.refused_until - now};
    }
  }
  // A second's worth of the rate at most: one store write per second per busy bucket and node.
  // Leased tokens are kept until spent (letting them lapse would drain the shared bucket faster
  // than a client spread over several nodes spends it), so a node holds at most one lease per
  // thread that found none left.
  const int want = std::max(1, per_minute / 60);
  Result<TokenLease::Grant> grant = lease_->Take(key, per_minute, want);
  if (!grant.ok()) {
    // The store is away: this node keeps its own limit meanwhile (a request is not refused for
    // an outage of the shared count; at worst N nodes admit N times the rate until it is back).
    // Said once every 10 s, not per request.
    static std::atomic<int64_t> last_warned{std::numeric_limits<int64_t>::min()};
    int64_t warned = last_warned.load();
    if ((warned == std::numeric_limits<int64_t>::min() || now - warned >= 10'000'000) &&
        last_warned.compare_exchange_strong(warned, now)) {
      log::Warn("rate_limit.lease_failed", {{"error", grant.status().ToString()},
                                            {"note", "each node counts agreement rates on its own until the store is back"}});
    }
    return AcquireLocal(shard, key, per_minute);
  }
  std::lock_guard<std::mutex> lock(shard.mu);
  const bool swept_lately = shard.last_lease_sweep != kNeverSwept && now - shard.last_lease_sweep < 1'000'000;
  if (shard.leased.size() >= kMaxBucketsPerShard && !swept_lately) {
    // A key idle for a minute is forgotten with what it held: its shared bucket has refilled by
    // then anyway. Once a second at most (a sweep reads the whole shard under its lock).
    shard.last_lease_sweep = now;
    std::erase_if(shard.leased, [now](const auto& kv) {
      return now - kv.second.used >= 60'000'000 && kv.second.refused_until <= now;
    });
  }
  auto found = shard.leased.find(std::string(key));
  if (found == shard.leased.end() && shard.leased.size() >= kHardBucketsPerShard) {
    // Too many keys busy at once to hold their leases: this request is served, the rest of the
    // lease is given up (the shared count stays right; only this node's spare tokens are lost).
    return grant->tokens > 0 ? Verdict{true, 0} : Verdict{false, grant->retry_after_micros};
  }
  Leased& l = found != shard.leased.end() ? found->second : shard.leased[std::string(key)];
  l.used = now;
  if (grant->tokens == 0) {
    l.refused_until = now + grant->retry_after_micros;
    return {false, grant->retry_after_micros};
  }
  l.tokens += grant->tokens - 1;  // another thread's lease for the key may have landed meanwhile
  l.refused_until = 0;
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
