-- Hatchet records its migrations in goose_db_version ($1 schema).
SELECT EXISTS (
  SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND c.relname = 'goose_db_version'
) AS present
