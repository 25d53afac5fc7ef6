#include "common/status.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <ctime>
#include <random>

#include "common/clock.h"
#include "common/result.h"

namespace ndc {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(Status, ToStringNamesCodeAndMessage) {
  EXPECT_EQ(NotFoundError("dataset 'x'").ToString(), "NOT_FOUND: dataset 'x'");
}

TEST(Status, HttpMappingFollowsGoogleRpc) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusFor(StatusCode::kDataLoss), 500);
}

TEST(Status, WithContextPrefixesMessageKeepsCode) {
  Status s = InvalidArgumentError("bad date").WithContext("line 3");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "line 3: bad date");
}

TEST(Result, AssignOrReturnPropagatesFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd: 3");
}

TEST(Result, OkStatusWithoutValueBecomesInternal) {
  Result<int> r{OkStatus()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(Clock, FakeClockAdvancesOnlyWhenTold) {
  FakeClock c(0);
  EXPECT_EQ(c.NowMicros(), 0);
  c.Advance(1500000);
  EXPECT_EQ(FormatRfc3339(c.NowMicros()), "1970-01-01T00:00:01.500000Z");
}

// FormatRfc3339 computes the date itself; gmtime_r, which it replaced, is the reference.
std::string ByGmtime(int64_t micros) {
  int64_t secs = micros / 1000000, frac = micros % 1000000;
  if (frac < 0) frac += 1000000, secs -= 1;
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

TEST(Clock, Rfc3339TimesAreTheCalendarsOwn) {
  EXPECT_EQ(FormatRfc3339(1709208000000001), "2024-02-29T12:00:00.000001Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatRfc3339(-86400000000), "1969-12-31T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(253402300799999999), "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatRfc3339(-62167219200000000), "0000-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(253402300800000000), ByGmtime(253402300800000000));  // year 10000
  EXPECT_EQ(FormatRfc3339(-62167219200000001), ByGmtime(-62167219200000001));  // before year 0
  std::mt19937_64 random(42);
  std::uniform_int_distribution<int64_t> any(-62167219200000000, 253402300799999999);
  for (int i = 0; i < 20000; ++i) {
    const int64_t t = any(random);
    ASSERT_EQ(FormatRfc3339(t), ByGmtime(t)) << t;
  }
}

}  // namespace
}  // namespace ndc
