#include "common/clock.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace ndc {
namespace {

class RealClock : public Clock {
 public:
  int64_t NowMicros() const override {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  }
  int64_t MonotonicMicros() const override {
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
  }
};

}  // namespace

Clock* SystemClock() {
  static RealClock* clock = new RealClock();
  return clock;
}

std::string FormatRfc3339(int64_t unix_micros) {
  int64_t secs = unix_micros / 1000000;
  int64_t frac = unix_micros % 1000000;
  if (frac < 0) {
    frac += 1000000;
    secs -= 1;
  }
  // The date from the day count (std::chrono's civil calendar), not gmtime_r: that one takes
  // glibc's time-zone lock, and every data answer and audit entry formats a time.
  using namespace std::chrono;
  const int64_t day_count = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  const int64_t second_of_day = secs - day_count * 86400;
  if (day_count < -719528 || day_count > 2932896) {  // outside 0000-01-01 .. 9999-12-31: the general path
    std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  }
  const year_month_day date{sys_days{days{day_count}}};
  char out[] = "0000-00-00T00:00:00.000000Z";
  auto put = [&out](int at, int64_t value, int width) {
    for (int i = at + width - 1; i >= at; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<int>(date.year()), 4);
  put(5, static_cast<unsigned>(date.month()), 2);
  put(8, static_cast<unsigned>(date.day()), 2);
  put(11, second_of_day / 3600, 2);
  put(14, second_of_day / 60 % 60, 2);
  put(17, second_of_day % 60, 2);
  put(20, frac, 6);
  return std::string(out, sizeof(out) - 1);
}

}  // namespace ndc
