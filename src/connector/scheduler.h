// Scheduler: runs pull connectors — the due ones (RunDue, called periodically by a thread of
// `ndc serve`) and one on demand (RunNow, `ndc connector run`). Design:
// docs/design/connector.md ("Runs", "Scheduling and claims").
//
// A run:
//  1. claims the connector in the hub store (ConnectorStore::ClaimDue / Claim: a lease, so no two
//     runs of one connector overlap, on one node or on several sharing a PostgreSQL hub), and
//     reads its row again under the claim;
//  2. opens the source read-only and starts one REPEATABLE READ snapshot (pg_source.h); checks
//     that the mapped columns still exist; reads `to` = the largest watermark (past the stored
//     one, for an incremental pull) — none: an incremental pull ends as no_changes, no batch;
//  3. streams the rows (cursor, one page in memory) through PullReader into
//     Ingestor::IngestRows: an incremental pull as an upsert batch of the rows with
//     from < watermark <= to (ordered by watermark), a snapshot as a snapshot batch of every row;
//  4. records the outcome and releases the claim: the new watermark `to` only if the batch was
//     applied or is a duplicate of an applied one; a refused or failed batch, or an error, keeps
//     the old watermark and stores the reason in last_error.
//
// Idempotency keys: incremental "connector:<name>:<created_at>:<from>..<to>", so a run that
// repeats a range already applied (the watermark write was lost) is answered `duplicate`
// without reading, and the watermark then moves; snapshot "connector:<name>:snapshot:<token>",
// unique per run (a snapshot must be applied even when an earlier snapshot had the same rows).
//
// The lease is renewed before the batch and between pages when the hub is on PostgreSQL (a run
// that finds it taken over abandons the pull: kAborted, nothing applied). On SQLite the batch's
// write transaction holds the database's only write lock for the whole pull, so a renewal could
// not be written: there the lease must exceed the longest pull (SchedulerOptions::lease_seconds).
//
// Thread-safe: RunDue and RunNow may be called from several threads and nodes at once; each
// connector runs at most once at a time.
#pragma once

#include <functional>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/result.h"
#include "connector/connector.h"
#include "connector/connector_store.h"
#include "connector/pg_source.h"
#include "ingest/ingestor.h"
#include "store/store.h"

namespace ndc::connector {

struct SchedulerOptions {
  SourceOptions source;
  int64_t page_rows = 2000;       // rows fetched from the source at a time
  int64_t lease_seconds = 3600;   // claim lease; renewed between pages on a PostgreSQL hub
  std::string node;               // names this node in claim tokens; default: host name
};

class Scheduler {
 public:
  // Not owned; all must outlive the Scheduler. `ingestor` must write to `hub`.
  Scheduler(store::Database* hub, catalog::Catalog* catalog, ingest::Ingestor* ingestor, Clock* clock,
            RandomSource* random, SchedulerOptions options = {});

  // Runs every enabled, scheduled connector whose interval has passed since its last run (or
  // that never ran) and that no one else is running, one after another, in its default mode
  // (incremental with a watermark column, else snapshot). Returns one outcome per connector
  // run; a connector's failure is its outcome (kError), not an error of RunDue. Errors: only
  // if the connectors cannot be listed. `each`, when given, sees every outcome as soon as its run
  // ends, before the next connector starts: `ndc serve` audits a pull's batch there, so that a
  // crash during a later pull cannot leave an applied batch without its audit entry.
  Result<std::vector<RunOutcome>> RunDue(const std::function<void(const RunOutcome&)>& each = nullptr);

  // Runs `name` now, whether or not it is due or enabled; `mode` defaults to its DefaultMode().
  // Returns the outcome when a batch was sent or there were no changes (a refused batch is an
  // outcome, with its report). Errors: kNotFound (unknown connector), kFailedPrecondition
  // (incremental requested without a watermark column), kAborted (another run holds it),
  // and the run's own error (source unreachable, table changed, ...) — recorded as last_error too.
  Result<RunOutcome> RunNow(const std::string& name, std::optional<PullMode> mode = std::nullopt);

 private:
  std::string NewToken();
  // Runs a claimed connector and releases the claim.
  RunOutcome RunClaimed(const std::string& name, PullMode mode, const std::string& token);
  // The pull itself; fills `out` as it goes. `claimed_at`: when the lease was (last) set.
  Status Pull(const Connector& c, const std::string& token, int64_t claimed_at, RunOutcome* out);

  store::Database* hub_;
  catalog::Catalog* catalog_;
  ingest::Ingestor* ingestor_;
  Clock* clock_;
  std::mutex random_mu_;  // RandomSource need not be thread-safe
  RandomSource* random_;
  SchedulerOptions options_;
  ConnectorStore store_;
};

}  // namespace ndc::connector
