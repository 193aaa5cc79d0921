-- Demo: $1 sessions per user over the last 30 days; every third one expired a day after creation.
INSERT INTO {{table}} ("id", "createdAt", "updatedAt", "userId", "data", "expiresAt")
SELECT gen_random_uuid(), s.t, s.t, u."id",
       jsonb_build_object('user_id', u."id", 'email', u."email"),
       s.t + CASE WHEN k % 3 = 0 THEN INTERVAL '1 day' ELSE INTERVAL '30 days' END
  FROM {{schema}}."User" u
 CROSS JOIN generate_series(1, $1::int) AS k
 CROSS JOIN LATERAL (SELECT date_trunc('milliseconds', NOW() - random() * INTERVAL '30 days' + k * INTERVAL '0 days') AS t) AS s
