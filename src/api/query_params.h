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

// The boolean parameter `name`: `true` or `false`, `fallback` when absent; anything else (`yes`,
// `1`) is kInvalidArgument rather than silently false.
Result<bool> BoolParam(const Request& req, const std::string& name, bool fallback);

// The instant parameter `name`, or nullopt when absent.
Result<std::optional<int64_t>> InstantParam(const Request& req, const std::string& name);

}  // namespace ndc::api
