-- Verification before the swap, in one snapshot: every row Hatchet's rule keeps and that was not written
-- during the rebuild is in the new table (missing), the new table holds nothing else that was not written
-- (extra), and those rows are identical in both tables (the two hashes).
WITH touched AS (SELECT DISTINCT id FROM {{log}}),
untouched_new AS (SELECT n.* FROM {{new}} n WHERE n.id NOT IN (SELECT id FROM touched))
SELECT
  (SELECT count(*) FROM {{table}} o
    WHERE NOT {{rule}} AND o.id NOT IN (SELECT id FROM touched)
      AND NOT EXISTS (SELECT 1 FROM {{new}} n WHERE n.id = o.id))::bigint AS missing,
  (SELECT count(*) FROM untouched_new u
    WHERE NOT EXISTS (SELECT 1 FROM {{table}} o WHERE o.id = u.id))::bigint AS extra,
  (SELECT count(*) FROM untouched_new)::bigint AS untouched,
  (SELECT count(*) FROM {{new}})::bigint AS new_rows,
  (SELECT count(*) FROM touched)::bigint AS touched_ids,
  (SELECT md5(COALESCE(string_agg(u::text, E'\n' ORDER BY u.id), '')) FROM untouched_new u) AS new_hash,
  (SELECT md5(COALESCE(string_agg(o::text, E'\n' ORDER BY o.id), ''))
     FROM {{table}} o WHERE o.id IN (SELECT id FROM untouched_new)) AS old_hash
