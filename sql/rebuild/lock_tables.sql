-- Lock: ACCESS EXCLUSIVE on "UserSession", then on the new table: the start of the swap. Taken with
-- lock_timeout 100 ms and retried with backoff, so it never queues in front of the live API for long.
LOCK TABLE {{table}}, {{new}} IN ACCESS EXCLUSIVE MODE
