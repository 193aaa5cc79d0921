-- Lock: ACCESS EXCLUSIVE on the table (already held in the swap). Renames the table.
ALTER TABLE {{target}} RENAME TO {{to}}
