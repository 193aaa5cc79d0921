-- Benchmark reference, inside the one-transaction rebuild: Hatchet's createdAt index on the new table.
CREATE INDEX "ix_user_session_cre_at_exp_at" ON {{table}} ("createdAt") INCLUDE ("expiresAt")
