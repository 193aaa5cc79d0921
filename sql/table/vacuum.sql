-- Make the space of deleted rows reusable (plain VACUUM: no exclusive lock). Cannot run in a transaction.
VACUUM (ANALYZE) {{table}}
