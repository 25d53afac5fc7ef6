-- 0012_person_links_order: a person's links in (dataset, record key) order straight from an index.
--
-- Data endpoints read "the records linked to person P, in dataset and record-key order" on every
-- request. With the index on person_key alone the store found the rows and then sorted them (a
-- temporary sort per request on SQLite); this index returns them in that order, and it serves
-- every lookup the old one did (its leading column is person_key), so the old one goes.
CREATE INDEX person_links_person_order_idx ON person_links (person_key, dataset_id, record_key);
DROP INDEX person_links_person_idx;
