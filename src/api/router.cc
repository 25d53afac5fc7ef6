#include "api/router.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include <future>
#include <mutex>

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

void Router::Add(std::string method, std::string pattern, std::set<auth::Role> roles, RouteHandler handler,
                 RouteGuard guard) {
  Route r{std::move(method), pattern, Split(pattern), false, false, std::move(roles), std::move(handler),
          std::move(guard)};
  routes_.push_back(std::move(r));
}

void Router::AddPinned(std::string method, std::string pattern, std::set<auth::Role> roles, RouteHandler handler) {
  Route r{std::move(method), pattern, Split(pattern), false, true, std::move(roles), std::move(handler), nullptr};
  routes_.push_back(std::move(r));
}

void Router::AddPublic(std::string method, std::string pattern, RouteHandler handler) {
  Route r{std::move(method), pattern, Split(pattern), true, false, {}, std::move(handler), nullptr};
  routes_.push_back(std::move(r));
}

const Router::Route* Router::Find(const Request& request, std::map<std::string, std::string>* params,
                                  Response* refusal) const {
  // Empty segments ("//v1/keys", "/v1/keys/") are not aliases of real paths.
  bool clean = request.path.find("//") == std::string::npos && (request.path.size() <= 1 || request.path.back() != '/');
  std::vector<std::string> segs = Split(request.path);
  const Route* found = nullptr;
  std::vector<std::string> allowed;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> p;
    if (!clean || !Match(r, segs, &p)) continue;
    // HEAD only where nothing is decided or audited: on a data route it would record a
    // disclosure (and spend a consent's use and a rate token) for a body never sent.
    const bool head_too = r.method == "GET" && r.is_public;
    allowed.push_back(r.method);
    if (head_too) allowed.push_back("HEAD");
    bool method_ok = r.method == request.method || (head_too && request.method == "HEAD");
    if (method_ok && found == nullptr) {
      found = &r;
      *params = std::move(p);
    }
  }
  if (found != nullptr) return found;
  if (allowed.empty()) {
    *refusal = ProblemResponse(404, "NOT_FOUND", "Not found", fmt::format("no API resource at {}", request.path),
                               request.path, request.request_id);
  } else {
    *refusal = ProblemResponse(405, "INVALID_ARGUMENT", "Method not allowed",
                               fmt::format("{} does not support {}; allowed: {}", request.path, request.method,
                                           fmt::join(allowed, ", ")),
                               request.path, request.request_id);
    refusal->headers.emplace_back("Allow", fmt::format("{}", fmt::join(allowed, ", ")));
  }
  return nullptr;
}

