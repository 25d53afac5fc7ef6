#include "text/damerau_levenshtein.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace ndc::text {
namespace {

// Maps the code points of a and b to dense ids 0..k-1 (so the "last row seen" table is a vector).
size_t Densify(std::u32string_view a, std::u32string_view b, std::vector<uint32_t>* ia,
               std::vector<uint32_t>* ib) {
  std::u32string alphabet;
  alphabet.reserve(a.size() + b.size());
  alphabet.append(a);
  alphabet.append(b);
  std::sort(alphabet.begin(), alphabet.end());
  alphabet.erase(std::unique(alphabet.begin(), alphabet.end()), alphabet.end());
  auto id = [&alphabet](char32_t c) {
    return static_cast<uint32_t>(std::lower_bound(alphabet.begin(), alphabet.end(), c) - alphabet.begin());
  };
  for (char32_t c : a) ia->push_back(id(c));
  for (char32_t c : b) ib->push_back(id(c));
  return alphabet.size();
}

}  // namespace

size_t DamerauLevenshteinDistance(std::u32string_view a, std::u32string_view b) {
  a = internal::Bounded(a);
  b = internal::Bounded(b);
  if (a.empty()) return b.size();
  if (b.empty()) return a.size();
  std::vector<uint32_t> sa, sb;
  const size_t alphabet = Densify(a, b, &sa, &sb);
  const size_t la = a.size(), lb = b.size();
  const size_t cols = lb + 2;
  // d[(i + 1) * cols + (j + 1)] is the distance between a[0, i) and b[0, j); row 0 and column 0
  // hold a value larger than any distance, so a transposition never reaches past the start.
  const auto inf = static_cast<uint32_t>(la + lb);
  std::vector<uint32_t> d((la + 2) * cols);
  auto at = [&d, cols](size_t i, size_t j) -> uint32_t& { return d[i * cols + j]; };
  at(0, 0) = inf;
  for (size_t i = 0; i <= la; ++i) {
    at(i + 1, 0) = inf;
    at(i + 1, 1) = static_cast<uint32_t>(i);
  }
  for (size_t j = 0; j <= lb; ++j) {
    at(0, j + 1) = inf;
    at(1, j + 1) = static_cast<uint32_t>(j);
  }
  std::vector<size_t> last_row(alphabet, 0);  // last row (1-based) where each code point was in a
  for (size_t i = 1; i <= la; ++i) {
    size_t last_col = 0;  // last column (1-based) in this row where b matched a[i - 1]
    for (size_t j = 1; j <= lb; ++j) {
      const size_t k = last_row[sb[j - 1]];
      const size_t l = last_col;
      uint32_t cost = 1;
      if (sa[i - 1] == sb[j - 1]) {
        cost = 0;
        last_col = j;
      }
      const uint32_t substitute = at(i, j) + cost;
      const uint32_t insert = at(i + 1, j) + 1;
      const uint32_t erase = at(i, j + 1) + 1;
      const uint32_t transpose = at(k, l) + static_cast<uint32_t>((i - k - 1) + 1 + (j - l - 1));
      at(i + 1, j + 1) = std::min({substitute, insert, erase, transpose});
    }
    last_row[sa[i - 1]] = i;
  }
  return at(la + 1, lb + 1);
}

double DamerauLevenshteinSimilarity(std::u32string_view a, std::u32string_view b) {
  const size_t longest = std::max(internal::Bounded(a).size(), internal::Bounded(b).size());
  if (longest == 0) return 1.0;
  return 1.0 - static_cast<double>(DamerauLevenshteinDistance(a, b)) / static_cast<double>(longest);
}

size_t DamerauLevenshteinDistance(std::string_view a, std::string_view b) {
  return DamerauLevenshteinDistance(internal::DecodeBounded(a), internal::DecodeBounded(b));
}

double DamerauLevenshteinSimilarity(std::string_view a, std::string_view b) {
  return DamerauLevenshteinSimilarity(internal::DecodeBounded(a), internal::DecodeBounded(b));
}

}  // namespace ndc::text
