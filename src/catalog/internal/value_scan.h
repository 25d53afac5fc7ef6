// Cheap checks that let RecordValidator skip work a value provably does not need
// (docs/design/dataset-schema.md, "Validation and normalization", fast paths). Each one either
// proves its claim or answers "don't know", after which the validator takes the general path, so
// results and error messages never depend on them. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "text/unicode.h"

namespace ndc::catalog::internal {

// True if `cp` is in a range whose every code point has Canonical_Combining_Class 0 and
// NFC_Quick_Check=Yes (Latin-1 Supplement to Latin Extended-B, Latin Extended Additional: every
// precomposed Vietnamese letter). A string of such code points is already NFC (UAX #15 quick check).
// Checked code point by code point against ICU's properties in record_validator_test.cc.
constexpr bool IsQuickNfcCodePoint(char32_t cp) {
  return cp < 0x80 || (cp >= 0xA0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF);
}

// True if `v` is well-formed UTF-8 holding no control character (C0, DEL, C1: the general path
// decides which may stay) and made only of IsQuickNfcCodePoint code points: then it is valid and already NFC, and trimming is all
// it needs. False means "take the general path" (which may still accept it).
inline bool IsPlainNfc(std::string_view v) {
  const auto* p = reinterpret_cast<const unsigned char*>(v.data());
  const size_t n = v.size();
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto has_zero_byte = [](uint64_t x) { return ((x - kOnes) & ~x & kHigh) != 0; };  // exact
  for (size_t i = 0; i < n;) {
    if (i + 8 <= n) {  // eight ASCII bytes at a time, none of them NUL or U+001F
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & kHigh) == 0) {
        // No control byte (below 0x20, or DEL): those the general path checks one by one.
        if (((word - kOnes * 0x20) & ~word & kHigh) != 0 || has_zero_byte(word ^ (kOnes * 0x7F))) return false;
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      ++i;
    } else if (c >= 0xC2 && c <= 0xC9) {  // U+0080..U+027F
      if (i + 1 >= n || (p[i + 1] & 0xC0) != 0x80) return false;
      const char32_t cp = (char32_t(c & 0x1F) << 6) | (p[i + 1] & 0x3F);
      // None of these is one the general path refuses (value_scan_test checks each).
      if (!IsQuickNfcCodePoint(cp) || text::IsControlOrFormatting(cp)) return false;
      i += 2;
    } else if (c == 0xE1 && i + 2 < n && p[i + 1] >= 0xB8 && p[i + 1] <= 0xBB && (p[i + 2] & 0xC0) == 0x80) {
      i += 3;  // U+1E00..U+1EFF
    } else {
      return false;
    }
  }
  return true;
}

// text::TrimWhitespace(v), without its scan when `v` starts and ends with an ASCII byte that is
// not whitespace (the only ASCII White_Space characters are TAB..CR and space).
inline std::string_view TrimFast(std::string_view v) {
  auto solid = [](unsigned char c) { return c < 0x80 && c != ' ' && (c < 0x09 || c > 0x0D); };
  if (!v.empty() && solid(static_cast<unsigned char>(v.front())) && solid(static_cast<unsigned char>(v.back()))) {
    return v;
  }
  return text::TrimWhitespace(v);
}

// If `pattern` is one of the digit-run forms "[0-9]{n}", "[0-9]{m,n}", "[0-9]+", "[0-9]*" (or the
// same with "\d", which RE2 reads as ASCII digits), the accepted length range; otherwise nullopt.
struct DigitRun {
  size_t min = 0, max = 0;
};
std::optional<DigitRun> ParseDigitRunPattern(std::string_view pattern);

// RE2::FullMatch(s, pattern) for a pattern ParseDigitRunPattern accepted.
inline bool MatchesDigitRun(std::string_view s, DigitRun run) {
  if (s.size() < run.min || s.size() > run.max) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// True if `s` is "YYYY-MM-DD" spelling exactly the date year-month-day (four-digit year): the
// canonical text FormatIsoDate would produce, so it can be kept as is.
inline bool IsIsoSpelling(std::string_view s, int year, int month, int day) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  auto num = [&](size_t at, size_t len, int* out) {
    int v = 0;
    for (size_t k = at; k < at + len; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
      v = v * 10 + (s[k] - '0');
    }
    *out = v;
    return true;
  };
  int y = 0, m = 0, d = 0;
  return num(0, 4, &y) && num(5, 2, &m) && num(8, 2, &d) && y == year && m == month && d == day;
}

}  // namespace ndc::catalog::internal
