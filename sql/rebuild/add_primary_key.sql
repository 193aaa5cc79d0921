-- Lock: ACCESS EXCLUSIVE on the new table only. The primary key, on the index just built.
ALTER TABLE {{new}} ADD CONSTRAINT {{constraint}} PRIMARY KEY USING INDEX {{index}} {{deferrable}}
