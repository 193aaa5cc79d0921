-- Benchmark live load, step 1 of a login: a request creates an anonymous session ($1 its id).
INSERT INTO {{table}} ("id", "userId", "data", "expiresAt")
VALUES ($1, NULL, '{}'::jsonb, NOW() + INTERVAL '30 days')
