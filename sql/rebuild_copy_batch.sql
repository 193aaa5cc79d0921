-- Lock: ACCESS SHARE on "UserSession" (readers and writers go on). One batch of the copy: the rows Hatchet's
-- rule keeps in heap blocks [$1, $2), read from the copy's snapshot.
INSERT INTO {{new}}
SELECT * FROM {{table}}
 WHERE ctid >= $1::tid AND ctid < $2::tid AND NOT {{rule}}
