-- The demo: the role a failed seed may have left behind, dropped to start over cleanly.
DROP ROLE IF EXISTS {{role}}
