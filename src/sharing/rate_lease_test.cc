// Agreement rate limits shared by the nodes on one store (rate_lease.h), on SQLite and PostgreSQL:
// two limiters stand for two nodes.
#include "sharing/rate_lease.h"

#include <gtest/gtest.h>

#include "sharing/rate_limiter.h"
#include "store/testing/test_database.h"
#include "store/testing/test_util.h"

namespace ndc::sharing {
namespace {

using store::Backend;

class RateLeaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { NDC_ASSERT_OK_AND_ASSIGN(db_, store::NewMigratedTestDatabase(GetParam())); }
  FakeClock clock_;
  std::unique_ptr<store::TestDatabase> db_;
};

// Two nodes together admit the bucket's rate, not twice it: the first to find it empty is told
// how long to wait, and the other is refused too once its own lease is spent.
TEST_P(RateLeaseTest, TwoNodesTogetherAdmitTheRateOnce) {
  StoreTokenLease lease_a(db_.get(), &clock_), lease_b(db_.get(), &clock_);
  RateLimiter a(&clock_, RateLimiter::WhenFull::kAdmit, &lease_a);
  RateLimiter b(&clock_, RateLimiter::WhenFull::kAdmit, &lease_b);
  int allowed = 0;
  for (int i = 0; i < 200; ++i) allowed += (i % 2 == 0 ? a : b).Acquire("key\x1f" "agreement", 120).allowed;
  EXPECT_EQ(allowed, 120);
  RateLimiter::Verdict v = a.Acquire("key\x1f" "agreement", 120);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after_micros, 500000);  // one token every half second at 120 a minute
  EXPECT_TRUE(a.Acquire("other", 120).allowed) << "each key and agreement has its own bucket";
  // Refilled at rate/60 per second, shared: a second later both nodes together get two more.
  clock_.Advance(1'000'000);
  allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += (i % 2 == 0 ? b : a).Acquire("key\x1f" "agreement", 120).allowed;
  EXPECT_EQ(allowed, 2);
}

// A node keeps what it leased for a second at most, so it cannot bank a burst: after a pause the
// tokens it held unspent are gone, and it leases again from the shared bucket.
TEST_P(RateLeaseTest, UnspentLeasedTokensLapse) {
  StoreTokenLease lease(db_.get(), &clock_);
  RateLimiter node(&clock_, RateLimiter::WhenFull::kAdmit, &lease);
  ASSERT_TRUE(node.Acquire("k", 600).allowed);  // leases 10, spends 1
  NDC_ASSERT_OK_AND_ASSIGN(store::Row row, db_->QueryOne("SELECT tokens FROM rate_buckets WHERE bucket = 'k'"));
  EXPECT_DOUBLE_EQ(row.Double(0), 590.0);
  clock_.Advance(2'000'000);
  ASSERT_TRUE(node.Acquire("k", 600).allowed);  // the 9 lapsed: a new lease of 10, after 20 refilled
  NDC_ASSERT_OK_AND_ASSIGN(row, db_->QueryOne("SELECT tokens FROM rate_buckets WHERE bucket = 'k'"));
  EXPECT_DOUBLE_EQ(row.Double(0), 600.0 - 10.0);  // capped at the rate before the lease
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, RateLeaseTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, RateLeaseTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::sharing
