#include "api/router.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ndc::api {
namespace {

using auth::Role;

Result<auth::Principal> FakeAuth(std::string_view token, std::string_view /*client_cert_sha256*/) {
  if (token == "op") return auth::Principal{"k1", "ops", Role::kOperator, ""};
  if (token == "cit") return auth::Principal{"k2", "citizen", Role::kCitizen, ""};
  return UnauthenticatedError("unknown API key");
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router_(FakeAuth) {
    router_.AddPublic("GET", "/healthz", [](RouteContext&) -> Result<Response> { return JsonResponse("{}"); });
    router_.Add("GET", "/v1/datasets/{id}", {Role::kOperator}, [](RouteContext& c) -> Result<Response> {
      return JsonResponse("\"" + c.params["id"] + "\"");
    });
    router_.Add("POST", "/v1/fail", {Role::kOperator},
                [](RouteContext&) -> Result<Response> { return AlreadyExistsError("dup"); });
  }
  Response Call(std::string method, std::string path, std::string token = "") {
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return router_.Handle(r);
  }
  Router router_;
};

TEST_F(RouterTest, PublicRouteNeedsNoKey) { EXPECT_EQ(Call("GET", "/healthz").status, 200); }

TEST_F(RouterTest, MissingKeyIs401) {
  Response r = Call("GET", "/v1/datasets/x");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(nlohmann::json::parse(r.body)["detail"], "this endpoint needs an API key: send 'Authorization: Bearer <key>'");
}

// A header of another scheme (Basic, or a key without "Bearer ") is told what the header must
// be, not that it is missing; its value is never echoed.
TEST_F(RouterTest, AnotherAuthorizationSchemeIs401SayingTheForm) {
  for (const char* value : {"Basic dXNlcjpzZWNyZXQ=", "ndc_0123456789ab_s3cretvalue"}) {
    Request r;
    r.method = "GET";
    r.path = "/v1/datasets/x";
    r.headers["authorization"] = value;
    Response out = router_.Handle(r);
    EXPECT_EQ(out.status, 401);
    const std::string detail = nlohmann::json::parse(out.body)["detail"];
    EXPECT_NE(detail.find("must be 'Bearer <key>'"), std::string::npos) << detail;
    EXPECT_EQ(detail.find("s3cret"), std::string::npos) << detail;
    EXPECT_EQ(detail.find("dXNlcj"), std::string::npos) << detail;
  }
}

TEST_F(RouterTest, BadKeyIs401) { EXPECT_EQ(Call("GET", "/v1/datasets/x", "nope").status, 401); }

TEST_F(RouterTest, WrongRoleIs403NamingRole) {
  Response r = Call("GET", "/v1/datasets/x", "cit");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(nlohmann::json::parse(r.body)["detail"],
            "role 'citizen' may not call GET /v1/datasets/{id} (allowed: operator)");
}

TEST_F(RouterTest, PathParamsReachHandler) {
  Response r = Call("GET", "/v1/datasets/hoso", "op");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "\"hoso\"");
  EXPECT_EQ(r.metric_route, "/v1/datasets/{id}");
}

TEST_F(RouterTest, XApiKeyHeaderWorks) {
  Request r;
  r.method = "GET";
  r.path = "/v1/datasets/a";
  r.headers["x-api-key"] = "op";
  EXPECT_EQ(router_.Handle(r).status, 200);
}

TEST_F(RouterTest, UnknownPathIs404AndWrongMethodIs405) {
  EXPECT_EQ(Call("GET", "/v1/nothing", "op").status, 404);
  Response r = Call("DELETE", "/v1/datasets/x", "op");
  EXPECT_EQ(r.status, 405);
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers[0].second, "GET");
}

TEST_F(RouterTest, PreflightSetsPrincipalOrRefuses) {
  Request r;
  r.method = "GET";
  r.path = "/v1/datasets/a";
  r.headers["authorization"] = "Bearer op";
  EXPECT_FALSE(router_.Preflight(r).has_value());
  ASSERT_TRUE(r.principal.has_value());
  EXPECT_EQ(r.principal->role, Role::kOperator);
  Request anon;
  anon.method = "GET";
  anon.path = "/v1/datasets/a";
  auto refusal = router_.Preflight(anon);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->status, 401);
}

