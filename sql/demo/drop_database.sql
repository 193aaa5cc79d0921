-- The demo: a database a failed seed may have left behind, dropped to start over cleanly.
DROP DATABASE IF EXISTS {{database}}
