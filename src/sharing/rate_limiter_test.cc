#include "sharing/rate_limiter.h"

#include <atomic>
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

TEST(RateLimiter, ConcurrentClientsNeverExceedTheirRate) {
  FakeClock clock;
  RateLimiter limiter(&clock);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) allowed += limiter.Acquire("shared", 500).allowed ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 500);
}

}  // namespace
}  // namespace ndc::sharing
