-- Benchmark: the variant without Hatchet's late createdAt index (an install older than release 0.94.10).
DROP INDEX {{schema}}."ix_user_session_cre_at_exp_at"
