-- Every event of the latest rebuild, oldest first.
SELECT seq, rebuild_id, step, status, detail, pid, at
  FROM {{journal}}
 WHERE rebuild_id = (SELECT rebuild_id FROM {{journal}} ORDER BY seq DESC LIMIT 1)
 ORDER BY seq
