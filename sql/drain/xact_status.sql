-- After a lost connection: did the batches that committed without waiting for their WAL survive? ($1 their
-- transaction ids.) 'committed' once their commit record reached the disk before any crash; 'aborted' when
-- recovery replayed some of their WAL but not the commit; 'undone' for an id the server has not handed out yet
-- since it restarted (all of that transaction's WAL was lost; pg_xact_status would refuse it as "in the future").
SELECT x AS xid,
       CASE WHEN x::xid8 >= pg_snapshot_xmax(pg_current_snapshot()) THEN 'undone'
            ELSE pg_xact_status(x::xid8) END AS status
  FROM unnest($1::text[]) AS x
