#include "text/token_set.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "text/jaro_winkler.h"
#include "text/unicode.h"

namespace ndc::text {
namespace {

// Distinct tokens in order of first appearance, at most kMaxTokens.
std::vector<std::u32string> Tokens(std::string_view s) {
  const std::u32string cps = internal::DecodeBounded(s);
  std::vector<std::u32string> tokens;
  std::u32string current;
  auto flush = [&] {
    if (!current.empty() && tokens.size() < kMaxTokens &&
        std::find(tokens.begin(), tokens.end(), current) == tokens.end()) {
      tokens.push_back(current);
    }
    current.clear();
  };
  for (char32_t c : cps) {
    if (IsWhitespace(c)) {
      flush();
    } else {
      current.push_back(c);
    }
  }
  flush();
  return tokens;
}

// Largest total weight of a one-to-one matching of the rows of `w` (n x m, n <= m) to columns:
// the Hungarian algorithm with potentials on cost 1 - w, O(n^2 m).
double MaxWeightMatching(const std::vector<std::vector<double>>& w, size_t n, size_t m) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0);
  std::vector<size_t> p(m + 1, 0), way(m + 1, 0);  // p[j]: row (1-based) assigned to column j
  for (size_t i = 1; i <= n; ++i) {
    p[0] = i;
    size_t j0 = 0;
    std::vector<double> minv(m + 1, inf);
    std::vector<bool> used(m + 1, false);
    do {
      used[j0] = true;
      const size_t i0 = p[j0];
      double delta = inf;
      size_t j1 = 0;
      for (size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = (1.0 - w[i0 - 1][j - 1]) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  double total = 0.0;
  for (size_t j = 1; j <= m; ++j) {
    if (p[j] != 0) total += w[p[j] - 1][j - 1];
  }
  return total;
}

}  // namespace

double TokenSetSimilarity(std::string_view a, std::string_view b) {
  std::vector<std::u32string> ta = Tokens(a);
  std::vector<std::u32string> tb = Tokens(b);
  if (ta.empty() && tb.empty()) return 1.0;
  if (ta.empty() || tb.empty()) return 0.0;
  if (ta.size() > tb.size()) std::swap(ta, tb);
  std::vector<std::vector<double>> w(ta.size(), std::vector<double>(tb.size(), 0.0));
  for (size_t i = 0; i < ta.size(); ++i) {
    for (size_t j = 0; j < tb.size(); ++j) {
      const double s = JaroWinklerSimilarity(ta[i], tb[j]);
      if (s >= kTokenMatchThreshold) w[i][j] = s;
    }
  }
  const double total = MaxWeightMatching(w, ta.size(), tb.size());
  const double score = 2.0 * total / static_cast<double>(ta.size() + tb.size());
  return std::clamp(score, 0.0, 1.0);
}

}  // namespace ndc::text
