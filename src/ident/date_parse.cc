#include "ident/date_parse.h"

#include <fmt/format.h>

#include <array>

#include "ident/internal/chars.h"

namespace ndc::ident {
namespace {

using internal::IsDigit;

constexpr std::array<DateFormat, 10> kAllFormats = {
    DateFormat::kIso,     DateFormat::kDmySlash,  DateFormat::kDmySlashLenient,
    DateFormat::kDmyDash, DateFormat::kDmyDot,    DateFormat::kCompact,
    DateFormat::kYear,    DateFormat::kMonthYear, DateFormat::kYearMonth,
    DateFormat::kAuto};

constexpr std::string_view kFullFormatList =
    "yyyy-mm-dd, dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyymmdd";
constexpr std::string_view kPartialFormatList = "yyyy, mm/yyyy, yyyy-mm";

bool IsPartialFormat(DateFormat format) {
  return format == DateFormat::kYear || format == DateFormat::kMonthYear || format == DateFormat::kYearMonth;
}

// Numbers read from the text before any calendar check; 0 for a part the format does not have.
struct Fields {
  int year = 0;
  int month = 0;
  int day = 0;
};

// A cursor over the text; every Read* fails without consuming when the shape differs.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool Fixed(size_t n, int* out) {
    if (text_.size() - pos_ < n) return false;
    int value = 0;
    for (size_t i = 0; i < n; ++i) {
      const char c = text_[pos_ + i];
      if (!IsDigit(c)) return false;
      value = value * 10 + (c - '0');
    }
    pos_ += n;
    *out = value;
    return true;
  }
  bool OneOrTwo(int* out) {
    if (pos_ + 1 < text_.size() && IsDigit(text_[pos_ + 1])) return Fixed(2, out);
    return Fixed(1, out);
  }
  bool Sep(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Reads `text` in `format` (not kAuto); false when the text does not have the format's shape.
bool Match(std::string_view text, DateFormat format, Fields* f) {
  Scanner s(text);
  bool ok = false;
  switch (format) {
    case DateFormat::kIso:
      ok = s.Fixed(4, &f->year) && s.Sep('-') && s.Fixed(2, &f->month) && s.Sep('-') && s.Fixed(2, &f->day);
      break;
    case DateFormat::kDmySlash:
      ok = s.Fixed(2, &f->day) && s.Sep('/') && s.Fixed(2, &f->month) && s.Sep('/') && s.Fixed(4, &f->year);
      break;
    case DateFormat::kDmySlashLenient:
      ok = s.OneOrTwo(&f->day) && s.Sep('/') && s.OneOrTwo(&f->month) && s.Sep('/') && s.Fixed(4, &f->year);
      break;
    case DateFormat::kDmyDash:
      ok = s.Fixed(2, &f->day) && s.Sep('-') && s.Fixed(2, &f->month) && s.Sep('-') && s.Fixed(4, &f->year);
      break;
    case DateFormat::kDmyDot:
      ok = s.Fixed(2, &f->day) && s.Sep('.') && s.Fixed(2, &f->month) && s.Sep('.') && s.Fixed(4, &f->year);
      break;
    case DateFormat::kCompact:
      ok = s.Fixed(4, &f->year) && s.Fixed(2, &f->month) && s.Fixed(2, &f->day);
      break;
    case DateFormat::kYear:
      ok = s.Fixed(4, &f->year);
      break;
    case DateFormat::kMonthYear:
      ok = s.OneOrTwo(&f->month) && s.Sep('/') && s.Fixed(4, &f->year);
      break;
    case DateFormat::kYearMonth:
      ok = s.Fixed(4, &f->year) && s.Sep('-') && s.Fixed(2, &f->month);
      break;
    case DateFormat::kAuto:
      break;
  }
  return ok && s.AtEnd();
}

// The one format kAuto reads `text` as, judged by its shape only. Every shape is day-first or
// year-first, so no text is ever read month-first.
DateFormat GuessFormat(std::string_view text, bool allow_partial) {
  const size_t n = text.size();
  size_t slashes = 0;
  for (char c : text) slashes += c == '/' ? 1 : 0;
  if (slashes == 2) return DateFormat::kDmySlashLenient;
  if (slashes == 1 && allow_partial) return DateFormat::kMonthYear;
  if (n == 8 && internal::FindNonDigit(text) == std::string_view::npos) return DateFormat::kCompact;
  if (n == 4 && allow_partial) return DateFormat::kYear;
  if (n == 7 && allow_partial && text[4] == '-') return DateFormat::kYearMonth;
  if (n == 10 && text[4] == '-') return DateFormat::kIso;
  if (n == 10 && text[2] == '-') return DateFormat::kDmyDash;
  if (n == 10 && text[2] == '.') return DateFormat::kDmyDot;
  return DateFormat::kAuto;  // no shape matches
}

Status ShapeError(std::string_view text, DateFormat requested, bool allow_partial) {
  if (requested != DateFormat::kAuto) {
    return InvalidArgumentError(
        fmt::format("date {} does not match format {}", internal::Quote(text), DateFormatName(requested)));
  }
  if (allow_partial) {
    return InvalidArgumentError(fmt::format("date {} does not match any of the formats {}, {}",
                                            internal::Quote(text), kFullFormatList, kPartialFormatList));
  }
  return InvalidArgumentError(
      fmt::format("date {} does not match any of the formats {}", internal::Quote(text), kFullFormatList));
}

// "date '31/04/2001': <problem>", naming the format when kAuto chose it.
Status CalendarError(std::string_view text, DateFormat requested, DateFormat used, const Status& problem) {
  if (requested == DateFormat::kAuto) {
    return InvalidArgumentError(fmt::format("date {} (read as {}): {}", internal::Quote(text),
                                            DateFormatName(used), problem.message()));
  }
  return InvalidArgumentError(fmt::format("date {}: {}", internal::Quote(text), problem.message()));
}

// Matches `text` against `format` (or the format kAuto picks) and reports which was used.
Status MatchAny(std::string_view text, DateFormat format, bool allow_partial, Fields* fields,
                DateFormat* used) {
  if (text.empty()) return InvalidArgumentError("date is empty");
  *used = format == DateFormat::kAuto ? GuessFormat(text, allow_partial) : format;
  if (*used == DateFormat::kAuto || !Match(text, *used, fields)) {
    return ShapeError(text, format, allow_partial);
  }
  return OkStatus();
}

// Calendar checks for a partial date whose unknown parts are 0.
Status CheckPartial(const PartialDate& date) {
  if (date.precision == DatePrecision::kDay) {
    return CheckCalendar(Date{date.year, date.month, date.day});
  }
  if (date.year < kMinYear || date.year > kMaxYear) {
    return InvalidArgumentError(fmt::format("year {} does not exist", date.year));
  }
  if (date.precision == DatePrecision::kMonth && (date.month < 1 || date.month > 12)) {
    return InvalidArgumentError(fmt::format("month {} does not exist", date.month));
  }
  return OkStatus();
}

}  // namespace

std::string_view DateFormatName(DateFormat format) {
  switch (format) {
    case DateFormat::kIso:
      return "yyyy-mm-dd";
    case DateFormat::kDmySlash:
      return "dd/mm/yyyy";
    case DateFormat::kDmySlashLenient:
      return "d/m/yyyy";
    case DateFormat::kDmyDash:
      return "dd-mm-yyyy";
    case DateFormat::kDmyDot:
      return "dd.mm.yyyy";
    case DateFormat::kCompact:
      return "yyyymmdd";
    case DateFormat::kYear:
      return "yyyy";
    case DateFormat::kMonthYear:
      return "mm/yyyy";
    case DateFormat::kYearMonth:
      return "yyyy-mm";
    case DateFormat::kAuto:
      return "auto";
  }
  return "auto";
}

Result<DateFormat> ParseDateFormatName(std::string_view name) {
  for (DateFormat format : kAllFormats) {
    if (DateFormatName(format) == name) return format;
  }
  return InvalidArgumentError(fmt::format("unknown date format {}; expected one of {}, {}, auto",
                                          internal::Quote(name), kFullFormatList, kPartialFormatList));
}

Date PartialDate::Earliest() const {
  switch (precision) {
    case DatePrecision::kYear:
      return Date{year, 1, 1};
    case DatePrecision::kMonth:
      return Date{year, month, 1};
    case DatePrecision::kDay:
      break;
  }
  return Date{year, month, day};
}

Date PartialDate::Latest() const {
  switch (precision) {
    case DatePrecision::kYear:
      return Date{year, 12, 31};
    case DatePrecision::kMonth:
      return Date{year, month, DaysInMonth(year, month)};
    case DatePrecision::kDay:
      break;
  }
  return Date{year, month, day};
}

std::string PartialDate::ToString() const {
  switch (precision) {
    case DatePrecision::kYear:
      return fmt::format("{:04}", year);
    case DatePrecision::kMonth:
      return fmt::format("{:04}-{:02}", year, month);
    case DatePrecision::kDay:
      break;
  }
  return FormatIsoDate(Date{year, month, day});
}

Result<Date> ParseDate(std::string_view text, DateFormat format) {
  if (IsPartialFormat(format)) {
    return InvalidArgumentError(
        fmt::format("date format {} has no day; a full date is required", DateFormatName(format)));
  }
  Fields f;
  DateFormat used = format;
  RETURN_IF_ERROR(MatchAny(text, format, /*allow_partial=*/false, &f, &used));
  const Date date{f.year, f.month, f.day};
  if (!IsValidDate(date)) return CalendarError(text, format, used, CheckCalendar(date));
  return date;
}

Result<PartialDate> ParsePartialDate(std::string_view text, DateFormat format) {
  Fields f;
  DateFormat used = format;
  RETURN_IF_ERROR(MatchAny(text, format, /*allow_partial=*/true, &f, &used));
  PartialDate date{f.year, f.month, f.day, DatePrecision::kDay};
  if (f.month == 0 && f.day != 0) {
    return CalendarError(text, format, used,
                         InvalidArgumentError(fmt::format("month 0 (unknown) with a known day {}", f.day)));
  }
  if (f.month == 0) {
    date.precision = DatePrecision::kYear;
  } else if (f.day == 0) {
    date.precision = DatePrecision::kMonth;
  }
  if (Status s = CheckPartial(date); !s.ok()) return CalendarError(text, format, used, s);
  return date;
}

Status CheckDateBounds(const PartialDate& date, const DateBounds& bounds) {
  if (date.Latest() < bounds.earliest) {
    return InvalidArgumentError(fmt::format("date {} is before the earliest accepted date {}",
                                            date.ToString(), FormatIsoDate(bounds.earliest)));
  }
  if (date.Earliest() > bounds.latest) {
    return InvalidArgumentError(fmt::format("date {} is after the latest accepted date {}", date.ToString(),
                                            FormatIsoDate(bounds.latest)));
  }
  return OkStatus();
}

}  // namespace ndc::ident
