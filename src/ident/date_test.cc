#include "ident/date.h"

#include <gtest/gtest.h>

#include "common/clock.h"

namespace ndc::ident {
namespace {

TEST(Date, OrdersChronologically) {
  EXPECT_LT((Date{2000, 12, 31}), (Date{2001, 1, 1}));
  EXPECT_LT((Date{2001, 1, 31}), (Date{2001, 2, 1}));
  EXPECT_EQ((Date{2001, 2, 3}), (Date{2001, 2, 3}));
}

TEST(Date, LeapYearsFollowGregorianRule) {
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2023));
}

TEST(Date, MonthLengths) {
  EXPECT_EQ(DaysInMonth(2001, 4), 30);
  EXPECT_EQ(DaysInMonth(2001, 12), 31);
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(2000, 13), 0);
}

TEST(Date, CheckCalendarAcceptsRealDays) {
  EXPECT_TRUE(CheckCalendar({2000, 2, 29}).ok());
  EXPECT_TRUE(CheckCalendar({1, 1, 1}).ok());
  EXPECT_TRUE(CheckCalendar({9999, 12, 31}).ok());
}

TEST(Date, CheckCalendarNamesTheBadPart) {
  EXPECT_EQ(CheckCalendar({2001, 4, 31}), InvalidArgumentError("day 31 does not exist in April 2001"));
  EXPECT_EQ(CheckCalendar({1900, 2, 29}), InvalidArgumentError("day 29 does not exist in February 1900"));
  EXPECT_EQ(CheckCalendar({2001, 13, 1}), InvalidArgumentError("month 13 does not exist"));
  EXPECT_EQ(CheckCalendar({2001, 0, 1}), InvalidArgumentError("month 0 does not exist"));
  EXPECT_EQ(CheckCalendar({2001, 1, 0}), InvalidArgumentError("day 0 does not exist"));
  EXPECT_EQ(CheckCalendar({0, 1, 1}), InvalidArgumentError("year 0 does not exist"));
}

TEST(Date, FormatsIsoWithPadding) {
  EXPECT_EQ(FormatIsoDate({2001, 4, 5}), "2001-04-05");
  EXPECT_EQ(FormatIsoDate({987, 1, 2}), "0987-01-02");
}

TEST(Date, EpochDayOfKnownDates) {
  EXPECT_EQ(DaysSinceEpoch({1970, 1, 1}), 0);
  EXPECT_EQ(DaysSinceEpoch({1969, 12, 31}), -1);
  EXPECT_EQ(DaysSinceEpoch({2000, 3, 1}), 11017);
  EXPECT_EQ(DaysSinceEpoch({2026, 1, 1}), 20454);
  EXPECT_EQ(DaysSinceEpoch({1, 1, 1}), -719162);
}

// Checks the closed-form conversion against counting days one by one (principle 8).
TEST(Date, EpochConversionMatchesDayByDayCount) {
  Date d{1880, 1, 1};
  int64_t expected = DaysSinceEpoch(d);
  while (d.year < 2100) {
    ASSERT_EQ(DaysSinceEpoch(d), expected) << FormatIsoDate(d);
    ASSERT_EQ(DateFromDaysSinceEpoch(expected), d) << expected;
    ++expected;
    if (++d.day > DaysInMonth(d.year, d.month)) {
      d.day = 1;
      if (++d.month > 12) {
        d.month = 1;
        ++d.year;
      }
    }
  }
}

TEST(Date, EpochRoundTripAtRangeEnds) {
  for (const Date d : {Date{1, 1, 1}, Date{9999, 12, 31}, Date{1600, 2, 29}}) {
    EXPECT_EQ(DateFromDaysSinceEpoch(DaysSinceEpoch(d)), d);
  }
}

TEST(Date, TodayUsesVietnamTime) {
  FakeClock clock(1767225600000000);  // 2026-01-01T00:00:00Z
  EXPECT_EQ(Today(clock), (Date{2026, 1, 1}));
  clock.Set(1767200400000000);  // 2025-12-31T17:00:00Z = 2026-01-01T00:00 in Vietnam
  EXPECT_EQ(Today(clock), (Date{2026, 1, 1}));
  clock.Advance(-1);
  EXPECT_EQ(Today(clock), (Date{2025, 12, 31}));
}

TEST(Date, DateFromUnixMicrosFloorsBeforeEpoch) {
  EXPECT_EQ(DateFromUnixMicros(-1, 0), (Date{1969, 12, 31}));
}

TEST(DateBounds, AcceptsEndsInclusive) {
  const DateBounds bounds{{1880, 1, 1}, {2026, 1, 1}};
  EXPECT_TRUE(CheckDateBounds(Date{1880, 1, 1}, bounds).ok());
  EXPECT_TRUE(CheckDateBounds(Date{2026, 1, 1}, bounds).ok());
}

TEST(DateBounds, RejectsOutsideWithBothDates) {
  const DateBounds bounds{{1880, 1, 1}, {2026, 1, 1}};
  EXPECT_EQ(CheckDateBounds(Date{1870, 5, 1}, bounds),
            InvalidArgumentError("date 1870-05-01 is before the earliest accepted date 1880-01-01"));
  EXPECT_EQ(CheckDateBounds(Date{2030, 1, 1}, bounds),
            InvalidArgumentError("date 2030-01-01 is after the latest accepted date 2026-01-01"));
}

TEST(DateBounds, DefaultEarliestIs1880) { EXPECT_EQ(DateBounds{}.earliest, (Date{1880, 1, 1})); }

}  // namespace
}  // namespace ndc::ident
