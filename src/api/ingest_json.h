// JSON views of what ingestion stores — batch reports, rejects, record versions with typed field
// values, change events — as docs/api/openapi.yaml describes them. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "ingest/batch.h"
#include "ingest/queries.h"

namespace ndc::api {

// {id, dataset, schema_version, status, mode, format, ..., started_at, finished_at (RFC 3339),
// duration_ms, links: {self, rejects}}; first_seq / last_seq are null when no event was emitted.
nlohmann::json BatchReportJson(const ingest::BatchReport& r);
// {line, errors: [{field, reason}], raw}
nlohmann::json RejectJson(const ingest::Reject& r);
// {version, op, source_version, batch_id, valid_from, valid_to, fields: {name: value}}. Values are
// typed by the dataset's schema: integers as numbers, booleans as true/false, everything else
// (decimals, dates, codes) as strings; null when absent.
nlohmann::json RecordVersionJson(const catalog::DatasetSchema& schema, const ingest::RecordVersion& v);
// One stored value as RecordVersionJson types it.
nlohmann::json TypedValue(catalog::FieldType type, const store::Value& v);
// {seq, key, op, version, batch_id, at}
nlohmann::json ChangeEventJson(const ingest::ChangeEvent& e);

}  // namespace ndc::api
