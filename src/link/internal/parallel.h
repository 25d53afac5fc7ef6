// link/internal/parallel: the engine's one way of running work on threads: numbered chunks
// pulled by `threads` workers. Callers make the result independent of which worker ran which
// chunk (each chunk writes its own slot), so output does not depend on the thread count.
// Thread safety: ParallelChunks calls fn concurrently from its workers.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace ndc::link::internal {

// `requested`, or the number of hardware threads when 0.
inline size_t Threads(size_t requested) {
  if (requested) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Runs fn(chunk) for chunks 0..n-1 on min(threads, n) workers; with one worker, on the caller.
template <typename F>
void ParallelChunks(size_t n, size_t threads, F&& fn) {
  if (threads <= 1 || n <= 1) {
    for (size_t c = 0; c < n; ++c) fn(c);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (size_t t = 0; t < std::min(threads, n); ++t) {
    pool.emplace_back([&] {
      for (size_t c; (c = next.fetch_add(1)) < n;) fn(c);
    });
  }
  for (auto& t : pool) t.join();
}

}  // namespace ndc::link::internal