// A request with a body is authenticated when its headers arrive and again before its handler:
// a key revoked while the body was still arriving (up to the request timeout) is refused.
TEST(RouterRevoked, AKeyRevokedWhileTheBodyArrivesIsRefused) {
  bool revoked = false;
  Router router([&revoked](std::string_view token, std::string_view cert) -> Result<auth::Principal> {
    if (revoked) return UnauthenticatedError("API key 'k1' was revoked");
    return FakeAuth(token, cert);
  });
  router.Add("POST", "/v1/verify", {Role::kOperator},
             [](RouteContext&) -> Result<Response> { return JsonResponse("{}"); });
  Request r;
  r.method = "POST";
  r.path = "/v1/verify";
  r.headers["authorization"] = "Bearer op";
  EXPECT_FALSE(router.Preflight(r).has_value());
  revoked = true;
  EXPECT_EQ(router.Handle(r).status, 401);
}

TEST_F(RouterTest, EmptySegmentsAreNotAliases) {
  EXPECT_EQ(Call("GET", "/v1/datasets/x/", "op").status, 404);
  EXPECT_EQ(Call("GET", "//v1/datasets/x", "op").status, 404);
}

TEST_F(RouterTest, HandlerErrorBecomesProblem) {
  Response r = Call("POST", "/v1/fail", "op");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.content_type, "application/problem+json");
}

TEST_F(RouterTest, GuardRunsInPreflightAndMaySpoolTheBody) {
  router_.Add(
      "POST", "/v1/datasets/{id}/batches", {Role::kOperator},
      [](RouteContext&) -> Result<Response> { return JsonResponse("{}", 201); },
      [](Request& req, const std::map<std::string, std::string>& params) -> Status {
        if (params.at("id") != "mine") return PermissionDeniedError("not yours");
        req.spool = Request::BodySpool{"/tmp", 10, "test.limit"};
        return OkStatus();
      });
  Request ok;
  ok.method = "POST";
  ok.path = "/v1/datasets/mine/batches";
  ok.headers["authorization"] = "Bearer op";
  EXPECT_FALSE(router_.Preflight(ok).has_value());
  ASSERT_TRUE(ok.spool.has_value());
  EXPECT_EQ(ok.spool->max_bytes, 10u);
  EXPECT_EQ(router_.Handle(ok).status, 201);
  Response denied = Call("POST", "/v1/datasets/other/batches", "op");  // Handle runs the guard too
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(nlohmann::json::parse(denied.body)["detail"], "not yours");
  EXPECT_EQ(denied.metric_route, "/v1/datasets/{id}/batches");
}

// A pinned route authenticates inside the read scope and runs its handler in it; the scope
// is closed before a refusal reaches the observer (which may wait for the audit log).
TEST(RouterPinned, KeyCheckAndHandlerShareOneScopeClosedBeforeRefusalsAreObserved) {
  std::vector<std::string> trace;
  Router router([&trace](std::string_view token, std::string_view cert) -> Result<auth::Principal> {
    trace.push_back("auth");
    return FakeAuth(token, cert);
  });
  router.SetReadScope([&trace]() -> std::shared_ptr<void> {
    trace.push_back("open");
    return std::shared_ptr<int>(new int(0), [&trace](int* p) {
      trace.push_back("close");
      delete p;
    });
  });
  router.SetRefusalObserver([&trace](const Request&, const std::string&, const std::map<std::string, std::string>&,
                                     const auth::Principal*, const Status&, Response&) { trace.push_back("observed"); });
  router.AddPinned("GET", "/v1/persons/{key}", {Role::kOperator}, [&trace](RouteContext&) -> Result<Response> {
    trace.push_back("handler");
    return JsonResponse("{}");
  });
  router.Add("GET", "/v1/plain", {Role::kOperator}, [&trace](RouteContext&) -> Result<Response> {
    trace.push_back("plain");
    return JsonResponse("{}");
  });
  auto call = [&](const std::string& path, const std::string& token) {
    trace.clear();
    Request r;
    r.method = "GET";
    r.path = path;
    r.headers["authorization"] = "Bearer " + token;
    int status = router.Handle(r).status;
    std::string out = std::to_string(status);
    for (const auto& t : trace) out += " " + t;
    return out;
  };
  EXPECT_EQ(call("/v1/persons/1", "op"), "200 open auth handler close");
  EXPECT_EQ(call("/v1/persons/1", "nope"), "401 open auth close observed");
  EXPECT_EQ(call("/v1/persons/1", "cit"), "403 open auth close observed");
  EXPECT_EQ(call("/v1/plain", "op"), "200 auth plain");  // not pinned: no scope
}

}  // namespace
}  // namespace ndc::api
