-- Hatchet's latest applied migration.
SELECT version_id::text AS version, tstamp AS applied_at
  FROM {{schema}}.goose_db_version
 WHERE is_applied
 ORDER BY id DESC
 LIMIT 1
