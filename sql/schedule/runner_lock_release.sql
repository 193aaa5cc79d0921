-- Release the runner lock ($1 tool key, $2 table oid).
SELECT pg_advisory_unlock($1::int, $2::int) AS released
