-- 0013_access_generation: one marker of changes to who may read what.
--
-- API keys and data-sharing agreements are read on every data request. The server keeps them in
-- memory and checks this single row instead: every revocation of a key and every new agreement
-- version gives `value` a new random value in the same transaction, and a cached key or agreement
-- is used only while the marker still holds the value it was cached at (and for at most a minute;
-- src/auth/access_generation.h). So a change takes effect on the very next request, on every node
-- sharing this store.
CREATE TABLE access_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value BIGINT NOT NULL
);
INSERT INTO access_generation (id, value) VALUES (1, 0);
