-- A setting for the rest of this session ($1 name, $2 value), e.g. the VACUUM throttle of the backup drop
-- (VACUUM cannot run inside a transaction, so SET LOCAL would not reach it).
SELECT set_config($1, $2, false)
