// text/similarity_common: conventions shared by the string similarity functions
// (text/jaro_winkler.h, text/damerau_levenshtein.h, text/token_set.h; all via text/similarity.h).
//
//  - Strings are compared as sequences of Unicode code points, never bytes: "Nguyễn" has 6. The
//    UTF-8 overloads decode lossily (U+FFFD per ill-formed sequence).
//  - Comparison is exact on code points: callers fold first (text/fold.h) to ignore case and
//    diacritics. Keeping the comparators generic keeps the Vietnamese rules in one place.
//  - Each input is compared on its first kMaxSimilarityCodePoints code points. Names are far
//    shorter; the bound caps time and memory (quadratic algorithms) on hostile input.
// Thread safety: all functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ndc::text {

inline constexpr size_t kMaxSimilarityCodePoints = 1024;

namespace internal {

// The first kMaxSimilarityCodePoints code points of `s`, decoded lossily, without decoding more.
std::u32string DecodeBounded(std::string_view s);

inline std::u32string_view Bounded(std::u32string_view s) { return s.substr(0, kMaxSimilarityCodePoints); }

}  // namespace internal
}  // namespace ndc::text
