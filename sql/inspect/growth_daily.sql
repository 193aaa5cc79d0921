-- Sessions created per day over the last 30 days, anonymous and authenticated apart, empty days included.
WITH buckets AS (
  SELECT generate_series(date_trunc('day', NOW()::timestamp) - INTERVAL '29 days',
                         date_trunc('day', NOW()::timestamp), INTERVAL '1 day') AS bucket
), created AS (
  SELECT date_trunc('day', "createdAt") AS bucket,
         count(*) FILTER (WHERE "userId" IS NULL) AS anonymous,
         count(*) FILTER (WHERE "userId" IS NOT NULL) AS authenticated
    FROM {{table}}
   WHERE "createdAt" >= date_trunc('day', NOW()::timestamp) - INTERVAL '29 days'
   GROUP BY 1
)
SELECT b.bucket, COALESCE(c.anonymous, 0) AS anonymous, COALESCE(c.authenticated, 0) AS authenticated
  FROM buckets b LEFT JOIN created c USING (bucket)
 ORDER BY b.bucket
