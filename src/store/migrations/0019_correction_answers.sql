-- 0019_correction_answers: the owning agency's answer to a correction request. An agency (or an
-- operator) accepts or rejects an open request with a text for the person
-- (POST /v1/datasets/{id}/corrections/{cid}/answer); status, resolved_at (0007), answer and
-- answered_by are set once, in one conditional UPDATE. Before, nothing could close a request,
-- and a person with 100 open ones could never make another. Design: docs/design/sharing.md
-- ("Corrections").
ALTER TABLE correction_requests ADD COLUMN answer TEXT;
ALTER TABLE correction_requests ADD COLUMN answered_by TEXT;
