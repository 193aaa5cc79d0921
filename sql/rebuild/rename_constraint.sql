-- Lock: ACCESS EXCLUSIVE on the table (already held in the swap). Renames a constraint (and its index).
ALTER TABLE {{target}} RENAME CONSTRAINT {{from}} TO {{to}}
