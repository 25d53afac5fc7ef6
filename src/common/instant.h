// Instants in text: RFC 3339 timestamps, dates and Unix microseconds, as operators and clients
// write them in query parameters, CLI options and documents. Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace ndc {

// "2026-01-31T08:00:00Z", "2026-01-31T15:00:00.5+07:00" (RFC 3339, any offset, fractions cut to
// the microsecond; lower-case t/z accepted), Unix microseconds ("1769846400000000") and, when
// `allow_date`, a date ("2026-01-31", midnight UTC). kInvalidArgument says which forms work.
Result<int64_t> ParseInstant(std::string_view text, bool allow_date = true);

}  // namespace ndc
