-- The server and our role: version, replica or read-only session, who we are.
SELECT current_setting('server_version') AS server_version,
       current_setting('server_version_num')::int AS server_version_num,
       pg_is_in_recovery() AS in_recovery,
       current_setting('transaction_read_only') = 'on' AS read_only_session,
       current_user AS role_name,
       current_database() AS database_name
