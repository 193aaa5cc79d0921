-- Limits of one drain batch, for this transaction only ($1 lock_timeout ms, $2 statement_timeout ms).
-- synchronous_commit stays on: each batch flushes its own WAL at its commit, so the live API's commits never
-- queue behind WAL the drain left unflushed.
SELECT set_config('lock_timeout', $1, true),
       set_config('statement_timeout', $2, true)
