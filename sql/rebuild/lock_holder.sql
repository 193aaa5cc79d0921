-- Who holds the rebuild's advisory lock ($1 = schema name): pid, application and since when.
SELECT l.pid, a.application_name, a.backend_start, a.client_addr::text AS client_addr
  FROM pg_locks l
  LEFT JOIN pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND l.classid = 1213416787 AND l.objsubid = 2
   AND l.objid::bigint = (hashtext($1)::bigint & 4294967295)
