#include "link/schema_map.h"

#include <nlohmann/json.hpp>

#include "common/json.h"

namespace ndc::link {

Result<ColumnMap> ColumnMapFromSchemaJson(std::string_view schema_json, const Settings& settings) {
  ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(schema_json));
  if (!j.is_object() || !j.contains("fields") || !j["fields"].is_array()) {
    return InvalidArgumentError("schema: expected an object with a \"fields\" list");
  }
  ColumnMap map;
  std::string key;
  if (j.contains("source_key") && j["source_key"].is_string()) key = j["source_key"].get<std::string>();
  if (j.contains("source_key") && j["source_key"].is_array() && j["source_key"].size() == 1 &&
      j["source_key"][0].is_string()) {
    key = j["source_key"][0].get<std::string>();
  }
  for (const auto& f : j["fields"]) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string()) continue;
    std::string name = f["name"].get<std::string>();
    std::string column = f.contains("column") && f["column"].is_string() ? f["column"].get<std::string>() : name;
    if (name == key) map.id_column = column;
    if (f.contains("person") && f["person"].is_string()) {
      std::string attr = f["person"].get<std::string>();
      if (settings.AttributeIndex(attr) >= 0) map.columns[attr] = column;
    }
  }
  return map;
}

}  // namespace ndc::link
