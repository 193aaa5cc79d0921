-- Lock: ACCESS EXCLUSIVE on a table of ours (the new table or the capture log), never on "UserSession".
DROP TABLE IF EXISTS {{target}}
