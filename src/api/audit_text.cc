#include "api/audit_text.h"

#include <fmt/format.h>

#include <cstdint>

#include "text/unicode.h"

namespace ndc::api {

std::string AuditText(std::string_view text, size_t max_bytes) {
  const size_t kMaxBytes = max_bytes;
  bool utf8 = text::IsValidUtf8(text);
  std::string out;
  for (char ch : text) {
    auto c = static_cast<uint8_t>(ch);
    if (c < 0x20 || c == 0x7f || c == '%' || (c >= 0x80 && !utf8)) {
      out += fmt::format("%{:02X}", c);
    } else {
      out.push_back(ch);
    }
    if (out.size() >= kMaxBytes) break;
  }
  // A cut may have split a UTF-8 sequence: drop its start.
  while (!out.empty() && !text::IsValidUtf8(out)) out.pop_back();
  return out;
}

}  // namespace ndc::api
