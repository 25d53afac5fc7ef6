-- 0003_ingest: batches of agency records, their rejects, and the per-dataset counter of the
-- ordered change events every effective change emits. Design: docs/design/ingest.md. Written only by src/ingest.

-- One row per batch that was applied, refused (too many rejects, bad snapshot) or failed.
-- Resending a batch whose idempotency key matches an applied batch changes nothing and
-- creates no row (the answer points at the original). Counts: rows_read = accepted + rejected;
-- accepted = inserted + updated + unchanged + deleted + stale (+ deletes of absent keys,
-- counted as unchanged). first_seq..last_seq: the change events the batch emitted (NULL if none).
CREATE TABLE ingest_batches (
  id ${ID},
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  schema_version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('applied', 'refused', 'failed')),
  mode TEXT NOT NULL CHECK (mode IN ('upsert', 'delete', 'snapshot')),
  format TEXT NOT NULL,
  source TEXT NOT NULL,
  submitted_by TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  rows_read BIGINT NOT NULL,
  accepted BIGINT NOT NULL,
  inserted BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  unchanged BIGINT NOT NULL,
  deleted BIGINT NOT NULL,
  stale BIGINT NOT NULL,
  rejected BIGINT NOT NULL,
  first_seq BIGINT,
  last_seq BIGINT,
  message TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL
);
CREATE INDEX ingest_batches_dataset_idx ON ingest_batches (dataset_id, id);
-- At most one applied batch per idempotency key and dataset: the resend guard.
CREATE UNIQUE INDEX ingest_batches_idempotency_idx ON ingest_batches (dataset_id, idempotency_key)
  WHERE status = 'applied';

-- Every row of a batch that failed to read or validate: where (line), why (errors: a JSON array
-- of {"field", "reason"}), and the row's text as sent (cut to a few KiB).
CREATE TABLE ingest_rejects (
  batch_id BIGINT NOT NULL REFERENCES ingest_batches (id),
  line BIGINT NOT NULL,
  errors TEXT NOT NULL,
  raw TEXT NOT NULL,
  PRIMARY KEY (batch_id, line)
);

-- Per dataset: the last change-event sequence number handed out. A batch locks its dataset's
-- row first, so batches on one dataset apply one at a time (on every node) and sequence
-- numbers are dense and in commit order.
CREATE TABLE ingest_state (
  dataset_id TEXT PRIMARY KEY REFERENCES datasets (id),
  last_seq BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- The change events themselves are not a table: every version row of ds_<id> and
-- ds_<id>_history carries the _seq of the change that made it (indexed), so the change feed is
-- the version history in _seq order (docs/design/ingest.md, "Change events").
