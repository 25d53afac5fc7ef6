// Agreement rate limits shared by the nodes on one store (rate_lease.h), on SQLite and PostgreSQL:
// two limiters stand for two nodes.
#include "sharing/rate_lease.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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

// A refusal is remembered until the bucket has a token again: a flood of refused requests does
// not queue on the bucket's row. Leased tokens are kept until spent, so a client whose requests
// are spread over several nodes is not drained faster than its rate.
TEST_P(RateLeaseTest, RefusalsAreRememberedAndLeasedTokensKept) {
  class Counting : public TokenLease {
   public:
    explicit Counting(TokenLease* inner) : inner_(inner) {}
    Result<Grant> Take(std::string_view bucket, int per_minute, int want) override {
      ++calls;
      return inner_->Take(bucket, per_minute, want);
    }
    int calls = 0;

   private:
    TokenLease* inner_;
  };
  StoreTokenLease store_lease(db_.get(), &clock_);
  Counting lease(&store_lease);
  RateLimiter node(&clock_, RateLimiter::WhenFull::kAdmit, &lease);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(node.Acquire("k", 60).allowed) << i;  // a lease each (1 a second)
  EXPECT_EQ(lease.calls, 60);
  EXPECT_FALSE(node.Acquire("k", 60).allowed);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(node.Acquire("k", 60).allowed);
  EXPECT_EQ(lease.calls, 61) << "refusals after the first are decided without the store";
  clock_.Advance(1'000'000);
  EXPECT_TRUE(node.Acquire("k", 60).allowed);
  EXPECT_EQ(lease.calls, 62);

  ASSERT_TRUE(node.Acquire("b", 600).allowed);  // leases 10, spends 1
  clock_.Advance(5'000'000);
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(node.Acquire("b", 600).allowed) << i;
  EXPECT_EQ(lease.calls, 63) << "the 9 leased tokens were kept and spent";
  NDC_ASSERT_OK_AND_ASSIGN(store::Row row, db_->QueryOne("SELECT tokens FROM rate_buckets WHERE bucket = 'b'"));
  EXPECT_DOUBLE_EQ(row.Double(0), 590.0);
}

// With the server's clock (PostgreSQL; what ndc serve uses), a node's own clock does not matter.
TEST_P(RateLeaseTest, TheServersClockRefillsTheBucket) {
  clock_.Set(int64_t{4102444800} * 1000000);  // this node thinks it is 2100
  StoreTokenLease lease(db_.get(), &clock_, /*server_clock=*/true);
  NDC_ASSERT_OK_AND_ASSIGN(TokenLease::Grant grant, lease.Take("k", 120, 2));
  EXPECT_EQ(grant.tokens, 2);
  NDC_ASSERT_OK_AND_ASSIGN(store::Row row, db_->QueryOne("SELECT updated_at FROM rate_buckets WHERE bucket = 'k'"));
  if (GetParam() == Backend::kPostgres) {
    EXPECT_LT(row.Int(0), int64_t{4102444800} * 1000000) << "the server's time, not the node's";
  } else {
    EXPECT_EQ(row.Int(0), int64_t{4102444800} * 1000000) << "SQLite: the given clock";
  }
}

