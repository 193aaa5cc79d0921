-- Transactions open longer than $1 seconds in this database (other than ours): they would block the swap.
SELECT a.pid,
       EXTRACT(EPOCH FROM (clock_timestamp() - a.xact_start))::float8 AS age_seconds,
       a.state,
       a.usename::text AS usename,
       a.application_name,
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 200) AS query
  FROM pg_stat_activity a
 WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL
   AND a.xact_start < clock_timestamp() - make_interval(secs => $1)
 ORDER BY a.xact_start
