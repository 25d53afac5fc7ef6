-- 0022_persons_unmerged_from: the person a merged person was given back from. An operator's split
-- of a record that came into a person with a merge undoes that merge (person::PersonOps::Split):
-- the person it came with is made active again and remembers whom it was merged into, so that the
-- other records it brought go back to it as each is split off too. Design:
-- docs/design/person-repository.md ("A split undoes the merge that brought the record").
ALTER TABLE persons ADD COLUMN unmerged_from TEXT;
CREATE INDEX persons_unmerged_from_idx ON persons (unmerged_from) WHERE unmerged_from IS NOT NULL;
