#include "api/query_params.h"

#include <fmt/format.h>

namespace ndc::api {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Digits of s[at, at+n) as a number, or -1.
int Digits(std::string_view s, size_t at, size_t n) {
  if (at + n > s.size()) return -1;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::optional<int64_t> ParseRfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  int year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  int hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60 || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > kDays[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0)) return std::nullopt;
  size_t i = 19;
  int64_t micros = 0;
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    size_t n = i - start;
    if (n == 0 || n > 9) return std::nullopt;
    for (size_t k = 0; k < 6; ++k) micros = micros * 10 + (k < n ? s[start + k] - '0' : 0);
  }
  int offset_minutes = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = Digits(s, i + 1, 2), om = Digits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59 || i + 3 >= s.size() || s[i + 3] != ':') return std::nullopt;
    offset_minutes = (s[i] == '+' ? 1 : -1) * (oh * 60 + om);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                    std::min(second, 59) - int64_t{offset_minutes} * 60;
  return seconds * 1000000 + micros;
}

}  // namespace

Result<std::optional<int64_t>> IntParam(const Request& req, const std::string& name, int64_t min,
                                        int64_t max) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return std::optional<int64_t>();
  const std::string& v = it->second;
  bool negative = !v.empty() && v[0] == '-';
  std::string_view digits = std::string_view(v).substr(negative ? 1 : 0);
  if (!AllDigits(digits) || digits.size() > 18) {
    return InvalidArgumentError(
        fmt::format("query parameter {} must be an integer, got '{}'", name, v.substr(0, 40)));
  }
  int64_t n = std::stoll(v);
  if (n < min || n > max) {
    return InvalidArgumentError(
        fmt::format("query parameter {} must be between {} and {}, got {}", name, min, max, n));
  }
  return std::optional<int64_t>(n);
}

Result<int> LimitParam(const Request& req, int fallback, int max) {
  ASSIGN_OR_RETURN(std::optional<int64_t> limit, IntParam(req, "limit", 1, max));
  return limit ? static_cast<int>(*limit) : fallback;
}

Result<int64_t> ParseInstant(std::string_view text) {
  if (AllDigits(text) && text.size() <= 18) return std::stoll(std::string(text));
  if (auto micros = ParseRfc3339(text)) return *micros;
  return InvalidArgumentError(
      fmt::format("'{}' is not an instant: give RFC 3339 (2026-01-31T08:00:00Z) or Unix "
                  "microseconds",
                  text.substr(0, 64)));
}

Result<std::optional<int64_t>> InstantParam(const Request& req, const std::string& name) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return std::optional<int64_t>();
  auto instant = ParseInstant(it->second);
  if (!instant.ok()) return instant.status().WithContext("query parameter " + name);
  return std::optional<int64_t>(*instant);
}

}  // namespace ndc::api
