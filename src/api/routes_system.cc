// System routes: health (public), metrics and version.
#include "api/json_body.h"
#include "api/service.h"
#include "common/json.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

void ApiService::AddSystemRoutes() {
  // Liveness and readiness in one: 200 when the store answers, 503 otherwise. No credentials,
  // and nothing about the data in the answer.
  router_.AddPublic("GET", "/healthz", [this](RouteContext&) -> Result<Response> {
    auto ping = deps_.db->Query("SELECT 1");
    json j = {{"status", ping.ok() ? "ok" : "unavailable"}, {"store", ping.ok() ? "ok" : "unreachable"}};
    return JsonResponse(DumpJson(j), ping.ok() ? 200 : 503);
  });

  router_.Add("GET", "/metrics", {Role::kOperator, Role::kAuditor}, [this](RouteContext&) -> Result<Response> {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = deps_.metrics->RenderPrometheus();
    return r;
  });

  router_.Add("GET", "/v1/version", {Role::kOperator, Role::kAgency, Role::kAnalyst, Role::kAuditor, Role::kCitizen},
              [this](RouteContext& ctx) -> Result<Response> {
                ASSIGN_OR_RETURN(int schema_version, deps_.db->SchemaVersion());
                json j = {{"version", std::string(NdcVersion())},
                          {"schema_version", schema_version},
                          {"store", std::string(store::BackendName(deps_.db->backend()))},
                          {"caller", {{"key_id", ctx.principal->key_id},
                                      {"role", std::string(auth::RoleName(ctx.principal->role))}}}};
                return JsonResponse(DumpJson(j));
              });
}

}  // namespace ndc::api
