// ConnectionPool: a bounded set of Connections, opened lazily by a factory, lent out one at a
// time. A broken connection (Reset() false) is discarded when returned or checked out, and a
// new one is opened in its place on demand.
//
// Thread-safe. Every Lease must be returned (destroyed) before the pool is destroyed.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/internal/connection.h"

namespace ndc::store {

class ConnectionPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<Connection>>()>;

  // `backend` names the pool in messages.
  ConnectionPool(std::string backend, int size, int acquire_timeout_ms, Factory factory);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A borrowed connection, returned to the pool when destroyed.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease() { Release(); }
    Connection* operator->() const { return conn_.get(); }
    explicit operator bool() const { return conn_ != nullptr; }
    void Release();

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    ConnectionPool* pool_ = nullptr;
    std::unique_ptr<Connection> conn_;
  };

  // An idle connection, or a new one if fewer than `size` are open; waits up to the acquire
  // timeout when all are in use (then kResourceExhausted). Factory errors are returned as is.
  Result<Lease> Acquire();
  // Adds an already open connection as idle (counts toward `size`).
  void Adopt(std::unique_ptr<Connection> conn);

 private:
  void Return(std::unique_ptr<Connection> conn);

  const std::string backend_;
  const int size_;
  const int acquire_timeout_ms_;
  const Factory factory_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int open_ = 0;                                   // idle + lent + being opened; guarded by mu_
};

}  // namespace ndc::store
