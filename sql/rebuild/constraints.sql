-- The constraints of table $2 in schema $1 (NOT NULL ones aside): name, type, definition, validated.
SELECT k.conname AS name,
       k.contype AS type,
       pg_get_constraintdef(k.oid) AS definition,
       k.convalidated AS validated
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relname = $2 AND k.contype <> 'n'
 ORDER BY k.conname
