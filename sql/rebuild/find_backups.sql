-- Backup tables left by earlier rebuilds in schema $1 (names starting with $2), with their size.
SELECT c.relname AS name, c.oid::bigint AS oid, pg_total_relation_size(c.oid)::bigint AS bytes
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relkind = 'r' AND starts_with(c.relname, $2)
 ORDER BY c.relname
