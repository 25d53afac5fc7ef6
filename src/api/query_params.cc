#include "api/query_params.h"

#include <fmt/format.h>

#include <charconv>

#include "common/instant.h"

namespace ndc::api {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

Result<std::optional<int64_t>> IntParam(const Request& req, const std::string& name, int64_t min,
                                        int64_t max) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return std::optional<int64_t>();
  const std::string& v = it->second;
  bool negative = !v.empty() && v[0] == '-';
  std::string_view digits = std::string_view(v).substr(negative ? 1 : 0);
  if (!AllDigits(digits)) {
    return InvalidArgumentError(
        fmt::format("query parameter {} must be an integer, got '{}'", name, v.substr(0, 40)));
  }
  // An integer past int64 is out of the range like any other (until 2026-12-02, 19 digits and
  // more were "not an integer").
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < min || n > max) {
    return InvalidArgumentError(
        fmt::format("query parameter {} must be between {} and {}, got {}", name, min, max, v.substr(0, 40)));
  }
  return std::optional<int64_t>(n);
}

Result<int> LimitParam(const Request& req, int fallback, int max) {
  ASSIGN_OR_RETURN(std::optional<int64_t> limit, IntParam(req, "limit", 1, max));
  return limit ? static_cast<int>(*limit) : fallback;
}

Result<bool> BoolParam(const Request& req, const std::string& name, bool fallback) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return fallback;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  return InvalidArgumentError(
      fmt::format("query parameter {} must be true or false, got '{}'", name, it->second.substr(0, 64)));
}

Result<std::optional<int64_t>> InstantParam(const Request& req, const std::string& name) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return std::optional<int64_t>();
  auto instant = ParseInstant(it->second, /*allow_date=*/false);
  if (!instant.ok()) return instant.status().WithContext("query parameter " + name);
  return std::optional<int64_t>(*instant);
}

}  // namespace ndc::api
