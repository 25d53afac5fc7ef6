-- 0005_person: the person repository — persons, the links of agency records to them, person
-- events, golden attribute values with provenance, discrepancies, the review queue, operators'
-- decisions and the linker's per-dataset cursors. Design: docs/design/person-repository.md.
-- Written only by src/person.
--
-- Tables that grow with people carry person_key so a Citus deployment can distribute them by it
-- (persons, person_golden, person_events, person_discrepancies); person_links is looked up by
-- record, so it is keyed (and would be distributed) by (dataset_id, record_key).

-- One row per person. `person_key` is stable: the 12-digit personal ID for a person the
-- authoritative dataset knows, else a surrogate 'S' + 16 hex digits. A surrogate merged into
-- another person keeps its row (status 'merged', merged_into the survivor) so an old key still
-- resolves.
CREATE TABLE persons (
  person_key TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('registry', 'surrogate')),
  status TEXT NOT NULL CHECK (status IN ('active', 'merged')),
  merged_into TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Which person each linked record belongs to, how it was decided (authority: the record is the
-- authoritative dataset's own; id: same personal ID with consistent birth date and sex; rule:
-- same old ID number with consistent birth date and sex; probabilistic: match weight above the
-- threshold; review: an operator's decision; new: nothing matched, a surrogate was created) and
-- the record's person attributes as linked (JSON object), which survivorship and discrepancy
-- checks read. `source_updated_at` is the record version's time (recency in survivorship).
CREATE TABLE person_links (
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  record_key TEXT NOT NULL,
  person_key TEXT NOT NULL REFERENCES persons (person_key),
  method TEXT NOT NULL CHECK (method IN ('authority', 'id', 'rule', 'probabilistic', 'review', 'new')),
  weight ${REAL},
  attributes TEXT NOT NULL,
  source_updated_at BIGINT NOT NULL,
  linked_at BIGINT NOT NULL,
  PRIMARY KEY (dataset_id, record_key)
);
CREATE INDEX person_links_person_idx ON person_links (person_key);

-- Everything that happened to a person, in order (seq): created, linked, unlinked, merged (on
-- both persons; other_person_key names the other), split (on both persons).
CREATE TABLE person_events (
  seq ${ID},
  person_key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('created', 'linked', 'unlinked', 'merged', 'split')),
  other_person_key TEXT,
  dataset_id TEXT,
  record_key TEXT,
  detail TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX person_events_person_idx ON person_events (person_key, seq);

-- The golden record: one surviving value per (person, attribute), with its provenance (the
-- dataset and record it came from, and that record version's time). Survivorship:
-- docs/design/person-repository.md.
CREATE TABLE person_golden (
  person_key TEXT NOT NULL,
  attribute TEXT NOT NULL,
  value TEXT NOT NULL,
  dataset_id TEXT NOT NULL,
  record_key TEXT NOT NULL,
  source_updated_at BIGINT NOT NULL,
  PRIMARY KEY (person_key, attribute)
);
-- Deterministic lookups (personal_id, old_id_number) by value.
CREATE INDEX person_golden_value_idx ON person_golden (attribute, value);

-- Where a linked record disagrees with the authoritative record of its person: one row per
-- (dataset, record, attribute). resolved_at is set when the disagreement is gone (either side
-- corrected, or the record unlinked); a new disagreement on the same row reopens it.
CREATE TABLE person_discrepancies (
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  record_key TEXT NOT NULL,
  attribute TEXT NOT NULL,
  person_key TEXT NOT NULL,
  source_value TEXT NOT NULL,
  authoritative_value TEXT NOT NULL,
  detected_at BIGINT NOT NULL,
  resolved_at BIGINT,
  PRIMARY KEY (dataset_id, record_key, attribute)
);
CREATE INDEX person_discrepancies_person_idx ON person_discrepancies (person_key);

-- Pairs the engine could not decide (weight between the thresholds). While an item is pending,
-- its record waits unlinked. status: pending, decided (an operator's decision is in
-- person_decisions), superseded (the record changed or was deleted before a decision).
CREATE TABLE person_review (
  id ${ID},
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  record_key TEXT NOT NULL,
  person_key TEXT NOT NULL,
  weight ${REAL} NOT NULL,
  probability ${REAL} NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'decided', 'superseded')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX person_review_status_idx ON person_review (status, id);
CREATE INDEX person_review_record_idx ON person_review (dataset_id, record_key);

-- Operators' decisions on (record, person) pairs. Every later run respects them: a 'non_match'
-- pair is never linked by the engine; a 'match' pins the record to the person.
CREATE TABLE person_decisions (
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  record_key TEXT NOT NULL,
  person_key TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('match', 'non_match')),
  review_id BIGINT,
  decided_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  decided_at BIGINT NOT NULL,
  PRIMARY KEY (dataset_id, record_key, person_key)
);

-- Per dataset and partition ("0/1" when not partitioned): the last change-event seq linked.
CREATE TABLE person_link_cursors (
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  part TEXT NOT NULL,
  last_seq BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (dataset_id, part)
);

-- Linker settings shared by every node: authority_dataset, source_priority (comma-separated
-- dataset ids), and per dataset the trained linkage model ("model:<dataset>", JSON).
CREATE TABLE person_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
