// Control and invisible formatting characters in text shown to people (text/unicode.h).
#include <fmt/format.h>

#include "text/internal/utf8.h"
#include "text/unicode.h"

namespace ndc::text {

std::optional<char32_t> FindControlOrInvisible(std::string_view s, std::u32string_view allowed) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    char32_t cp = b;
    size_t step = 1;
    if (b >= 0x80) {
      const internal::Decoded d = internal::DecodeAt(s, i);
      step = static_cast<size_t>(d.length);
      if (!d.valid) {
        i += step;
        continue;
      }
      cp = d.cp;
    }
    if (IsControlOrInvisible(cp) && allowed.find(cp) == std::u32string_view::npos) return cp;
    i += step;
  }
  return std::nullopt;
}

std::string EscapeControlOrInvisible(std::string_view s, std::u32string_view allowed) {
  const auto hidden = [&](char32_t cp) { return IsControlOrInvisible(cp) && allowed.find(cp) == allowed.npos; };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (hidden(b)) {
        out += fmt::format("\\x{:02x}", b);
      } else {
        out.push_back(s[i]);
      }
      ++i;
      continue;
    }
    const internal::Decoded d = internal::DecodeAt(s, i);
    if (!d.valid) {
      for (int k = 0; k < d.length; ++k) {
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i + static_cast<size_t>(k)]));
      }
    } else if (hidden(d.cp)) {
      const auto cp = static_cast<uint32_t>(d.cp);
      out += cp > 0xFFFF ? fmt::format("\\U{:08x}", cp) : fmt::format("\\u{:04x}", cp);
    } else {
      out.append(s.substr(i, static_cast<size_t>(d.length)));
    }
    i += static_cast<size_t>(d.length);
  }
  return out;
}

Status CheckDisplayText(std::string_view what, std::string_view s, std::u32string_view allowed) {
  const std::optional<char32_t> cp = FindControlOrInvisible(s, allowed);
  if (!cp) return OkStatus();
  return InvalidArgumentError(fmt::format("{} may not contain U+{:04X} (a control or invisible formatting character: "
                                          "it would show as nothing, or change how the text around it reads)",
                                          what, static_cast<uint32_t>(*cp)));
}

}  // namespace ndc::text
