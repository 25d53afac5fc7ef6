// link/internal/ascii_similarity: the scorer's fast paths for ASCII strings. Folded names are
// ASCII almost always (FoldVietnamese removes tones and marks), and the scorer compares millions
// of them.
//  - JaroWinkler: text::JaroWinklerSimilarity on code points widened on the stack (no decoding,
//    no allocation), so the value is exactly text's.
//  - TokenSetUpperBound: a bound that lets the scorer skip text::TokenSetSimilarity (tokenizing
//    and an assignment problem) when a level's threshold cannot be reached.
// Checked against the text:: functions in ascii_similarity_test.cc. docs/design/linkage.md
// ("Performance design").
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace ndc::link::internal {

inline constexpr size_t kMaxAsciiBytes = 128;
inline constexpr size_t kMaxAsciiTokens = 8;

bool IsAscii(std::string_view s);

// text::JaroWinklerSimilarity(a, b). `ascii`: the caller knows both are ASCII (else checked).
double JaroWinkler(std::string_view a, std::string_view b, bool ascii = false);

// At least text::TokenSetSimilarity(a, b): with A and B the distinct tokens, 2 W / (|A| + |B|)
// where W sums, over the smaller side, each token's best Jaro–Winkler of at least
// text::kTokenMatchThreshold (an assignment can do no better). 1.0 for inputs it does not handle
// (not ASCII, longer than kMaxAsciiBytes, more than kMaxAsciiTokens distinct tokens).
double TokenSetUpperBound(std::string_view a, std::string_view b, bool ascii = false);

}  // namespace ndc::link::internal
