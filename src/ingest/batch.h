// Batches: the unit in which an agency hands NDC records of one dataset — what a batch asks for
// (BatchRequest), what became of it (BatchReport), and the rows it could not take (Reject).
// Design: docs/design/ingest.md ("Batches").
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ingest/formats/row_reader.h"

namespace ndc::ingest {

// upsert: rows insert or update records (a row whose `_op` is "delete" deletes);
// delete: every row names a record (by its source key) to delete;
// snapshot: the batch is the whole dataset — after its rows are applied, every record whose
// key the batch did not mention is deleted.
enum class BatchMode { kUpsert, kDelete, kSnapshot };
std::string_view BatchModeName(BatchMode m);
Result<BatchMode> ParseBatchMode(std::string_view name);  // kInvalidArgument names the choices

// applied: the changes are committed. refused: nothing was changed, because the reject share
// exceeded the limit or a snapshot had rows without a readable key (see `message`); the report
// and rejects are kept. failed: nothing was changed because of an error (I/O, store).
// duplicate: not stored — the answer to a resent batch, describing the original.
enum class BatchStatus { kApplied, kRefused, kFailed, kDuplicate };
std::string_view BatchStatusName(BatchStatus s);

// An idempotency key (the HTTP header, `ndc ingest --idempotency-key`): 1 to 200 visible ASCII
// characters, shown back in batch reports.
inline constexpr size_t kMaxIdempotencyKey = 200;
bool IsValidIdempotencyKey(std::string_view key);

struct BatchRequest {
  std::string dataset_id;
  BatchMode mode = BatchMode::kUpsert;
  Format format = Format::kCsv;
  // Idempotency: a batch whose key matches an applied batch of the same dataset changes nothing
  // and is answered with the original's report (status duplicate). Empty: the SHA-256 of the
  // decompressed content, so resending the same bytes is always harmless.
  std::string idempotency_key;
  // A client's key names one content: sent again with other content or in another mode, the
  // batch is refused (kAlreadyExists) instead of being answered as the original's duplicate,
  // which would drop the new rows unseen. False for the connector, whose keys name a watermark
  // range: a range read again may hold other rows, and is still the batch already applied.
  bool key_binds_content = true;
  // Largest share of rejected rows (0..1) with which the batch is still applied; above it the
  // batch is refused as a whole. nullopt: the Ingestor's default.
  std::optional<double> max_reject_share;
  // Snapshot only: when the agency took it (microseconds UTC). Nothing another batch wrote after
  // it is undone: a live record the snapshot does not name is deleted only if NDC received its
  // current version at or before this time, and a row naming a record written (or deleted) after
  // it is stale. A late snapshot (resent, or queued behind upserts) cannot have seen those.
  // Unset: every live record it does not name is deleted. From 2000 (kEarliestAsOfMicros) to a
  // few minutes past the hub's clock (kAsOfLeewayMicros); a later time is refused, usually a local
  // time written as UTC. Part of a snapshot's default idempotency key.
  std::optional<int64_t> as_of;
  std::string source;        // where it came from: "cli:registry.csv", "http", "connector:bca_pg"
  std::string submitted_by;  // principal: "key:<id>", "operator", "connector:<name>"
};

// How far a snapshot's as_of may be past the hub's clock (clocks differ a little).
inline constexpr int64_t kAsOfLeewayMicros = 5 * 60 * 1000000LL;
// The earliest as_of taken (2000-01-01T00:00:00Z): an earlier one is nearly always a Unix time
// in seconds or milliseconds read as microseconds, which would spare every record.
inline constexpr int64_t kEarliestAsOfMicros = 946684800LL * 1000000;

struct BatchReport {
  int64_t id = 0;  // 0 for a batch that was never stored (nothing read)
  std::string dataset_id;
  int schema_version = 0;
  BatchStatus status = BatchStatus::kApplied;
  BatchMode mode = BatchMode::kUpsert;
  Format format = Format::kCsv;
  std::string source, submitted_by, idempotency_key, content_sha256;
  int64_t rows_read = 0;  // rows seen (not counting the CSV header or blank NDJSON lines)
  int64_t accepted = 0;   // valid rows: inserted + updated + unchanged + deleted + stale
  int64_t inserted = 0;   // new records (or records back after a delete)
  int64_t updated = 0;
  int64_t unchanged = 0;  // same values as the current version (and deletes of absent records)
  int64_t deleted = 0;    // includes records absent from a snapshot
  int64_t stale = 0;      // older source version than the stored one: ignored
  int64_t rejected = 0;
  // A snapshot's as_of (BatchRequest::as_of), and the live records it did not name but kept
  // because NDC received them after that time.
  std::optional<int64_t> as_of;
  int64_t kept_as_newer = 0;
  std::optional<int64_t> first_seq, last_seq;  // the change events emitted
  std::string message;    // human summary, or why the batch was refused / failed
  int64_t started_at = 0, finished_at = 0;  // microseconds UTC
  int64_t duration_ms() const { return (finished_at - started_at) / 1000; }
};

struct FieldProblem {
  std::string field;   // schema field name, or "" for the row as a whole
  std::string reason;
  friend bool operator==(const FieldProblem&, const FieldProblem&) = default;
};

struct Reject {
  int64_t line = 0;
  std::vector<FieldProblem> errors;
  std::string raw;
};

// Progress of a running batch, reported every few thousand rows and at the end.
struct Progress {
  int64_t rows_read = 0, rejected = 0;
  int64_t bytes_consumed = 0, bytes_total = -1;  // -1: unknown size
  bool done = false;
};
using ProgressFn = std::function<void(const Progress&)>;

}  // namespace ndc::ingest
