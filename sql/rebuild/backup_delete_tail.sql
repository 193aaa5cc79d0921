-- Lock: ROW EXCLUSIVE on the backup. Deletes the rows in the backup's last blocks (from block $1 on), so
-- that the next VACUUM can cut that slice off the end of the file.
DELETE FROM {{target}} WHERE ctid >= $1::tid
