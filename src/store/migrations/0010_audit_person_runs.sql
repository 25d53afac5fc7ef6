-- 0010_audit_person_runs: the audit log's person index as sorted, immutable runs instead of the
-- partial B-tree index of 0007_citizen. With persons scattered over the log, that index took a
-- random page write per appended entry, so every commit's write-ahead log grew with the log; now
-- appends write only audit_entries (at its right edge) and src/audit/person_index.cc builds the
-- index in bulk. Design: docs/design/audit-log.md ("Person index").
--
-- Derived data: the entries (and their person_key column, kept) are the truth; the runs are built
-- from them on start, so there is no backfill here — the first AuditLog::Open after this
-- migration indexes the existing log (entries appended before 0007 have no person_key and stay
-- out of the index, as before).
DROP INDEX audit_entries_person_idx;

-- One row per run: a sorted list of (person_key, idx) postings of the entries [first_idx,
-- end_idx). Live runs partition a prefix of the log; readers scan the rest of the log (the tail)
-- directly. state: 'building' (a merge being written, owned by `owner` while `claimed_at` is
-- recent; invisible to readers), 'live', 'dead' (merged away; its blocks are being deleted).
-- Run ids only grow (audit_person_next_run) and are never reused.
CREATE TABLE audit_person_runs (
  run ${INT} PRIMARY KEY,
  level INTEGER NOT NULL,
  first_idx BIGINT NOT NULL,
  end_idx BIGINT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('building', 'live', 'dead')),
  owner TEXT,
  claimed_at BIGINT
);
-- At most one run per level and start: two nodes building the same run collide here.
CREATE UNIQUE INDEX audit_person_runs_slot ON audit_person_runs (level, first_idx) WHERE state <> 'dead';

-- A run's postings in blocks of a few kilobytes (src/audit/person_block.h), keyed by the sort key
-- of the block's first posting (person_key, 0x00, idx as 8 big-endian bytes), so the blocks of a
-- run are one key range, written in order, and a person's latest postings are one probe per run.
CREATE TABLE audit_person_blocks (
  run BIGINT NOT NULL,
  first_key ${BLOB} NOT NULL,
  data ${BLOB} NOT NULL,
  PRIMARY KEY (run, first_key)
);

CREATE TABLE audit_person_next_run (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  next_run BIGINT NOT NULL
);
INSERT INTO audit_person_next_run (id, next_run) VALUES (1, 1);
