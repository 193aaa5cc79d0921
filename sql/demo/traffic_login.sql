-- Demo traffic: a login sets userId and data on a recent anonymous session, by id (updatedAt untouched, as Hatchet does).
UPDATE {{table}}
   SET "userId" = (SELECT "id" FROM {{schema}}."User" ORDER BY random() LIMIT 1),
       "data" = '{"login": true}'::jsonb
 WHERE "id" = (SELECT "id" FROM {{table}} WHERE "userId" IS NULL AND "createdAt" > NOW() - INTERVAL '1 hour' LIMIT 1)
