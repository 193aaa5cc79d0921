-- The table's size in blocks when the drain starts ($1 schema, $2 table): the sweep covers blocks 0..blocks-1.
SELECT (pg_relation_size(c.oid) / current_setting('block_size')::bigint) AS blocks,
       current_setting('block_size')::int AS block_size,
       pg_relation_size(c.oid) AS heap_bytes,
       GREATEST(c.reltuples, 0)::bigint AS estimated_rows,
       current_setting('server_version_num')::int AS server_version_num
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relname = $2
