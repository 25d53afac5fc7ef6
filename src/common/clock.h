// Clock: the time source, injectable so tests are deterministic (cf. leveldb Env::NowMicros).
//
// SystemClock() is thread-safe and lives forever. FakeClock is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace ndc {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch (UTC).
  virtual int64_t NowMicros() const = 0;
  // Monotonic microseconds for measuring durations; unrelated to wall time.
  virtual int64_t MonotonicMicros() const = 0;
};

// The real clock. Never null; not owned by the caller.
Clock* SystemClock();

// A clock that moves only when told. Monotonic time equals wall time.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_micros = 1767225600000000)  // 2026-01-01T00:00:00Z
      : now_(start_micros) {}
  int64_t NowMicros() const override { return now_.load(); }
  int64_t MonotonicMicros() const override { return now_.load(); }
  void Advance(int64_t micros) { now_.fetch_add(micros); }
  void Set(int64_t micros) { now_.store(micros); }

 private:
  std::atomic<int64_t> now_;
};

// RFC 3339 UTC with microseconds: "2026-01-01T00:00:00.000000Z".
std::string FormatRfc3339(int64_t unix_micros);

}  // namespace ndc
