// link/schema_map: the column map of a dataset from its catalog schema file, through the fields'
// `person` attributes (docs/design/dataset-schema.md, "Person attributes"). Lets a dataset with a
// schema be linked with the person settings without writing a column map by hand.
// Thread safety: pure function.
#pragma once

#include <string_view>

#include "common/result.h"
#include "link/settings.h"

namespace ndc::link {

// Every field with a `person` attribute that `settings` declares maps that attribute to the
// field's `column` (or `name`); the id column is the schema's single-field `source_key`.
// Errors: kInvalidArgument "schema: ..." when the JSON is not a schema object.
Result<ColumnMap> ColumnMapFromSchemaJson(std::string_view schema_json, const Settings& settings);

}  // namespace ndc::link
