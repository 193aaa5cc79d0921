-- Lock: ACCESS SHARE on the new table, the log and the copy's ledger; none on "UserSession" (not read). The
-- verification before the swap, in one snapshot: for every id never written during the rebuild (no entry in the
-- log), the new table holds exactly the rows the copy wrote from "UserSession"'s kept rows (the ledger): none
-- missing, none extra, each identical (its hash_record_extended equals the hash taken at the copy). Rows written
-- during the rebuild are the replay's: the new table took their latest committed state from "UserSession".
-- Two small tables joined by id (a hash join: work_mem is raised for it); "UserSession" is not scanned again.
WITH touched AS (SELECT DISTINCT id FROM {{log}}),
new_rows AS (
  SELECT n.id, hash_record_extended(n, 0) AS h FROM {{new}} n
   WHERE NOT EXISTS (SELECT 1 FROM touched t WHERE t.id = n.id)
),
copied AS (
  SELECT c.id, c.h FROM {{copied}} c
   WHERE NOT EXISTS (SELECT 1 FROM touched t WHERE t.id = c.id)
),
pairs AS (
  SELECT n.id AS new_id, c.id AS copied_id, n.h AS new_h, c.h AS copied_h
    FROM new_rows n FULL JOIN copied c ON c.id = n.id
)
SELECT count(*) FILTER (WHERE new_id IS NULL)::bigint AS missing,
       count(*) FILTER (WHERE copied_id IS NULL)::bigint AS extra,
       count(*) FILTER (WHERE new_id IS NOT NULL AND copied_id IS NOT NULL AND new_h <> copied_h)::bigint AS differ,
       count(new_id)::bigint AS untouched,
       (SELECT count(*) FROM {{new}})::bigint AS new_rows,
       (SELECT count(*) FROM {{copied}})::bigint AS copied_rows,
       (SELECT count(*) FROM touched)::bigint AS touched_ids
  FROM pairs
