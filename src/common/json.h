// Safe JSON parsing for untrusted documents (request bodies, schema files): bounded nesting depth
// (nlohmann's parser is recursive, so a deep document could exhaust the stack), no exceptions, no
// key twice in one object.
// Thread-safe.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace ndc {

constexpr size_t kDefaultMaxJsonDepth = 64;

// kInvalidArgument: "JSON nesting deeper than 64 levels", "invalid JSON at byte N: ...",
// "invalid JSON: the key "k" appears twice in one object".
Result<nlohmann::json> ParseJson(std::string_view text, size_t max_depth = kDefaultMaxJsonDepth);

// Dumps with invalid UTF-8 replaced (U+FFFD) instead of throwing.
std::string DumpJson(const nlohmann::json& j, int indent = -1);

}  // namespace ndc
