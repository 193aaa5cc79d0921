-- Lock: SHARE UPDATE EXCLUSIVE on the backup only (taken with a short lock_timeout, retried). No autovacuum on the
-- backup while it is given back: it would only write WAL for a table about to go, and block our own steps.
ALTER TABLE {{target}} SET (autovacuum_enabled = false)
