-- 0016_live_consents: the consents a decision reads, without the revoked and expired ones.
--
-- Every decision about a person by a recipient resting on consent reads that person's consents to
-- that recipient (`ConsentStore::ForDecision`), and each grant counts the person's consents in
-- force (at most 200). Revoked and expired consents stay as the person's record, so an index on
-- the person alone would make both reads grow with every consent ever given and withdrawn.
-- `revoked_at IS NULL AND valid_to > now` is a seek on these (equality on NULL, then a range).
CREATE INDEX consents_live_idx ON consents (person_key, revoked_at, valid_to);
CREATE INDEX consents_recipient_live_idx ON consents (person_key, recipient_agency, revoked_at, valid_to);
-- The newest withdrawn or expired consent to a recipient (why a decision is refused): newest first,
-- past at most the live ones.
CREATE INDEX consents_recipient_order_idx ON consents (person_key, recipient_agency, granted_at, id);
-- A person's own list, newest first a page at a time (`ConsentStore::ForPerson`,
-- GET /v1/me/consents?before=). It also covers the person-only index it replaces.
CREATE INDEX consents_person_order_idx ON consents (person_key, granted_at, id);
DROP INDEX consents_person_idx;
