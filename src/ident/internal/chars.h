// Character helpers shared by the ident validators: ASCII classification for the fast paths, and
// rendering of offending characters and input for error messages (error paths only).
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ndc::ident::internal {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool IsAlpha(char c) { return IsUpper(c) || IsLower(c); }
constexpr char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char ToUpper(char c) { return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

// Byte offset of the first byte that is not an ASCII digit, or npos.
constexpr size_t FindNonDigit(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsDigit(text[i])) return i;
  }
  return std::string_view::npos;
}

// Value of text[pos, pos + n) as decimal digits; the caller has checked they are digits.
constexpr int DigitsValue(std::string_view text, size_t pos, size_t n) {
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

// Renders the character starting at byte offset `pos` for a message:
//   'A'   '１' (U+FF11)   control byte 0x00   invalid UTF-8 byte 0xC3
std::string DescribeCharAt(std::string_view text, size_t pos);

// 1-based character position of byte offset `pos` (UTF-8 code points; each invalid byte counts as one).
size_t CharPosition(std::string_view text, size_t pos);

// Number of characters in `text`, counted as CharPosition does.
size_t CharCount(std::string_view text);

// 'text' for a message: control and invalid UTF-8 bytes escaped as \xNN, cut after 40 bytes with "...".
std::string Quote(std::string_view text);

// "<what> has a non-digit 'A' at position 5"
Status NonDigitError(std::string_view what, std::string_view text, size_t pos);

// Checks that `text` is exactly `length` ASCII digits. Errors (kInvalidArgument):
//   "<what> is empty", "<what> has a non-digit 'A' at position 5", "<what> must be 12 digits, got 11".
// A non-digit is reported before a wrong length, since it is the more specific fault.
Status CheckDigits(std::string_view what, std::string_view text, size_t length);

}  // namespace ndc::ident::internal
