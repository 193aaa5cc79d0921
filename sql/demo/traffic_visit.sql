-- Demo traffic: a request creates an anonymous session.
INSERT INTO {{table}} ("id", "userId", "data", "expiresAt")
VALUES (gen_random_uuid(), NULL, '{}'::jsonb, NOW() + INTERVAL '30 days')
