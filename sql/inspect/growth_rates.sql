-- Creation rate now (the last 60 minutes) and 24 hours ago (the same hour a day earlier), by range on "createdAt".
SELECT count(*) FILTER (WHERE "createdAt" >= NOW() - INTERVAL '1 hour') AS last_hour,
       count(*) FILTER (WHERE "createdAt" >= NOW() - INTERVAL '1 hour' AND "userId" IS NULL) AS last_hour_anonymous,
       count(*) FILTER (WHERE "createdAt" < NOW() - INTERVAL '24 hours') AS day_ago_hour,
       NOW() AS as_of
  FROM {{table}}
 WHERE "createdAt" >= NOW() - INTERVAL '25 hours'
   AND ("createdAt" >= NOW() - INTERVAL '1 hour' OR "createdAt" < NOW() - INTERVAL '24 hours')
