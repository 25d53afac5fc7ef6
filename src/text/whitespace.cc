// Whitespace classification, collapsing and trimming (text/unicode.h).
#include <string>

#include "text/internal/utf8.h"
#include "text/unicode.h"

namespace ndc::text {

bool IsWhitespace(char32_t cp) {
  // The White_Space property (PropList.txt); stable since Unicode 6.3, so a list beats a lookup.
  if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
  if (cp < 0x85) return false;
  switch (cp) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

namespace {

// Length of the whitespace code point at s[i], or 0 if there is none.
size_t WhitespaceAt(std::string_view s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return IsWhitespace(b) ? 1 : 0;
  const internal::Decoded d = internal::DecodeAt(s, i);
  return d.valid && IsWhitespace(d.cp) ? static_cast<size_t>(d.length) : 0;
}

// Length of the code point (or ill-formed subpart) at s[i].
size_t StepAt(std::string_view s, size_t i) {
  if (static_cast<unsigned char>(s[i]) < 0x80) return 1;
  return static_cast<size_t>(internal::DecodeAt(s, i).length);
}

}  // namespace

std::string CollapseWhitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (size_t i = 0; i < s.size();) {
    if (const size_t ws = WhitespaceAt(s, i); ws > 0) {
      pending_space = !out.empty();
      i += ws;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    const size_t step = StepAt(s, i);
    out.append(s.substr(i, step));
    i += step;
  }
  return out;
}

std::string_view TrimWhitespace(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    const size_t ws = WhitespaceAt(s, begin);
    if (ws == 0) break;
    begin += ws;
  }
  size_t end = s.size();
  while (end > begin) {
    // Step back to the start of the last code point: at most 3 continuation bytes.
    size_t start = end - 1;
    while (start > begin && end - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
      --start;
    }
    const size_t ws = WhitespaceAt(s, start);
    if (ws == 0 || start + ws != end) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

}  // namespace ndc::text
