-- Benchmark live load, step 3 of a login: the login sets "userId" and "data" by id ("updatedAt" untouched, as
-- Hatchet does).
UPDATE {{table}} SET "userId" = $2, "data" = $3::jsonb WHERE "id" = $1
