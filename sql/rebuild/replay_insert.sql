-- Lock: ACCESS SHARE on "UserSession". Replay, part 2: the latest committed state of these ids ($1), from
-- "UserSession" itself (a deleted row is simply absent).
INSERT INTO {{new}} SELECT * FROM {{table}} WHERE id = ANY($1::uuid[])
