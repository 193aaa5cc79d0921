-- Benchmark: one batch of the bulk cleanup in Hatchet's upgrade notes (10000 rows by ctid), repeated until it
-- deletes nothing.
DELETE FROM {{table}}
 WHERE ctid IN (SELECT ctid FROM {{table}} WHERE {{rule}} LIMIT 10000)
