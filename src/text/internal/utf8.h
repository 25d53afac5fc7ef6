// Internal: the UTF-8 decoding step shared by every text function.
//
// Not part of the text API; include only from src/text. Validation follows the Unicode Standard,
// chapter 3, table 3-7 (well-formed byte sequences): no overlong forms, no surrogates, nothing above
// U+10FFFF. An ill-formed sequence is reported as its *maximal subpart* (Unicode 3.9, "U+FFFD
// substitution of maximal subparts"), so lossy decoding substitutes one U+FFFD per maximal subpart,
// as the WHATWG Encoding Standard and ICU do.
// Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ndc::text::internal {

inline constexpr char32_t kReplacementChar = 0xFFFD;

struct Decoded {
  char32_t cp;  // the code point; kReplacementChar when !valid
  int length;   // bytes consumed, >= 1
  bool valid;
};

// Decodes the sequence starting at s[pos]; requires pos < s.size().
inline Decoded DecodeAt(std::string_view s, size_t pos) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + pos;
  const size_t avail = s.size() - pos;
  const unsigned char b0 = p[0];
  if (b0 < 0x80) return {b0, 1, true};
  int need;                            // continuation bytes after the lead byte
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the first continuation byte
  char32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return {kReplacementChar, 1, false};  // C0, C1, F5..FF, or a stray continuation byte
  }
  for (int i = 1; i <= need; ++i) {
    if (static_cast<size_t>(i) >= avail) return {kReplacementChar, i, false};
    const unsigned char b = p[i];
    if (b < lo || b > hi) return {kReplacementChar, i, false};
    lo = 0x80;
    hi = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, need + 1, true};
}

// Appends the UTF-8 encoding of cp; surrogates and values above U+10FFFF become U+FFFD.
inline void AppendUtf8(char32_t cp, std::string* out) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = kReplacementChar;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// True if the input is pure ASCII (every byte < 0x80); used for fast paths.
inline bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// OK, or kInvalidArgument "invalid UTF-8 at byte N" for the first ill-formed sequence.
Status CheckUtf8(std::string_view s);

}  // namespace ndc::text::internal
