-- Rows Hatchet's rule makes deletable now (an exact count: one full scan of the table).
SELECT count(*)::bigint AS deletable FROM {{table}} WHERE {{rule}}
