// Text forms of numbers shared by the backends: exact, locale-independent, round-trip.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ndc::store {

// Shortest text that parses back to exactly `d`; "Infinity", "-Infinity", "NaN" for the
// special values (PostgreSQL's spelling).
std::string FormatDouble(double d);
// The whole of `s` as a decimal int64, else nullopt.
std::optional<int64_t> ParseInt64(std::string_view s);
// The whole of `s` as a double (also "Infinity", "-Infinity", "NaN", any case), else nullopt.
std::optional<double> ParseDouble(std::string_view s);

}  // namespace ndc::store
