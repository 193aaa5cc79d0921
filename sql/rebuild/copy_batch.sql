-- Lock: ACCESS SHARE on "UserSession" (readers and writers go on). One batch of the copy: the rows Hatchet's
-- rule keeps in heap blocks [$1, $2), read from the copy's snapshot, into the new table; the id and a hash of
-- each row written (hash_record_extended: every column with its type's hash, no text conversion) into the
-- copy's ledger, for the verification. The row count is the ledger INSERT's.
WITH moved AS (
  INSERT INTO {{new}}
  SELECT * FROM {{table}}
   WHERE ctid >= $1::tid AND ctid < $2::tid AND NOT {{rule}}
  RETURNING *
)
INSERT INTO {{copied}} (id, h)
SELECT m.id, hash_record_extended(m, 0) FROM moved m
