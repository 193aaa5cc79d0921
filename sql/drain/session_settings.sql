-- Settings of the drain's own connection, once after it connects ($1 backend_flush_after, '1MB' by default;
-- NULL keeps the server's).
-- The drain dirties every page it sweeps; shared_buffers is small next to the table, so its own backend evicts
-- most of those pages. With backend_flush_after left at its default (0), they sit dirty in the operating
-- system's cache until the next checkpoint's fsync writes them all at once (~1 GB on a 2.6M-row table), and
-- every commit of the live API waits behind that burst. With it set, the kernel starts writing them as they
-- are evicted, at the drain's pace, and the checkpoint finds little left to sync.
-- No parallel workers: the closing count of what is still deletable scans the whole table, and with workers it
-- takes every core of a small host at once (on 2 cores, 27-42 of the API's transactions over 15 ms in ~1 s).
SELECT set_config('backend_flush_after', COALESCE($1, current_setting('backend_flush_after')), false),
       set_config('max_parallel_workers_per_gather', '0', false)
