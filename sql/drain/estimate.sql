-- Estimated deletable rows from a block sample of $1 percent of the table (cheap; 100 reads it all).
SELECT (count(*) FILTER (WHERE {{rule}}) * 100.0 / $1::float8)::bigint AS deletable,
       (count(*) * 100.0 / $1::float8)::bigint AS total
  FROM {{table}} TABLESAMPLE SYSTEM ($1::float8)
