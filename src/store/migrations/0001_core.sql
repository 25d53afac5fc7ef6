-- 0001_core: the hub's own tables — settings, agencies, datasets and their schema versions,
-- API keys. Portable SQL (docs/design/store.md, "Dialect rules"); the type placeholders are
-- replaced per backend ("Migrations"). Timestamps are BIGINT microseconds since the epoch, UTC.

-- Hub-wide settings as name/value text pairs: the hub id, when it was created, and later
-- knobs that must be shared by every node of a national deployment.
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Agencies that own datasets or call the API. `kind` separates state agencies from
-- non-state organisations (their sharing rules differ).
CREATE TABLE agencies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('state', 'non_state')),
  created_at BIGINT NOT NULL
);

-- Registered datasets. `current_version` names the row of dataset_versions whose schema new
-- records are validated against; older versions stay for records loaded under them.
CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  owner_agency TEXT NOT NULL REFERENCES agencies (id),
  title TEXT NOT NULL,
  current_version INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX datasets_owner_agency_idx ON datasets (owner_agency);

-- Every schema a dataset has had, as the catalog's JSON description of its fields.
-- Append-only: a schema change adds a version, it never rewrites one.
CREATE TABLE dataset_versions (
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  version INTEGER NOT NULL,
  schema_json TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (dataset_id, version)
);

-- API keys. `id` is the public key id sent by clients; only a hash of the secret is kept
-- (secret_hash), so a database leak does not leak usable keys. `agency_id` is set for keys
-- that act for an agency; NULL for operator, analyst and auditor keys. A key is usable while
-- revoked_at IS NULL; last_used_at is refreshed at most once per minute by the api layer.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  agency_id TEXT REFERENCES agencies (id),
  secret_hash ${BLOB} NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  last_used_at BIGINT
);
CREATE INDEX api_keys_agency_id_idx ON api_keys (agency_id);
