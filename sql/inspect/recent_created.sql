-- Sessions created in the last hour: a range on "createdAt" that Hatchet's index answers cheaply.
SELECT count(*) AS created_last_hour, NOW() AS as_of
  FROM {{table}}
 WHERE "createdAt" >= NOW() - INTERVAL '1 hour'
