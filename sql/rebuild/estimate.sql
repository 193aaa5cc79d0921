-- Rows the rebuild keeps (Hatchet's rule, not matched), rows in all, and the kept rows' average width in
-- bytes, exactly (one full scan, read-only).
SELECT count(*) FILTER (WHERE NOT {{rule}})::bigint AS kept,
       count(*)::bigint AS total,
       COALESCE(avg(pg_column_size(t.*)) FILTER (WHERE NOT {{rule}}), 0)::float8 AS avg_width
  FROM {{table}} t
