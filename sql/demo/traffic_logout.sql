-- Demo traffic: a logout deletes one authenticated session by id.
DELETE FROM {{table}}
 WHERE "id" = (SELECT "id" FROM {{table}} WHERE "userId" IS NOT NULL AND "createdAt" > NOW() - INTERVAL '1 hour' LIMIT 1)
