// Record keys on the command line. A composite key joins its fields with U+001F, which a shell
// cannot type and a terminal does not show; the CLI spells it as URLs do (the API's
// /records/HN%1F001): keys are shown with U+001F as "%1F" and '%' as "%25", and a key typed with
// "%1F" (or "%1f") and "%25" means those characters. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ndc::cli {

// The key a user typed, as stored: "%1F"/"%1f" -> U+001F, "%25" -> '%'; anything else as typed.
std::string KeyFromArg(std::string_view typed);

// A stored key as the CLI shows it (and as KeyFromArg reads it back).
std::string ShownKey(std::string_view key);

}  // namespace ndc::cli
