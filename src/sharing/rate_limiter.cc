#include "sharing/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace ndc::sharing {

RateLimiter::Verdict RateLimiter::Acquire(std::string_view key, int per_minute) {
  if (per_minute <= 0) return {true, 0};
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
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
