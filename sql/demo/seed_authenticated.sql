-- Demo: $1 sessions per user over the last 30 days; every third one (by user and session number) expired a
-- day after creation.
INSERT INTO {{table}} ("id", "createdAt", "updatedAt", "userId", "data", "expiresAt")
SELECT gen_random_uuid(), s.t, s.t, s.user_id,
       jsonb_build_object('user_id', s.user_id, 'email', s.email),
       s.t + CASE WHEN (s.k + substring(s.email from '[0-9]+')::int) % 3 = 0 THEN INTERVAL '1 day' ELSE INTERVAL '30 days' END
  FROM (SELECT u."id" AS user_id, u."email" AS email, k,
               date_trunc('milliseconds', NOW() - random() * INTERVAL '30 days') AS t
          FROM {{schema}}."User" u
         CROSS JOIN generate_series(1, $1::int) AS k) AS s
