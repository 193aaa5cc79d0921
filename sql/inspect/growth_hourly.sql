-- Sessions created per hour over the last 48 hours, anonymous and authenticated apart, empty hours included.
-- The range on "createdAt" is answered by Hatchet's index when it exists.
WITH buckets AS (
  SELECT generate_series(date_trunc('hour', NOW()::timestamp) - INTERVAL '47 hours',
                         date_trunc('hour', NOW()::timestamp), INTERVAL '1 hour') AS bucket
), created AS (
  SELECT date_trunc('hour', "createdAt") AS bucket,
         count(*) FILTER (WHERE "userId" IS NULL) AS anonymous,
         count(*) FILTER (WHERE "userId" IS NOT NULL) AS authenticated
    FROM {{table}}
   WHERE "createdAt" >= date_trunc('hour', NOW()::timestamp) - INTERVAL '47 hours'
   GROUP BY 1
)
SELECT b.bucket, COALESCE(c.anonymous, 0) AS anonymous, COALESCE(c.authenticated, 0) AS authenticated
  FROM buckets b LEFT JOIN created c USING (bucket)
 ORDER BY b.bucket
