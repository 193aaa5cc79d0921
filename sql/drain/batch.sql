-- One drain batch, fast path: delete the rows of blocks [$1, $2) that Hatchet's rule makes deletable.
-- $1 and $2 are tids like '(4096,0)': a TID Range Scan (PostgreSQL 14+), no index needed. Runs under a
-- lock_timeout of 1 ms: a range with a row locked by someone else fails at once and is done
-- again with drain/batch_skip_locked.sql. A row changed meanwhile is re-checked against the rule.
DELETE FROM {{table}}
 WHERE ctid >= $1::tid AND ctid < $2::tid
   AND {{rule}}
