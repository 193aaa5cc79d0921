-- Lock: SHARE UPDATE EXCLUSIVE on the backup (briefly ACCESS EXCLUSIVE to truncate). Returns the empty
-- blocks at the end of the backup's file to the operating system.
VACUUM (TRUNCATE true, INDEX_CLEANUP off) {{target}}
