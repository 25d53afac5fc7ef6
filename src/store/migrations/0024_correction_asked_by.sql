-- 0024_correction_asked_by: who asked for a correction — the person the citizen's key is bound to
-- when the request is made, never changed by merges (person_key follows merges into the
-- survivor). A split that undoes a merge gives back the requests their own citizens asked
-- (person/person_store.h, GiveBackCorrections).
ALTER TABLE correction_requests ADD COLUMN asked_by TEXT;
-- Requests made before: certain only where the holder never took part in a merge (no 'merged'
-- event on it, as survivor or as merged): then only its own keys resolved to it. The others keep
-- none and stay where merges put them.
UPDATE correction_requests SET asked_by = person_key
  WHERE NOT EXISTS (SELECT 1 FROM person_events e
                    WHERE e.person_key = correction_requests.person_key AND e.kind = 'merged');
