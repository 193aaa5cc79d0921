-- Highest replay lag of any streaming replica, in seconds (NULL when there is none or it is unknown).
SELECT MAX(EXTRACT(EPOCH FROM replay_lag))::float8 AS lag_s,
       count(*)::int AS replicas
  FROM pg_stat_replication
