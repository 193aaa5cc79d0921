-- wal_compression for this connection only ($1: 'lz4', 'pglz' or 'on'). Almost all the WAL a bulk delete writes is
-- full-page images: the first change to a page after a checkpoint logs the whole 8 kB page, so deleting from a
-- 1 GB table writes ~1 GB of WAL, and every commit of the live API has to flush the part written before it.
-- Compressed, those images take a fraction of the disk's time. Only a superuser may set this (42501 otherwise:
-- the server's own setting stays); 22023 when the server was built without that method.
SELECT set_config('wal_compression', $1, false)
