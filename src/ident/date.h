// Calendar dates as agencies record them: a plain proleptic-Gregorian year/month/day (no time, no
// zone), validity rules (leap years, month lengths), days since 1970-01-01, and plausibility bounds.
// Parsing from text is in ident/date_parse.h; the formats are described in docs/design/identifiers.md.
//
// "Today" is never read from the wall clock here: callers pass it, or pass a ndc::Clock to Today().
// Pure functions and value types; thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace ndc::ident {

// A calendar date. Default-constructs to 1970-01-01. Ordering is chronological for valid dates.
struct Date {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31

  friend constexpr auto operator<=>(const Date&, const Date&) = default;
  friend constexpr bool operator==(const Date&, const Date&) = default;
};

// Years that Date functions accept as valid; four digits in every format.
inline constexpr int kMinYear = 1;
inline constexpr int kMaxYear = 9999;

// Gregorian rule: divisible by 4, except centuries not divisible by 400 (1900 no, 2000 yes).
constexpr bool IsLeapYear(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

// Days in the month, or 0 when month is not 1-12.
int DaysInMonth(int year, int month);

// English month name ("April") for messages, or "" when month is not 1-12.
std::string_view MonthName(int month);

// True when year is 1-9999, month 1-12 and day exists in that month.
bool IsValidDate(const Date& date);

// OK for a valid date, else kInvalidArgument naming the first bad part:
//   "year 0 does not exist", "month 13 does not exist", "day 0 does not exist",
//   "day 31 does not exist in April 2001", "day 29 does not exist in February 1900".
Status CheckCalendar(const Date& date);

// "2001-04-05". Out-of-range parts are printed as they are (for messages), zero-padded.
std::string FormatIsoDate(const Date& date);

// Days since 1970-01-01 (negative before). Requires a valid date.
int64_t DaysSinceEpoch(const Date& date);
// Inverse of DaysSinceEpoch, for any day in years 1-9999.
Date DateFromDaysSinceEpoch(int64_t days);

// Vietnam has used UTC+7 without daylight saving time since 1975.
inline constexpr int kVietnamUtcOffsetMinutes = 7 * 60;

// The local calendar date at `unix_micros` for a zone `utc_offset_minutes` east of UTC.
Date DateFromUnixMicros(int64_t unix_micros, int utc_offset_minutes = kVietnamUtcOffsetMinutes);
// Today's date in Vietnam according to `clock`.
Date Today(const Clock& clock);

// The earliest date accepted by default as a birth or event date in population data.
inline constexpr Date kDefaultEarliestDate{1880, 1, 1};

// An inclusive range of plausible dates. `latest` is usually today (see Today()).
struct DateBounds {
  Date earliest = kDefaultEarliestDate;
  Date latest;
};

// OK when earliest <= date <= latest, else kInvalidArgument:
//   "date 1870-05-01 is before the earliest accepted date 1880-01-01"
//   "date 2030-01-01 is after the latest accepted date 2026-01-01"
Status CheckDateBounds(const Date& date, const DateBounds& bounds);

}  // namespace ndc::ident
