-- Whether our capture function ($2) exists in schema $1.
SELECT p.oid::bigint AS oid
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = $1 AND p.proname = $2
