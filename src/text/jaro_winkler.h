// text/jaro_winkler: Jaro and Jaro–Winkler similarity of two strings, in [0, 1].
// Conventions (code points, no folding, length bound): text/similarity_common.h.
// Definition and complexity: docs/design/text.md, "Similarity".
// Thread safety: pure functions, thread-safe.
#pragma once

#include <string_view>

#include "text/similarity_common.h"

namespace ndc::text {

// Jaro (1989): with m characters matching within a window of max(|a|,|b|)/2 - 1 positions and t
// half the number of matched characters out of order, (m/|a| + m/|b| + (m - t)/m) / 3; 0 if
// m = 0. Two empty strings are identical (1.0); an empty and a non-empty one score 0.0.
// O(|a| * window) time, no allocation.
double JaroSimilarity(std::u32string_view a, std::u32string_view b);
double JaroSimilarity(std::string_view a, std::string_view b);

// Jaro–Winkler (Winkler 1990): j + l * 0.1 * (1 - j), where j is the Jaro similarity and l the
// length of the common prefix, at most 4; the prefix bonus applies only when j > 0.7 (Winkler's
// boost threshold). MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.840, DIXON/DICKSONX 0.813.
double JaroWinklerSimilarity(std::u32string_view a, std::u32string_view b);
double JaroWinklerSimilarity(std::string_view a, std::string_view b);

}  // namespace ndc::text
