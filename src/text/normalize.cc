// NFC normalization (text/unicode.h) through the cached ICU normalizer.
#include <string>

#include "text/internal/icu.h"
#include "text/internal/utf8.h"
#include "text/unicode.h"

namespace ndc::text {

Result<std::string> NormalizeNfc(std::string_view s) {
  RETURN_IF_ERROR(internal::CheckUtf8(s));
  if (internal::IsAscii(s)) return std::string(s);  // ASCII is always NFC
  std::string out;
  out.reserve(s.size());
  RETURN_IF_ERROR(internal::AppendNormalized(s, /*nfd=*/false, &out));
  return out;
}

}  // namespace ndc::text
