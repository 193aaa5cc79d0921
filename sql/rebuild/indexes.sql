-- The indexes of table $2 in schema $1: name, definition, the expected head of that definition (so its
-- tail, from USING on, can be reused on another table), and the constraint each one backs.
SELECT i.relname AS name,
       pg_get_indexdef(x.indexrelid) AS definition,
       format('CREATE %sINDEX %s ON %s.%s ', CASE WHEN x.indisunique THEN 'UNIQUE ' ELSE '' END,
              quote_ident(i.relname), quote_ident(n.nspname), quote_ident(c.relname)) AS head,
       x.indisunique AS is_unique,
       x.indisprimary AS is_primary,
       x.indisvalid AS is_valid,
       k.conname AS constraint_name,
       k.contype AS constraint_type,
       COALESCE(k.condeferrable, false) AS deferrable,
       COALESCE(k.condeferred, false) AS deferred,
       obj_description(x.indexrelid, 'pg_class') AS comment
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class c ON c.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_constraint k ON k.conindid = x.indexrelid AND k.conrelid = c.oid AND k.contype IN ('p', 'u', 'x')
 WHERE n.nspname = $1 AND c.relname = $2
 ORDER BY i.relname
