-- Lock: ACCESS EXCLUSIVE on the index (its table's lock already held in the swap). Renames an index.
ALTER INDEX {{index}} RENAME TO {{to}}
