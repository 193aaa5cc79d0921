-- Backends holding or waiting for a lock on relation $1 (oid), other than us: who would block the swap.
SELECT DISTINCT a.pid,
       EXTRACT(EPOCH FROM (clock_timestamp() - COALESCE(a.xact_start, a.query_start)))::float8 AS age_seconds,
       a.state,
       l.mode,
       l.granted,
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 200) AS query
  FROM pg_locks l
  JOIN pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'relation' AND l.relation = $1::oid AND l.pid <> pg_backend_pid()
 ORDER BY age_seconds DESC
