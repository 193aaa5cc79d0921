-- Lock: SHARE ROW EXCLUSIVE on the table (short lock_timeout). Removes the capture trigger.
DROP TRIGGER IF EXISTS {{trigger}} ON {{table}}
