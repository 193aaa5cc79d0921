-- Lock: ACCESS EXCLUSIVE on the new table only. A unique constraint, on the index just built.
ALTER TABLE {{new}} ADD CONSTRAINT {{constraint}} UNIQUE USING INDEX {{index}} {{deferrable}}
