-- One drain batch, careful path: delete at most $3 rows of blocks [$1, $2) that Hatchet's rule makes
-- deletable, skipping rows locked by anyone else (never waiting on them). Used for a range where the fast
-- path met a locked row (it gives up after 1 ms), and when --max-rows is near. The rule is checked again on each locked row.
DELETE FROM {{table}}
 WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM {{table}}
          WHERE ctid >= $1::tid AND ctid < $2::tid
            AND {{rule}}
          LIMIT $3
            FOR UPDATE SKIP LOCKED))
   AND {{rule}}
