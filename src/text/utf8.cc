// UTF-8 validation, decoding and encoding (text/unicode.h).
#include "text/internal/utf8.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "text/unicode.h"

namespace ndc::text {

using internal::AppendUtf8;
using internal::DecodeAt;
using internal::Decoded;

// Validation runs on every field of every record, so it is written for speed: eight ASCII bytes
// per step, then the well-formed byte sequences of Unicode Table 3-7 checked inline.
std::optional<size_t> FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    auto cont = [&](size_t k) { return (p[k] & 0xC0) == 0x80; };
    if (c < 0xC2) return i;  // continuation byte or overlong 2-byte lead
    if (c < 0xE0) {
      if (i + 1 >= n || !cont(i + 1)) return i;
      i += 2;
    } else if (c < 0xF0) {
      if (i + 2 >= n) return i;
      const unsigned char c1 = p[i + 1];
      bool ok1 = c == 0xE0 ? (c1 >= 0xA0 && c1 <= 0xBF) : c == 0xED ? (c1 >= 0x80 && c1 <= 0x9F) : cont(i + 1);
      if (!ok1 || !cont(i + 2)) return i;
      i += 3;
    } else if (c < 0xF5) {
      if (i + 3 >= n) return i;
      const unsigned char c1 = p[i + 1];
      bool ok1 = c == 0xF0 ? (c1 >= 0x90 && c1 <= 0xBF) : c == 0xF4 ? (c1 >= 0x80 && c1 <= 0x8F) : cont(i + 1);
      if (!ok1 || !cont(i + 2) || !cont(i + 3)) return i;
      i += 4;
    } else {
      return i;
    }
  }
  return std::nullopt;
}

bool IsValidUtf8(std::string_view s) { return !FindInvalidUtf8(s).has_value(); }

std::string ToValidUtf8(std::string_view s) {
  const std::optional<size_t> bad = FindInvalidUtf8(s);
  if (!bad) return std::string(s);
  std::string out(s.substr(0, *bad));
  out.reserve(s.size() + 8);
  for (size_t i = *bad; i < s.size();) {
    const Decoded d = DecodeAt(s, i);
    if (d.valid) {
      out.append(s.substr(i, d.length));
    } else {
      AppendUtf8(internal::kReplacementChar, &out);
    }
    i += d.length;
  }
  return out;
}

Result<std::u32string> DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const Decoded d = DecodeAt(s, i);
    if (!d.valid) return internal::CheckUtf8(s);  // reports the offset
    out.push_back(d.cp);
    i += d.length;
  }
  return out;
}

std::u32string DecodeUtf8Lossy(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const Decoded d = DecodeAt(s, i);
    out.push_back(d.cp);
    i += d.length;
  }
  return out;
}

std::string EncodeUtf8(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t cp : code_points) AppendUtf8(cp, &out);
  return out;
}

namespace internal {

Status CheckUtf8(std::string_view s) {
  const std::optional<size_t> bad = FindInvalidUtf8(s);
  if (!bad) return OkStatus();
  return InvalidArgumentError("invalid UTF-8 at byte " + std::to_string(*bad));
}

}  // namespace internal
}  // namespace ndc::text
