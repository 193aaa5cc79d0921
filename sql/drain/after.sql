-- The table after a drain ($1 schema, $2 table): heap size and live rows (after ANALYZE).
SELECT pg_relation_size(c.oid) AS heap_bytes,
       GREATEST(c.reltuples, 0)::bigint AS live_rows
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relname = $2
