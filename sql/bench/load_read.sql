-- Benchmark live load, step 2 of a login: the next request reads its session by id.
SELECT "id", "userId", "data", "expiresAt" FROM {{table}} WHERE "id" = $1
