-- Progress of the CREATE INDEX run by backend $1.
SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total, lockers_done, lockers_total
  FROM pg_stat_progress_create_index
 WHERE pid = $1
