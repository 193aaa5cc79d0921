-- The rebuild's advisory lock, per schema ($1 = schema name): held by the one connection doing a rebuild.
SELECT pg_try_advisory_lock(1213416787, hashtext($1)) AS locked
