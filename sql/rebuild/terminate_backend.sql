-- Ends another backend ($1 pid): only with --terminate-blockers, for one that blocks the swap.
SELECT pg_terminate_backend($1) AS terminated
