-- 0007_citizen: what citizens' access to their own data needs — API keys bound to a person,
-- the audit log's person index (a person's access history without scanning the log), and the
-- correction requests citizens send to the agency that owns a record.
-- Design: docs/design/sharing.md ("Citizens"), docs/design/audit-log.md ("Person index").

-- A citizen key acts for exactly one person (the surviving key when it was created; a later
-- merge is followed at request time). NULL for every other role. Written by src/auth.
ALTER TABLE api_keys ADD COLUMN person_key TEXT;

-- The person an audit entry is about (its subject.person_key), repeated outside the encoded
-- entry so it can be indexed; NULL when the entry is about no person, and for entries appended
-- before this migration (those do not appear in a person's history). Written by src/audit in
-- the same INSERT as the entry. The partial index holds only entries about a person, newest
-- last, so "the person's latest n accesses" is one index range scan.
ALTER TABLE audit_entries ADD COLUMN person_key TEXT;
CREATE INDEX audit_entries_person_idx ON audit_entries (person_key, idx) WHERE person_key IS NOT NULL;

-- A citizen's request to correct one field of a record about them (POST /v1/me/corrections),
-- routed to the agency owning the dataset. `current_value` is the record's value when the
-- request was made (NULL: the field was empty). status: open until the agency answers.
-- Written by src/api (routes_citizen.cc) through src/sharing/correction_store.
CREATE TABLE correction_requests (
  id TEXT PRIMARY KEY,
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  record_key TEXT NOT NULL,
  field TEXT NOT NULL,
  person_key TEXT NOT NULL,
  current_value TEXT,
  claimed_value TEXT NOT NULL,
  note TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),
  created_at BIGINT NOT NULL,
  resolved_at BIGINT
);
CREATE INDEX correction_requests_dataset_idx ON correction_requests (dataset_id, created_at);
CREATE INDEX correction_requests_person_idx ON correction_requests (person_key);
