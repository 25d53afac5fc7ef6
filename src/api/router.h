// Router: maps (method, path) to handlers, authenticates the caller and checks its role before
// any handler runs (deny by default: a route lists the roles it allows; only routes added with
// AddPublic need no credentials).
//
// Credentials: "Authorization: Bearer <token>" or "X-API-Key: <token>". Outcomes, as problem+json:
// no credentials or a bad token -> 401 with WWW-Authenticate; a role the route does not allow ->
// 403 naming the role; unknown path -> 404; known path, other method -> 405 with Allow; then the
// route's guard, if it has one (its status as problem+json: e.g. 403 for another agency's dataset).
// Patterns are literal segments and `{name}` segments (one whole segment each).
// Add routes before serving; Handle() is then thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/http.h"
#include "auth/principal.h"
#include "common/result.h"

namespace ndc::api {

struct RouteContext {
  const Request& request;
  std::map<std::string, std::string> params;  // from {name} segments
  const auth::Principal* principal = nullptr;   // null only on public routes
  // Conditions the response waits for before it is sent, whatever the handler returns (its
  // answer, an error, a refusal): the router puts them on the response (Response::send_after).
  std::vector<ReleaseGate> send_after;
  // Set by a handler that refuses for a rate (kResourceExhausted): the router adds Retry-After.
  int64_t retry_after_seconds = 0;
  // The rate buckets this request has taken its one token from (ApiService::DecideAccess): a
  // request decided several times under one agreement (a feed's event types) is one request.
  std::set<std::string> rate_buckets_taken;
};

// One gate released when all of `gates` are (with the first error); empty when there are none.
ReleaseGate AllOf(std::vector<ReleaseGate> gates);
// Runs `response.send_after` (if any) on the calling thread, waiting for its release; returns
// the response to send (a 500 problem if the release failed). For callers without the server's
// asynchronous wait, such as tests that call a router directly.
Response WaitForRelease(Response response);

using RouteHandler = std::function<Result<Response>(RouteContext&)>;
// A route's own check, run once the caller is authenticated and its role allowed — by Preflight
// before the body of a request with a body is read, else by Handle (e.g. "this agency owns
// that dataset"). A non-OK status refuses the
// request as problem+json. It may set request.spool to have the server stream the body to disk.
using RouteGuard = std::function<Status(Request& request, const std::map<std::string, std::string>& params)>;
// `client_cert_sha256` is Request::client_cert_sha256 (keys bound to a client certificate).
using Authenticate =
    std::function<Result<auth::Principal>(std::string_view token, std::string_view client_cert_sha256)>;
// Told of every refusal by authentication or role (401/403 before any handler runs), so that
// denials can be audited: `who` is null when the caller could not be authenticated, `why` is
// the status the refusal answers with, `pattern` the route's pattern and `params` its {name} values.
// Opens a read scope for the calling thread (e.g. store::Database::PinReads); the scope ends when
// the last copy of the returned pointer is released, on the same thread.
using ReadScope = std::function<std::shared_ptr<void>()>;
using RefusalObserver =
    std::function<void(const Request& request, const std::string& pattern,
                       const std::map<std::string, std::string>& params, const auth::Principal* who, const Status& why,
                       Response& refusal)>;

class Router {
 public:
  explicit Router(Authenticate authenticate) : authenticate_(std::move(authenticate)) {}

  void Add(std::string method, std::string pattern, std::set<auth::Role> roles, RouteHandler handler,
           RouteGuard guard = nullptr);
  void AddPublic(std::string method, std::string pattern, RouteHandler handler);
  // As Add, for a route that only reads (a data endpoint without a body): when the request reaches
  // Handle unauthenticated, the caller's key is checked inside the same read scope (SetReadScope)
  // as the handler's reads, one snapshot for the whole request. The scope is closed before a
  // refusal is reported to the observer.
  void AddPinned(std::string method, std::string pattern, std::set<auth::Role> roles, RouteHandler handler);
  // Set before serving; without it AddPinned routes behave as Add ones.
  void SetReadScope(ReadScope scope) { read_scope_ = std::move(scope); }
  // Set before serving. Sees each refusal before it is sent and may change it (gate it on its
  // audit entry, or replace it); it must not throw.
  void SetRefusalObserver(RefusalObserver observer) { on_refusal_ = std::move(observer); }

  // Everything but the handler: route lookup, authentication, role check, guard. Returns the refusal,
  // or nullopt after setting request.principal (for non-public routes). The server calls this
  // when the header of a request with a body has arrived, so nobody uploads a body to a route
  // they may not call; a request without one goes straight to Handle, which does the same.
  std::optional<Response> Preflight(Request& request) const;
  // The caller's check (again when Preflight already did it: a body may take up to the request
  // timeout to arrive, and a key revoked meanwhile must not be served), then the handler.
  Response Handle(Request& request) const;

  // (method, pattern) of every route, in the order added (for docs checks and listings).
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    bool is_public = false;
    bool pinned = false;  // AddPinned
    std::set<auth::Role> roles;
    RouteHandler handler;
    RouteGuard guard;
  };
  static std::vector<std::string> Split(const std::string& path);
  static bool Match(const Route& r, const std::vector<std::string>& segs, std::map<std::string, std::string>* params);
  // The route for the request, or the 404/405 response.
  const Route* Find(const Request& request, std::map<std::string, std::string>* params, Response* refusal) const;
  // 401/403 refusal (or the guard's), or nullopt with the principal set. `scope`, if given, is
  // released before a refusal is reported to the observer (which may wait for the audit log).
  std::optional<Response> Authorize(const Route& route, const std::map<std::string, std::string>& params,
                                    Request& request, std::shared_ptr<void>* scope = nullptr) const;

  Authenticate authenticate_;
  RefusalObserver on_refusal_;
  ReadScope read_scope_;
  std::vector<Route> routes_;
};

// JSON response helper: status 200 unless given.
Response JsonResponse(std::string body, int status = 200);

}  // namespace ndc::api
