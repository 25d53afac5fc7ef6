// text/similarity: the string similarity functions used to compare names, one header each:
//   text/jaro_winkler.h        JaroSimilarity, JaroWinklerSimilarity
//   text/damerau_levenshtein.h DamerauLevenshteinDistance (unrestricted), ...Similarity
//   text/token_set.h           TokenSetSimilarity (order-insensitive, typo-tolerant)
// Shared conventions (code points, exact comparison, length bound): text/similarity_common.h.
// Thread safety: all pure functions, thread-safe.
#pragma once

#include "text/damerau_levenshtein.h"
#include "text/jaro_winkler.h"
#include "text/similarity_common.h"
#include "text/token_set.h"
