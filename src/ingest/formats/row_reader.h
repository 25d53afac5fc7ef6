// RowReader: turns a batch's bytes (CSV or NDJSON) into rows of raw field values keyed by the
// dataset schema, one row at a time, in bounded memory. Validation and normalization of the
// values is not its job (catalog::RecordValidator does that); it only reads the format and maps
// columns to schema fields. Design: docs/design/ingest-formats.md ("Formats").
//
// CSV: RFC 4180 (comma, double-quote quoting with "" escapes, CRLF or LF line ends, a quoted
// field may span lines; a lone CR is data, blank lines are skipped), UTF-8 with an optional BOM,
// a header row first. Header names are
// matched (after NFC and trimming) against each field's `column`, then its `name`. The header
// may omit optional fields, never a required one or a source-key field (unless the batch is a
// delete batch, which needs only the source key). A header column that names no field is an
// error ("unknown column 'X'"), except the reserved operation column `_op`.
//
// NDJSON: one JSON object per line; keys are matched like CSV headers; values may be strings,
// numbers (their JSON text is the raw value), booleans ("true"/"false") or null (missing). A
// nested object or array, an unknown key or a duplicate key rejects the row. Blank lines are
// skipped.
//
// Row-level problems (bad quoting, wrong number of columns, a line or field over the limits,
// invalid JSON, unknown or duplicate keys) do not stop the reader: the row comes back with
// `error` set and reading resumes at the next line (for CSV: after the record). Invalid UTF-8 in
// CSV is left to the validator (the raw value is passed through); in NDJSON it makes the line
// invalid JSON. Only I/O and decompression errors end the read.
//
// Thread-compatible: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/schema.h"
#include "common/result.h"
#include "ingest/formats/input.h"

namespace ndc::ingest {

enum class Format { kCsv, kNdjson };
std::string_view FormatName(Format f);              // "csv" / "ndjson"
Result<Format> ParseFormat(std::string_view name);  // "csv", "ndjson" (also "jsonl"); else kInvalidArgument
// By file name: *.csv, *.csv.gz -> CSV; *.ndjson, *.jsonl (optionally .gz) -> NDJSON; else kInvalidArgument.
Result<Format> FormatForPath(std::string_view path);

struct ReaderLimits {
  size_t max_record_bytes = 1 << 20;  // one CSV record (all its lines) or one NDJSON line
  size_t max_field_bytes = 64 << 10;  // one field's value
  size_t max_raw_bytes = 4 << 10;     // of a row's text kept in InputRow::raw (for reject reports)
};

// The reserved column/key carrying a row's operation: "upsert" (also "insert", "update", "I",
// "U", "") or "delete" ("D"). Case-insensitive.
inline constexpr std::string_view kOpColumn = "_op";

struct InputRow {
  int64_t line = 0;   // 1-based line on which the record starts (the CSV header is line 1)
  std::string raw;    // the record's text, cut to max_raw_bytes (with "…" appended when cut)
  // One entry per schema field, in schema order: nullopt when the column/key is absent or the
  // CSV cell is empty or the JSON value is null.
  std::vector<std::optional<std::string>> values;
  std::string op;     // the `_op` value as given ("" when there is no such column)
  // Non-empty when the row could not be read; `values` is then unspecified (a reader reusing the
  // row may leave another row's values there), unless `key_values_read` says otherwise.
  std::string error;
  std::string error_field;  // the schema field the error concerns, "" if none
  // Set with an error by a reader whose `values` still hold this row's own values of every field
  // but `error_field` (the pull connector's: columns come by name, and a value past the limit is
  // dropped alone): a snapshot then keeps the record its key fields name instead of refusing.
  bool key_values_read = false;
};

struct ReaderOptions {
  ReaderLimits limits;
  // A delete batch: only the source-key fields are required in the header (the source_version
  // field may come too, so that a stale delete is ignored).
  bool keys_only = false;
};

class RowReader {
 public:
  virtual ~RowReader() = default;
  // Reads the next row into `row` (reusing its storage). Returns false at the end of input.
  // Errors end the read: I/O or decompression errors from the source.
  virtual Result<bool> Next(InputRow* row) = 0;
  // Progress: bytes of the (possibly compressed) input consumed so far, and its total size
  // when known (else -1).
  virtual int64_t bytes_consumed() const = 0;
  virtual int64_t bytes_total() const = 0;
  // Lower-case hex SHA-256 of the decompressed input; valid once Next() has returned false.
  virtual std::string content_sha256() const = 0;
};

// Opens a reader over `source`, decompressing gzip transparently (AutoDecompress) and hashing
// the decompressed bytes (HashingSource). For CSV the header is read and checked now: kInvalidArgument
// for an empty input, a missing required column, an unknown or duplicate column, a header
// over the limits — the message names the column and lists what is expected.
Result<std::unique_ptr<RowReader>> OpenRowReader(Format format, std::unique_ptr<ByteSource> source,
                                                 const catalog::DatasetSchema& schema,
                                                 const ReaderOptions& options = {});

}  // namespace ndc::ingest
