#include "ident/internal/chars.h"

#include <fmt/format.h>

#include <cstdint>

namespace ndc::ident::internal {
namespace {

// Length of the well-formed UTF-8 sequence at `pos` and its code point, or 0 if the byte there does not
// start one (stray continuation byte, overlong form, surrogate, truncated sequence, > U+10FFFF).
size_t DecodeUtf8(std::string_view text, size_t pos, char32_t* code_point) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(pos);
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  size_t length = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
  } else {
    return 0;
  }
  static constexpr char32_t kLeadMask[] = {0, 0, 0x1F, 0x0F, 0x07};
  static constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};  // shorter forms are overlong
  char32_t cp = lead & kLeadMask[length];
  if (pos + length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    const uint8_t b = byte(pos + i);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < kMinimum[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return length;
}

}  // namespace

std::string DescribeCharAt(std::string_view text, size_t pos) {
  const auto b = static_cast<uint8_t>(text[pos]);
  if (b < 0x20 || b == 0x7F) return fmt::format("control byte 0x{:02X}", b);
  if (b < 0x80) return fmt::format("'{}'", text[pos]);
  char32_t cp = 0;
  const size_t length = DecodeUtf8(text, pos, &cp);
  if (length == 0) return fmt::format("invalid UTF-8 byte 0x{:02X}", b);
  return fmt::format("'{}' (U+{:04X})", text.substr(pos, length), static_cast<uint32_t>(cp));
}

size_t CharPosition(std::string_view text, size_t pos) {
  size_t chars = 0;
  size_t i = 0;
  while (i < pos && i < text.size()) {
    char32_t cp = 0;
    const size_t length = DecodeUtf8(text, i, &cp);
    i += length == 0 ? 1 : length;
    ++chars;
  }
  return chars + 1;
}

size_t CharCount(std::string_view text) { return CharPosition(text, text.size()) - 1; }

std::string Quote(std::string_view text) {
  constexpr size_t kMaxBytes = 40;
  std::string out = "'";
  size_t i = 0;
  while (i < text.size() && i < kMaxBytes) {
    const auto b = static_cast<uint8_t>(text[i]);
    char32_t cp = 0;
    const size_t length = b < 0x80 ? 1 : DecodeUtf8(text, i, &cp);
    if (b < 0x20 || b == 0x7F || length == 0) {
      out += fmt::format("\\x{:02X}", b);
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  if (i < text.size()) out += "...";
  out += "'";
  return out;
}

Status NonDigitError(std::string_view what, std::string_view text, size_t pos) {
  return InvalidArgumentError(fmt::format("{} has a non-digit {} at position {}", what,
                                          DescribeCharAt(text, pos), CharPosition(text, pos)));
}

Status CheckDigits(std::string_view what, std::string_view text, size_t length) {
  const size_t bad = FindNonDigit(text);
  if (bad == std::string_view::npos && text.size() == length) return OkStatus();
  if (text.empty()) return InvalidArgumentError(fmt::format("{} is empty", what));
  if (bad != std::string_view::npos) return NonDigitError(what, text, bad);
  return InvalidArgumentError(fmt::format("{} must be {} digits, got {}", what, length, text.size()));
}

}  // namespace ndc::ident::internal
