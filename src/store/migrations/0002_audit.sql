-- 0002_audit: the verifiable audit log — entries, the Merkle tree's persisted nodes, its
-- frontier, and signed checkpoints. Design: docs/design/audit-log.md. Portable SQL
-- (docs/design/store.md); written only by src/audit (log_storage.cc).

-- Every entry, in log order. `idx` is the leaf index: dense from 0, assigned under the
-- audit_head row lock. `entry` is the canonical encoding the leaf hash covers
-- (leaf_hash = SHA-256(0x00 || entry)); `entry_id` is the public id ("aud_" + 16 hex digits of idx + 8 random hex).
-- appended_at: when the batch holding it was committed (µs, UTC, the writer's clock).
CREATE TABLE audit_entries (
  idx ${INT} PRIMARY KEY,
  entry_id TEXT NOT NULL UNIQUE,
  entry ${BLOB} NOT NULL,
  leaf_hash ${BLOB} NOT NULL,
  appended_at BIGINT NOT NULL
);

-- Roots of the perfect subtrees of height >= 4 (leaves [idx * 2^level, (idx + 1) * 2^level)),
-- written once when the last leaf under them is appended. With them a proof reads O(log n)
-- rows; lower subtrees are recomputed from at most 16 leaf hashes.
CREATE TABLE audit_nodes (
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hash ${BLOB} NOT NULL,
  PRIMARY KEY (level, idx)
);

-- One row (id = 1): the tree size and its frontier (the compact range: 8-byte size, then one
-- 32-byte hash per set bit of the size). Appenders lock this row first, so that several nodes
-- on one PostgreSQL database append to one log with dense indexes.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size BIGINT NOT NULL,
  frontier ${BLOB} NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Signed checkpoints (C2SP tlog-checkpoint as a signed note), one per tree size, never
-- rewritten. root_hash repeats the root in the note for queries.
CREATE TABLE audit_checkpoints (
  tree_size BIGINT PRIMARY KEY,
  root_hash ${BLOB} NOT NULL,
  checkpoint TEXT NOT NULL,
  signed_at BIGINT NOT NULL
);
