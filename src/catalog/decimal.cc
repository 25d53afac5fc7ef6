#include "catalog/internal/decimal.h"

#include <algorithm>
#include <cstdint>

namespace ndc::catalog::internal {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A decimal's sign, integer digits without leading zeros and fraction digits without trailing
// zeros: two decimals are equal exactly when these are.
struct Parts {
  bool negative = false;
  std::string_view integer, fraction;
};

Parts Split(std::string_view s) {
  Parts p;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    p.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const size_t point = s.find('.');
  p.integer = s.substr(0, point);
  if (point != std::string_view::npos) p.fraction = s.substr(point + 1);
  while (!p.integer.empty() && p.integer.front() == '0') p.integer.remove_prefix(1);
  while (!p.fraction.empty() && p.fraction.back() == '0') p.fraction.remove_suffix(1);
  if (p.integer.empty() && p.fraction.empty()) p.negative = false;  // -0 is 0
  return p;
}

int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

}  // namespace

int CompareDecimals(std::string_view a, std::string_view b) {
  const Parts x = Split(a), y = Split(b);
  if (x.negative != y.negative) return x.negative ? -1 : 1;
  int magnitude = 0;
  if (x.integer.size() != y.integer.size()) {
    magnitude = x.integer.size() < y.integer.size() ? -1 : 1;  // no leading zeros: longer is larger
  } else if (int c = x.integer.compare(y.integer); c != 0) {
    magnitude = Sign(c);
  } else {
    magnitude = Sign(x.fraction.compare(y.fraction));  // digit by digit; a prefix is smaller
  }
  return x.negative ? -magnitude : magnitude;
}

// Whether `s` is spelled canonically, without building the canonical spelling: every resent row
// of a dataset with decimals asks, and nearly all already are.
bool IsCanonicalDecimal(std::string_view s) {
  if (s.empty() || s[0] == '+') return false;
  const bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  const size_t point = s.find('.');
  const std::string_view integer = s.substr(0, point);
  if (integer.empty() || (integer.size() > 1 && integer[0] == '0')) return false;  // ".5", "007"
  if (point != std::string_view::npos) {
    const std::string_view fraction = s.substr(point + 1);
    if (fraction.empty() || fraction.back() == '0') return false;  // "1.", "1.50"
    return true;
  }
  return !(negative && integer == "0");  // "-0"
}

std::optional<std::string> RespelledDecimal(std::string_view s) {
  if (IsCanonicalDecimal(s)) return std::nullopt;
  const Parts p = Split(s);
  std::string canonical;
  canonical.reserve(s.size() + 1);
  if (p.negative) canonical.push_back('-');
  if (p.integer.empty()) {
    canonical.push_back('0');
  } else {
    canonical.append(p.integer);
  }
  if (!p.fraction.empty()) {
    canonical.push_back('.');
    canonical.append(p.fraction);
  }
  if (canonical == s) return std::nullopt;
  return canonical;
}

size_t SignificantDigits(std::string_view number) {
  number = number.substr(0, number.find_first_of("eE"));
  std::string digits;
  for (char c : number)
    if (c >= '0' && c <= '9') digits += c;
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  return digits.find_last_not_of('0') - first + 1;
}

std::optional<std::string> PlainDecimal(std::string_view number, size_t max_digits) {
  std::string_view s = number;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  const size_t e = s.find_first_of("eE");
  const std::string_view mantissa = s.substr(0, e);
  const size_t point = mantissa.find('.');
  const std::string_view integer = mantissa.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? "" : mantissa.substr(point + 1);
  if (!AllDigits(integer) || (point != std::string_view::npos && !AllDigits(fraction))) return std::nullopt;
  if (e == std::string_view::npos) return std::string(number);
  std::string_view exponent = s.substr(e + 1);
  const bool exponent_negative = !exponent.empty() && exponent[0] == '-';
  if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+')) exponent.remove_prefix(1);
  if (!AllDigits(exponent)) return std::nullopt;

  // The value is `digits` * 10^shift, digits without leading or trailing zeros.
  std::string digits = std::string(integer) + std::string(fraction);
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.empty()) return "0";
  int64_t shift = -static_cast<int64_t>(fraction.size());
  while (digits.back() == '0') {
    digits.pop_back();
    ++shift;
  }
  exponent.remove_prefix(std::min(exponent.find_first_not_of('0'), exponent.size()));
  if (exponent.size() > 9) return std::nullopt;  // written out, far more than any max_digits
  int64_t exp = 0;
  for (char c : exponent) exp = exp * 10 + (c - '0');
  shift += exponent_negative ? -exp : exp;

  const auto n = static_cast<int64_t>(digits.size());
  // Digits written out: the digits and trailing zeros; or a leading "0." and zeros before them.
  const int64_t total = shift >= 0 ? n + shift : std::max(n, 1 - shift);
  if (total > static_cast<int64_t>(max_digits)) return std::nullopt;
  std::string out = negative ? "-" : "";
  if (shift >= 0) {
    out += digits;
    out.append(static_cast<size_t>(shift), '0');
  } else if (-shift >= n) {
    out += "0.";
    out.append(static_cast<size_t>(-shift - n), '0');
    out += digits;
  } else {
    out += digits.substr(0, static_cast<size_t>(n + shift));
    out += '.';
    out += digits.substr(static_cast<size_t>(n + shift));
  }
  return out;
}

}  // namespace ndc::catalog::internal
