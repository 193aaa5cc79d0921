-- Limits of one drain batch, for this transaction only ($1 lock_timeout ms, $2 statement_timeout ms).
-- synchronous_commit off: a batch lost in a server crash is only swept again by the next drain.
SELECT set_config('lock_timeout', $1, true),
       set_config('statement_timeout', $2, true),
       set_config('synchronous_commit', 'off', true)
