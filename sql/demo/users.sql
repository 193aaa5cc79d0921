-- Demo: $1 real users.
INSERT INTO {{schema}}."User" ("id", "email", "emailVerified", "name")
SELECT gen_random_uuid(), 'user' || i || '@example.com', true, 'Demo user ' || i
  FROM generate_series(1, $1::int) AS i
