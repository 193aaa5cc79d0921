-- Cancel the statement running on backend $1 (one of our own connections).
SELECT pg_cancel_backend($1) AS cancelled
