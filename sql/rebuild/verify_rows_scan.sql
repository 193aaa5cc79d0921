-- Lock: ACCESS SHARE on "UserSession", the new table and the log. Fallback verification, for a rebuild whose copy
-- left no ledger (copied by an earlier version of this tool; see rebuild/verify_rows.sql). Before the swap, in one snapshot
-- and ONE scan of "UserSession" (hashed subplans of the small new table and log): every row Hatchet's rule keeps
-- and that was not written during the rebuild is in the new table (missing), the new table holds nothing else that
-- was not written (extra = untouched - matched), and those rows are identical in both tables (two order-independent
-- hashes: the sum of a 60-bit piece of each row image's md5, with the counts; no sort, no size limit).
WITH touched AS (SELECT DISTINCT id FROM {{log}}),
untouched_new AS MATERIALIZED (
  SELECT n.id, ('x' || left(md5(n::text), 15))::bit(60)::bigint AS h
    FROM {{new}} n
   WHERE NOT EXISTS (SELECT 1 FROM touched t WHERE t.id = n.id)
),
old_side AS (
  -- Hashed subplans (never a hash join that could pick the big table as its hash side): one sequential scan.
  SELECT count(*) FILTER (WHERE o.id IN (SELECT id FROM untouched_new))::bigint AS matched,
         count(*) FILTER (WHERE NOT {{rule}} AND o.id NOT IN (SELECT id FROM touched)
                            AND o.id NOT IN (SELECT id FROM untouched_new))::bigint AS missing,
         COALESCE(sum(('x' || left(md5(o::text), 15))::bit(60)::bigint::numeric)
                    FILTER (WHERE o.id IN (SELECT id FROM untouched_new)), 0) AS old_hash
    FROM {{table}} o
)
SELECT o.missing,
       ((SELECT count(*) FROM untouched_new) - o.matched)::bigint AS extra,
       (SELECT count(*) FROM untouched_new)::bigint AS untouched,
       (SELECT count(*) FROM {{new}})::bigint AS new_rows,
       (SELECT count(*) FROM touched)::bigint AS touched_ids,
       (SELECT COALESCE(sum(h::numeric), 0) FROM untouched_new)::text AS new_hash,
       o.old_hash::text AS old_hash
  FROM old_side o
