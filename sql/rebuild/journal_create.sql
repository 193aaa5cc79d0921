-- The rebuild journal: one row per step event, in the table's schema, so an interrupted rebuild is found at
-- the next start. Created once; kept afterwards (a few rows per rebuild).
CREATE TABLE IF NOT EXISTS {{journal}} (
    seq bigserial PRIMARY KEY,
    rebuild_id text NOT NULL,
    step text NOT NULL,
    status text NOT NULL,
    detail jsonb,
    pid integer NOT NULL DEFAULT pg_backend_pid(),
    at timestamptz NOT NULL DEFAULT clock_timestamp()
)
