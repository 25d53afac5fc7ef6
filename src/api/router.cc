#include "api/router.h"

#include <fmt/format.h>

#include "api/problem.h"

namespace ndc::api {

std::vector<std::string> Router::Split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool Router::Match(const Route& r, const std::vector<std::string>& segs, std::map<std::string, std::string>* params) {
  if (r.segments.size() != segs.size()) return false;
  std::map<std::string, std::string> p;
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& pat = r.segments[i];
    if (pat.size() > 2 && pat.front() == '{' && pat.back() == '}') {
      p[pat.substr(1, pat.size() - 2)] = segs[i];
    } else if (pat != segs[i]) {
      return false;
    }
  }
  *params = std::move(p);
  return true;
}

void Router::Add(std::string method, std::string pattern, std::set<auth::Role> roles, RouteHandler handler) {
  Route r{std::move(method), pattern, Split(pattern), false, std::move(roles), std::move(handler)};
  routes_.push_back(std::move(r));
}

void Router::AddPublic(std::string method, std::string pattern, RouteHandler handler) {
  Route r{std::move(method), pattern, Split(pattern), true, {}, std::move(handler)};
  routes_.push_back(std::move(r));
}

Response Router::Handle(const Request& request) const {
  std::vector<std::string> segs = Split(request.path);
  const Route* found = nullptr;
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> p;
    if (!Match(r, segs, &p)) continue;
    allowed.push_back(r.method);
    bool method_ok = r.method == request.method || (r.method == "GET" && request.method == "HEAD");
    if (method_ok && found == nullptr) {
      found = &r;
      params = std::move(p);
    }
  }
  if (found == nullptr) {
    if (allowed.empty()) {
      return ProblemResponse(404, "NOT_FOUND", "Not found", fmt::format("no API resource at {}", request.path),
                             request.path, request.request_id);
    }
    Response r = ProblemResponse(405, "INVALID_ARGUMENT", "Method not allowed",
                                 fmt::format("{} does not support {}; allowed: {}", request.path, request.method,
                                             fmt::join(allowed, ", ")),
                                 request.path, request.request_id);
    r.headers.emplace_back("Allow", fmt::format("{}", fmt::join(allowed, ", ")));
    return r;
  }

  auth::Principal principal;
  RouteContext ctx{request, std::move(params), nullptr};
  if (!found->is_public) {
    std::string token;
    if (auto h = request.Header("authorization")) {
      std::string_view v = *h;
      if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) token = std::string(v.substr(7));
    } else if (auto k = request.Header("x-api-key")) {
      token = std::string(*k);
    }
    if (token.empty()) {
      Response r = ProblemFromStatus(
          UnauthenticatedError("this endpoint needs an API key: send 'Authorization: Bearer <key>'"), request);
      r.metric_route = found->pattern;
      return r;
    }
    Result<auth::Principal> who = authenticate_(token);
    if (!who.ok()) {
      Response r = ProblemFromStatus(who.status(), request);
      r.metric_route = found->pattern;
      return r;
    }
    principal = *who;
    if (!found->roles.contains(principal.role)) {
      std::vector<std::string> names;
      for (auto role : found->roles) names.emplace_back(auth::RoleName(role));
      Response r = ProblemFromStatus(
          PermissionDeniedError(fmt::format("role '{}' may not call {} {} (allowed: {})", auth::RoleName(principal.role),
                                            found->method, found->pattern, fmt::join(names, ", "))),
          request);
      r.metric_route = found->pattern;
      return r;
    }
    ctx.principal = &principal;
  }
  Result<Response> res = found->handler(ctx);
  Response out = res.ok() ? std::move(*res) : ProblemFromStatus(res.status(), request);
  out.metric_route = found->pattern;
  if (request.method == "HEAD") out.body.clear();
  return out;
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

Response JsonResponse(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace ndc::api
