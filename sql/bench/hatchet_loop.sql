-- Benchmark: one batch of Hatchet's own cleanup job (oldest first, 1000 rows, skip locked rows); the job repeats it
-- until it deletes nothing.
DELETE FROM {{table}}
 WHERE "id" IN (SELECT "id"
                  FROM {{table}}
                 WHERE {{rule}}
                 ORDER BY "createdAt"
                 LIMIT 1000
                   FOR UPDATE SKIP LOCKED)
