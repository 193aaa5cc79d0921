-- Lock: none on "UserSession". The old table's storage parameters on the new table.
ALTER TABLE {{new}} SET ({{reloptions}})
