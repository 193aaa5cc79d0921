-- One scheduled runner at a time across every instance: a session advisory lock keyed on this tool ($1)
-- and the table's oid ($2), inside the current database. Never waits.
SELECT pg_try_advisory_lock($1::int, $2::int) AS acquired, pg_backend_pid() AS pid
