-- 0015_person_corrections: a person's correction requests, newest first, a page at a time.
--
-- `CorrectionsOfPerson` (GET /v1/me/corrections) continues a page with
-- (created_at, id) < the last page's end: an index ordered by (person_key, created_at, id) seeks
-- it (read backwards on SQLite). It replaces the person-only index, which it covers.
DROP INDEX correction_requests_person_idx;
CREATE INDEX correction_requests_person_order_idx ON correction_requests (person_key, created_at, id);
