#include "api/service.h"

namespace ndc::api {

std::string_view NdcVersion() { return "0.1.0"; }

ApiService::ApiService(ServiceDeps deps)
    : deps_(deps), router_([keys = deps.keys](std::string_view token) { return keys->Authenticate(token); }) {
  AddSystemRoutes();
  AddCatalogRoutes();
  AddKeyRoutes();
}

}  // namespace ndc::api
