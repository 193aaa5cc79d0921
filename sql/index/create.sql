-- Hatchet's own index, exactly as its migration 20260707141853_v1_0_125 creates it. Cannot run in a transaction.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "ix_user_session_cre_at_exp_at" ON {{table}} ("createdAt") INCLUDE ("expiresAt")