// Buckets idle for two minutes are deleted (a full bucket and a missing one are the same), by the
// lease itself at most every ten minutes: the table holds the keys in use, not every key and
// agreement ever used. A bucket in use stays, with its tokens.
TEST_P(RateLeaseTest, IdleBucketsAreSweptAndComeBackFull) {
  auto buckets = [&] {
    std::vector<std::string> out;
    auto rs = db_->Query("SELECT bucket FROM rate_buckets ORDER BY bucket");
    EXPECT_TRUE(rs.ok()) << rs.status().message();
    if (rs.ok()) {
      for (const auto& row : rs->rows) out.push_back(row.Str(0));
    }
    return out;
  };
  clock_.Set(int64_t{1'800'000'000} * 1'000'000);
  StoreTokenLease lease(db_.get(), &clock_);
  NDC_ASSERT_OK_AND_ASSIGN(TokenLease::Grant grant, lease.Take("old", 60, 60));  // drained
  ASSERT_EQ(grant.tokens, 60);
  clock_.Advance(StoreTokenLease::kSweepEveryMicros - 1);
  NDC_ASSERT_OK_AND_ASSIGN(grant, lease.Take("busy", 60, 10));
  EXPECT_EQ(buckets(), (std::vector<std::string>{"busy", "old"})) << "no sweep before ten minutes";
  clock_.Advance(1);
  NDC_ASSERT_OK_AND_ASSIGN(grant, lease.Take("new", 60, 1));
  EXPECT_EQ(buckets(), (std::vector<std::string>{"busy", "new"})) << "idle ten minutes: swept";
  NDC_ASSERT_OK_AND_ASSIGN(grant, lease.Take("old", 60, 60));
  EXPECT_EQ(grant.tokens, 60) << "a swept bucket is a full one";
  // Kept until idle for kIdleMicros, with what it held (drained just now by the take above).
  clock_.Advance(StoreTokenLease::kIdleMicros);
  NDC_ASSERT_OK(lease.Sweep());
  NDC_ASSERT_OK_AND_ASSIGN(store::Row row, db_->QueryOne("SELECT tokens FROM rate_buckets WHERE bucket = 'old'"));
  EXPECT_DOUBLE_EQ(row.Double(0), 0.0);
  clock_.Advance(1);
  NDC_ASSERT_OK(lease.Sweep());
  EXPECT_EQ(buckets(), std::vector<std::string>{}) << "all three idle for longer";
}

// More idle buckets than a sweep's batches take: Take deletes some and sweeps again a second
// later; Sweep() deletes them all.
TEST_P(RateLeaseTest, ManyIdleBucketsAreSweptInBatches) {
  clock_.Set(int64_t{1'800'000'000} * 1'000'000);
  const int64_t n = StoreTokenLease::kSweepBatches * StoreTokenLease::kSweepBatchRows + 500;
  NDC_ASSERT_OK(db_->Exec("INSERT INTO rate_buckets (bucket, tokens, updated_at) "
                          "SELECT 'idle' || CAST(i AS TEXT), 0, 0 FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL "
                          "SELECT i + 1 FROM s WHERE i < $1) SELECT i FROM s) AS t",
                          std::vector<store::Value>{n})
                    .status());
  auto count = [&] {
    auto row = db_->QueryOne("SELECT COUNT(*) FROM rate_buckets");
    EXPECT_TRUE(row.ok());
    return row.ok() ? row->Int(0) : -1;
  };
  ASSERT_EQ(count(), n);
  StoreTokenLease lease(db_.get(), &clock_);
  NDC_ASSERT_OK_AND_ASSIGN(TokenLease::Grant grant, lease.Take("k", 60, 1));
  EXPECT_EQ(count(), 1 + 500) << "the first take sweeps its batches";
  clock_.Advance(999'999);
  NDC_ASSERT_OK_AND_ASSIGN(grant, lease.Take("k", 60, 1));
  EXPECT_EQ(count(), 1 + 500);
  clock_.Advance(1);
  NDC_ASSERT_OK_AND_ASSIGN(grant, lease.Take("k", 60, 1));
  EXPECT_EQ(count(), 1) << "the rest a second later";
  NDC_ASSERT_OK(db_->Exec("INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES ('a', 0, 0), ('b', 0, 0)").status());
  NDC_ASSERT_OK(lease.Sweep());
  EXPECT_EQ(count(), 1);
}

// The sweep on the server's clock (what ndc serve uses on PostgreSQL) deletes by the server's time.
TEST_P(RateLeaseTest, TheSweepOnTheServersClock) {
  clock_.Set(int64_t{4102444800} * 1000000);  // this node thinks it is 2100: by its clock, all is idle
  StoreTokenLease lease(db_.get(), &clock_, /*server_clock=*/true);
  NDC_ASSERT_OK_AND_ASSIGN(TokenLease::Grant grant, lease.Take("recent", 60, 1));
  ASSERT_EQ(grant.tokens, 1);
  NDC_ASSERT_OK(db_->Exec("INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES ('ancient', 0, 0)").status());
  NDC_ASSERT_OK(lease.Sweep());
  NDC_ASSERT_OK_AND_ASSIGN(store::Row row, db_->QueryOne("SELECT COUNT(*), MIN(bucket) FROM rate_buckets"));
  EXPECT_EQ(row.Int(0), 1);
  EXPECT_EQ(row.Str(1), "recent");
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, RateLeaseTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, RateLeaseTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::sharing
