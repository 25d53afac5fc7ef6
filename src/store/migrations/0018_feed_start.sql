-- 0018_feed_start: where a feed subscription starts. A feed delivers the changes made after it
-- was subscribed: `start_after` is the dataset's last change-event number when the subscription
-- was stored, and a pull's cursor is never below it. Before, a new subscription pulled from 0 and
-- received every past version of every record (superseded addresses and names, changes from
-- before the agreement), which a record read refuses to anyone but the owner. Subscriptions made
-- before this migration keep 0. Design: docs/design/sharing.md ("Feeds").
ALTER TABLE feed_subscriptions ADD COLUMN start_after BIGINT NOT NULL DEFAULT 0;
