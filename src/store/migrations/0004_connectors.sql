-- 0004_connectors: pull connectors — datasets that NDC pulls from an agency's PostgreSQL table
-- (incrementally by a watermark column, or as full snapshots) on a schedule or on demand.
-- Design: docs/design/connector.md. Written only by src/connector.

-- One row per connector: its configuration, where the last pull stopped, and who is running it.
--
-- Configuration. `conninfo` is a libpq URI or key=value string WITHOUT a password (the connector
-- refuses one: secrets are not stored); the password comes from the environment variable named by
-- `password_env` on the node that runs the pull, or from libpq's own sources (~/.pgpass).
-- `source_table` is "schema.table" (lower-case identifiers). `columns` is a JSON object mapping
-- schema field names to source column names, resolved and checked when the connector was added.
-- `watermark_column` NULL: only snapshot pulls. `every_seconds` 0: on demand only.
--
-- State. `last_watermark` is the largest watermark value (as text) of the last applied pull:
-- the next incremental pull reads rows with a larger one. `last_status`: applied, duplicate,
-- refused, failed, no_changes or error; `last_error` says why for the last three.
--
-- Claim. A run first sets `running_until` (a lease, µs) and `running_by` (a random token of the
-- run) with a conditional UPDATE, so two nodes sharing this database never run one connector
-- at once; the lease is renewed while a long pull runs (PostgreSQL hubs) and cleared at the end.
CREATE TABLE connectors (
  name TEXT PRIMARY KEY,
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  kind TEXT NOT NULL CHECK (kind IN ('postgres')),
  conninfo TEXT NOT NULL,
  password_env TEXT,
  source_table TEXT NOT NULL,
  columns TEXT NOT NULL,
  watermark_column TEXT,
  every_seconds BIGINT NOT NULL CHECK (every_seconds >= 0),
  enabled ${BOOL} NOT NULL,
  last_watermark TEXT,
  last_run_at BIGINT,
  last_status TEXT,
  last_batch_id BIGINT,
  last_error TEXT,
  running_until BIGINT,
  running_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX connectors_dataset_idx ON connectors (dataset_id);
