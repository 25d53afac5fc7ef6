-- 0008_feeds: agencies' subscriptions to change feeds (GET /v1/feeds/{id}?after=). The events
-- themselves are not copied: a feed is a view of one dataset's change events (its version rows),
-- classified (birth, death, address change, identity change, record change) and reduced to the
-- fields the subscription's agreement grants when it is read. Design: docs/design/sharing.md
-- ("Feeds"). Written by src/sharing (feed_store.cc).

-- One subscription: the agency that pulls it, the agreement and purpose it is read under (both
-- re-checked on every pull, so a revoked or expired agreement stops the feed), the event types
-- (JSON array) and the dataset whose change events it follows. status: active | cancelled.
CREATE TABLE feed_subscriptions (
  id TEXT PRIMARY KEY,
  agency_id TEXT NOT NULL REFERENCES agencies (id),
  agreement_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  events TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX feed_subscriptions_agency_idx ON feed_subscriptions (agency_id);
