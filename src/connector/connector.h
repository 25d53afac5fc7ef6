// Pull connectors: a dataset whose records NDC pulls from an agency's PostgreSQL table, either
// incrementally (rows whose watermark column is larger than the last pull's largest) or as a
// full snapshot (every row; records absent from the table are deleted). This header holds the
// value types and the pure rules (names, identifiers, intervals, column mapping); the table is
// in connector_store.h, adding and removing in connectors.h, running in scheduler.h.
// Design: docs/design/connector.md.
//
// Value types; thread-compatible. Functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/schema.h"
#include "common/result.h"
#include "common/status.h"
#include "ingest/batch.h"

namespace ndc::connector {

// incremental: rows with watermark > the stored watermark, applied as an upsert batch.
// snapshot: every row of the table, applied as a snapshot batch (absent records are deleted).
enum class PullMode { kIncremental, kSnapshot };
std::string_view PullModeName(PullMode m);               // "incremental" / "snapshot"
Result<PullMode> ParsePullMode(std::string_view name);   // kInvalidArgument names the choices

// What an operator gives to add a connector (`ndc connector add`).
struct ConnectorSpec {
  std::string name;          // [a-z][a-z0-9_]{0,39}
  std::string dataset_id;
  std::string kind = "postgres";
  // libpq URI or key=value string without a password (see conninfo.h).
  std::string conninfo;
  // Environment variable with the password, on the node that pulls ("" = libpq's own sources:
  // ~/.pgpass, PGPASSFILE, PGPASSWORD).
  std::string password_env;
  std::string source_table;  // "schema.table" or "table" (schema public)
  // Explicit field -> source column entries; other fields are mapped by default (ResolveColumns).
  std::map<std::string, std::string> columns;
  std::string watermark_column;  // "" = snapshot pulls only
  int64_t every_seconds = 0;     // 0 = on demand only
  bool enabled = true;
};

// A stored connector: its configuration (with the mapping fully resolved) and its state.
struct Connector {
  std::string name, dataset_id, kind, conninfo, password_env;
  std::string source_schema, source_table;       // validated identifiers
  std::map<std::string, std::string> columns;    // every pulled field -> its source column
  std::string watermark_column;                  // "" = snapshot only
  int64_t every_seconds = 0;
  bool enabled = true;

  std::optional<std::string> last_watermark;  // of the last applied pull
  std::optional<int64_t> last_run_at;         // when the last run started (µs UTC)
  std::string last_status;                    // "" before the first run, else a RunStatusName
  std::optional<int64_t> last_batch_id;
  std::string last_error;
  std::optional<int64_t> running_until;       // lease of a run in progress (µs UTC)
  std::string running_by;                     // the run's token
  int64_t created_at = 0, updated_at = 0;

  std::string QualifiedTable() const { return source_schema + "." + source_table; }
  // The mode of a scheduled run: incremental when there is a watermark column, else snapshot.
  PullMode DefaultMode() const { return watermark_column.empty() ? PullMode::kSnapshot : PullMode::kIncremental; }
};

// What became of one run. applied / duplicate / refused / failed: a batch was sent (its report
// is RunOutcome::batch). no_changes: an incremental pull found no row past the watermark (no
// batch). busy: another run holds the connector (nothing done). error: the run stopped on an
// error (source unreachable, table changed, hub store error; RunOutcome::error).
enum class RunStatus { kApplied, kDuplicate, kRefused, kFailed, kNoChanges, kBusy, kError };
std::string_view RunStatusName(RunStatus s);  // "applied", ..., "no_changes", "busy", "error"

struct RunOutcome {
  std::string connector;
  PullMode mode = PullMode::kIncremental;
  RunStatus status = RunStatus::kError;
  std::optional<std::string> watermark_from, watermark_to;  // the pulled range (from, to]
  std::optional<ingest::BatchReport> batch;
  Status error;  // set for kError and kBusy
  std::string Summary() const;  // one line for logs and the CLI
};

// Connector names: [a-z][a-z0-9_]{0,39}, like dataset ids.
bool IsValidConnectorName(std::string_view name);

// "schema.table" or "table" (schema "public"); each part must be a lower-case identifier
// (store::IsSafeIdentifier). kInvalidArgument otherwise.
Status ParseSourceTable(std::string_view text, std::string* schema, std::string* table);

// Schedule intervals: "0" (on demand), "90" or "90s", "15m", "2h", "1d". kInvalidArgument for
// anything else, and for intervals over 366 days.
Result<int64_t> ParseInterval(std::string_view text);
std::string FormatInterval(int64_t seconds);  // "15m", "90s", "on demand"

// The source column of every schema field that can be pulled: an explicit entry in `overrides`,
// else the source column named like the field's `column` (compared case-insensitively: PostgreSQL
// folds unquoted names to lower case), else the one named like the field. Fields with no column
// are left out (they load as missing), unless they are required or part of the source key:
// then kInvalidArgument naming each such field, what was tried and the columns the table has.
// Also kInvalidArgument for an override naming an unknown field or a column the table lacks.
// `unmapped` (optional) receives the optional fields left out.
Result<std::map<std::string, std::string>> ResolveColumns(const catalog::DatasetSchema& schema,
                                                          const std::map<std::string, std::string>& overrides,
                                                          const std::vector<std::string>& source_columns,
                                                          const std::string& table_name,
                                                          std::vector<std::string>* unmapped = nullptr);

}  // namespace ndc::connector
