-- This connection's backend process id.
SELECT pg_backend_pid() AS pid
