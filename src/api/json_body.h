// Helpers for JSON request bodies and JSON views of catalog and key objects, shared by the
// handlers. Pure functions; thread-safe.
#pragma once

#include <initializer_list>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "api/http.h"
#include "auth/api_keys.h"
#include "catalog/catalog.h"
#include "common/result.h"

namespace ndc::api {

// Parses a JSON object body, refusing unknown members: kInvalidArgument naming the problem
// ("body: unknown field 'nmae' (allowed: id, kind, name)").
Result<nlohmann::json> ParseObjectBody(const Request& req, const std::set<std::string>& allowed);
// A required / optional string member; kInvalidArgument "body.name: ..." otherwise.
Result<std::string> StringMember(const nlohmann::json& obj, const std::string& key, bool required,
                                 const std::string& fallback = "");

nlohmann::json AgencyJson(const catalog::Agency& a);
nlohmann::json DatasetSummaryJson(const catalog::DatasetInfo& d);
nlohmann::json DatasetJson(const catalog::DatasetInfo& d);
nlohmann::json KeyJson(const auth::ApiKeyInfo& k);

}  // namespace ndc::api
