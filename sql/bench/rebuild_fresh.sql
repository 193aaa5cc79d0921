-- Benchmark only: a fresh table holding exactly the rows "UserSession" holds now, with its indexes (built after the
-- copy, as a rebuild builds them), so the rebuilt table's size can be compared with a fresh one of the same rows
-- (the live load adds sessions while the backup is dropped, so the reference's table holds fewer). Dropped after.
CREATE TABLE {{schema}}."UserSession_bench_fresh" AS SELECT * FROM {{table}};
CREATE UNIQUE INDEX "UserSession_bench_fresh_pkey" ON {{schema}}."UserSession_bench_fresh" ("id");
CREATE UNIQUE INDEX "UserSession_bench_fresh_id_key" ON {{schema}}."UserSession_bench_fresh" ("id");
CREATE INDEX "UserSession_bench_fresh_cre_at" ON {{schema}}."UserSession_bench_fresh" ("createdAt") INCLUDE ("expiresAt")
