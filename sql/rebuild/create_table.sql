-- Lock: ACCESS SHARE on "UserSession" (a catalog read). The new table with the same columns, types,
-- defaults, NOT NULL and CHECK constraints, storage and compression, and column comments. No index yet.
CREATE TABLE {{new}} (LIKE {{table}} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE
    INCLUDING COMMENTS INCLUDING GENERATED INCLUDING IDENTITY INCLUDING COMPRESSION)
