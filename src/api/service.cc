#include "api/service.h"

namespace ndc::api {

std::string_view NdcVersion() { return "0.1.0"; }

ApiService::ApiService(ServiceDeps deps)
    : deps_(deps), router_([keys = deps.keys](std::string_view token) { return keys->Authenticate(token); }) {
  AddSystemRoutes();
  AddCatalogRoutes();
  AddKeyRoutes();
  AddAuditRoutes();
}

Status ApiService::AuditChange(const RouteContext& ctx, std::string action, audit::Subject subject,
                               std::vector<std::string> fields) {
  if (deps_.audit == nullptr) return InternalError("the audit log is not configured");
  audit::Entry e;
  e.actor = {ctx.principal->key_id, ctx.principal->agency_id, std::string(auth::RoleName(ctx.principal->role))};
  e.action = std::move(action);
  e.subject = std::move(subject);
  e.fields = std::move(fields);
  e.purpose = "administration";
  e.legal_basis = "operator role";
  e.decision = audit::Decision::kAllowed;
  e.request_id = ctx.request.request_id;
  auto appended = deps_.audit->Append(std::move(e));
  if (!appended.ok()) return appended.status().WithContext("the change was made but its audit entry failed");
  return OkStatus();
}

}  // namespace ndc::api
