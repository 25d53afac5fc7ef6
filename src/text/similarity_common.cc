#include "text/similarity_common.h"

#include <algorithm>

#include "text/internal/utf8.h"

namespace ndc::text::internal {

std::u32string DecodeBounded(std::string_view s) {
  std::u32string out;
  out.reserve(std::min(s.size(), kMaxSimilarityCodePoints));
  for (size_t i = 0; i < s.size() && out.size() < kMaxSimilarityCodePoints;) {
    const Decoded d = DecodeAt(s, i);
    out.push_back(d.cp);
    i += static_cast<size_t>(d.length);
  }
  return out;
}

}  // namespace ndc::text::internal
