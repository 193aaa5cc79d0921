-- Lock: SHARE UPDATE EXCLUSIVE on "UserSession", ROW SHARE on "User": reads and writes go on while the
-- existing rows are checked.
ALTER TABLE {{target}} VALIDATE CONSTRAINT {{constraint}}
