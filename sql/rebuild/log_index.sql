-- Lock: none on "UserSession". Finds the changes not replayed yet, oldest first.
CREATE INDEX {{log_pending}} ON {{log}} (seq) WHERE NOT applied
