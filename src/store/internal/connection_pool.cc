#include "store/internal/connection_pool.h"

#include <fmt/format.h>

#include <chrono>

namespace ndc::store {

ConnectionPool::ConnectionPool(std::string backend, int size, int acquire_timeout_ms, Factory factory)
    : backend_(std::move(backend)),
      size_(size < 1 ? 1 : size),
      acquire_timeout_ms_(acquire_timeout_ms < 0 ? 0 : acquire_timeout_ms),
      factory_(std::move(factory)) {}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease& ConnectionPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    conn_ = std::move(other.conn_);
    other.pool_ = nullptr;
  }
  return *this;
}

void ConnectionPool::Lease::Release() {
  if (conn_ && pool_) pool_->Return(std::move(conn_));
  conn_.reset();
  pool_ = nullptr;
}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(acquire_timeout_ms_);
  while (true) {
    std::unique_ptr<Connection> conn;
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < size_; })) {
        return ResourceExhaustedError(fmt::format("{}: all {} pooled connections are in use (waited {} ms)",
                                                  backend_, size_, acquire_timeout_ms_));
      }
      if (idle_.empty()) {
        ++open_;
      } else {
        conn = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (conn) {
      // An idle connection may have died meanwhile (server restart, backend killed).
      if (conn->Reset()) return Lease(this, std::move(conn));
      conn.reset();
      std::lock_guard lock(mu_);
      --open_;
      cv_.notify_one();
      continue;
    }
    Result<std::unique_ptr<Connection>> made = factory_();
    if (!made.ok()) {
      std::lock_guard lock(mu_);
      --open_;
      cv_.notify_one();
      return made.status();
    }
    return Lease(this, std::move(made).value());
  }
}

void ConnectionPool::Adopt(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mu_);
  ++open_;
  idle_.push_back(std::move(conn));
  cv_.notify_one();
}

void ConnectionPool::Return(std::unique_ptr<Connection> conn) {
  bool usable = conn->Reset();
  if (!usable) conn.reset();
  std::lock_guard lock(mu_);
  if (usable) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  cv_.notify_one();
}

}  // namespace ndc::store
