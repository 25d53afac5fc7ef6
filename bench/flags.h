// bench/flags.h: whole-number flag values (--persons, --entries, --threads, ...) parsed the same
// way by every benchmark, so that a typo is refused with the benchmark's usage instead of being
// read as 0 or ending in an uncaught exception.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>

namespace ndc::bench {

// `value` as a whole number: decimal digits only (no sign, no blanks, no suffix) and in range;
// nullopt otherwise.
inline std::optional<uint64_t> ParseCount(const char* value) {
  if (value == nullptr || *value < '0' || *value > '9') return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const unsigned long long n = std::strtoull(value, &end, 10);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return static_cast<uint64_t>(n);
}

}  // namespace ndc::bench
