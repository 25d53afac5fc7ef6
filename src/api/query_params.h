// Query parameters shared by the handlers: integers within bounds, page sizes, and instants given
// as RFC 3339 or Unix microseconds. Each error is kInvalidArgument naming the parameter and what
// it must be. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/http.h"
#include "common/result.h"

namespace ndc::api {

// The decimal integer parameter `name` in [min, max], or nullopt when absent.
Result<std::optional<int64_t>> IntParam(const Request& req, const std::string& name, int64_t min,
                                        int64_t max);

// `limit`: fallback when absent, else 1..max.
Result<int> LimitParam(const Request& req, int fallback, int max);

// "2026-01-31T08:00:00Z", "2026-01-31T15:00:00.5+07:00" (RFC 3339, any offset, up to 9
// fractional digits; lower-case t/z accepted) or Unix microseconds ("1769846400000000").
Result<int64_t> ParseInstant(std::string_view text);
// The instant parameter `name`, or nullopt when absent.
Result<std::optional<int64_t>> InstantParam(const Request& req, const std::string& name);

}  // namespace ndc::api
