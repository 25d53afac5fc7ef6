#include "auth/principal.h"

namespace ndc::auth {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOperator: return "operator";
    case Role::kAgency: return "agency";
    case Role::kAnalyst: return "analyst";
    case Role::kAuditor: return "auditor";
    case Role::kCitizen: return "citizen";
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kOperator, Role::kAgency, Role::kAnalyst, Role::kAuditor, Role::kCitizen}) {
    if (RoleName(r) == name) return r;
  }
  return InvalidArgumentError("unknown role '" + std::string(name) +
                              "' (expected operator, agency, analyst, auditor or citizen)");
}

}  // namespace ndc::auth
