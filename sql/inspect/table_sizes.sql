-- Sizes and statistics from the catalog: cheap, no scan ($1 schema, $2 table).
SELECT pg_relation_size(c.oid) AS heap_bytes,
       pg_table_size(c.oid) AS table_bytes,
       pg_indexes_size(c.oid) AS index_bytes,
       pg_total_relation_size(c.oid) AS total_bytes,
       COALESCE(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0) AS toast_bytes,
       c.relpages::bigint AS pages,
       GREATEST(c.reltuples, 0)::bigint AS estimated_rows,
       COALESCE(s.n_live_tup, 0) AS live_tuples,
       COALESCE(s.n_dead_tup, 0) AS dead_tuples,
       COALESCE(s.n_tup_ins, 0) AS inserted_total,
       COALESCE(s.n_tup_del, 0) AS deleted_total,
       s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
       current_setting('block_size')::int AS block_size,
       NOW() AS as_of
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
 WHERE n.nspname = $1 AND c.relname = $2
