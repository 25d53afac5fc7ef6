-- 0025_batch_as_of: a snapshot's as_of time (ingest/batch.h, BatchRequest::as_of) and how many
-- live records it did not name but kept because NDC received them after that time. Before,
-- both were only in the batch's message; operators and agency tools read them from the batch.
-- Batches stored before carry NULL and 0 (none of them had an as_of).
ALTER TABLE ingest_batches ADD COLUMN as_of BIGINT;
ALTER TABLE ingest_batches ADD COLUMN kept_as_newer BIGINT NOT NULL DEFAULT 0;
