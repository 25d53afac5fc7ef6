#include "text/jaro_winkler.h"

#include <algorithm>
#include <bitset>

namespace ndc::text {

double JaroSimilarity(std::u32string_view a, std::u32string_view b) {
  a = internal::Bounded(a);
  b = internal::Bounded(b);
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const size_t half = std::max(a.size(), b.size()) / 2;
  const size_t window = half > 0 ? half - 1 : 0;
  std::bitset<kMaxSimilarityCodePoints> matched_a, matched_b;
  size_t m = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i >= window ? i - window : 0;
    const size_t hi = std::min(i + window + 1, b.size());
    for (size_t j = lo; j < hi; ++j) {
      if (!matched_b[j] && a[i] == b[j]) {
        matched_a[i] = matched_b[j] = true;
        ++m;
        break;
      }
    }
  }
  if (m == 0) return 0.0;
  size_t out_of_order = 0;
  for (size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!matched_a[i]) continue;
    while (!matched_b[j]) ++j;
    if (a[i] != b[j]) ++out_of_order;
    ++j;
  }
  const double md = static_cast<double>(m);
  const double t = static_cast<double>(out_of_order) / 2.0;
  return (md / static_cast<double>(a.size()) + md / static_cast<double>(b.size()) + (md - t) / md) / 3.0;
}

double JaroWinklerSimilarity(std::u32string_view a, std::u32string_view b) {
  constexpr double kPrefixScale = 0.1;
  constexpr size_t kMaxPrefix = 4;
  constexpr double kBoostThreshold = 0.7;
  const double j = JaroSimilarity(a, b);
  if (j <= kBoostThreshold) return j;
  size_t l = 0;
  const size_t max_l = std::min({kMaxPrefix, a.size(), b.size()});
  while (l < max_l && a[l] == b[l]) ++l;
  return j + static_cast<double>(l) * kPrefixScale * (1.0 - j);
}

double JaroSimilarity(std::string_view a, std::string_view b) {
  return JaroSimilarity(internal::DecodeBounded(a), internal::DecodeBounded(b));
}

double JaroWinklerSimilarity(std::string_view a, std::string_view b) {
  return JaroWinklerSimilarity(internal::DecodeBounded(a), internal::DecodeBounded(b));
}

}  // namespace ndc::text
