-- Lock: none on "UserSession" (a new table of ours, created in the copy's transaction: it exists only if the copy
-- committed). The copy's ledger: the id and a hash of every row the copy wrote into the new table, so that the
-- verification compares two small tables instead of scanning "UserSession" again.
CREATE TABLE {{copied}} (id uuid NOT NULL, h bigint NOT NULL) WITH (autovacuum_enabled = false)
