#include "ingest/internal/batch_table.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "common/json.h"
#include "text/unicode.h"

namespace ndc::ingest {

const char kBatchColumns[] =
    "id, dataset_id, schema_version, status, mode, format, source, submitted_by, idempotency_key, "
    "content_sha256, rows_read, accepted, inserted, updated, unchanged, deleted, stale, rejected, first_seq, "
    "last_seq, message, started_at, finished_at, as_of, kept_as_newer";

Result<BatchReport> BatchFromRow(const store::Row& row) {
  BatchReport r;
  r.id = row.Int(0);
  r.dataset_id = row.Str(1);
  r.schema_version = static_cast<int>(row.Int(2));
  const std::string status = row.Str(3);
  r.status = status == "applied" ? BatchStatus::kApplied : status == "refused" ? BatchStatus::kRefused
                                                                               : BatchStatus::kFailed;
  ASSIGN_OR_RETURN(r.mode, ParseBatchMode(row.Str(4)));
  ASSIGN_OR_RETURN(r.format, ParseFormat(row.Str(5)));
  r.source = row.Str(6);
  r.submitted_by = row.Str(7);
  r.idempotency_key = row.Str(8);
  r.content_sha256 = row.Str(9);
  int64_t* counts[] = {&r.rows_read, &r.accepted, &r.inserted, &r.updated,
                       &r.unchanged, &r.deleted,  &r.stale,    &r.rejected};
  for (size_t i = 0; i < std::size(counts); ++i) *counts[i] = row.Int(10 + i);
  r.first_seq = row.OptInt(18);
  r.last_seq = row.OptInt(19);
  r.message = row.Str(20);
  r.started_at = row.Int(21);
  r.finished_at = row.Int(22);
  r.as_of = row.OptInt(23);
  r.kept_as_newer = row.Int(24);
  return r;
}

Result<std::optional<BatchReport>> FindAppliedBatch(store::Executor& db, const std::string& dataset_id,
                                                    const std::string& idempotency_key) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query(fmt::format("SELECT {} FROM ingest_batches WHERE dataset_id = $1 AND "
                                        "idempotency_key = $2 AND status = 'applied'",
                                        kBatchColumns),
                            std::vector<store::Value>{dataset_id, idempotency_key}));
  if (rs.rows.empty()) return std::optional<BatchReport>();
  ASSIGN_OR_RETURN(BatchReport r, BatchFromRow(rs.rows[0]));
  return std::optional<BatchReport>(std::move(r));
}

namespace {

std::vector<store::Value> BatchValues(const BatchReport& r) {
  auto opt = [](const std::optional<int64_t>& v) { return v ? store::Value(*v) : store::Value(); };
  return {r.dataset_id,
          int64_t{r.schema_version},
          std::string(BatchStatusName(r.status)),
          std::string(BatchModeName(r.mode)),
          std::string(FormatName(r.format)),
          SafeText(r.source),
          SafeText(r.submitted_by),
          SafeText(r.idempotency_key),
          r.content_sha256,
          r.rows_read,
          r.accepted,
          r.inserted,
          r.updated,
          r.unchanged,
          r.deleted,
          r.stale,
          r.rejected,
          opt(r.first_seq),
          opt(r.last_seq),
          SafeText(r.message),
          r.started_at,
          r.finished_at,
          opt(r.as_of),
          r.kept_as_newer};
}

}  // namespace

Result<int64_t> InsertBatch(store::Executor& db, const BatchReport& report) {
  std::vector<store::Value> params = BatchValues(report);
  ASSIGN_OR_RETURN(store::Row row,
                   db.QueryOne("INSERT INTO ingest_batches (dataset_id, schema_version, status, mode, format, source, "
                               "submitted_by, idempotency_key, content_sha256, rows_read, accepted, inserted, "
                               "updated, unchanged, deleted, stale, rejected, first_seq, last_seq, message, "
                               "started_at, finished_at, as_of, kept_as_newer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                               "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24) RETURNING id",
                               params));
  return row.Int(0);
}

Status UpdateBatch(store::Executor& db, const BatchReport& report) {
  std::vector<store::Value> params = BatchValues(report);
  params.emplace_back(report.id);
  return db
      .Exec("UPDATE ingest_batches SET dataset_id = $1, schema_version = $2, status = $3, mode = $4, format = $5, "
            "source = $6, submitted_by = $7, idempotency_key = $8, content_sha256 = $9, rows_read = $10, "
            "accepted = $11, inserted = $12, updated = $13, unchanged = $14, deleted = $15, stale = $16, "
            "rejected = $17, first_seq = $18, last_seq = $19, message = $20, started_at = $21, finished_at = $22, "
            "as_of = $23, kept_as_newer = $24 WHERE id = $25",
            params)
      .status();
}

Status WriteRejects(store::Transaction& tx, int64_t batch_id, RejectSpool& spool) {
  static const std::vector<std::string> kColumns = {"batch_id", "line", "errors", "raw"};
  std::vector<store::Value> values;
  auto flush = [&]() -> Status {
    if (values.empty()) return OkStatus();
    Status s = tx.BulkInsert("ingest_rejects", kColumns, values).status();
    values.clear();
    return s;
  };
  RETURN_IF_ERROR(spool.ForEach([&](const Reject& r) -> Status {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : r.errors) errors.push_back({{"field", SafeText(e.field)}, {"reason", SafeText(e.reason)}});
    values.insert(values.end(), {store::Value(batch_id), store::Value(r.line), store::Value(DumpJson(errors)),
                                 store::Value(SafeText(r.raw))});
    return values.size() >= 4 * 1000 ? flush() : OkStatus();
  }));
  return flush();
}

std::string SafeText(std::string_view s) {
  std::string valid = text::IsValidUtf8(s) ? std::string(s) : text::ToValidUtf8(s);
  if (valid.find('\0') == std::string::npos) return valid;
  std::string out;
  out.reserve(valid.size() + 8);
  for (char c : valid) {
    if (c == '\0') {
      out += "\u2400";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace ndc::ingest
