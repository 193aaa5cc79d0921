-- After each batch, the range the batch before it deleted ($1 = '(b,0)', $2 = '(b+n,0)') is read once more.
-- Reading a page whose deleted rows are dead to every transaction prunes it (heap_page_prune_opt): done now,
-- the page is still in shared_buffers and already dirty from the DELETE, so pruning costs no new full-page
-- image and no second write. Left to the final count, ANALYZE or autovacuum, the whole table is dirtied and
-- written again in one burst right after the drain, and the live API's commits wait behind it.
SELECT count(*) AS n FROM {{table}} WHERE ctid >= $1::tid AND ctid < $2::tid
