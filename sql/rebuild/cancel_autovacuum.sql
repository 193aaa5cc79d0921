-- Cancels the autovacuum worker with pid $1 (pg_cancel_backend: it ends its current VACUUM/ANALYZE, as
-- PostgreSQL does after deadlock_timeout; the launcher runs it again later). Checked again here, so a pid that is
-- meanwhile a client session or an anti-wraparound vacuum is never touched.
SELECT pg_cancel_backend(a.pid) AS cancelled
  FROM pg_catalog.pg_stat_activity a
 WHERE a.pid = $1
   AND a.backend_type = 'autovacuum worker'
   AND a.query NOT ILIKE '%to prevent wraparound%'
