// Parsing dates from agency text in the formats Vietnamese systems use, including partial dates
// (year only, month and year). Day always comes before month: "05/04/2001" is 5 April, never May 4;
// no format, including kAuto, reads month-first. See docs/design/identifiers.md#dates.
//
// The success path does not allocate. Errors are kInvalidArgument and quote the input (at most 40
// bytes, control bytes escaped):
//   "date is empty"
//   "date '2001-04-05' does not match format dd/mm/yyyy"
//   "date '31/04/2001': day 31 does not exist in April 2001"
//   "date '31/04/2001' (read as d/m/yyyy): day 31 does not exist in April 2001"   (kAuto names its pick)
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "ident/date.h"

namespace ndc::ident {

enum class DateFormat : uint8_t {
  kIso,              // yyyy-mm-dd
  kDmySlash,         // dd/mm/yyyy
  kDmySlashLenient,  // d/m/yyyy: day and month with 1 or 2 digits
  kDmyDash,          // dd-mm-yyyy
  kDmyDot,           // dd.mm.yyyy
  kCompact,          // yyyymmdd
  kYear,             // yyyy            (partial: year)
  kMonthYear,        // mm/yyyy         (partial: month; 1 or 2 month digits)
  kYearMonth,        // yyyy-mm         (partial: month)
  kAuto,             // by shape: any of the full formats above, never month-first; partial ones too
                     // when parsing a PartialDate
};

// The pattern string for a format ("dd/mm/yyyy"; "auto" for kAuto).
std::string_view DateFormatName(DateFormat format);
// The format whose DateFormatName() is `name`. Error: "unknown date format 'x'; expected one of
// yyyy-mm-dd, dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyymmdd, yyyy, mm/yyyy, yyyy-mm, auto".
Result<DateFormat> ParseDateFormatName(std::string_view name);

// How much of a PartialDate is known.
enum class DatePrecision : uint8_t { kYear, kMonth, kDay };

// A date of which only the year, or the year and month, may be known. Unknown parts are 0.
struct PartialDate {
  int year = 0;
  int month = 0;  // 0 when precision is kYear
  int day = 0;    // 0 unless precision is kDay
  DatePrecision precision = DatePrecision::kYear;

  // First and last days the value can stand for (1987 -> 1987-01-01 .. 1987-12-31).
  Date Earliest() const;
  Date Latest() const;
  // "1987", "1987-03" or "1987-03-02".
  std::string ToString() const;

  friend bool operator==(const PartialDate&, const PartialDate&) = default;
};

// Parses a full calendar date. `format` must be a full-date format or kAuto; a partial format gives
// "date format yyyy has no day; a full date is required".
Result<Date> ParseDate(std::string_view text, DateFormat format = DateFormat::kAuto);

// Parses a full or partial date. With a full-date format, the agency convention of zero for an
// unknown part is accepted: "00/00/1987" is the year 1987, "00/03/1987" March 1987; a zero month with
// a known day is rejected ("month 0 (unknown) with a known day 5").
Result<PartialDate> ParsePartialDate(std::string_view text, DateFormat format = DateFormat::kAuto);

// OK when the range a partial date stands for overlaps the bounds, else kInvalidArgument:
//   "date 1870 is before the earliest accepted date 1880-01-01"
//   "date 2030-05 is after the latest accepted date 2026-01-01"
Status CheckDateBounds(const PartialDate& date, const DateBounds& bounds);

}  // namespace ndc::ident
