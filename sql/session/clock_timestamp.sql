-- The server's clock now (not the transaction's start): when a rebuild's plan was made.
SELECT clock_timestamp() AS now
