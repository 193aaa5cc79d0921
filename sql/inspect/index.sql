-- Hatchet's createdAt index ($1 schema, $2 index name): present, and valid (a failed CONCURRENTLY build leaves it invalid).
SELECT i.indisvalid AS valid,
       pg_get_indexdef(i.indexrelid) AS definition
  FROM pg_class ic
  JOIN pg_namespace n ON n.oid = ic.relnamespace
  JOIN pg_index i ON i.indexrelid = ic.oid
 WHERE n.nspname = $1 AND ic.relname = $2
