// text/damerau_levenshtein: edit distance with adjacent transpositions.
// Conventions (code points, no folding, length bound): text/similarity_common.h.
// Definition and complexity: docs/design/text.md, "Similarity".
// Thread safety: pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "text/similarity_common.h"

namespace ndc::text {

// The unrestricted Damerau–Levenshtein distance (Lowrance & Wagner 1975): the least number of
// insertions, deletions, substitutions and transpositions of two adjacent code points that turn
// `a` into `b`, with no restriction on editing a substring more than once. It is a metric, unlike
// the optimal-string-alignment variant: "CA" -> "ABC" is 2 here (CA -> AC -> ABC), 3 under OSA.
// O(|a| * |b|) time and memory.
size_t DamerauLevenshteinDistance(std::u32string_view a, std::u32string_view b);
size_t DamerauLevenshteinDistance(std::string_view a, std::string_view b);

// 1 - distance / max(|a|, |b|), in [0, 1]; 1.0 for two empty strings. Lengths are after the
// kMaxSimilarityCodePoints bound, like the distance.
double DamerauLevenshteinSimilarity(std::u32string_view a, std::u32string_view b);
double DamerauLevenshteinSimilarity(std::string_view a, std::string_view b);

}  // namespace ndc::text
