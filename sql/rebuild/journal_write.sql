-- One journal event ($1 rebuild id, $2 step, $3 status: start, done, failed, interrupted, finished, undone).
INSERT INTO {{journal}} (rebuild_id, step, status, detail) VALUES ($1, $2, $3, $4::jsonb)
