-- Lock: ROW EXCLUSIVE on the new table. Replay, part 1: forget what the new table holds for these ids ($1).
DELETE FROM {{new}} WHERE id = ANY($1::uuid[])
