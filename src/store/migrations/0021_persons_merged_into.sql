-- 0021_persons_merged_into: the persons merged into a person. A person's access history holds the
-- accesses to every person merged into them (person::AbsorbedPersons, GET /v1/me/access): the
-- index finds them without reading every merged person. Partial: most persons are not merged.
-- Design: docs/design/sharing.md ("Merged persons").
CREATE INDEX persons_merged_into_idx ON persons (merged_into) WHERE merged_into IS NOT NULL;

-- Since 2026-11-30 a merge moves the absorbed person's consents and correction requests to the
-- survivor (person::MovePersonReferences). Those of persons merged before are moved here, to the
-- end of their chain of merges (a merged person's merged_into names the person it was merged
-- into then, who may have been merged since).
UPDATE consents SET person_key = (
    WITH RECURSIVE chain (k, d) AS (
      SELECT consents.person_key, 0
      UNION ALL
      SELECT p.merged_into, chain.d + 1 FROM persons p JOIN chain ON p.person_key = chain.k
        WHERE p.merged_into IS NOT NULL AND chain.d < 64)
    SELECT k FROM chain ORDER BY d DESC LIMIT 1)
  WHERE person_key IN (SELECT person_key FROM persons WHERE merged_into IS NOT NULL);
UPDATE correction_requests SET person_key = (
    WITH RECURSIVE chain (k, d) AS (
      SELECT correction_requests.person_key, 0
      UNION ALL
      SELECT p.merged_into, chain.d + 1 FROM persons p JOIN chain ON p.person_key = chain.k
        WHERE p.merged_into IS NOT NULL AND chain.d < 64)
    SELECT k FROM chain ORDER BY d DESC LIMIT 1)
  WHERE person_key IN (SELECT person_key FROM persons WHERE merged_into IS NOT NULL);
