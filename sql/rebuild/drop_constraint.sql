-- Lock: ACCESS EXCLUSIVE on the backup; a foreign key also takes SHARE ROW EXCLUSIVE on "User" for a moment
-- (no file is deleted while it is held).
ALTER TABLE {{target}} DROP CONSTRAINT IF EXISTS {{constraint}}
