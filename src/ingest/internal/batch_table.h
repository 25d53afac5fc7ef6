// SQL on ingest_batches / ingest_rejects shared by the ingestor (writes) and queries.cc (reads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "ingest/batch.h"
#include "ingest/internal/reject_spool.h"
#include "store/store.h"

namespace ndc::ingest {

// The columns BatchFromRow() expects, for "SELECT <kBatchColumns> FROM ingest_batches ...".
extern const char kBatchColumns[];
Result<BatchReport> BatchFromRow(const store::Row& row);

// The applied batch of `dataset_id` with `idempotency_key`, if any.
Result<std::optional<BatchReport>> FindAppliedBatch(store::Executor& db, const std::string& dataset_id,
                                                    const std::string& idempotency_key);
// Inserts the batch row (report.status must not be kDuplicate) and returns its id.
Result<int64_t> InsertBatch(store::Executor& db, const BatchReport& report);
// Rewrites the batch row `report.id` with the report's status, counts and message.
Status UpdateBatch(store::Executor& db, const BatchReport& report);
// Copies the spooled rejects into ingest_rejects for `batch_id`.
Status WriteRejects(store::Transaction& tx, int64_t batch_id, RejectSpool& spool);

// Text safe for any store: valid UTF-8 (invalid bytes become U+FFFD) without NUL (U+2400).
std::string SafeText(std::string_view s);

}  // namespace ndc::ingest
