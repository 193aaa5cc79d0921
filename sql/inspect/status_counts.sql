-- Exact counts by kind, one full scan, one snapshot, the server's NOW().
SELECT count(*) AS total,
       count(*) FILTER (WHERE "userId" IS NULL) AS anonymous,
       count(*) FILTER (WHERE "userId" IS NOT NULL) AS authenticated,
       count(*) FILTER (WHERE "expiresAt" < NOW()) AS expired,
       count(*) FILTER (WHERE {{rule}}) AS deletable,
       count(*) FILTER (WHERE "createdAt" >= NOW() - INTERVAL '1 hour') AS created_last_hour,
       count(*) FILTER (WHERE "createdAt" >= NOW() - INTERVAL '24 hours') AS created_last_24h,
       count(*) FILTER (WHERE "userId" IS NULL AND "createdAt" >= NOW() - INTERVAL '1 hour') AS anonymous_last_hour,
       NOW() AS as_of
  FROM {{table}}
