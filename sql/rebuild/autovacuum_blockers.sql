-- Autovacuum workers of this database holding a lock on one of our relations (schema $1, names $2), which would
-- block a lock the rebuild needs: PostgreSQL itself cancels such a worker once a conflicting lock has waited
-- deadlock_timeout (1 s), but our lock_timeout (100 ms) never waits that long. Never an anti-wraparound vacuum
-- (its query text says "to prevent wraparound"), never a client session (backend_type).
SELECT DISTINCT a.pid,
       c.relname AS relation,
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 200) AS query,
       EXTRACT(EPOCH FROM (clock_timestamp() - a.xact_start))::float8 AS age_seconds
  FROM {{activity}} a
  JOIN pg_catalog.pg_locks l ON l.pid = a.pid AND l.locktype = 'relation' AND l.granted
  JOIN pg_catalog.pg_class c ON c.oid = l.relation
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE a.backend_type = 'autovacuum worker'
   AND a.datname = current_database()
   AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
   AND n.nspname = $1 AND c.relname = ANY($2::text[])
   AND a.query NOT ILIKE '%to prevent wraparound%'
 ORDER BY a.pid
