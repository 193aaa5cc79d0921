-- Lock: none (reads pg_locks only). Whether backend $2 (our VACUUM of the backup with oid $1) holds the ACCESS
-- EXCLUSIVE lock VACUUM takes to truncate the end of the file: the moment to ask for a lock, so it yields.
SELECT EXISTS (
  SELECT 1 FROM pg_catalog.pg_locks
   WHERE locktype = 'relation' AND relation = $1::oid AND pid = $2::int AND mode = 'AccessExclusiveLock' AND granted
) AS truncating
