#include "connector/connector_store.h"

#include <fmt/format.h>

#include "common/json.h"

namespace ndc::connector {
namespace {

using store::Value;

constexpr char kColumns[] =
    "name, dataset_id, kind, conninfo, password_env, source_table, columns, watermark_column, every_seconds, "
    "enabled, last_watermark, last_run_at, last_status, last_batch_id, last_error, running_until, running_by, "
    "created_at, updated_at";

Value OptText(const std::string& s) { return s.empty() ? Value() : Value(s); }
template <typename T>
Value Opt(const std::optional<T>& v) { return v ? Value(*v) : Value(); }

Result<Connector> FromRow(const store::Row& r) {
  Connector c;
  c.name = r.Str(0);
  c.dataset_id = r.Str(1);
  c.kind = r.Str(2);
  c.conninfo = r.Str(3);
  c.password_env = r.OptStr(4).value_or("");
  RETURN_IF_ERROR(ParseSourceTable(r.Str(5), &c.source_schema, &c.source_table));
  ASSIGN_OR_RETURN(nlohmann::json columns, ParseJson(r.Str(6)));
  if (!columns.is_object()) return InvalidArgumentError(fmt::format("connector {}: columns is not a JSON object", c.name));
  for (const auto& [field, column] : columns.items()) {
    if (!column.is_string()) return InvalidArgumentError(fmt::format("connector {}: column of {} is not text", c.name, field));
    c.columns[field] = column.get<std::string>();
  }
  c.watermark_column = r.OptStr(7).value_or("");
  c.every_seconds = r.Int(8);
  c.enabled = r.Int(9) != 0;
  c.last_watermark = r.OptStr(10);
  c.last_run_at = r.OptInt(11);
  c.last_status = r.OptStr(12).value_or("");
  c.last_batch_id = r.OptInt(13);
  c.last_error = r.OptStr(14).value_or("");
  c.running_until = r.OptInt(15);
  c.running_by = r.OptStr(16).value_or("");
  c.created_at = r.Int(17);
  c.updated_at = r.Int(18);
  return c;
}

}  // namespace

Status ConnectorStore::Insert(const Connector& c) {
  nlohmann::json columns = nlohmann::json::object();
  for (const auto& [field, column] : c.columns) columns[field] = column;
  const int64_t now = clock_->NowMicros();
  const std::vector<Value> params = {c.name, c.dataset_id, c.kind, c.conninfo, OptText(c.password_env),
                                     c.QualifiedTable(), DumpJson(columns), OptText(c.watermark_column),
                                     c.every_seconds, int64_t{c.enabled ? 1 : 0}, now};
  Result<int64_t> n = db_->Exec(
      "INSERT INTO connectors (name, dataset_id, kind, conninfo, password_env, source_table, columns, "
      "watermark_column, every_seconds, enabled, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (name) DO NOTHING",
      params);
  if (!n.ok()) return n.status();
  if (*n == 0) return AlreadyExistsError(fmt::format("connector {} already exists", c.name));
  return OkStatus();
}

Result<Connector> ConnectorStore::Get(const std::string& name) {
  Result<store::Row> row = db_->QueryOne(fmt::format("SELECT {} FROM connectors WHERE name = $1", kColumns),
                                         std::vector<Value>{name});
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) {
      return NotFoundError(fmt::format("no connector named '{}' (see `ndc connector list`)", name));
    }
    return row.status();
  }
  return FromRow(*row);
}

Result<std::vector<Connector>> ConnectorStore::List() {
  ASSIGN_OR_RETURN(store::ResultSet rs, db_->Query(fmt::format("SELECT {} FROM connectors ORDER BY name", kColumns)));
  std::vector<Connector> out;
  for (const store::Row& r : rs.rows) {
    ASSIGN_OR_RETURN(Connector c, FromRow(r));
    out.push_back(std::move(c));
  }
  return out;
}

Status ConnectorStore::Remove(const std::string& name) {
  const std::vector<Value> params = {name, clock_->NowMicros()};
  ASSIGN_OR_RETURN(int64_t n, db_->Exec("DELETE FROM connectors WHERE name = $1 AND "
                                        "(running_until IS NULL OR running_until <= $2)",
                                        params));
  if (n == 1) return OkStatus();
  ASSIGN_OR_RETURN(Connector c, Get(name));  // kNotFound if it does not exist
  return FailedPreconditionError(fmt::format("connector {} is running (lease until {}); remove it when the run ends",
                                             name, FormatRfc3339(c.running_until.value_or(0))));
}

Status ConnectorStore::SetEnabled(const std::string& name, bool enabled) {
  const std::vector<Value> params = {name, int64_t{enabled ? 1 : 0}, clock_->NowMicros()};
  ASSIGN_OR_RETURN(int64_t n, db_->Exec("UPDATE connectors SET enabled = $2, updated_at = $3 WHERE name = $1", params));
  if (n == 0) return Get(name).status();
  return OkStatus();
}

Result<bool> ConnectorStore::ClaimDue(const std::string& name, const std::string& token, int64_t lease_micros) {
  const int64_t now = clock_->NowMicros();
  const std::vector<Value> params = {name, token, now, now + lease_micros};
  ASSIGN_OR_RETURN(int64_t n,
                   db_->Exec("UPDATE connectors SET running_by = $2, running_until = $4, last_run_at = $3 "
                             "WHERE name = $1 AND enabled = TRUE AND every_seconds > 0 "
                             "AND (running_until IS NULL OR running_until <= $3) "
                             "AND (last_run_at IS NULL OR last_run_at <= $3 - every_seconds * 1000000)",
                             params));
  return n == 1;
}

Result<bool> ConnectorStore::Claim(const std::string& name, const std::string& token, int64_t lease_micros) {
  const int64_t now = clock_->NowMicros();
  const std::vector<Value> params = {name, token, now, now + lease_micros};
  ASSIGN_OR_RETURN(int64_t n, db_->Exec("UPDATE connectors SET running_by = $2, running_until = $4, last_run_at = $3 "
                                        "WHERE name = $1 AND (running_until IS NULL OR running_until <= $3)",
                                        params));
  if (n == 0) RETURN_IF_ERROR(Get(name).status());  // kNotFound rather than "busy"
  return n == 1;
}

Result<bool> ConnectorStore::Renew(const std::string& name, const std::string& token, int64_t lease_micros) {
  const std::vector<Value> params = {name, token, clock_->NowMicros() + lease_micros};
  ASSIGN_OR_RETURN(int64_t n,
                   db_->Exec("UPDATE connectors SET running_until = $3 WHERE name = $1 AND running_by = $2", params));
  return n == 1;
}

Result<bool> ConnectorStore::Finish(const std::string& name, const std::string& token, const Finished& f) {
  const std::vector<Value> params = {name, token, f.status, Opt(f.new_watermark), Opt(f.batch_id), OptText(f.error)};
  ASSIGN_OR_RETURN(int64_t n, db_->Exec("UPDATE connectors SET last_status = $3, "
                                        "last_watermark = COALESCE($4, last_watermark), "
                                        "last_batch_id = COALESCE(CAST($5 AS BIGINT), last_batch_id), "
                                        "last_error = $6, running_until = NULL, running_by = NULL "
                                        "WHERE name = $1 AND running_by = $2",
                                        params));
  return n == 1;
}

}  // namespace ndc::connector
