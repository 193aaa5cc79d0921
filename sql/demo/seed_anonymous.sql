-- Demo: anonymous sessions $1..$2 of $3, spread evenly over the last 30 days in creation order,
-- each expiring 30 days after creation (what Hatchet's leak created).
INSERT INTO {{table}} ("id", "createdAt", "updatedAt", "userId", "data", "expiresAt")
SELECT gen_random_uuid(), t, t, NULL, '{}'::jsonb, t + INTERVAL '30 days'
  FROM (SELECT date_trunc('milliseconds', NOW() - INTERVAL '30 days' + (i::float8 / $3::int) * INTERVAL '30 days') AS t
          FROM generate_series($1::int, $2::int) AS i) AS s
