#include "link/internal/ascii_similarity.h"

#include <algorithm>
#include <string>

#include "text/jaro_winkler.h"
#include "text/token_set.h"

namespace ndc::link::internal {

namespace {

bool Fits(std::string_view s, bool ascii) { return s.size() <= kMaxAsciiBytes && (ascii || IsAscii(s)); }

// Jaro–Winkler of ASCII strings of at most kMaxAsciiBytes: one code point per byte.
double AsciiJaroWinkler(std::string_view a, std::string_view b) {
  char32_t wa[kMaxAsciiBytes], wb[kMaxAsciiBytes];
  std::copy(a.begin(), a.end(), wa);
  std::copy(b.begin(), b.end(), wb);
  return text::JaroWinklerSimilarity(std::u32string_view(wa, a.size()), std::u32string_view(wb, b.size()));
}

bool Space(char c) { return c == ' ' || (c >= 0x09 && c <= 0x0D); }  // text::IsWhitespace on ASCII

// Distinct tokens of `s` in order of first appearance; false when there are more than
// kMaxAsciiTokens.
bool Tokens(std::string_view s, std::string_view* out, size_t* n) {
  *n = 0;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && Space(s[i])) ++i;
    size_t j = i;
    while (j < s.size() && !Space(s[j])) ++j;
    if (j > i) {
      std::string_view t = s.substr(i, j - i);
      if (std::find(out, out + *n, t) == out + *n) {
        if (*n == kMaxAsciiTokens) return false;
        out[(*n)++] = t;
      }
    }
    i = j;
  }
  return true;
}

}  // namespace

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

double JaroWinkler(std::string_view a, std::string_view b, bool ascii) {
  if (!Fits(a, ascii) || !Fits(b, ascii)) return text::JaroWinklerSimilarity(a, b);
  return AsciiJaroWinkler(a, b);
}

double TokenSetUpperBound(std::string_view a, std::string_view b, bool ascii) {
  std::string_view ta[kMaxAsciiTokens], tb[kMaxAsciiTokens];
  size_t na = 0, nb = 0;
  if (!Fits(a, ascii) || !Fits(b, ascii) || !Tokens(a, ta, &na) || !Tokens(b, tb, &nb)) return 1.0;
  if (na == 0 || nb == 0) return na == nb ? 1.0 : 0.0;
  if (na > nb) {
    std::swap(ta, tb);
    std::swap(na, nb);
  }
  double total = 0;
  for (size_t i = 0; i < na; ++i) {
    double best = 0;
    for (size_t j = 0; j < nb && best < 1.0; ++j) {
      const double s = AsciiJaroWinkler(ta[i], tb[j]);
      if (s >= text::kTokenMatchThreshold) best = std::max(best, s);
    }
    total += best;
  }
  // A little above the exact sum: the assignment adds its weights in another order.
  return std::min(1.0, 2.0 * total / static_cast<double>(na + nb) + 1e-9);
}

}  // namespace ndc::link::internal
