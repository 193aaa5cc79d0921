-- The server's current WAL insert and flush positions, read by the drain before and after each batch: the
-- difference of the insert positions is the WAL that batch wrote (its full-page images, mostly), for
-- --max-wal-rate and the summary's walBytes; the flush position tells which batches committed without waiting
-- for their WAL (--nice 0) are on disk for sure. Any role may call them; they fail on a standby, where the drain
-- does not run.
SELECT pg_current_wal_insert_lsn()::text AS lsn, pg_current_wal_flush_lsn()::text AS flushed
