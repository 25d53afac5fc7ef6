// Data-sharing agreements (src/sharing): operators conclude and change them; auditors read them
// all; an agency reads the agreements it is the consumer of (and open ones).
#include <fmt/format.h>

#include "api/json_body.h"
#include "api/query_params.h"
#include "api/service.h"
#include "common/json.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

namespace {

Result<sharing::StoredAgreement> AgreementFromBody(const Request& req) {
  ASSIGN_OR_RETURN(json body, ParseJson(req.body));
  return sharing::AgreementFromJson(body);
}

std::string Actor(const RouteContext& ctx) { return "key:" + ctx.principal->key_id; }

// Agencies see only what they are the consumer of (or open agreements): an agreement between
// two other bodies is not theirs to read.
Status MayRead(const RouteContext& ctx, const policy::Agreement& a) {
  const auth::Principal& who = *ctx.principal;
  if (who.role != Role::kAgency || a.consumer_agency == who.agency_id || a.consumer_agency == "*") {
    return OkStatus();
  }
  return NotFoundError(fmt::format("agreement '{}' does not exist", a.id));
}

Response AgreementResponse(const sharing::StoredAgreement& a, int status = 200) {
  return JsonResponse(DumpJson(sharing::AgreementToJson(a)), status);
}

}  // namespace

void ApiService::AddAgreementRoutes() {
  const std::set<Role> readers = {Role::kOperator, Role::kAuditor, Role::kAgency};
  auto store = [this]() -> Result<sharing::AgreementStore*> {
    if (deps_.agreements == nullptr) return InternalError("agreements are not configured on this server");
    return deps_.agreements;
  };
  router_.Add("POST", "/v1/agreements", {Role::kOperator}, [this, store](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(sharing::AgreementStore * agreements, store());
    ASSIGN_OR_RETURN(auto draft, AgreementFromBody(ctx.request));
    ASSIGN_OR_RETURN(auto a, agreements->Create(std::move(draft), Actor(ctx)));
    RETURN_IF_ERROR(AuditChange(ctx, "agreement.create", {"", "", fmt::format("agreement/{}@1", a.agreement.id)}));
    Response r = AgreementResponse(a, 201);
    r.headers.emplace_back("Location", "/v1/agreements/" + a.agreement.id);
    return r;
  });
  router_.Add("PUT", "/v1/agreements/{id}", {Role::kOperator}, [this, store](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(sharing::AgreementStore * agreements, store());
    ASSIGN_OR_RETURN(auto draft, AgreementFromBody(ctx.request));
    if (draft.agreement.id != ctx.params["id"]) {
      return InvalidArgumentError(fmt::format("the document's id '{}' does not match the agreement '{}' in the path",
                                              draft.agreement.id, ctx.params["id"]));
    }
    ASSIGN_OR_RETURN(auto a, agreements->Update(std::move(draft), Actor(ctx)));
    RETURN_IF_ERROR(AuditChange(
        ctx, "agreement.update", {"", "", fmt::format("agreement/{}@{}", a.agreement.id, a.agreement.version)}));
    return AgreementResponse(a);
  });
  router_.Add("POST", "/v1/agreements/{id}/status", {Role::kOperator},
              [this, store](RouteContext& ctx) -> Result<Response> {
                ASSIGN_OR_RETURN(sharing::AgreementStore * agreements, store());
                ASSIGN_OR_RETURN(json body, ParseObjectBody(ctx.request, {"status"}));
                ASSIGN_OR_RETURN(std::string name, StringMember(body, "status", true));
                auto status = policy::ParseAgreementStatus(name);
                if (!status) {
                  return InvalidArgumentError(fmt::format(
                      "body.status: unknown status '{}' (expected draft, active, suspended or revoked)", name));
                }
                ASSIGN_OR_RETURN(auto a, agreements->SetStatus(ctx.params["id"], *status, Actor(ctx)));
                RETURN_IF_ERROR(AuditChange(ctx, "agreement.set_status",
                                            {"", "", fmt::format("agreement/{}@{}", a.agreement.id,
                                                                 a.agreement.version)}));
                return AgreementResponse(a);
              });
  router_.Add("GET", "/v1/agreements", readers, [store](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(sharing::AgreementStore * agreements, store());
    std::string consumer;
    if (auto it = ctx.request.query.find("consumer"); it != ctx.request.query.end()) consumer = it->second;
    if (ctx.principal->role == Role::kAgency) consumer = ctx.principal->agency_id;
    ASSIGN_OR_RETURN(auto list, agreements->List(consumer));
    json items = json::array();
    for (const auto& a : list) items.push_back(sharing::AgreementToJson(a));
    return JsonResponse(DumpJson({{"agreements", items}}));
  });
  router_.Add("GET", "/v1/agreements/{id}", readers, [store](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(sharing::AgreementStore * agreements, store());
    ASSIGN_OR_RETURN(std::optional<int64_t> version, IntParam(ctx.request, "version", 1, 1000000));
    // Whether the caller may read it comes first: "has no version N" would tell an agency that
    // another pair's agreement exists, and how many versions it has (review of 2026-12-01).
    ASSIGN_OR_RETURN(auto a, agreements->Get(ctx.params["id"], std::nullopt));
    RETURN_IF_ERROR(MayRead(ctx, a.agreement));
    if (!version) return AgreementResponse(a);
    ASSIGN_OR_RETURN(auto past, agreements->Get(ctx.params["id"], static_cast<int>(*version)));
    RETURN_IF_ERROR(MayRead(ctx, past.agreement));
    return AgreementResponse(past);
  });
  router_.Add("GET", "/v1/agreements/{id}/versions", readers, [store](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(sharing::AgreementStore * agreements, store());
    ASSIGN_OR_RETURN(auto versions, agreements->Versions(ctx.params["id"]));
    RETURN_IF_ERROR(MayRead(ctx, versions.back().agreement));
    json items = json::array();
    for (const auto& a : versions) items.push_back(sharing::AgreementToJson(a));
    return JsonResponse(DumpJson({{"versions", items}}));
  });
}

}  // namespace ndc::api
