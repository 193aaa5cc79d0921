-- Release the rebuild's advisory lock ($1 = schema name).
SELECT pg_advisory_unlock(1213416787, hashtext($1)) AS released