std::optional<Response> Router::Authorize(const Route& route, const std::map<std::string, std::string>& params,
                                          Request& request, std::shared_ptr<void>* scope) const {
  if (route.is_public) return std::nullopt;
  std::string token;
  bool other_scheme = false;  // an Authorization header that is not "Bearer <key>"
  if (auto h = request.Header("authorization")) {
    std::string_view v = *h;
    // The scheme is case-insensitive (RFC 9110, 11.1); spaces around the token are not part of it.
    constexpr std::string_view kScheme = "bearer ";
    if (v.size() > kScheme.size() &&
        std::equal(kScheme.begin(), kScheme.end(), v.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      std::string_view t = v.substr(kScheme.size());
      while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
      while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
      token = std::string(t);
    } else {
      other_scheme = true;
    }
  } else if (auto k = request.Header("x-api-key")) {
    token = std::string(*k);
  }
  std::optional<Response> refusal;
  auto refuse = [&](const Status& why, const auth::Principal* who) {
    refusal = ProblemFromStatus(why, request);
    if (scope != nullptr) scope->reset();
    if (on_refusal_) on_refusal_(request, route.pattern, params, who, why, *refusal);
  };
  if (token.empty() && other_scheme) {
    // The header's value is never echoed: it may be a key sent without its scheme.
    refuse(UnauthenticatedError("the Authorization header must be 'Bearer <key>' (scheme Bearer, a space, then the "
                                "API key); this one is not"),
           nullptr);
  } else if (token.empty()) {
    refuse(UnauthenticatedError("this endpoint needs an API key: send 'Authorization: Bearer <key>'"), nullptr);
  } else if (Result<auth::Principal> who = authenticate_(token, request.client_cert_sha256); !who.ok()) {
    refuse(who.status(), nullptr);
  } else if (!route.roles.contains(who->role)) {
    std::vector<std::string> names;
    for (auto role : route.roles) names.emplace_back(auth::RoleName(role));
    refuse(PermissionDeniedError(fmt::format("role '{}' may not call {} {} (allowed: {})", auth::RoleName(who->role),
                                             route.method, route.pattern, fmt::join(names, ", "))),
           &*who);
  } else {
    request.principal = *who;
    if (route.guard) {
      if (Status allowed = route.guard(request, params); !allowed.ok()) {
        request.principal.reset();
        refuse(allowed, &*who);  // observed (audited) like any other refusal
      }
    }
  }
  if (refusal) refusal->metric_route = route.pattern;
  return refusal;
}

std::optional<Response> Router::Preflight(Request& request) const {
  std::map<std::string, std::string> params;
  Response refusal;
  const Route* route = Find(request, &params, &refusal);
  if (route == nullptr) return refusal;
  return Authorize(*route, params, request);
}

Response Router::Handle(Request& request) const {
  std::map<std::string, std::string> params;
  Response refusal;
  const Route* route = Find(request, &params, &refusal);
  if (route == nullptr) return refusal;
  // Ends after the handler, before the response waits for its release.
  std::shared_ptr<void> scope = route->pinned && read_scope_ ? read_scope_() : nullptr;
  if (!route->is_public) {
    // A request with a body was checked when its headers arrived (Preflight); its body may take
    // up to the request timeout, so it is checked again now: a key revoked meanwhile is refused.
    request.principal.reset();
    if (auto denied = Authorize(*route, params, request, &scope)) return *denied;
  }
  RouteContext ctx{request, std::move(params), request.principal ? &*request.principal : nullptr};
  Result<Response> res = route->handler(ctx);
  Response out = res.ok() ? std::move(*res) : ProblemFromStatus(res.status(), request, ctx.retry_after_seconds > 0);
  if (!res.ok() && ctx.retry_after_seconds > 0) {
    out.headers.emplace_back("Retry-After", std::to_string(ctx.retry_after_seconds));
  }
  out.metric_route = route->pattern;
  if (out.send_after) ctx.send_after.push_back(std::move(out.send_after));
  out.send_after = AllOf(std::move(ctx.send_after));
  return out;
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

ReleaseGate AllOf(std::vector<ReleaseGate> gates) {
  if (gates.empty()) return nullptr;
  if (gates.size() == 1) return std::move(gates[0]);
  // Released once every gate is, with the first error if any.
  return [gates = std::move(gates)](std::function<void(Status)> release) {
    struct Pending {
      std::mutex mu;
      size_t left;
      Status first_error;
      std::function<void(Status)> release;
    };
    auto pending = std::make_shared<Pending>();
    pending->left = gates.size();
    pending->release = std::move(release);
    for (const ReleaseGate& gate : gates) {
      gate([pending](Status s) {
        std::unique_lock lock(pending->mu);
        if (!s.ok() && pending->first_error.ok()) pending->first_error = s;
        if (--pending->left > 0) return;
        Status result = pending->first_error;
        lock.unlock();
        pending->release(result);
      });
    }
  };
}

Response WaitForRelease(Response response) {
  if (!response.send_after) return response;
  // Shared: the release may still be inside set_value when get() returns here.
  auto released = std::make_shared<std::promise<Status>>();
  std::future<Status> done = released->get_future();
  ReleaseGate gate = std::move(response.send_after);
  gate([released](Status s) { released->set_value(std::move(s)); });
  Status s = done.get();
  if (s.ok()) return response;
  Response failed = ProblemFromStatus(s, Request{});
  failed.metric_route = response.metric_route;
  return failed;
}

Response JsonResponse(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace ndc::api
