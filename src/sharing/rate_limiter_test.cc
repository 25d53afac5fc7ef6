#include "sharing/rate_limiter.h"

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ndc::sharing {
namespace {

TEST(RateLimiter, BurstsUpToTheRateThenRefusesWithAWait) {
  FakeClock clock;
  RateLimiter limiter(&clock);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.Acquire("k1", 60).allowed) << i;
  RateLimiter::Verdict v = limiter.Acquire("k1", 60);
  EXPECT_FALSE(v.allowed);
  EXPECT_GT(v.retry_after_micros, 990000);  // one token per second at 60/min
  EXPECT_LE(v.retry_after_micros, 1000000);
  EXPECT_EQ(RateLimiter::RetryAfterSeconds(v), 1);
  EXPECT_TRUE(limiter.Acquire("k2", 60).allowed);  // another client has its own bucket
}

// While the shared buckets cannot be reached, each node keeps its own limit rather than refuse
// every request or admit every one.
TEST(RateLimiter, WithoutItsSharedBucketsANodeKeepsItsOwnLimit) {
  class Unreachable : public TokenLease {
   public:
    Result<Grant> Take(std::string_view, int, int) override { return UnavailableError("store is down"); }
  } lease;
  FakeClock clock;
  RateLimiter limiter(&clock, RateLimiter::WhenFull::kAdmit, &lease);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.Acquire("k1", 60).allowed) << i;
  EXPECT_FALSE(limiter.Acquire("k1", 60).allowed);
}

TEST(RateLimiter, RefillsContinuously) {
  FakeClock clock;
  RateLimiter limiter(&clock);
  for (int i = 0; i < 120; ++i) limiter.Acquire("k", 120);
  EXPECT_FALSE(limiter.Acquire("k", 120).allowed);
  clock.Advance(500000);  // half a second at 2/s: one token
  EXPECT_TRUE(limiter.Acquire("k", 120).allowed);
  EXPECT_FALSE(limiter.Acquire("k", 120).allowed);
  clock.Advance(3600000000);  // an hour: full, but never above the rate
  int allowed = 0;
  while (limiter.Acquire("k", 120).allowed) ++allowed;
  EXPECT_EQ(allowed, 120);
}

TEST(RateLimiter, ZeroMeansUnlimitedAndALowerRateCapsTheBucket) {
  FakeClock clock;
  RateLimiter limiter(&clock);
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(limiter.Acquire("k", 0).allowed);
  ASSERT_TRUE(limiter.Acquire("k", 1000).allowed);  // 999 left
  int allowed = 0;
  while (limiter.Acquire("k", 10).allowed) ++allowed;
  EXPECT_EQ(allowed, 10);
}

// Many rounds, each on a fresh key with its threads released together, so that without the
// shard's lock two threads take the same token in some round (a single round of this passed 43
// times in 50 with the lock removed; 50 rounds make that unlikely).
TEST(RateLimiter, ConcurrentClientsNeverExceedTheirRate) {
  FakeClock clock;
  RateLimiter limiter(&clock);
  for (int round = 0; round < 50; ++round) {
    const std::string key = "shared" + std::to_string(round);
    std::atomic<int> allowed{0};
    std::latch start(8);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        start.arrive_and_wait();
        for (int i = 0; i < 200; ++i) allowed += limiter.Acquire(key, 500).allowed ? 1 : 0;
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_EQ(allowed.load(), 500) << "round " << round;
  }
}

// Keys are client addresses too (keyless refusals): a full shard forgets buckets idle for a
// minute — full again, so nothing changes for them — and keeps a busy one's level.
TEST(RateLimiter, ManyKeysForgetOnlyIdleBuckets) {
  FakeClock clock;
  RateLimiter limiter(&clock);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.Acquire("busy", 3).allowed);
  EXPECT_FALSE(limiter.Acquire("busy", 3).allowed);  // empty
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(limiter.Acquire("idle" + std::to_string(i), 3).allowed);
  clock.Advance(61'000'000);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.Acquire("busy", 3).allowed);  // refilled after a minute
  EXPECT_FALSE(limiter.Acquire("busy", 3).allowed);
  // The idle keys are forgotten as shards fill (each starts full again, as a new bucket would).
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(limiter.Acquire("next" + std::to_string(i), 3).allowed);
  EXPECT_FALSE(limiter.Acquire("busy", 3).allowed);  // used just now: kept, still empty
  EXPECT_EQ(limiter.BucketCount(), 100001u);          // "busy" and the "next" keys only
  EXPECT_TRUE(limiter.Acquire("idle7", 3).allowed);
}

// More live keys than a shard may hold: new ones are refused (for a minute) instead of growing
// the table, and keys already held keep working.
TEST(RateLimiter, ANewKeyIsRefusedWhenItsShardIsFullOfLiveBuckets) {
  FakeClock clock;
  RateLimiter limiter(&clock);
  ASSERT_TRUE(limiter.Acquire("held", 100).allowed);
  int refused = 0;
  for (int i = 0; i < 300000; ++i) {
    auto v = limiter.Acquire("k" + std::to_string(i), 100);
    if (!v.allowed) {
      ++refused;
      EXPECT_EQ(v.retry_after_micros, 60'000'000);
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_LE(limiter.BucketCount(), 16 * size_t{16384});
  EXPECT_TRUE(limiter.Acquire("held", 100).allowed);
  clock.Advance(61'000'000);  // all idle a minute: swept at the next new key of each shard
  EXPECT_TRUE(limiter.Acquire("fresh", 100).allowed);
}

// The limiter of authenticated callers admits a new key while the table is full (untracked):
// its bound must not lock a registered client out, and the keys it holds stay limited.
TEST(RateLimiter, AnAdmittingLimiterLetsANewKeyInWhenFull) {
  FakeClock clock;
  RateLimiter limiter(&clock, RateLimiter::WhenFull::kAdmit);
  ASSERT_TRUE(limiter.Acquire("held", 1).allowed);
  for (int i = 0; i < 300000; ++i) EXPECT_TRUE(limiter.Acquire("k" + std::to_string(i), 100).allowed) << i;
  EXPECT_LE(limiter.BucketCount(), 16 * size_t{16384});
  EXPECT_FALSE(limiter.Acquire("held", 1).allowed);  // still at its rate
}

}  // namespace
}  // namespace ndc::sharing
