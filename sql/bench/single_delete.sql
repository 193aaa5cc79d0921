-- Benchmark reference: every deletable row in one statement, one transaction.
DELETE FROM {{table}} WHERE {{rule}}
