-- Lock: none on "UserSession" (the new table is not visible to anyone yet). No autovacuum on the new table while
-- it is filled and indexed (it would block the index builds and the swap); the original's storage parameters are
-- set back exactly in the swap.
ALTER TABLE {{new}} SET (autovacuum_enabled = false)
