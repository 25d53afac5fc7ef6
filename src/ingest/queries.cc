#include "ingest/queries.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "common/clock.h"
#include "common/json.h"
#include "ingest/internal/batch_table.h"

namespace ndc::ingest {
namespace {

using store::Value;

std::string FieldList(const catalog::DatasetSchema& schema) {
  std::string out;
  for (const auto& f : schema.fields) out += ", " + store::QuoteIdentifier(f.name);
  return out;
}

// Appends `name` as store::QuoteIdentifier quotes it.
void AppendQuoted(std::string& out, std::string_view name) {
  out.push_back('"');
  for (size_t start = 0;;) {
    size_t quote = name.find('"', start);
    out.append(name.substr(start, quote == std::string_view::npos ? std::string_view::npos : quote + 1 - start));
    if (quote == std::string_view::npos) break;
    out.push_back('"');
    start = quote + 1;
  }
  out.push_back('"');
}

// Current's statement, built in one buffer: it runs for every linked record a data request reads.
// A field outside `only` (when set) is selected as NULL: the row keeps its shape, and SQLite
// neither decodes nor copies the value.
std::string CurrentSelect(const catalog::DatasetSchema& schema, const std::vector<std::string_view>* only) {
  std::string sql;
  sql.reserve(160 + 24 * schema.fields.size());
  sql += "SELECT _key, _version, _op, _source_version, _batch_id, _updated_at, NULL";
  for (const auto& f : schema.fields) {
    sql += ", ";
    if (only != nullptr && !std::binary_search(only->begin(), only->end(), std::string_view(f.name))) {
      sql += "NULL";
    } else {
      AppendQuoted(sql, f.name);
    }
  }
  sql += " FROM ";
  AppendQuoted(sql, catalog::RecordTableName(schema.id));
  sql += " WHERE _key = $1";
  return sql;
}

constexpr size_t kMetaColumns = 7;

// Rows of "SELECT _key, _version, _op, _source_version, _batch_id, <from>, <to>, fields...".
// The row's values move into the version: the row is left empty.
RecordVersion VersionFromRow(store::Row& row, bool current) {
  RecordVersion v;
  v.key = row.Str(0);
  v.version = row.Int(1);
  v.op = row.Str(2);
  v.deleted = v.op == "delete";
  v.source_version = row.OptStr(3);
  v.batch_id = row.Int(4);
  v.valid_from = row.Int(5);
  if (!current) v.valid_to = row.OptInt(6);
  std::vector<store::Value> values = row.TakeValues();
  values.erase(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(std::min(kMetaColumns, values.size())));
  v.values = std::move(values);
  return v;
}

Result<std::optional<RecordVersion>> Current(store::Executor& db, const catalog::DatasetSchema& schema,
                                             const std::string& key, const std::vector<std::string_view>* only = nullptr) {
  ASSIGN_OR_RETURN(store::ResultSet rs, db.Query(CurrentSelect(schema, only), std::vector<Value>{key}));
  if (rs.rows.empty()) return std::optional<RecordVersion>();
  return std::optional<RecordVersion>(VersionFromRow(rs.rows[0], true));
}

std::string HistorySelect(const catalog::DatasetInfo& d) {
  return fmt::format("SELECT _key, _version, _op, _source_version, _batch_id, _valid_from, _valid_to{} FROM {}",
                     FieldList(d.schema), store::QuoteIdentifier(d.history_table));
}

}  // namespace

Result<BatchReport> GetBatch(store::Executor& db, int64_t batch_id) {
  ASSIGN_OR_RETURN(store::ResultSet rs, db.Query(fmt::format("SELECT {} FROM ingest_batches WHERE id = $1",
                                                             kBatchColumns),
                                                 std::vector<Value>{batch_id}));
  if (rs.rows.empty()) return NotFoundError(fmt::format("no batch {}", batch_id));
  return BatchFromRow(rs.rows[0]);
}

Result<std::vector<BatchReport>> ListBatches(store::Executor& db, const std::string& dataset_id, int64_t before_id,
                                             int limit) {
  const int64_t before = before_id > 0 ? before_id : INT64_MAX;
  // The dataset filter only when set: SQLite plans "($1 = '' OR dataset_id = $1)" once for any
  // value, walking all batches by id and skipping other datasets' to fill a page.
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   dataset_id.empty()
                       ? db.Query(fmt::format("SELECT {} FROM ingest_batches WHERE id < $1 ORDER BY id DESC LIMIT $2",
                                              kBatchColumns),
                                  std::vector<Value>{before, int64_t{limit}})
                       : db.Query(fmt::format("SELECT {} FROM ingest_batches WHERE dataset_id = $1 AND id < $2 "
                                              "ORDER BY id DESC LIMIT $3",
                                              kBatchColumns),
                                  std::vector<Value>{dataset_id, before, int64_t{limit}}));
  std::vector<BatchReport> out;
  for (const auto& row : rs.rows) {
    ASSIGN_OR_RETURN(BatchReport r, BatchFromRow(row));
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Reject>> ListRejects(store::Executor& db, int64_t batch_id, int64_t after_line, int limit) {
  RETURN_IF_ERROR(GetBatch(db, batch_id).status());
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query("SELECT line, errors, raw FROM ingest_rejects WHERE batch_id = $1 AND line > $2 "
                            "ORDER BY line LIMIT $3",
                            std::vector<Value>{batch_id, after_line, int64_t{limit}}));
  std::vector<Reject> out;
  for (const auto& row : rs.rows) {
    Reject r;
    r.line = row.Int(0);
    ASSIGN_OR_RETURN(nlohmann::json errors, ParseJson(row.Str(1)));
    for (const auto& e : errors) {
      r.errors.push_back(FieldProblem{e.value("field", ""), e.value("reason", "")});
    }
    r.raw = row.Str(2);
    out.push_back(std::move(r));
  }
  return out;
}

Result<RecordVersion> GetRecord(store::Executor& db, const catalog::DatasetInfo& dataset, const std::string& key,
                                std::optional<int64_t> as_of) {
  ASSIGN_OR_RETURN(std::optional<RecordVersion> current, Current(db, dataset.schema, key));
  const std::string where = fmt::format("dataset '{}'", dataset.schema.id);
  if (!current) return NotFoundError(fmt::format("no record with that key in {}", where));
  if (!as_of || current->valid_from <= *as_of) {
    if (current->deleted) {
      return NotFoundError(fmt::format("the record was deleted (version {}, batch {}, at {})", current->version,
                                       current->batch_id, FormatRfc3339(current->valid_from)));
    }
    return *current;
  }
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query(HistorySelect(dataset) +
                                " WHERE _key = $1 AND _valid_from <= $2 AND _valid_to > $2 ORDER BY _version DESC",
                            std::vector<Value>{key, *as_of}));
  if (rs.rows.empty()) {
    return NotFoundError(fmt::format("the record did not exist yet at {}", FormatRfc3339(*as_of)));
  }
  RecordVersion v = VersionFromRow(rs.rows[0], false);
  if (v.deleted) return NotFoundError(fmt::format("the record was deleted at {}", FormatRfc3339(*as_of)));
  return v;
}

