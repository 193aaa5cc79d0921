-- The wal_compression in effect on this connection (ours, or the server's when ours was refused).
SELECT current_setting('wal_compression') AS value
