-- Who holds the runner lock ($1 tool key, $2 table oid): pid, application, client address, connected since.
SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start AS since
  FROM pg_locks l
  JOIN pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'advisory' AND l.granted
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND l.classid = $1::int::oid AND l.objid = ($2::int::bigint & 4294967295)::oid AND l.objsubid = 2
 LIMIT 1
