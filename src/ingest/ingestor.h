// Ingestor: applies a batch of records to a dataset — reads the rows (formats/row_reader.h),
// validates and normalizes them (catalog::RecordValidator), and in ONE store transaction
// upserts/deletes records, moves superseded versions to the history table, emits one change
// event per effective change, and records the batch report and its rejects. Design:
// docs/design/ingest.md.
//
// Guarantees:
// - All or nothing: a batch is committed whole or not at all; a crash mid-batch leaves the
//   dataset as before the batch. Batches on one dataset are applied one at a time (the dataset's
//   ingest_state row is locked first, on every node sharing a PostgreSQL database).
// - Idempotent: a batch whose idempotency key (default: SHA-256 of the content) matches an
//   applied batch of the dataset changes nothing; the answer is the original's report with
//   status kDuplicate.
// - An unchanged record is not a new version; a row whose source version is older than the
//   stored one is ignored (counted as stale); deleting an absent record changes nothing.
// - A batch with more rejects than max_reject_share of its rows is refused whole: nothing is
//   applied, the report (status kRefused) and the rejects are stored. So is a snapshot with
//   rows whose source key could not be read (the ingestor cannot tell which records they are,
//   so it will not delete "absent" ones), and an empty snapshot of a non-empty dataset.
// - Bounded memory: rows are applied in chunks; rejects are spooled to a temporary file.
//
// Errors: kNotFound (unknown dataset), kInvalidArgument (bad CSV header, unknown format),
// kAlreadyExists never (duplicates are a report), store errors as mapped (kAborted /
// kUnavailable: retry the batch — it was not applied). Thread-safe: batches may run
// concurrently (on one dataset they serialize).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/result.h"
#include "ingest/batch.h"
#include "ingest/formats/row_reader.h"
#include "store/store.h"

namespace ndc::ingest {

struct IngestorOptions {
  double max_reject_share = 0.1;  // default for BatchRequest::max_reject_share
  size_t chunk_rows = 2000;       // rows applied per round of store statements
  int64_t progress_every_rows = 20000;
  // Threads validating rows while the calling thread applies them; 0: one per core beyond the
  // calling thread (1..8). Any number gives the same result (rows are applied in input order).
  size_t validate_threads = 0;
  // A batch into an empty dataset takes the first-load path (docs/design/ingest.md, "First
  // load"): no key index and no key lookups until a key may repeat. Same results either way;
  // off only to compare the two paths (tests, bench).
  bool first_load_path = true;
  ReaderLimits limits;
  // Rejects stored per batch (the first ones, in line order); the report counts them all. A
  // small compressed body of bad lines must not become millions of stored rows.
  int64_t max_stored_rejects = 10000;
};

class Ingestor {
 public:
  // Not owned; all must outlive the Ingestor.
  Ingestor(store::Database* db, catalog::Catalog* catalog, Clock* clock, IngestorOptions options = {});

  // Reads `input` (CSV or NDJSON per request.format, gzip or not) to its end and applies it.
  Result<BatchReport> Ingest(const BatchRequest& request, std::unique_ptr<ByteSource> input,
                             const ProgressFn& progress = nullptr);
  // The same for rows that come from elsewhere (a pull connector): `rows` yields values in the
  // dataset's schema order. `content_sha256` of the reader is the default idempotency key.
  Result<BatchReport> IngestRows(const BatchRequest& request, RowReader* rows, const ProgressFn& progress = nullptr);

  const IngestorOptions& options() const { return options_; }

 private:
  Result<BatchReport> Run(const BatchRequest& request, const catalog::DatasetInfo& dataset, RowReader* rows,
                          const ProgressFn& progress);

  store::Database* db_;
  catalog::Catalog* catalog_;
  Clock* clock_;
  IngestorOptions options_;
};

}  // namespace ndc::ingest
