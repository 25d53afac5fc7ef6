// Catalog routes: agencies and datasets (schemas, versions).
#include <fmt/format.h>

#include "api/json_body.h"
#include "api/service.h"
#include "common/json.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

namespace {

const std::set<Role> kReaders = {Role::kOperator, Role::kAgency, Role::kAnalyst, Role::kAuditor};

Result<catalog::DatasetSchema> SchemaFromBody(const Request& req) {
  auto ct = req.Header("content-type").value_or("application/json");
  if (ct.find("toml") != std::string_view::npos) return catalog::ParseSchemaToml(req.body);
  if (ct.find("json") != std::string_view::npos) return catalog::ParseSchemaJson(req.body);
  return InvalidArgumentError(fmt::format(
      "a dataset schema must be sent as application/json or application/toml, got '{}'", ct));
}

}  // namespace

void ApiService::AddCatalogRoutes() {
  router_.Add("POST", "/v1/agencies", {Role::kOperator}, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(json body, ParseObjectBody(ctx.request, {"id", "name", "kind"}));
    catalog::Agency a;
    ASSIGN_OR_RETURN(a.id, StringMember(body, "id", true));
    ASSIGN_OR_RETURN(a.name, StringMember(body, "name", true));
    ASSIGN_OR_RETURN(a.kind, StringMember(body, "kind", false, "state"));
    ASSIGN_OR_RETURN(a, deps_.catalog->CreateAgency(a));
    RETURN_IF_ERROR(AuditChange(ctx, "agency.create", {"", "", a.id}));
    Response r = JsonResponse(DumpJson(AgencyJson(a)), 201);
    r.headers.emplace_back("Location", "/v1/agencies/" + a.id);
    return r;
  });
  router_.Add("GET", "/v1/agencies", kReaders, [this](RouteContext&) -> Result<Response> {
    ASSIGN_OR_RETURN(auto list, deps_.catalog->ListAgencies());
    json items = json::array();
    for (const auto& a : list) items.push_back(AgencyJson(a));
    return JsonResponse(DumpJson({{"agencies", items}}));
  });
  router_.Add("GET", "/v1/agencies/{id}", kReaders, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(auto a, deps_.catalog->GetAgency(ctx.params["id"]));
    return JsonResponse(DumpJson(AgencyJson(a)));
  });

  router_.Add("POST", "/v1/datasets", {Role::kOperator}, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(auto schema, SchemaFromBody(ctx.request));
    ASSIGN_OR_RETURN(auto info, deps_.catalog->CreateDataset(schema));
    RETURN_IF_ERROR(AuditChange(ctx, "dataset.create", {"", info.schema.id, ""}));
    Response r = JsonResponse(DumpJson(DatasetJson(info)), 201);
    r.headers.emplace_back("Location", "/v1/datasets/" + info.schema.id);
    return r;
  });
  router_.Add("GET", "/v1/datasets", kReaders, [this](RouteContext&) -> Result<Response> {
    ASSIGN_OR_RETURN(auto list, deps_.catalog->ListDatasets());
    json items = json::array();
    for (const auto& d : list) items.push_back(DatasetSummaryJson(d));
    return JsonResponse(DumpJson({{"datasets", items}}));
  });
  router_.Add("GET", "/v1/datasets/{id}", kReaders, [this](RouteContext& ctx) -> Result<Response> {
    std::optional<int> version;
    if (auto it = ctx.request.query.find("version"); it != ctx.request.query.end()) {
      char* end = nullptr;
      long v = std::strtol(it->second.c_str(), &end, 10);
      if (it->second.empty() || *end != '\0' || v < 1 || v > 1000000) {
        return InvalidArgumentError("query parameter version must be a positive integer, got '" + it->second + "'");
      }
      version = static_cast<int>(v);
    }
    ASSIGN_OR_RETURN(auto info, deps_.catalog->GetDataset(ctx.params["id"], version));
    return JsonResponse(DumpJson(DatasetJson(info)));
  });
  router_.Add("PUT", "/v1/datasets/{id}/schema", {Role::kOperator}, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(auto schema, SchemaFromBody(ctx.request));
    if (schema.id != ctx.params["id"]) {
      return InvalidArgumentError(fmt::format("the schema's id '{}' does not match the dataset '{}' in the path",
                                              schema.id, ctx.params["id"]));
    }
    ASSIGN_OR_RETURN(auto update, deps_.catalog->UpdateSchema(schema));
    if (update.changed) {
      RETURN_IF_ERROR(AuditChange(ctx, "dataset.update_schema", {"", schema.id, ""}, update.added_fields));
    }
    json j = DatasetJson(update.dataset);
    j["changed"] = update.changed;
    j["added_fields"] = update.added_fields;
    return JsonResponse(DumpJson(j));
  });
}

}  // namespace ndc::api
