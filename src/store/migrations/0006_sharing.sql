-- 0006_sharing: data-sharing agreements and citizens' consents — the inputs of the policy
-- decision (src/policy, docs/design/policy.md). Written only by src/sharing.

-- Every version of every agreement. An agreement is never edited in place: a change (scope,
-- validity, status) adds a version, so what allowed an access in the past can always be shown.
-- `body` is the agreement document (docs/design/sharing.md, "Agreement document") as canonical
-- JSON; the columns beside it are what queries select on. Times are µs since the epoch, UTC.
CREATE TABLE agreement_versions (
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  consumer_agency TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'suspended', 'revoked')),
  valid_from BIGINT NOT NULL,
  valid_to BIGINT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (id, version)
);

-- The current version of each agreement, and its consumer ("*" for open data), which is how
-- every data request finds the agreements that may allow it.
CREATE TABLE agreements (
  id TEXT PRIMARY KEY,
  current_version INTEGER NOT NULL,
  consumer_agency TEXT NOT NULL
);
CREATE INDEX agreements_consumer_idx ON agreements (consumer_agency);

-- Consent artefacts granted by a person (person_key) to a recipient agency for one purpose.
-- `grants` is a JSON object {dataset: [field, ...]}. `uses` counts reads made under the consent;
-- `max_uses` 0 means no limit. Revocation sets revoked_at; the row stays as proof.
-- `channel`, `text_version` and `proof` record how consent was given (Decree 356/2025: proof of
-- consent is kept).
CREATE TABLE consents (
  id TEXT PRIMARY KEY,
  person_key TEXT NOT NULL,
  recipient_agency TEXT NOT NULL REFERENCES agencies (id),
  purpose TEXT NOT NULL,
  grants TEXT NOT NULL,
  valid_from BIGINT NOT NULL,
  valid_to BIGINT NOT NULL,
  max_uses BIGINT NOT NULL DEFAULT 0,
  uses BIGINT NOT NULL DEFAULT 0,
  granted_at BIGINT NOT NULL,
  revoked_at BIGINT,
  channel TEXT NOT NULL,
  text_version TEXT NOT NULL,
  proof TEXT NOT NULL
);
CREATE INDEX consents_person_idx ON consents (person_key);
CREATE INDEX consents_recipient_idx ON consents (recipient_agency);
