-- A setting for the current transaction only ($1 name, $2 value), e.g. lock_timeout for the swap.
SELECT set_config($1, $2, true)
