-- 0024_correction_asked_by: who asked for a correction — the person the citizen's key is bound to
-- when the request is made, never changed by merges (person_key follows merges into the
-- survivor). A split that undoes a merge gives back the requests their own citizens asked
-- (person/person_store.h, GiveBackCorrections). Requests made before this migration have none and
-- stay where merges put them.
ALTER TABLE correction_requests ADD COLUMN asked_by TEXT;
