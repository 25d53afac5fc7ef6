// API key administration (operator only). The token is in the response to POST only. A citizen
// key names its person ("person", kept as named: its requests follow merges from there).
#include "api/json_body.h"
#include "api/query_params.h"
#include "api/service.h"
#include "common/certificate.h"
#include "common/json.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

namespace {

json KeyWithPerson(const auth::ApiKeyInfo& k) {
  json j = KeyJson(k);
  if (!k.person_key.empty()) j["person"] = k.person_key;
  if (!k.cert_sha256.empty()) j["cert_sha256"] = k.cert_sha256;
  return j;
}

}  // namespace

void ApiService::AddKeyRoutes() {
  router_.Add("POST", "/v1/keys", {Role::kOperator}, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(json body, ParseObjectBody(ctx.request, {"name", "role", "agency", "person", "cert_sha256"}));
    ASSIGN_OR_RETURN(std::string name, StringMember(body, "name", true));
    ASSIGN_OR_RETURN(std::string role_name, StringMember(body, "role", true));
    ASSIGN_OR_RETURN(std::string agency, StringMember(body, "agency", false));
    ASSIGN_OR_RETURN(std::string person, StringMember(body, "person", false));
    ASSIGN_OR_RETURN(std::string cert_sha256, StringMember(body, "cert_sha256", false));
    if (!cert_sha256.empty()) {
      Result<std::string> normal = NormalizeCertificateSha256(cert_sha256);
      if (!normal.ok()) return normal.status().WithContext("body.cert_sha256");
      cert_sha256 = *normal;
    }
    auto role = auth::ParseRole(role_name);
    if (!role.ok()) return role.status().WithContext("body.role");
    // The key is bound to the person named, merged or not: each request follows merges from
    // there (CitizenPerson), so a split gives the key back to its own person. Until 2026-12-01 a
    // merged person's key was bound to the survivor for good, and after a split it read the
    // survivor's data and consents.
    if (person.size() > 64) return InvalidArgumentError("body.person: a person key has at most 64 bytes");
    ASSIGN_OR_RETURN(auto key, deps_.keys->Create(name, *role, agency, person, cert_sha256));
    RETURN_IF_ERROR(AuditChange(ctx, "key.create", {"", "", key.info.id}));
    json j = KeyWithPerson(key.info);
    j["token"] = key.token;
    Response r = JsonResponse(DumpJson(j), 201);
    r.headers.emplace_back("Location", "/v1/keys/" + key.info.id);
    return r;
  });
  // Pages in creation order: a national hub holds a citizen key per person.
  router_.Add("GET", "/v1/keys", {Role::kOperator}, [this](RouteContext& ctx) -> Result<Response> {
    auth::KeyListing page;
    ASSIGN_OR_RETURN(page.limit, LimitParam(ctx.request, 100, 1000));
    auto query = [&](const std::string& name) {
      auto it = ctx.request.query.find(name);
      return it == ctx.request.query.end() ? std::string() : it->second;
    };
    if (const std::string role = query("role"); !role.empty()) {
      auto parsed = auth::ParseRole(role);
      if (!parsed.ok()) return parsed.status().WithContext("role");
      page.role = *parsed;
    }
    page.agency_id = query("agency");
    page.after_id = query("after");
    ASSIGN_OR_RETURN(auto list, deps_.keys->List(page));
    json items = json::array();
    for (const auto& k : list) items.push_back(KeyWithPerson(k));
    json next = list.size() == static_cast<size_t>(page.limit) ? json(list.back().id) : json(nullptr);
    return JsonResponse(DumpJson({{"keys", items}, {"next", next}}));
  });
  router_.Add("DELETE", "/v1/keys/{id}", {Role::kOperator}, [this](RouteContext& ctx) -> Result<Response> {
    RETURN_IF_ERROR(deps_.keys->Revoke(ctx.params["id"]));
    RETURN_IF_ERROR(AuditChange(ctx, "key.revoke", {"", "", ctx.params["id"]}));
    Response r;
    r.status = 204;
    return r;
  });
}

}  // namespace ndc::api
