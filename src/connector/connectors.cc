#include "connector/connectors.h"

#include <fmt/format.h>

#include <algorithm>

#include "connector/conninfo.h"

namespace ndc::connector {
Status CheckSpec(const ConnectorSpec& spec) {
  if (!IsValidConnectorName(spec.name)) {
    return InvalidArgumentError(fmt::format(
        "connector name '{}': expected a lower-case letter, then letters, digits or _ (at most 40)", spec.name));
  }
  if (spec.kind != "postgres") {
    return InvalidArgumentError(fmt::format("connector kind '{}': only postgres is supported", spec.kind));
  }
  RETURN_IF_ERROR(CheckConninfo(spec.conninfo));
  if (!spec.password_env.empty() && !IsValidEnvName(spec.password_env)) {
    return InvalidArgumentError(fmt::format("--password-env '{}': expected an environment variable name such as "
                                            "NDC_CONNECTOR_BCA_PASSWORD",
                                            spec.password_env));
  }
  if (!spec.watermark_column.empty() && !store::IsSafeIdentifier(spec.watermark_column)) {
    return InvalidArgumentError(fmt::format("watermark column '{}': expected a lower-case identifier [a-z_][a-z0-9_]*",
                                            spec.watermark_column));
  }
  for (const auto& [field, column] : spec.columns) {
    if (!store::IsSafeIdentifier(column)) {
      return InvalidArgumentError(fmt::format("--map {}={}: expected a lower-case column name [a-z_][a-z0-9_]*",
                                              field, column));
    }
  }
  if (spec.every_seconds < 0) return InvalidArgumentError("interval must not be negative");
  std::string schema, table;
  return ParseSourceTable(spec.source_table, &schema, &table);
}

Result<AddedConnector> Connectors::Add(const ConnectorSpec& spec) {
  RETURN_IF_ERROR(CheckSpec(spec));
  AddedConnector added;
  Connector& c = added.connector;
  c.name = spec.name;
  c.dataset_id = spec.dataset_id;
  c.kind = spec.kind;
  c.conninfo = spec.conninfo;
  c.password_env = spec.password_env;
  c.watermark_column = spec.watermark_column;
  c.every_seconds = spec.every_seconds;
  c.enabled = spec.enabled;
  RETURN_IF_ERROR(ParseSourceTable(spec.source_table, &c.source_schema, &c.source_table));
  ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, catalog_->GetDataset(spec.dataset_id));
  if (Result<Connector> existing = store_.Get(spec.name); existing.ok()) {
    return AlreadyExistsError(fmt::format("connector {} already exists (remove it first to change it)", spec.name));
  }

  ASSIGN_OR_RETURN(std::unique_ptr<PgSource> source, PgSource::Open(spec.name, spec.conninfo, spec.password_env,
                                                                    source_options_));
  added.source = source->Describe();
  ASSIGN_OR_RETURN(std::vector<std::string> columns, source->Columns(c.source_schema, c.source_table));
  if (!c.watermark_column.empty() &&
      std::find(columns.begin(), columns.end(), c.watermark_column) == columns.end()) {
    return InvalidArgumentError(fmt::format("watermark column '{}': {} has no such column (it has: {})",
                                            c.watermark_column, c.QualifiedTable(), fmt::join(columns, ", ")));
  }
  ASSIGN_OR_RETURN(c.columns, ResolveColumns(dataset.schema, spec.columns, columns, c.QualifiedTable(),
                                             &added.unmapped_fields));
  if (!c.watermark_column.empty()) {
    // Without an index led by the watermark, every incremental pull reads the whole table for
    // its MAX and sorts its range on the agency's server.
    ASSIGN_OR_RETURN(bool indexed, source->HasIndexLeadingWith(c.source_schema, c.source_table, c.watermark_column));
    if (!indexed) {
      added.warnings.push_back(fmt::format(
          "{} has no index led by the watermark column {}: every incremental pull will read the whole table and "
          "sort the new rows on the agency's server. Ask its owner for CREATE INDEX ON {} ({}) (on the table under "
          "it, if {} is a view)",
          c.QualifiedTable(), c.watermark_column, c.QualifiedTable(), c.watermark_column, c.QualifiedTable()));
    }
  }
  RETURN_IF_ERROR(store_.Insert(c));
  ASSIGN_OR_RETURN(c, store_.Get(spec.name));
  return added;
}

}  // namespace ndc::connector
