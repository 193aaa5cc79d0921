-- Remove the INVALID leftover of an interrupted build of Hatchet's index. Cannot run in a transaction.
DROP INDEX CONCURRENTLY IF EXISTS {{schema}}."ix_user_session_cre_at_exp_at"
