#include "api/json_body.h"

#include <fmt/format.h>

#include "common/clock.h"
#include "common/json.h"

namespace ndc::api {

using nlohmann::json;

Result<json> ParseObjectBody(const Request& req, const std::set<std::string>& allowed) {
  if (auto ct = req.Header("content-type"); ct && ct->find("json") == std::string_view::npos) {
    return InvalidArgumentError(fmt::format("body must be JSON (Content-Type: application/json), got '{}'", *ct));
  }
  auto parsed = ParseJson(req.body);
  if (!parsed.ok()) return parsed.status().WithContext("body");
  if (!parsed->is_object()) return InvalidArgumentError("body must be a JSON object");
  for (auto it = parsed->begin(); it != parsed->end(); ++it) {
    if (!allowed.contains(it.key())) {
      return InvalidArgumentError(fmt::format("body: unknown field '{}' (allowed: {})", it.key(), fmt::join(allowed, ", ")));
    }
  }
  return std::move(*parsed);
}

Result<std::string> StringMember(const json& obj, const std::string& key, bool required, const std::string& fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return InvalidArgumentError("body." + key + ": is required");
    return fallback;
  }
  if (!it->is_string()) return InvalidArgumentError("body." + key + ": must be a string");
  return it->get<std::string>();
}

json AgencyJson(const catalog::Agency& a) {
  return {{"id", a.id}, {"name", a.name}, {"kind", a.kind}, {"created_at", FormatRfc3339(a.created_at)}};
}

json DatasetSummaryJson(const catalog::DatasetInfo& d) {
  return {{"id", d.schema.id},
          {"title", d.schema.title},
          {"owner", d.schema.owner},
          {"version", d.current_version},
          {"classification",
           {{"data", std::string(catalog::DataClassName(*d.schema.classification.data))},
            {"personal", std::string(catalog::PersonalClassName(*d.schema.classification.personal))}}},
          {"field_count", d.schema.fields.size()},
          {"updated_at", FormatRfc3339(d.updated_at)}};
}

json DatasetJson(const catalog::DatasetInfo& d) {
  json j = DatasetSummaryJson(d);
  j["version"] = d.version;
  j["current_version"] = d.current_version;
  j["created_at"] = FormatRfc3339(d.created_at);
  j["record_table"] = d.record_table;
  j["history_table"] = d.history_table;
  j["schema"] = json::parse(catalog::SchemaToJson(d.schema));
  return j;
}

json KeyJson(const auth::ApiKeyInfo& k) {
  json j = {{"id", k.id}, {"name", k.name}, {"role", std::string(auth::RoleName(k.role))},
            {"created_at", FormatRfc3339(k.created_at)}};
  if (!k.agency_id.empty()) j["agency"] = k.agency_id;
  j["revoked_at"] = k.revoked_at ? json(FormatRfc3339(*k.revoked_at)) : json(nullptr);
  return j;
}

}  // namespace ndc::api
