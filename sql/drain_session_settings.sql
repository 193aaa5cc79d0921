-- Settings of the drain's own connection, once after it connects ($1 backend_flush_after, '1MB' by default).
-- The drain dirties every page it sweeps; shared_buffers is small next to the table, so its own backend evicts
-- most of those pages. With backend_flush_after left at its default (0), they sit dirty in the operating
-- system's cache until the next checkpoint's fsync writes them all at once (~1 GB on a 2.6M-row table), and
-- every commit of the live API waits behind that burst. With it set, the kernel starts writing them as they
-- are evicted, at the drain's pace, and the checkpoint finds little left to sync.
SELECT set_config('backend_flush_after', $1, false)
