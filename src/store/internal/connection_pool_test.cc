#include "store/internal/connection_pool.h"

#include <gtest/gtest.h>

#include <atomic>

namespace ndc::store {
namespace {

// A connection that is healthy until told otherwise.
class FakeConnection final : public Connection {
 public:
  explicit FakeConnection(std::atomic<int>* alive) : alive_(alive) { ++*alive_; }
  ~FakeConnection() override { --*alive_; }
  Result<ResultSet> Run(std::string_view, std::span<const Value>, bool) override { return ResultSet{}; }
  Status RunScript(std::string_view, bool) override { return OkStatus(); }
  Status RunScriptUntimed(std::string_view) override { return OkStatus(); }
  Result<int64_t> BulkInsert(std::string_view, std::span<const std::string>, const BulkRows&) override {
    return int64_t{0};
  }
  Result<std::unique_ptr<BulkInserter>> BeginBulkInsert(std::string_view, std::span<const std::string>) override {
    return UnimplementedError("not used by the pool's tests");
  }
  Status Begin(bool) override { return OkStatus(); }
  Status BeginRead() override { return OkStatus(); }
  Status Commit() override { return OkStatus(); }
  Status Rollback() override { return OkStatus(); }
  bool Reset() override { return !broken; }
  bool broken = false;

 private:
  std::atomic<int>* alive_;
};

class ConnectionPoolTest : public ::testing::Test {
 protected:
  ConnectionPool::Factory Factory() {
    return [this]() -> Result<std::unique_ptr<Connection>> {
      ++made_;
      if (fail_) return UnavailableError("down");
      return std::unique_ptr<Connection>(new FakeConnection(&alive_));
    };
  }
  std::atomic<int> alive_{0};
  std::atomic<int> made_{0};
  bool fail_ = false;
};

TEST_F(ConnectionPoolTest, ReusesReturnedConnections) {
  ConnectionPool pool("fake", 2, 10, Factory());
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
  }
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
  }
  EXPECT_EQ(made_, 1);
}

TEST_F(ConnectionPoolTest, FullPoolTimesOutWithResourceExhausted) {
  ConnectionPool pool("fake", 1, 10, Factory());
  auto held = pool.Acquire();
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(pool.Acquire().status().code(), StatusCode::kResourceExhausted);
}

TEST_F(ConnectionPoolTest, BrokenConnectionIsDiscardedAndReplaced) {
  ConnectionPool pool("fake", 1, 10, Factory());
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    static_cast<FakeConnection*>(lease->operator->())->broken = true;
  }
  EXPECT_EQ(alive_, 0);
  auto again = pool.Acquire();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(made_, 2);
}

TEST_F(ConnectionPoolTest, FactoryErrorIsReturnedAndFreesTheSlot) {
  ConnectionPool pool("fake", 1, 10, Factory());
  fail_ = true;
  EXPECT_EQ(pool.Acquire().status().code(), StatusCode::kUnavailable);
  fail_ = false;
  EXPECT_TRUE(pool.Acquire().ok());
}

}  // namespace
}  // namespace ndc::store
