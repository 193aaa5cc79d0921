-- Whether a relation named $2 exists in schema $1, and its kind and oid.
SELECT c.oid::bigint AS oid, c.relkind AS kind
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relname = $2
