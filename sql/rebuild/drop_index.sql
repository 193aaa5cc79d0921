-- Lock: ACCESS EXCLUSIVE on the backup's index (nobody else uses the backup). Gives one index's disk back.
DROP INDEX IF EXISTS {{index}}
