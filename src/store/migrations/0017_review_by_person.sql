-- 0017_review_by_person: the pending review items that name a person, for the merge that absorbs
-- that person (PersonOps::Merge moves them to the survivor, whose records now include the
-- absorbed person's, so their records — waiting unlinked — are still decided). Partial: decided
-- and superseded items stay as the record of what operators did, and are never looked up this way.
CREATE INDEX person_review_pending_person_idx ON person_review (person_key) WHERE status = 'pending';
