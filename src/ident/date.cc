#include "ident/date.h"

#include <fmt/format.h>

#include <array>

namespace ndc::ident {

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

std::string_view MonthName(int month) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  if (month < 1 || month > 12) return "";
  return kNames[month - 1];
}

bool IsValidDate(const Date& date) {
  return date.year >= kMinYear && date.year <= kMaxYear && date.day >= 1 &&
         date.day <= DaysInMonth(date.year, date.month);
}

Status CheckCalendar(const Date& date) {
  if (IsValidDate(date)) return OkStatus();
  if (date.year < kMinYear || date.year > kMaxYear) {
    return InvalidArgumentError(fmt::format("year {} does not exist", date.year));
  }
  if (date.month < 1 || date.month > 12) {
    return InvalidArgumentError(fmt::format("month {} does not exist", date.month));
  }
  if (date.day < 1) return InvalidArgumentError(fmt::format("day {} does not exist", date.day));
  return InvalidArgumentError(
      fmt::format("day {} does not exist in {} {}", date.day, MonthName(date.month), date.year));
}

std::string FormatIsoDate(const Date& date) {
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

// Days-from-civil over 400-year eras (each era has exactly 146097 days), counting years from March so
// that the leap day is the last day of the counted year.
int64_t DaysSinceEpoch(const Date& date) {
  const int64_t y = static_cast<int64_t>(date.year) - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;                                    // [0, 399]
  const int64_t month_from_march = (date.month + 9) % 12;                       // March = 0
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + date.day - 1;  // [0, 365]
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719468: days from 0000-03-01 to 1970-01-01
}

Date DateFromDaysSinceEpoch(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;  // [0, 146096]
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month = static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  const int year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
  return Date{year, month, day};
}

Date DateFromUnixMicros(int64_t unix_micros, int utc_offset_minutes) {
  constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
  const int64_t local = unix_micros + int64_t{utc_offset_minutes} * 60 * 1000000;
  int64_t days = local / kMicrosPerDay;
  if (local % kMicrosPerDay < 0) --days;  // floor for instants before the epoch
  return DateFromDaysSinceEpoch(days);
}

Date Today(const Clock& clock) { return DateFromUnixMicros(clock.NowMicros()); }

Status CheckDateBounds(const Date& date, const DateBounds& bounds) {
  if (date < bounds.earliest) {
    return InvalidArgumentError(fmt::format("date {} is before the earliest accepted date {}",
                                            FormatIsoDate(date), FormatIsoDate(bounds.earliest)));
  }
  if (date > bounds.latest) {
    return InvalidArgumentError(fmt::format("date {} is after the latest accepted date {}",
                                            FormatIsoDate(date), FormatIsoDate(bounds.latest)));
  }
  return OkStatus();
}

}  // namespace ndc::ident
