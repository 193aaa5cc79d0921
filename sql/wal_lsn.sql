-- The server's current WAL insert position, read by the drain before and after each batch: the difference is
-- the WAL that batch wrote (its full-page images, mostly), for --max-wal-rate and the summary's walBytes.
-- Any role may call it; it fails on a standby, where the drain does not run.
SELECT pg_current_wal_insert_lsn()::text AS lsn
