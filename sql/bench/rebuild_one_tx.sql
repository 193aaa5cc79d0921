-- Benchmark reference: the naive rebuild, in ONE transaction, run after `BEGIN` and
-- `LOCK TABLE {{table}} IN ACCESS EXCLUSIVE MODE` (every login waits until COMMIT). Copies the rows Hatchet's rule
-- keeps into a new table, moves the old one aside (its indexes and constraints renamed so no name clashes), gives the
-- new one Hatchet's exact names. Hatchet's createdAt index is rebuilt by bench/rebuild_one_tx_index.sql when it existed.
CREATE TABLE {{schema}}."UserSession_bench_new" (LIKE {{table}} INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMMENTS);
INSERT INTO {{schema}}."UserSession_bench_new" SELECT * FROM {{table}} WHERE NOT {{rule}};
ALTER TABLE {{table}} RENAME TO "UserSession_bench_old";
ALTER INDEX {{schema}}."UserSession_pkey" RENAME TO "UserSession_bench_old_pkey";
ALTER INDEX {{schema}}."UserSession_id_key" RENAME TO "UserSession_bench_old_id_key";
ALTER INDEX IF EXISTS {{schema}}."ix_user_session_cre_at_exp_at" RENAME TO "ix_user_session_bench_old";
ALTER TABLE {{schema}}."UserSession_bench_old" RENAME CONSTRAINT "UserSession_userId_fkey" TO "UserSession_bench_old_userId_fkey";
ALTER TABLE {{schema}}."UserSession_bench_new" RENAME TO "UserSession";
ALTER TABLE {{table}} ADD CONSTRAINT "UserSession_pkey" PRIMARY KEY ("id");
CREATE UNIQUE INDEX "UserSession_id_key" ON {{table}} ("id");
ALTER TABLE {{table}} ADD CONSTRAINT "UserSession_userId_fkey"
    FOREIGN KEY ("userId") REFERENCES {{schema}}."User"("id") ON DELETE CASCADE ON UPDATE CASCADE
