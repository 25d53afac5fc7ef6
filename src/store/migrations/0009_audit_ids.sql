-- 0009_audit_ids: audit_entries without the UNIQUE index on entry_id. An id is "aud_" + the
-- entry's index in 16 hex digits + 8 random hex digits (every id ever issued has that form), so
-- a lookup by id reads the index out of it and probes the primary key, checking the whole id
-- (src/audit/log_storage.cc, FindEntryIndex); the unique index cost every append a uniqueness
-- probe and an index insert. Design: docs/design/audit-log.md ("Persistence").
--
-- Portable SQL: SQLite cannot drop an inline UNIQUE constraint, so the table is rebuilt (one
-- copy of the log, in this migration's transaction) with the same columns and the person index
-- of 0007_citizen.
-- Writers of audit_entries on other nodes (still the previous version) wait for this migration's
-- commit: an entry committed between the copy and the DROP would be lost (review of 2026-11-30).
${LOCK_FOR_COPY:audit_entries}
CREATE TABLE audit_entries_0009 (
  idx ${INT} PRIMARY KEY,
  entry_id TEXT NOT NULL,
  entry ${BLOB} NOT NULL,
  leaf_hash ${BLOB} NOT NULL,
  appended_at BIGINT NOT NULL,
  person_key TEXT
);
INSERT INTO audit_entries_0009 (idx, entry_id, entry, leaf_hash, appended_at, person_key)
  SELECT idx, entry_id, entry, leaf_hash, appended_at, person_key FROM audit_entries;
DROP TABLE audit_entries;
ALTER TABLE audit_entries_0009 RENAME TO audit_entries;
CREATE INDEX audit_entries_person_idx ON audit_entries (person_key, idx) WHERE person_key IS NOT NULL;
