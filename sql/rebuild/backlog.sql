-- Changes captured and not replayed yet, and all captured so far.
SELECT count(*) FILTER (WHERE NOT applied)::bigint AS pending, count(*)::bigint AS captured FROM {{log}}
