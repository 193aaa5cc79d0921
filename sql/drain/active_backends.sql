-- Client backends running a statement now, other than this one.
SELECT count(*)::int AS active
  FROM pg_stat_activity
 WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
