-- Lock: ROW EXCLUSIVE on the log. Takes the oldest $1 changes not replayed yet (only committed ones are
-- visible, so a change committed late is never skipped) and returns their ids.
UPDATE {{log}} SET applied = true
 WHERE seq IN (SELECT seq FROM {{log}} WHERE NOT applied ORDER BY seq LIMIT $1)
RETURNING id
