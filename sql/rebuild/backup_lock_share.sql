-- Lock: ACCESS SHARE on the backup only (nothing else uses it), asked for while our VACUUM holds ACCESS EXCLUSIVE to
-- truncate it. PostgreSQL's VACUUM checks for waiters every ~20 ms of its backward scan: it truncates what it has
-- checked so far, lets go, and takes its lock again once this transaction ends (it retries every 50 ms for 5 s).
-- Held for a pause, so the file is given back a few tens of MB at a time with the disk settling in between.
LOCK TABLE {{target}} IN ACCESS SHARE MODE
