-- 0020_consent_frequency: how often a consent may be used, as India's consent artefact's
-- "frequency": at most `frequency_max` uses in any window of `frequency_period` microseconds (0:
-- no such limit). A window opens at the first use after the previous one closed
-- (`period_start`), and `period_uses` counts the uses inside it; ConsentStore::CountUse checks and
-- counts in its one conditional UPDATE, so concurrent reads cannot pass the limit.
-- Design: docs/design/sharing.md ("Consent").
ALTER TABLE consents ADD COLUMN frequency_max BIGINT NOT NULL DEFAULT 0;
ALTER TABLE consents ADD COLUMN frequency_period BIGINT NOT NULL DEFAULT 0;
ALTER TABLE consents ADD COLUMN period_start BIGINT NOT NULL DEFAULT 0;
ALTER TABLE consents ADD COLUMN period_uses BIGINT NOT NULL DEFAULT 0;
