-- Limits of one drain batch, for this transaction only ($1 lock_timeout ms, $2 statement_timeout ms,
-- $3 synchronous_commit, NULL to keep the server's).
-- Paced, synchronous_commit stays on: each batch flushes its own WAL at its commit, so the live API's commits
-- never queue behind WAL the drain left unflushed. Unthrottled (--nice 0), it is off: the batch does not wait for
-- its WAL to reach the disk (~10 % of the sweep's time at 2.6M rows). A server crash may then undo the last
-- batches; the transaction id returned for them tells the drain, once it reconnects, which ones
-- (sql/drain/xact_status.sql): it sweeps those ranges again and takes their rows back off its count.
SELECT set_config('lock_timeout', $1, true),
       set_config('statement_timeout', $2, true),
       set_config('synchronous_commit', COALESCE($3, current_setting('synchronous_commit')), true),
       CASE WHEN $3 = 'off' THEN pg_current_xact_id()::text END AS xid
