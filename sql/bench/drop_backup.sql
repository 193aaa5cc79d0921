-- Benchmark reference: drop the one-transaction rebuild's old table at once (its FK makes this lock "User").
DROP TABLE {{schema}}."UserSession_bench_old"
