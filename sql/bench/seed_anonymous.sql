-- Benchmark: anonymous sessions $1..$2 of $3, spread evenly over the last 30 days in creation order, each expiring
-- 30 days after creation (what Hatchet's leak created), each carrying a cookie session's values (an OAuth state, a
-- redirect, a user agent: ~300 bytes of jsonb) so the table has the report's size (~0.5 kB a row with indexes).
INSERT INTO {{table}} ("id", "createdAt", "updatedAt", "userId", "data", "expiresAt")
SELECT gen_random_uuid(), t, t, NULL,
       jsonb_build_object(
         'oauth_state', md5(i::text) || md5((i * 7)::text),
         'redirect_to', '/auth/login?next=%2Fworkflow-runs%2F' || md5((i * 13)::text),
         'user_agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
         'flashes', '[]'::jsonb),
       t + INTERVAL '30 days'
  FROM (SELECT i, date_trunc('milliseconds', NOW() - INTERVAL '30 days' + (i::float8 / $3::int) * INTERVAL '30 days') AS t
          FROM generate_series($1::int, $2::int) AS i) AS s
