-- 0014_bounded_listings: indexes for questions that otherwise read a whole table
-- (or a whole dataset's rows) at national scale.
--
-- The open discrepancies of a dataset, in key order: `ListDiscrepancies` pages through them with
-- (record_key, attribute) > the last page's end. The primary key orders all of them, resolved ones
-- included, so a page of open ones would step over every resolved row between them.
CREATE INDEX person_discrepancies_open_idx ON person_discrepancies (dataset_id, record_key, attribute)
  WHERE resolved_at IS NULL;

-- Whether any surrogate person is still active: asked at the start of every link run of the
-- authoritative dataset. Registry persons (one per citizen) outnumber surrogates by far, and
-- merged surrogates no longer count, so without this index the answer reads most of `persons`.
CREATE INDEX persons_active_surrogates_idx ON persons (person_key) WHERE kind = 'surrogate' AND status = 'active';

-- Review items of one dataset in id order, of one status or of any (`ListReview` with a dataset
-- filter; the (status, id) index of 0005 serves the listing by status alone).
CREATE INDEX person_review_dataset_idx ON person_review (dataset_id, status, id);
CREATE INDEX person_review_dataset_order_idx ON person_review (dataset_id, id);

-- Correction requests of one dataset in (created_at, id) order, all of them or the open ones
-- (`ListCorrections` pages on both columns). It replaces 0007's (dataset_id, created_at), a prefix.
DROP INDEX correction_requests_dataset_idx;
CREATE INDEX correction_requests_dataset_order_idx ON correction_requests (dataset_id, created_at, id);
CREATE INDEX correction_requests_open_idx ON correction_requests (dataset_id, created_at, id) WHERE status = 'open';

-- API keys in (created_at, id) order, all of them, of one role or of one agency (`ApiKeyStore::List`
-- pages; a national hub holds a citizen key per person).
-- The last replaces 0001's index on agency_id alone, a prefix of it.
DROP INDEX api_keys_agency_id_idx;
CREATE INDEX api_keys_order_idx ON api_keys (created_at, id);
CREATE INDEX api_keys_role_order_idx ON api_keys (role, created_at, id);
CREATE INDEX api_keys_agency_order_idx ON api_keys (agency_id, created_at, id);
