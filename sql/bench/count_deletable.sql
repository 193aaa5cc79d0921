-- Benchmark: rows Hatchet's rule makes deletable now (a full scan).
SELECT count(*) AS deletable FROM {{table}} WHERE {{rule}}
