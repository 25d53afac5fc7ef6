// text/token_set: similarity of two strings as sets of whitespace-separated tokens, insensitive
// to token order ("Nguyen Van An" / "An Nguyen Van") and tolerant of a typo inside a token.
// Conventions (code points, no folding, length bound): text/similarity_common.h.
// Definition and complexity: docs/design/text.md, "Similarity".
// Thread safety: pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "text/similarity_common.h"

namespace ndc::text {

// Tokens whose Jaro–Winkler similarity is below this count as different (weight 0).
inline constexpr double kTokenMatchThreshold = 0.9;
// Only the first this many distinct tokens of each side are compared (names have under 10).
inline constexpr size_t kMaxTokens = 64;

// A soft Dice coefficient on token sets. A and B are the sets of distinct tokens (split on
// IsWhitespace). Each pair of tokens has weight w(x, y) = JaroWinklerSimilarity(x, y) if that is
// at least kTokenMatchThreshold, else 0. With W the largest total weight of a one-to-one matching
// between A and B (found exactly, by the Hungarian algorithm), the result is
//     2 W / (|A| + |B|)            in [0, 1];
// 1.0 iff the token sets are equal, 1.0 for two strings without tokens, 0.0 if only one has none.
// A missing middle name costs a little ("Nguyen Van An" / "Nguyen An": 0.8); reordering nothing.
double TokenSetSimilarity(std::string_view a, std::string_view b);

}  // namespace ndc::text
