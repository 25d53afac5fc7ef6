-- 0015_paged_lists: a person's correction requests, newest first, and an agency's feed
-- subscriptions, a page at a time.
--
-- `CorrectionsOfPerson` (GET /v1/me/corrections) continues a page with
-- (created_at, id) < the last page's end: an index ordered by (person_key, created_at, id) seeks
-- it (read backwards on SQLite). It replaces the person-only index, which it covers.
DROP INDEX correction_requests_person_idx;
CREATE INDEX correction_requests_person_order_idx ON correction_requests (person_key, created_at, id);

-- An agency's feed subscriptions in creation order (`FeedStore::List`, GET /v1/feeds?after=):
-- (created_at, id) > the last page's end. Replaces the agency-only index, which it covers.
DROP INDEX feed_subscriptions_agency_idx;
CREATE INDEX feed_subscriptions_agency_order_idx ON feed_subscriptions (agency_id, created_at, id);