Result<std::optional<RecordVersion>> CurrentRecord(store::Executor& db, const catalog::DatasetSchema& schema,
                                                   const std::string& key,
                                                   const std::vector<std::string_view>* only) {
  ASSIGN_OR_RETURN(std::optional<RecordVersion> current, Current(db, schema, key, only));
  if (current && current->deleted) current.reset();
  return current;
}

Result<std::vector<RecordVersion>> ListVersions(store::Executor& db, const catalog::DatasetInfo& dataset,
                                                const std::string& key, int64_t after_version, int limit) {
  ASSIGN_OR_RETURN(std::optional<RecordVersion> current, Current(db, dataset.schema, key));
  if (!current) return NotFoundError(fmt::format("no record with that key in dataset '{}'", dataset.schema.id));
  std::vector<RecordVersion> out;
  if (limit <= 0) return out;
  // Past versions are history rows, a seek on UNIQUE (_key, _version); the current one ends the list.
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query(HistorySelect(dataset) + " WHERE _key = $1 AND _version > $2 ORDER BY _version LIMIT $3",
                            std::vector<Value>{key, after_version, int64_t{limit}}));
  for (auto& row : rs.rows) out.push_back(VersionFromRow(row, false));
  if (static_cast<int>(out.size()) < limit && current->version > after_version) out.push_back(std::move(*current));
  return out;
}

Result<std::vector<ChangeEvent>> ListEvents(store::Database& db, const std::string& dataset_id, int64_t after_seq,
                                            int limit) {
  std::unique_ptr<store::ReadPin> snapshot = db.PinReads();
  ASSIGN_OR_RETURN(store::ResultSet known,
                   db.Query("SELECT 1 FROM datasets WHERE id = $1", std::vector<Value>{dataset_id}));
  if (known.rows.empty()) return NotFoundError(fmt::format("dataset '{}' does not exist", dataset_id));
  // The feed is the version history in _seq order: the first `limit` of each table (both indexed
  // on _seq), merged.
  const std::vector<Value> params = {after_seq, int64_t{limit}};
  ASSIGN_OR_RETURN(store::ResultSet current,
                   db.Query(fmt::format("SELECT _seq, _key, _op, _version, _batch_id, _updated_at FROM {} "
                                        "WHERE _seq > $1 ORDER BY _seq LIMIT $2",
                                        store::QuoteIdentifier(catalog::RecordTableName(dataset_id))),
                            params));
  ASSIGN_OR_RETURN(store::ResultSet past,
                   db.Query(fmt::format("SELECT _seq, _key, _op, _version, _batch_id, _valid_from FROM {} "
                                        "WHERE _seq > $1 ORDER BY _seq LIMIT $2",
                                        store::QuoteIdentifier(catalog::HistoryTableName(dataset_id))),
                            params));
  std::vector<ChangeEvent> out;
  out.reserve(std::min<size_t>(static_cast<size_t>(limit), current.rows.size() + past.rows.size()));
  size_t i = 0, j = 0;
  auto event = [&](const store::Row& row) {
    return ChangeEvent{dataset_id, row.Int(0), row.Str(1), row.Str(2), row.Int(3), row.Int(4), row.Int(5)};
  };
  while (out.size() < static_cast<size_t>(limit) && (i < current.rows.size() || j < past.rows.size())) {
    const bool take_current =
        j >= past.rows.size() || (i < current.rows.size() && current.rows[i].Int(0) < past.rows[j].Int(0));
    out.push_back(take_current ? event(current.rows[i++]) : event(past.rows[j++]));
  }
  return out;
}

Result<int64_t> LastEventSeq(store::Executor& db, const std::string& dataset_id) {
  ASSIGN_OR_RETURN(store::ResultSet rs, db.Query("SELECT last_seq FROM ingest_state WHERE dataset_id = $1",
                                                 std::vector<Value>{dataset_id}));
  return rs.rows.empty() ? int64_t{0} : rs.rows[0].Int(0);
}

}  // namespace ndc::ingest
