// UTF-8 validation, decoding and encoding (text/unicode.h).
#include "text/internal/utf8.h"

#include <string>

#include "text/unicode.h"

namespace ndc::text {

using internal::AppendUtf8;
using internal::DecodeAt;
using internal::Decoded;

std::optional<size_t> FindInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const Decoded d = DecodeAt(s, i);
    if (!d.valid) return i;
    i += d.length;
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
